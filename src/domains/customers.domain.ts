import { contactPermissions } from '../auth/contact.permissions';
import { customerPermissions } from '../auth/customer.permissions';
import { Contact } from '../entities/contact.entity';
import { Customer } from '../entities/customer.entity';
import { CustomerExternalRef } from '../entities/external-ref.entity';
import { createCustomerLoaders } from '../loaders/customer.loaders';
import { ContactResolver } from '../resolvers/contact.resolver';
import { CustomerResolver } from '../resolvers/customer.resolver';
import { CustomerTimelineResolver } from '../resolvers/activity.resolver';
import { TRUE } from '../services/sql';
import type { Domain } from './domain';

/** Customers (people and organisations, partners included), their contacts and external references. */
export const customersDomain: Domain = {
  name: 'customers',
  entities: [Customer, Contact, CustomerExternalRef],
  migrations: [], // their tables came with the platform's first migration
  resolvers: [CustomerResolver, ContactResolver, CustomerTimelineResolver],
  permissions: [customerPermissions, contactPermissions],
  loaders: [createCustomerLoaders],
  nodes: {
    Customer: (ctx, ids) => ctx.loaders.customer.loadMany(ids),
    Contact: (ctx, ids) => ctx.loaders.contact.loadMany(ids),
  },
  // Entries of a visible customer and its contacts: the history is read through the customer, already scoped.
  audit: [{ types: ['Customer', 'Contact'], visible: () => TRUE }],
  uniqueFields: {
    customer_external_ref_system_ref_key: ['input', 'externalRefs'],
    contact_one_primary: ['input', 'primary'],
  },
};
