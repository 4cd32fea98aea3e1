import { Args, ArgsType, Ctx, Field, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { serviceContext, type GraphQLContext } from '../context';
import { Customer } from '../entities/customer.entity';
import { CashReceivedRow, CustomerAgingRow, DsoRow } from '../schema/finance-reports.types';
import { LocalDateScalar } from '../schema/scalars';
import * as reports from '../services/finance-reports.service';
import type { Row } from './row';

const IN = 'A reporting currency (ISO 4217): every amount is converted into it (see `AppliedRate`: the rate of the line\'s date, each line rounded to '
  + 'the cent, then summed) and `rates` lists the rates applied. A currency without a rate fails the report (BAD_USER_INPUT, field `in`, naming the pair and '
  + 'date). Null: amounts per currency, never added.';
const CURRENCY = 'ISO 4217 currency: only money in this currency. Null: every currency.';
const SCOPE = 'FINANCE and ADMIN see every customer, also customers deleted since (their money still counts); a SALES_MANAGER the live customers of their team; '
  + 'a SALES_REP their own live customers (a customer deleted since drops out of their figures). Other roles: FORBIDDEN.';

@ArgsType()
class DsoArgs {
  @Field(() => LocalDateScalar, { description: 'A day of the first month (the report starts on the first of its month).' }) from!: string;
  @Field(() => LocalDateScalar, { description: `A day of the last month, included (at most ${reports.MAX_DSO_MONTHS} months from the month of \`from\`).` }) to!: string;
  @Field(() => String, { nullable: true, description: `${IN} AR at the end of a month converts at the rate of the month's last day, a credit sale at the rate of its issue date.` })
  in?: string | null;

  @Field(() => String, { nullable: true, description: CURRENCY }) currency?: string | null;
}

@ArgsType()
class CashReceivedArgs {
  @Field(() => LocalDateScalar, { description: 'The first day (included).' }) from!: string;
  @Field(() => LocalDateScalar, { description: `The last day (included; at most ${reports.MAX_CASH_DAYS.DAY} days by DAY, ${reports.MAX_CASH_DAYS.MONTH} by WEEK or MONTH).` }) to!: string;
  @Field(() => reports.CashPeriod, { description: 'Sum per DAY, WEEK (ISO, Monday to Sunday) or MONTH.' }) groupBy!: reports.CashPeriod;
  @Field(() => String, { nullable: true, description: `${IN} A payment converts at the rate of its received date.` }) in?: string | null;
  @Field(() => String, { nullable: true, description: CURRENCY }) currency?: string | null;
}

@ArgsType()
class CustomerAgingArgs {
  @Field(() => LocalDateScalar, {
    nullable: true,
    description: 'The date to age at: receivables issued on or before it, outstanding as of that day (payments received later are not deducted). Null: today (UTC).',
  })
  asOf?: string | null;

  @Field(() => String, { nullable: true, description: `${IN} Every receivable converts at the rate of \`asOf\`.` }) in?: string | null;
  @Field(() => String, { nullable: true, description: CURRENCY }) currency?: string | null;
  @Field(() => ID, { nullable: true, description: 'Only the customers this user owns now (`usr_…`). Null: every owner in your scope.' }) ownerId?: string | null;

  @Field(() => Int, { defaultValue: reports.CUSTOMER_AGING_DEFAULT_LIMIT, description: `At most this many rows (1–${reports.CUSTOMER_AGING_MAX_LIMIT}), largest total first.` })
  limit!: number;
}

/** Finance reports of issue 14: DSO, cash received, aging per customer (services/finance-reports.service.ts). */
@Resolver()
export class FinanceReportsResolver {
  @Query(() => [DsoRow], {
    description: 'Days sales outstanding by calendar month (period-end method): DSO(M) = AR at the end of M ÷ credit sales (receivables issued) in M × days '
      + `in M, rounded to 1 decimal, null when the credit sales are 0. One row per month and currency (per month with \`in\` or \`currency\`), months in order. ${SCOPE}`,
  })
  daysSalesOutstanding(@Args() args: DsoArgs, @Ctx() ctx: GraphQLContext) {
    return reports.daysSalesOutstanding(serviceContext(ctx), args);
  }

  @Query(() => [CashReceivedRow], {
    description: 'Cash received: the sum and count of the payments received (by `receivedOn`) per DAY, WEEK or MONTH from `from` to `to`; every period '
      + `listed (zeros when nothing came in), per currency that has a payment in the range (one row per period with \`in\` or \`currency\`). ${SCOPE}`,
  })
  cashReceived(@Args() args: CashReceivedArgs, @Ctx() ctx: GraphQLContext) {
    return reports.cashReceived(serviceContext(ctx), args);
  }

  @Query(() => [CustomerAgingRow], {
    description: 'The aging of `agingReport` per customer: one row per customer and currency (per customer with `in`) with money outstanding as of `asOf`, '
      + `largest total first (then customer id, currency). ${SCOPE}`,
  })
  customerAging(@Args() args: CustomerAgingArgs, @Ctx() ctx: GraphQLContext) {
    return reports.customerAging(serviceContext(ctx), args);
  }
}

/** The customer behind a per-customer aging row, batched through the request's loaders. */
@Resolver(() => CustomerAgingRow)
export class CustomerAgingRowResolver {
  @FieldResolver(() => Customer, { nullable: true, description: 'The customer of this row (null when you may not see it).' })
  customer(@Root() row: Row<CustomerAgingRow>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.customer.load(row.customerId);
  }
}

export const financeReportsResolvers = [FinanceReportsResolver, CustomerAgingRowResolver];
