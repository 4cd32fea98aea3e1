import type { Row } from './row';
import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { serviceContext, type GraphQLContext } from '../context';
import { Customer } from '../entities/customer.entity';
import { refId } from '../entities/ids';
import { Payment } from '../entities/payment.entity';
import { Receivable } from '../entities/receivable.entity';
import { AccountStatement, StatementLine } from '../schema/statement.types';
import { LocalDateScalar } from '../schema/scalars';
import * as statements from '../services/statement.service';

const PERIOD = 'Both days are included; at most 366 days (BAD_USER_INPUT on `to` otherwise).';

/** Account statements: `myStatement` for partners, `accountStatement` for finance and sales. */
@Resolver(() => AccountStatement)
export class StatementResolver {
  @Query(() => [AccountStatement], {
    description: 'The statement of your own partner account (PARTNER users and PARTNER API keys only; everyone else FORBIDDEN): one per currency the account has a '
      + 'balance or movements in during the period (by currency code), or just the one asked for. Covers the orders billed to you, your receivables and your payments.',
  })
  myStatement(
    @Arg('from', () => LocalDateScalar, { description: `First day of the period. ${PERIOD}` }) from: string,
    @Arg('to', () => LocalDateScalar, { description: `Last day of the period. ${PERIOD}` }) to: string,
    @Arg('currency', () => String, { nullable: true, description: 'Only this ISO 4217 currency (a statement with zero amounts when nothing happened in it); all when omitted.' }) currency: string | null,
    @Ctx() ctx: GraphQLContext,
  ) {
    return statements.myStatement(serviceContext(ctx), { from, to, currency });
  }

  @Query(() => [AccountStatement], {
    description: 'The statement of any customer account you may see the money of: FINANCE and ADMIN all, SALES_MANAGER their team\'s customers, SALES_REP their own '
      + '(PARTNER: FORBIDDEN, use myStatement). NOT_FOUND when the customer does not exist or is not yours. A customer deleted earlier still has its statement for FINANCE and ADMIN (its money is AR). One per currency, as myStatement.',
  })
  accountStatement(
    @Arg('customerId', () => ID, { description: 'The customer whose account it is.' }) customerId: string,
    @Arg('from', () => LocalDateScalar, { description: `First day of the period. ${PERIOD}` }) from: string,
    @Arg('to', () => LocalDateScalar, { description: `Last day of the period. ${PERIOD}` }) to: string,
    @Arg('currency', () => String, { nullable: true, description: 'Only this ISO 4217 currency (a statement with zero amounts when nothing happened in it); all when omitted.' }) currency: string | null,
    @Ctx() ctx: GraphQLContext,
  ) {
    return statements.accountStatement(serviceContext(ctx), customerId, { from, to, currency });
  }

  @FieldResolver(() => Customer, { nullable: true, description: 'The account\'s customer record; null when it is not visible to you.' })
  account(@Root() statement: Row<AccountStatement>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.customer.load(statement.accountId);
  }
}

@Resolver(() => StatementLine)
export class StatementLineResolver {
  @FieldResolver(() => Receivable, { nullable: true, description: 'The receivable of a RECEIVABLE line; null on a payment line.' })
  receivable(@Root() line: Row<StatementLine>, @Ctx() ctx: GraphQLContext) {
    return line.receivableId ? ctx.loaders.receivableById.load(line.receivableId) : null;
  }

  @FieldResolver(() => Payment, { nullable: true, description: 'The payment of a PAYMENT line; null on a receivable line.' })
  payment(@Root() line: Row<StatementLine>, @Ctx() ctx: GraphQLContext) {
    return line.paymentId ? ctx.loaders.paymentById.load(line.paymentId) : null;
  }
}

/** The partner side of a customer. */
@Resolver(() => Customer)
export class CustomerPartnerResolver {
  @FieldResolver(() => Customer, {
    nullable: true,
    description: 'The partner (dealer/reseller) that resells to this customer; null when it is served directly or the partner is not visible to you. '
      + 'Not for INTEGRATION keys (null + FORBIDDEN).',
  })
  resoldBy(@Root() customer: Row<Customer>, @Ctx() ctx: GraphQLContext) {
    const id = refId(customer.resoldBy);
    return id ? ctx.loaders.customer.load(id) : null;
  }

  @FieldResolver(() => ID, {
    nullable: true,
    description: 'Id of the partner that resells to this customer (also when you may not read the partner\'s record); null when served directly. '
      + 'Staff only: PARTNER callers and API keys get null + FORBIDDEN (partners read `resoldBy`).',
  })
  resoldById(@Root() customer: Row<Customer>) {
    return refId(customer.resoldBy);
  }
}

export const partnerResolvers = [StatementResolver, StatementLineResolver, CustomerPartnerResolver];
