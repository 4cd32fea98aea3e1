import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { OpportunityStage, Sector, Tier } from '../entities/enums';
import { AppliedRate } from './exchange-rate.types';
import { DateTimeScalar, DecimalScalar } from './scalars';

/**
 * Result types of the sales analytics queries. Every figure is computed in SQL over the records in
 * the caller's analytics scope (see `analyticsScope` in services/analytics.service.ts); the
 * descriptions say what each number means, its unit and what null stands for.
 */

/** The `rates` field of every money line of these reports. */
export const DEAL_RATES = 'With `in`: the exchange rates applied to the money of this line (one per source currency and rate day, distinct, in a fixed order; '
  + 'see `AppliedRate`). Without `in`: empty.';

export enum WinRateGroupBy { OWNER = 'OWNER', SECTOR = 'SECTOR', TIER = 'TIER' }

registerEnumType(WinRateGroupBy, {
  name: 'WinRateGroupBy',
  description: 'How `winRate` groups closed deals.',
  valuesConfig: {
    OWNER: { description: 'By the deal\'s owner at close or now, by `attribution` (the group key is the user id).' },
    SECTOR: { description: 'By the customer\'s sector (at close or now, by `attribution`).' },
    TIER: { description: 'By the customer\'s tier (at close or now, by `attribution`).' },
  },
});

export enum Attribution { AT_CLOSE = 'AT_CLOSE', CURRENT = 'CURRENT' }

registerEnumType(Attribution, {
  name: 'Attribution',
  description: 'Whose a closed (WON/LOST) deal is, and what its customer was, for grouping, crediting and scoping it.',
  valuesConfig: {
    AT_CLOSE: {
      description: 'As recorded when the deal was won or lost: its owner and its customer\'s tier and sector at that moment '
        + '(recorded again when a reopened deal closes again). Reassigning the deal or changing the customer later changes nothing.',
    },
    CURRENT: { description: 'The deal\'s owner and its customer\'s tier and sector now.' },
  },
});

// -------------------------------------------------------------------------------------- funnel

@ObjectType({ description: 'One stage of the sales funnel.' })
export class FunnelStage {
  @Field(() => OpportunityStage, { description: 'The stage. Funnel order: PROSPECTING, QUALIFICATION, NEEDS_ANALYSIS, PROPOSAL, NEGOTIATION, WON; LOST comes last and is outside the funnel.' })
  stage!: OpportunityStage;

  @Field(() => Int, { description: 'Opportunities of the cohort whose current stage is this one.' })
  count!: number;

  @Field(() => DecimalScalar, {
    description: 'Sum of the amounts of those opportunities, in the funnel\'s currency ("0.00" when none); with `in`, each converted at the rate of its '
      + 'creation day (UTC) and rounded to the cent, then summed.',
  })
  amount!: string;

  @Field(() => [AppliedRate], { description: DEAL_RATES }) rates!: AppliedRate[];

  @Field(() => Int, {
    nullable: true,
    description: 'Opportunities of the cohort that reached this stage or a later one, by their stage history or their current stage '
      + '(every opportunity reached PROSPECTING). Null for LOST, which is outside the funnel.',
  })
  reached!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Share (0–1, rounded to 4 decimals) of the opportunities that reached this stage which also reached the next one. '
      + 'Null for WON and LOST, and when no opportunity reached this stage.',
  })
  conversionToNext!: number | null;
}

@ObjectType({ description: 'The sales funnel of a cohort: the opportunities created in [from, to), in one currency, visible to you.' })
export class SalesFunnel {
  @Field(() => DateTimeScalar, { description: 'Start of the period (inclusive, UTC).' }) from!: Date;
  @Field(() => DateTimeScalar, { description: 'End of the period (exclusive, UTC).' }) to!: Date;
  @Field({
    description: 'The ISO 4217 currency of every amount: the reporting currency `in` when given (opportunities in every currency, converted), '
      + 'else `currency` (opportunities in other currencies are not counted).',
  })
  currency!: string;
  @Field(() => Int, { description: 'Opportunities in the cohort.' }) count!: number;
  @Field(() => DecimalScalar, { description: 'Sum of their amounts, in `currency` (the sum of the stages\' amounts).' }) amount!: string;
  @Field(() => [AppliedRate], { description: 'With `in`: the exchange rates applied to the whole cohort (distinct, in a fixed order). Without `in`: empty.' })
  rates!: AppliedRate[];
  @Field(() => [FunnelStage], { description: 'Every stage in funnel order (seven entries, LOST last), also those with no opportunities.' })
  stages!: FunnelStage[];
}

// ------------------------------------------------------------------------------------ win rate

@ObjectType({ description: 'Won and lost deals and the resulting win rate, by count and by value.' })
export class WinRateStats {
  @Field(() => Int, { description: 'Deals won in the period (any currency).' }) won!: number;
  @Field(() => Int, { description: 'Deals lost in the period (any currency).' }) lost!: number;
  @Field(() => DecimalScalar, {
    description: 'Sum of the amounts of the deals won in the period, only those in the report\'s `currency` ("0.00" when none); with `in`, of every '
      + 'currency, each converted at the rate of its closing day (UTC) and rounded to the cent, then summed.',
  })
  wonAmount!: string;
  @Field(() => DecimalScalar, {
    description: 'Sum of the amounts of the deals lost in the period, only those in the report\'s `currency` ("0.00" when none); with `in`, converted '
      + 'like `wonAmount`.',
  })
  lostAmount!: string;
  @Field(() => Float, { nullable: true, description: 'Win rate by value: wonAmount / (wonAmount + lostAmount), 0–1, rounded to 4 decimals; null when both are 0.' })
  winRateByValue!: number | null;

  @Field(() => Float, { nullable: true, description: 'won / (won + lost), 0–1, rounded to 4 decimals; null when nothing closed.' })
  winRate!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Average sales cycle of the won deals in days (closing time minus creation time; fractions of a day count), '
      + 'rounded to 1 decimal; null when nothing was won.',
  })
  averageSalesCycleDays!: number | null;

  @Field(() => [AppliedRate], { description: DEAL_RATES }) rates!: AppliedRate[];
}

@ObjectType({ description: 'The win rate of one group of deals.' })
export class WinRateGroup extends WinRateStats {
  @Field({ description: 'The group: a user id (OWNER), a Sector or a Tier value.' }) key!: string;
  @Field(() => Sector, { nullable: true, description: 'The sector when grouped by SECTOR; null otherwise.' }) sector!: Sector | null;
  @Field(() => Tier, { nullable: true, description: 'The tier when grouped by TIER; null otherwise.' }) tier!: Tier | null;
}

@ObjectType({
  description: 'Win rates of the deals closed (WON or LOST) in [from, to) whose owner (at close or now, by `attribution`) is in your scope: '
    + 'counts over every currency, amounts in `currency` (or, with `in`, every currency converted into it).',
})
export class WinRateReport {
  @Field(() => DateTimeScalar, { description: 'Start of the period (inclusive, UTC).' }) from!: Date;
  @Field(() => DateTimeScalar, { description: 'End of the period (exclusive, UTC).' }) to!: Date;
  @Field(() => WinRateGroupBy, { description: 'How the deals are grouped.' }) groupBy!: WinRateGroupBy;
  @Field(() => Attribution, { description: 'Owner, sector and tier at close (default) or now.' }) attribution!: Attribution;
  @Field({ description: 'The ISO 4217 currency of wonAmount and lostAmount (and so of winRateByValue): `in` when given, else `currency`.' }) currency!: string;
  @Field(() => [WinRateGroup], { description: 'One entry per group with at least one closed deal; sectors and tiers in enum order, owners by id.' })
  groups!: WinRateGroup[];
  @Field(() => WinRateStats, { description: 'All closed deals together.' }) total!: WinRateStats;
}

// ------------------------------------------------------------------------------------ forecast

@ObjectType({ description: 'Open opportunities expected to close in a span of time.' })
export class ForecastBucket {
  @Field(() => Int, { description: 'Open opportunities.' }) count!: number;
  @Field(() => DecimalScalar, {
    description: 'Sum of their amounts (unweighted), in the forecast\'s currency; with `in`, each converted at today\'s rate (UTC) and rounded to the '
      + 'cent, then summed.',
  })
  amount!: string;
  @Field(() => DecimalScalar, {
    description: 'Sum of amount × probability / 100, rounded to the cent after summing, in the forecast\'s currency (with `in`, of the converted amounts).',
  })
  weightedAmount!: string;
  @Field(() => [AppliedRate], { description: DEAL_RATES }) rates!: AppliedRate[];
}

@ObjectType({ description: 'Open opportunities expected to close in one calendar month.' })
export class ForecastMonth extends ForecastBucket {
  @Field({ description: 'The month, "YYYY-MM".' }) month!: string;
}

@ObjectType({ description: 'Forecast of the open opportunities visible to you, in one currency, by expected close month.' })
export class Forecast {
  @Field({
    description: 'The ISO 4217 currency of every amount: the reporting currency `in` when given (opportunities in every currency, converted), '
      + 'else `currency` (opportunities in other currencies are not counted).',
  })
  currency!: string;
  @Field(() => [ForecastMonth], { description: 'One entry per month from the start month on, also months with nothing expected.' })
  months!: ForecastMonth[];
  @Field(() => ForecastBucket, { description: 'All months of `months` together.' }) total!: ForecastBucket;
  @Field(() => ForecastBucket, { description: 'Open opportunities whose expected close date is before the start month (slipped deals, not in `total`).' })
  pastDue!: ForecastBucket;
}

// ---------------------------------------------------------------------------- rep performance

@ObjectType({ description: 'What a set of users achieved in a period (a sales user, everyone else, or all together).' })
export class RepFigures {
  @Field(() => Int, { description: 'Customers created in the period owned by these users now.' }) newCustomers!: number;
  @Field(() => Int, { description: 'Opportunities created in the period owned by these users now (any currency).' }) newOpportunities!: number;
  @Field(() => Int, { description: 'Deals won in the period credited to these users: the owner at close, or now (`attribution`); any currency.' }) wonCount!: number;
  @Field(() => DecimalScalar, {
    description: 'Sum of the amounts of those won deals, only those in the report\'s currency; with `in`, of every currency, each converted at the rate '
      + 'of its closing day (UTC) and rounded to the cent, then summed.',
  })
  wonAmount!: string;
  @Field(() => Int, { description: 'Activities these users performed (by `occurredAt`) in the period.' }) activitiesLogged!: number;
  @Field(() => Int, { description: 'Tasks assigned to these users and completed (DONE) in the period.' }) tasksDone!: number;
  @Field(() => Int, { description: 'Tasks assigned to these users, due in the period, already past due and still OPEN.' }) tasksOverdue!: number;
  @Field(() => [AppliedRate], { description: 'With `in`: the exchange rates applied to `wonAmount` (distinct, in a fixed order). Without `in`: empty.' })
  rates!: AppliedRate[];
}

@ObjectType({ description: 'What one sales user achieved in a period.' })
export class RepPerformance extends RepFigures {
  @Field(() => ID, { description: 'The user\'s id (`usr_…`).' }) userId!: string;

  @Field(() => Float, {
    nullable: true,
    description: 'Days (rounded to 1 decimal) from the user\'s start (when the user was created) to their first won deal credited to them '
      + '(by `attribution`), whatever the period; deals won before the start (reassigned later) do not count. Null when they have not won a deal yet.',
  })
  daysToFirstWin!: number | null;
}

@ObjectType({
  description: 'Performance of the sales users (SALES_REP and SALES_MANAGER) in your scope in [from, to), the records of everyone else in your scope, '
    + 'and the total: every figure of `total` is the sum of that figure over `reps` and `other`.',
})
export class RepPerformanceReport {
  @Field(() => DateTimeScalar, { description: 'Start of the period (inclusive, UTC).' }) from!: Date;
  @Field(() => DateTimeScalar, { description: 'End of the period (exclusive, UTC).' }) to!: Date;
  @Field({ description: 'The ISO 4217 currency of `wonAmount`: `in` when given, else `currency`.' }) currency!: string;
  @Field(() => Attribution, { description: 'Won deals credited to their owner at close (default) or to their owner now.' }) attribution!: Attribution;
  @Field(() => [RepPerformance], { description: 'One entry per sales user, by won amount (highest first), then by user id.' })
  reps!: RepPerformance[];

  @Field(() => RepFigures, {
    description: 'Unassigned / other: the same figures for the records in your scope whose user (owner, performer, assignee) is not a sales user '
      + '(e.g. deals owned by an ADMIN, tasks of a SERVICE_AGENT). ADMIN, FINANCE and ANALYST: every such record; a SALES_MANAGER or SALES_REP '
      + 'sees only records of users in their own scope, so theirs holds only non-sales users below a manager (usually all zero).',
  })
  other!: RepFigures;

  @Field(() => RepFigures, { description: 'All records in your scope: the sum of `reps` and `other`.' }) total!: RepFigures;
}
