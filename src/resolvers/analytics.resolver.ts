import { Args, ArgsType, Ctx, Field, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { serviceContext, type GraphQLContext } from '../context';
import { User } from '../entities/user.entity';
import * as analytics from '../services/analytics.service';
import {
  Attribution, Forecast, RepPerformance, RepPerformanceReport, SalesFunnel, WinRateGroup, WinRateGroupBy, WinRateReport,
} from '../schema/analytics.types';
import { DateTimeScalar } from '../schema/scalars';
import type { Row } from './row';

/** The `in` argument of the reports on closed deals (winRate, repPerformance): every deal converted at its closing day's rate. */
const IN_AT_CLOSING_DAY = 'A reporting currency (ISO 4217): deals in every currency count, each amount converted into it at the rate of its closing day (UTC; see `AppliedRate`; '
  + 'each deal rounded to the cent, then summed), with `rates` listing the rates applied. A currency without a rate fails the report (BAD_USER_INPUT, '
  + 'field `in`, naming the pair and date). `currency` is ignored. Null: only `currency`.';

@ArgsType()
class PeriodArgs {
  @Field(() => DateTimeScalar, { description: 'Start of the period (inclusive), e.g. "2026-01-01T00:00:00Z".' }) from!: Date;
  @Field(() => DateTimeScalar, { description: 'End of the period (exclusive); must be after `from`.' }) to!: Date;
}

@ArgsType()
class SalesFunnelArgs extends PeriodArgs {
  @Field(() => [ID], { nullable: true, description: 'Only opportunities owned by these users (at most 100; those outside your scope count nothing). Null: every owner in your scope.' })
  ownerIds?: string[] | null;

  @Field(() => String, { defaultValue: 'EUR', description: 'ISO 4217 currency: only opportunities in this currency are counted. Ignored with `in`.' })
  currency!: string;

  @Field(() => String, {
    nullable: true,
    description: 'A reporting currency (ISO 4217): deals in every currency count, each amount converted into it at the rate of its creation day (UTC; see `AppliedRate`; '
      + 'each deal rounded to the cent, then summed), with `rates` listing the rates applied. A currency without a rate fails the report (BAD_USER_INPUT, '
      + 'field `in`, naming the pair and date). `currency` is ignored. Null: only `currency`.',
  })
  in?: string | null;
}

@ArgsType()
class WinRateArgs extends PeriodArgs {
  @Field(() => WinRateGroupBy, { description: 'How to group the closed deals.' }) groupBy!: WinRateGroupBy;

  @Field(() => [ID], { nullable: true, description: 'Only deals owned (at close or now, by `attribution`) by these users (at most 100). Null: every owner in your scope.' })
  ownerIds?: string[] | null;

  @Field(() => Attribution, { defaultValue: Attribution.AT_CLOSE, description: 'Owner, sector and tier as recorded at close (default) or as they are now.' })
  attribution!: Attribution;

  @Field(() => String, {
    defaultValue: 'EUR',
    description: 'ISO 4217 currency of wonAmount and lostAmount: only deals in it add to them (counts take every currency). Ignored with `in`.',
  })
  currency!: string;

  @Field(() => String, {
    nullable: true,
    description: IN_AT_CLOSING_DAY,
  })
  in?: string | null;
}

@ArgsType()
class ForecastArgs {
  @Field(() => Int, { description: `How many calendar months, from the start month on (1–${analytics.MAX_FORECAST_MONTHS}).` }) months!: number;

  @Field(() => String, { nullable: true, description: 'First month, "YYYY-MM" (years 1900–9999); null: the current month (UTC).' })
  startMonth?: string | null;

  @Field(() => String, { defaultValue: 'EUR', description: 'ISO 4217 currency: only opportunities in this currency are counted. Ignored with `in`.' })
  currency!: string;

  @Field(() => [ID], { nullable: true, description: 'Only opportunities owned by these users (at most 100). Null: every owner in your scope.' })
  ownerIds?: string[] | null;

  @Field(() => String, {
    nullable: true,
    description: 'A reporting currency (ISO 4217): deals in every currency count, each amount converted into it at the rate of today (UTC, as they are open; see `AppliedRate`; '
      + 'each deal rounded to the cent, then summed), with `rates` listing the rates applied. A currency without a rate fails the report (BAD_USER_INPUT, '
      + 'field `in`, naming the pair and date). `currency` is ignored. Null: only `currency`.',
  })
  in?: string | null;
}

@ArgsType()
class RepPerformanceArgs extends PeriodArgs {
  @Field(() => String, { defaultValue: 'EUR', description: 'ISO 4217 currency of `wonAmount`: only won deals in this currency add to it. Ignored with `in`.' })
  currency!: string;

  @Field(() => String, {
    nullable: true,
    description: IN_AT_CLOSING_DAY,
  })
  in?: string | null;

  @Field(() => Attribution, { defaultValue: Attribution.AT_CLOSE, description: 'Credit won deals to their owner at close (default) or to their owner now.' })
  attribution!: Attribution;
}

const SCOPE = 'A SALES_REP sees their own numbers, a SALES_MANAGER their team\'s (themselves and everyone below), ADMIN, FINANCE and ANALYST everyone\'s.';

/** Sales analytics: aggregates only, computed in SQL (services/analytics.service.ts). */
@Resolver()
export class AnalyticsResolver {
  @Query(() => SalesFunnel, { description: `The sales funnel of the opportunities created in [from, to): per stage count, amount, how many reached it and the conversion to the next stage. ${SCOPE}` })
  salesFunnel(@Args() args: SalesFunnelArgs, @Ctx() ctx: GraphQLContext) {
    return analytics.salesFunnel(serviceContext(ctx), args);
  }

  @Query(() => WinRateReport, { description: `Win rate by count (won / (won + lost)) and by value (in the currency argument, or every currency converted into the in argument) and average sales cycle of the deals closed in [from, to), by owner, sector or tier at close (or now: attribution argument). ${SCOPE}` })
  winRate(@Args() args: WinRateArgs, @Ctx() ctx: GraphQLContext) {
    return analytics.winRate(serviceContext(ctx), args);
  }

  @Query(() => Forecast, { description: `Open opportunities by expected close month: amount and weighted amount (amount × probability / 100). ${SCOPE}` })
  forecast(@Args() args: ForecastArgs, @Ctx() ctx: GraphQLContext) {
    return analytics.forecast(serviceContext(ctx), args);
  }

  @Query(() => RepPerformanceReport, { description: `Per sales user in [from, to): new customers and opportunities, won deals (credited at close by default), activities, tasks done and overdue, days to first win; plus an "other" line for everyone else in your scope and a total. ${SCOPE}` })
  repPerformance(@Args() args: RepPerformanceArgs, @Ctx() ctx: GraphQLContext) {
    return analytics.repPerformance(serviceContext(ctx), args);
  }
}

/** The owner behind a win-rate group (name and e-mail follow the User field rules: hidden from ANALYST). */
@Resolver(() => WinRateGroup)
export class WinRateGroupResolver {
  @FieldResolver(() => User, { nullable: true, description: 'The owner when grouped by OWNER; null otherwise.' })
  user(@Root() group: Row<WinRateGroup> & { ownerId: string | null }, @Ctx() ctx: GraphQLContext) {
    return group.ownerId ? ctx.loaders.user.load(group.ownerId) : null;
  }
}

/** The sales user behind a performance line. */
@Resolver(() => RepPerformance)
export class RepPerformanceResolver {
  @FieldResolver(() => User, { nullable: true, description: 'The sales user (name and e-mail follow the User field rules: hidden from ANALYST).' })
  user(@Root() rep: Row<RepPerformance>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.user.load(rep.userId);
  }
}
