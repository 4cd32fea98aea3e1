import { Args, ArgsType, Ctx, Field, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { serviceContext, type GraphQLContext } from '../context';
import { Customer } from '../entities/customer.entity';
import { User } from '../entities/user.entity';
import { AgingRow, ReceivablesSummaryRow } from '../schema/finance-report.types';
import { LocalDateScalar } from '../schema/scalars';
import * as reports from '../services/finance-report.service';
import type { Row } from './row';

@ArgsType()
class ReceivablesSummaryArgs {
  @Field(() => reports.SummaryGroupBy, { description: 'One row per owner (OWNER) or per customer (CUSTOMER), and per currency.' })
  groupBy!: reports.SummaryGroupBy;

  @Field(() => String, { nullable: true, description: 'ISO 4217 currency: only receivables in this currency. Null: every currency (one row per currency).' })
  currency?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'A reporting currency (ISO 4217): every receivable\'s outstanding money is converted into it at today\'s (UTC) rate (see `AppliedRate`; '
      + 'each receivable rounded to the cent, then summed), one row per owner or customer in that currency, with `rates` listing the rates applied. '
      + 'A currency without a rate fails the report (BAD_USER_INPUT, field `in`, naming the pair and date). Null: amounts per currency, never added.',
  })
  in?: string | null;

  @Field(() => Int, { defaultValue: reports.SUMMARY_DEFAULT_LIMIT, description: `At most this many rows (1–${reports.SUMMARY_MAX_LIMIT}), largest outstanding first.` })
  limit!: number;
}

@ArgsType()
class AgingReportArgs {
  @Field(() => LocalDateScalar, {
    nullable: true,
    description: 'The date to age at: receivables issued on or before it, outstanding as of that day (payments received later are not deducted; '
      + 'a receivable written off on or before it is out, one written off later still counts). Null: today (UTC).',
  })
  asOf?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 4217 currency: only this currency (then exactly one row, zeros when nothing is outstanding). Null: one row per currency.' })
  currency?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'A reporting currency (ISO 4217): the outstanding money of every receivable is converted into it at the rate of the `asOf` date '
      + '(see `AppliedRate`; each receivable rounded to the cent, then summed): exactly one row in that currency (zeros when nothing is outstanding), '
      + 'with `rates` listing the rates applied. A currency without a rate fails the report (BAD_USER_INPUT, field `in`, naming the pair and date). '
      + 'Null: one row per currency, never added.',
  })
  in?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only the customers this user owns now (`usr_…`); customers outside your scope count nothing. Null: every owner in your scope.' })
  ownerId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only this customer (`cus_…`); a customer outside your scope counts nothing. Null: every customer in your scope.' })
  customerId?: string | null;
}

const SCOPE = 'FINANCE and ADMIN see every customer; a SALES_MANAGER the customers of their team; a SALES_REP their own customers. '
  + 'Receivables of customers deleted earlier still count for FINANCE and ADMIN (money owed is AR; a customer with open money cannot be deleted); '
  + 'managers and reps see live customers only. Other roles: FORBIDDEN.';

/** Finance reports: totals per owner or customer, and aging buckets (services/finance-report.service.ts). */
@Resolver()
export class FinanceReportResolver {
  @Query(() => [ReceivablesSummaryRow], {
    description: `Outstanding and overdue money of the open receivables per owner or per customer and currency, largest outstanding first. ${SCOPE}`,
  })
  receivablesSummary(@Args() args: ReceivablesSummaryArgs, @Ctx() ctx: GraphQLContext) {
    return reports.receivablesSummary(serviceContext(ctx), args);
  }

  @Query(() => [AgingRow], {
    description: `Aging buckets (current, 1–30, 31–60, 61–90, over 90 days past due) of the outstanding money, one row per currency. ${SCOPE}`,
  })
  agingReport(@Args() args: AgingReportArgs, @Ctx() ctx: GraphQLContext) {
    return reports.agingReport(serviceContext(ctx), args);
  }
}

/** The owner and customer behind a summary row, batched through the request's loaders. */
@Resolver(() => ReceivablesSummaryRow)
export class ReceivablesSummaryRowResolver {
  @FieldResolver(() => User, { nullable: true, description: 'The sales rep who owns the customer(s) of this row now.' })
  owner(@Root() row: Row<ReceivablesSummaryRow>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.user.load(row.ownerId);
  }

  @FieldResolver(() => Customer, { nullable: true, description: 'The customer when grouped by CUSTOMER; null when grouped by OWNER.' })
  customer(@Root() row: Row<ReceivablesSummaryRow>, @Ctx() ctx: GraphQLContext) {
    return row.customerId ? ctx.loaders.customer.load(row.customerId) : null;
  }
}

/** The resolvers of this file, registered through their domain's manifest (src/domains). */
export const financeReportResolvers = [FinanceReportResolver, ReceivablesSummaryRowResolver];
