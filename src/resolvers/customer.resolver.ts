import type { Row } from './row';
import type { GraphQLResolveInfo } from 'graphql';
import { Args, ArgsType, Ctx, Field, FieldResolver, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { serviceContext, type GraphQLContext } from '../context';
import { Customer } from '../entities/customer.entity';
import { CustomerExternalRef } from '../entities/external-ref.entity';
import { refId } from '../entities/ids';
import { User } from '../entities/user.entity';
import { CUSTOMER_ATTRIBUTES } from '../services/custom-attributes';
import * as customers from '../services/customer.service';
import { AuditEventConnection } from '../schema/audit.types';
import { ContactFilter, ContactOrderBy, ContactConnection } from '../schema/contact.inputs';
import {
  CreateCustomerInput, CustomAttributeDefinition, CustomerConnection, CustomerFilter, CustomerIdInput, CustomerOrderBy, CustomerPayload,
  ReassignCustomersInput, ReassignCustomersPayload, UpdateCustomerInput,
} from '../schema/customer.inputs';
import { embeddedReference, embedsOf, nestedPage, registerNested } from './embed';
import { EDGE_NODE, selectedFields } from './selection';
import { contactReads } from '../services/contact.service';
import { ConnectionArgs, IdArg, InputArg, NULL_WHEN_ABSENT, filterDescription, orderByDescription } from './args';

@ArgsType()
class CustomersArgs extends ConnectionArgs {
  @Field(() => CustomerFilter, { nullable: true, description: filterDescription('customers') }) filter?: CustomerFilter | null;
  @Field(() => [CustomerOrderBy], { nullable: true, description: orderByDescription('newest first') }) orderBy?: CustomerOrderBy[] | null;
  @Field(() => String, { nullable: true, description: 'Case-insensitive text matched against customer name, contact names, phones and e-mails (names only for roles that may not read contact details). 2–100 characters.' })
  search?: string | null;
}

@ArgsType()
class NestedContactsArgs extends ConnectionArgs {
  @Field(() => ContactFilter, { nullable: true, description: filterDescription('contacts') }) filter?: ContactFilter | null;
  @Field(() => [ContactOrderBy], { nullable: true, description: orderByDescription('by name') }) orderBy?: ContactOrderBy[] | null;
}

const nestedContactArgs = (args: NestedContactsArgs) =>
  ({ first: args.first, after: args.after, last: args.last, before: args.before, filter: args.filter, orderBy: args.orderBy });
registerNested('Customer', 'contacts', { model: contactReads, listArgs: nestedContactArgs });
// Owners are read without a record scope (see usersByIds), so they can come with the customer row.
registerNested('Customer', 'owner', { reference: 'owner', entity: 'User', table: 'app_user', alias: 'u' });

@Resolver(() => Customer)
export class CustomerResolver {
  @Query(() => CustomerConnection, { description: 'Customers visible to you: a rep their own, a manager their team\'s, a partner its own record, other staff all.' })
  customers(@Args() args: CustomersArgs, @Ctx() ctx: GraphQLContext, @Info() info: GraphQLResolveInfo) {
    return customers.listCustomers(serviceContext(ctx), { ...args, select: selectedFields(info, EDGE_NODE), embed: embedsOf(ctx, info, EDGE_NODE, 'Customer') });
  }

  @Query(() => Customer, { nullable: true, description: `One customer; ${NULL_WHEN_ABSENT}.` })
  customer(@IdArg('Customer', 'customer') id: string, @Ctx() ctx: GraphQLContext, @Info() info: GraphQLResolveInfo) {
    return customers.getCustomer(serviceContext(ctx), id, { embed: embedsOf(ctx, info, [], 'Customer'), select: selectedFields(info) });
  }

  @Query(() => [CustomAttributeDefinition], { description: 'The custom attributes customers may carry, with their types.' })
  customAttributeDefinitions() {
    return CUSTOMER_ATTRIBUTES;
  }

  @FieldResolver(() => User, { description: 'The user who owns (is responsible for) this customer.' })
  owner(@Root() customer: Row<Customer>, @Ctx() ctx: GraphQLContext, @Info() info: GraphQLResolveInfo) {
    return embeddedReference(customer, info) ?? ctx.loaders.user.load(refId(customer.owner)!);
  }

  @FieldResolver(() => Customer, { nullable: true, description: 'The customer who referred this one; null when none or not visible to you.' })
  referredBy(@Root() customer: Row<Customer>, @Ctx() ctx: GraphQLContext) {
    const id = refId(customer.referredBy);
    return id ? ctx.loaders.customer.load(id) : null;
  }

  @FieldResolver(() => [CustomerExternalRef], { description: 'Ids of this customer in other systems.' })
  externalRefs(@Root() customer: Row<Customer>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.externalRefs.load(customer.id);
  }

  @FieldResolver(() => ContactConnection, { description: 'The people at this customer (batched across customers: one query per page shape).' })
  contacts(@Root() customer: Row<Customer>, @Args() args: NestedContactsArgs, @Ctx() ctx: GraphQLContext, @Info() info: GraphQLResolveInfo) {
    return nestedPage(customer, info, { ...nestedContactArgs(args), select: selectedFields(info, EDGE_NODE) }, ctx.loaders.contactPage, ctx.loaders.contactEmbedded);
  }

  @FieldResolver(() => AuditEventConnection, { nullable: true, description: 'Audit log of this customer and its contacts, newest first. Values of fields you may not see are redacted. Not for PARTNER.' })
  history(@Root() customer: Row<Customer>, @Args() args: ConnectionArgs, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.historyPage({ first: args.first, after: args.after, last: args.last, before: args.before }).load(customer.id);
  }

  @Mutation(() => CustomerPayload, { description: 'Create a customer. Reps own what they create.' })
  createCustomer(@InputArg() input: CreateCustomerInput, @Ctx() ctx: GraphQLContext) {
    return customers.createCustomer(serviceContext(ctx), input);
  }

  @Mutation(() => CustomerPayload, { description: 'Change a customer. Stale `version`: CONFLICT. Every change is audited.' })
  updateCustomer(@InputArg() input: UpdateCustomerInput, @Ctx() ctx: GraphQLContext) {
    return customers.updateCustomer(serviceContext(ctx), input);
  }

  @Mutation(() => CustomerPayload, {
    description: 'Soft-delete a customer: it and its contacts disappear from every read until restored. Refused (BUSINESS_RULE on ["input","id"], naming the open '
      + 'amounts per currency) while it has receivables not settled or contract instalments scheduled for billing: settle or write them off, and terminate its '
      + 'contracts, first.',
  })
  deleteCustomer(@InputArg() input: CustomerIdInput, @Ctx() ctx: GraphQLContext) {
    return customers.deleteCustomer(serviceContext(ctx), input.id);
  }

  @Mutation(() => CustomerPayload, { description: 'Bring back a soft-deleted customer (ADMIN, or a manager for their team).' })
  restoreCustomer(@InputArg() input: CustomerIdInput, @Ctx() ctx: GraphQLContext) {
    return customers.restoreCustomer(serviceContext(ctx), input.id);
  }

  @Mutation(() => ReassignCustomersPayload, { description: 'Move every customer of one user to another in one transaction; each move is audited.' })
  reassignCustomers(@InputArg() input: ReassignCustomersInput, @Ctx() ctx: GraphQLContext) {
    return customers.reassignCustomers(serviceContext(ctx), input);
  }
}
