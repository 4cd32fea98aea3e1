import { contactPermissions } from '../auth/contact.permissions';
import { customerPermissions } from '../auth/customer.permissions';
import { customerMergePermissions } from '../auth/customer-merge.permissions';
import { Contact } from '../entities/contact.entity';
import { Customer } from '../entities/customer.entity';
import { CustomerExternalRef } from '../entities/external-ref.entity';
import { createCustomerLoaders } from '../loaders/customer.loaders';
import { ContactResolver } from '../resolvers/contact.resolver';
import { CustomerResolver } from '../resolvers/customer.resolver';
import { CustomerMergeResolver, DuplicateCandidateResolver } from '../resolvers/customer-merge.resolver';
import { CustomerTimelineResolver } from '../resolvers/activity.resolver';
import { TRUE } from '../services/sql';
import { Migration20261231000100CustomerMerge } from '../../migrations/Migration20261231000100CustomerMerge';
import type { Domain } from './domain';

/** Customers (people and organisations, partners included), their contacts and external references. */
export const customersDomain: Domain = {
  name: 'customers',
  entities: [Customer, Contact, CustomerExternalRef],
  // Their tables came with the platform's first migration; merging duplicates (issue 15) added `merged_into`.
  migrations: [{ name: 'Migration20261231000100CustomerMerge', class: Migration20261231000100CustomerMerge }],
  resolvers: [CustomerResolver, ContactResolver, CustomerTimelineResolver, CustomerMergeResolver, DuplicateCandidateResolver],
  permissions: [customerPermissions, contactPermissions, customerMergePermissions],
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
