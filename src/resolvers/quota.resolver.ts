import { Args, ArgsType, Ctx, Field, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { serviceContext, type GraphQLContext } from '../context';
import { AuditEvent } from '../entities/audit-event.entity';
import { User } from '../entities/user.entity';
import { SalesQuota } from '../entities/sales-quota.entity';
import { QuotaAttainmentReport, QuotaAttainmentRow, SalesQuotaPayload, SetQuotaInput } from '../schema/quota.types';
import * as quotas from '../services/quota.service';
import { InputArg } from './args';
import type { Row } from './row';

@ArgsType()
class MonthRangeArgs {
  @Field(() => String, { nullable: true, description: `First month, "YYYY-MM". Null: ${quotas.DEFAULT_QUOTA_MONTHS - 1} months before \`to\` (${quotas.DEFAULT_QUOTA_MONTHS} months in all).` })
  from?: string | null;

  @Field(() => String, { nullable: true, description: `Last month (included), "YYYY-MM"; at most ${quotas.MAX_QUOTA_MONTHS} months from \`from\`. Null: the current month (UTC).` })
  to?: string | null;
}

@ArgsType()
class QuotasArgs extends MonthRangeArgs {
  @Field(() => [ID], { nullable: true, description: 'Only these users (at most 100; those outside your scope have none). Null: every user in your scope.' })
  userIds?: string[] | null;
}

@ArgsType()
class QuotaAttainmentArgs extends MonthRangeArgs {
  @Field(() => String, { defaultValue: 'EUR', description: 'ISO 4217 currency: only quotas and won deals in it are counted. Ignored with `in`.' })
  currency!: string;

  @Field(() => String, {
    nullable: true,
    description: 'A reporting currency (ISO 4217): quotas and won deals in every currency count, a quota converted at the rate of its month\'s first day, '
      + 'a deal at the rate of its closing day (UTC; see `AppliedRate`; each rounded to the cent, then summed), with `rates` listing the rates applied. '
      + 'A currency without a rate fails the report (BAD_USER_INPUT, field `in`, naming the pair and date). Null: only `currency`.',
  })
  in?: string | null;
}

@ArgsType()
class QuotaHistoryArgs {
  @Field(() => ID, { description: 'The sales user (`usr_…`).' }) userId!: string;
  @Field({ description: 'The month, "YYYY-MM".' }) month!: string;
  @Field(() => Int, { defaultValue: 20, description: 'How many entries (1–100), newest first.' }) first!: number;
}

const SCOPE = 'A SALES_REP sees their own, a SALES_MANAGER their team\'s (themselves and everyone below), ADMIN, FINANCE and ANALYST everyone\'s.';

/** Sales quotas: set by managers, read with their attainment (services/quota.service.ts). */
@Resolver()
export class QuotaResolver {
  @Query(() => [SalesQuota], { description: `Quotas of the months [from, to], by month, then user id. ${SCOPE}` })
  quotas(@Args() args: QuotasArgs, @Ctx() ctx: GraphQLContext) {
    return quotas.listQuotas(serviceContext(ctx), args);
  }

  @Query(() => QuotaAttainmentReport, {
    description: `Quota attainment per sales user and month of [from, to] and per month in total: quota, won amount (deals WON in the month, credited to their owner), `
      + `attainment = won / quota. ${SCOPE}`,
  })
  quotaAttainment(@Args() args: QuotaAttainmentArgs, @Ctx() ctx: GraphQLContext) {
    return quotas.quotaAttainment(serviceContext(ctx), args);
  }

  @Query(() => [AuditEvent], {
    description: `Changes of one user's quota for one month, newest first: who set which amount and currency, and when (fields month, amount, currency). ${SCOPE}`,
  })
  quotaHistory(@Args() args: QuotaHistoryArgs, @Ctx() ctx: GraphQLContext) {
    return quotas.quotaHistory(serviceContext(ctx), args);
  }

  @Mutation(() => SalesQuotaPayload, {
    description: 'Set the quota of a sales user for a month (creates it, or replaces amount and currency): ADMIN for any active sales user, '
      + 'a SALES_MANAGER for the users below them. Audited.',
  })
  setQuota(@InputArg() input: SetQuotaInput, @Ctx() ctx: GraphQLContext) {
    return quotas.setQuota(serviceContext(ctx), input);
  }
}

/** The user behind a quota (name and e-mail follow the User field rules: hidden from ANALYST). */
@Resolver(() => SalesQuota)
export class SalesQuotaResolver {
  @FieldResolver(() => User, { nullable: true, description: 'The sales user.' })
  user(@Root() quota: Row<SalesQuota>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.user.load(quota.userId);
  }
}

/** The user behind an attainment line. */
@Resolver(() => QuotaAttainmentRow)
export class QuotaAttainmentRowResolver {
  @FieldResolver(() => User, { nullable: true, description: 'The sales user (name and e-mail follow the User field rules: hidden from ANALYST).' })
  user(@Root() row: Row<QuotaAttainmentRow>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.user.load(row.userId);
  }
}

/** The resolvers of this file, registered through the sales domain's manifest. */
export const quotaResolvers = [QuotaResolver, SalesQuotaResolver, QuotaAttainmentRowResolver];
