import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { serviceContext, type GraphQLContext } from '../context';
import { Contract } from '../entities/contract.entity';
import { Customer } from '../entities/customer.entity';
import { refId } from '../entities/ids';
import { Order } from '../entities/order.entity';
import { Payment, PaymentAllocation } from '../entities/payment.entity';
import { Receivable } from '../entities/receivable.entity';
import { User } from '../entities/user.entity';
import {
  PaymentConnection, PaymentFilter, PaymentOrderBy, PaymentPayload, ReceivableConnection, ReceivableFilter, ReceivableOrderBy, RecordPaymentInput,
} from '../schema/receivable.inputs';
import { DecimalScalar } from '../schema/scalars';
import * as payments from '../services/payment.service';
import * as receivables from '../services/receivable.service';
import { ConnectionArgs, IdArg, NULL_WHEN_ABSENT, filterDescription, orderByDescription } from './args';
import type { Row } from './row';

@ArgsType()
class ReceivablesArgs extends ConnectionArgs {
  @Field(() => ReceivableFilter, { nullable: true, description: filterDescription('receivables', ', e.g. `{ open: true }` for what is still owed') }) filter?: ReceivableFilter | null;
  @Field(() => [ReceivableOrderBy], { nullable: true, description: orderByDescription('by due date, oldest first') }) orderBy?: ReceivableOrderBy[] | null;
}

@ArgsType()
class PaymentsArgs extends ConnectionArgs {
  @Field(() => PaymentFilter, { nullable: true, description: filterDescription('payments') }) filter?: PaymentFilter | null;
  @Field(() => [PaymentOrderBy], { nullable: true, description: orderByDescription('the most recently received first') }) orderBy?: PaymentOrderBy[] | null;
}

const receivableArgs = (args: ReceivablesArgs): receivables.ReceivableListArgs => ({
  first: args.first, after: args.after, last: args.last, before: args.before,
  filter: args.filter ?? null, orderBy: args.orderBy ?? null,
});

const paymentArgs = (args: PaymentsArgs): payments.PaymentListArgs => ({
  first: args.first, after: args.after, last: args.last, before: args.before,
  filter: args.filter ?? null, orderBy: args.orderBy ?? null,
});

const WHO_READS = 'ADMIN and FINANCE see all; SALES_MANAGER and SALES_REP those of the customers in their scope; a PARTNER those of its own account '
  + '(not of the customers it resells to). SERVICE_AGENT, MARKETING, ANALYST and integration keys: FORBIDDEN.';

/** Receivables: lists, one by id, and their relations. */
@Resolver(() => Receivable)
export class ReceivableResolver {
  @Query(() => ReceivableConnection, { description: `Receivables visible to you, by due date (oldest first) unless ordered otherwise. ${WHO_READS}` })
  receivables(@Args() args: ReceivablesArgs, @Ctx() ctx: GraphQLContext) {
    return receivables.listReceivables(serviceContext(ctx), receivableArgs(args));
  }

  @Query(() => Receivable, { nullable: true, description: `One receivable; ${NULL_WHEN_ABSENT}.` })
  receivable(@IdArg('Receivable', 'receivable') id: string, @Ctx() ctx: GraphQLContext) {
    return receivables.getReceivable(serviceContext(ctx), id);
  }

  @FieldResolver(() => ID, { description: 'Id of the customer who owes it (also when the customer record itself is not visible to you).' })
  customerId(@Root() r: Row<Receivable>) {
    return refId(r.customer);
  }

  @FieldResolver(() => Customer, { nullable: true, description: 'The customer who owes it; null when the customer record is not visible to you.' })
  customer(@Root() r: Row<Receivable>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.customer.load(refId(r.customer)!);
  }

  @FieldResolver(() => ID, { nullable: true, description: 'Id of the contract whose instalment it bills; null for an order.' })
  contractId(@Root() r: Row<Receivable>) {
    return refId(r.contract);
  }

  @FieldResolver(() => Contract, { nullable: true, description: 'The contract whose instalment it bills; null for an order, or when the contract is not visible to you.' })
  contract(@Root() r: Row<Receivable>, @Ctx() ctx: GraphQLContext) {
    const id = refId(r.contract);
    return id ? ctx.loaders.contractById.load(id) : null;
  }

  @FieldResolver(() => ID, { nullable: true, description: 'Id of the order it bills (an ON_ACCOUNT order, billed when FULFILLED); null for a contract instalment.' })
  orderId(@Root() r: Row<Receivable>) {
    return refId(r.order);
  }

  @FieldResolver(() => Order, { nullable: true, description: 'The order it bills; null for a contract instalment, or when the order is not visible to you.' })
  order(@Root() r: Row<Receivable>, @Ctx() ctx: GraphQLContext) {
    const id = refId(r.order);
    return id ? ctx.loaders.orderById.load(id) : null;
  }

  @FieldResolver(() => DecimalScalar, { description: 'Still owed: `amount` − `paidAmount` − `writtenOffAmount` (decimal string, in `currency`); "0.00" once SETTLED or WRITTEN_OFF.' })
  outstanding(@Root() r: Row<Receivable>) {
    return receivables.outstandingOf(r);
  }

  @FieldResolver(() => [PaymentAllocation], { description: 'The payments applied to it, in the order the money came in (received on, then recorded at); empty while unpaid.' })
  allocations(@Root() r: Row<Receivable>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.receivableAllocations.load(r.id);
  }
}

/** Payments: lists, one by id, recording, and their relations. */
@Resolver(() => Payment)
export class PaymentResolver {
  @Query(() => PaymentConnection, { description: `Payments visible to you, the most recently received first unless ordered otherwise. ${WHO_READS}` })
  payments(@Args() args: PaymentsArgs, @Ctx() ctx: GraphQLContext) {
    return payments.listPayments(serviceContext(ctx), paymentArgs(args));
  }

  @Query(() => Payment, { nullable: true, description: `One payment; ${NULL_WHEN_ABSENT}.` })
  payment(@IdArg('Payment', 'payment') id: string, @Ctx() ctx: GraphQLContext) {
    return payments.getPayment(serviceContext(ctx), id);
  }

  @Mutation(() => PaymentPayload, {
    description: 'Record money received from a customer (FINANCE and ADMIN) and apply it to the customer\'s open receivables in the same currency: '
      + 'as given in `allocations`, or oldest first when omitted. The payment is always fully applied; more than the customer owes in that currency '
      + 'is refused (BUSINESS_RULE on input.amount, "overpayment"). Receivables paid in full become SETTLED. One transaction: on any error nothing is written.',
  })
  recordPayment(@Arg('input', () => RecordPaymentInput, { description: 'The payment and, optionally, how to allocate it.' }) input: RecordPaymentInput, @Ctx() ctx: GraphQLContext) {
    return payments.recordPayment(serviceContext(ctx), input);
  }

  @FieldResolver(() => ID, { description: 'Id of the customer who paid.' })
  customerId(@Root() p: Row<Payment>) {
    return refId(p.customer);
  }

  @FieldResolver(() => Customer, { nullable: true, description: 'The customer who paid; null when the customer record is not visible to you.' })
  customer(@Root() p: Row<Payment>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.customer.load(refId(p.customer)!);
  }

  @FieldResolver(() => User, { nullable: true, description: 'The user who recorded it; null when it was recorded by a system.' })
  recordedBy(@Root() p: Row<Payment>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.user.load(p.recordedBy);
  }

  @FieldResolver(() => [PaymentAllocation], { description: 'Where the money went: one entry per receivable paid, in the order they were applied; the amounts add up to `amount`.' })
  allocations(@Root() p: Row<Payment>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.paymentAllocations.load(p.id);
  }
}

/** The link between a payment and a receivable. */
@Resolver(() => PaymentAllocation)
export class PaymentAllocationResolver {
  @FieldResolver(() => ID, { description: 'Id of the payment.' })
  paymentId(@Root() a: Row<PaymentAllocation>) {
    return refId(a.payment);
  }

  @FieldResolver(() => Payment, { nullable: true, description: 'The payment; null when it is not visible to you.' })
  payment(@Root() a: Row<PaymentAllocation>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.paymentById.load(refId(a.payment)!);
  }

  @FieldResolver(() => ID, { description: 'Id of the receivable paid.' })
  receivableId(@Root() a: Row<PaymentAllocation>) {
    return refId(a.receivable);
  }

  @FieldResolver(() => Receivable, { nullable: true, description: 'The receivable paid; null when it is not visible to you.' })
  receivable(@Root() a: Row<PaymentAllocation>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.receivableById.load(refId(a.receivable)!);
  }
}

/** Receivables and payments under a customer. */
@Resolver(() => Customer)
export class CustomerReceivablesResolver {
  @FieldResolver(() => ReceivableConnection, {
    nullable: true,
    description: `Receivables of this customer visible to you, by due date (oldest first) unless ordered otherwise (batched across customers). ${WHO_READS} `
      + 'For those: null with a FORBIDDEN error.',
  })
  receivables(@Root() customer: Row<Customer>, @Args() args: ReceivablesArgs, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.receivablePage(receivableArgs(args)).load(customer.id);
  }

  @FieldResolver(() => PaymentConnection, {
    nullable: true,
    description: `Payments of this customer visible to you, the most recently received first unless ordered otherwise (batched across customers). ${WHO_READS} `
      + 'For those: null with a FORBIDDEN error.',
  })
  payments(@Root() customer: Row<Customer>, @Args() args: PaymentsArgs, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.paymentPage(paymentArgs(args)).load(customer.id);
  }
}

/** The resolvers of this file, registered through their domain's manifest (src/domains). */
export const receivableResolvers = [ReceivableResolver, PaymentResolver, PaymentAllocationResolver, CustomerReceivablesResolver];
