import { Field, Float, Int, ObjectType } from 'type-graphql';
import { LostReason, OpportunityStage } from '../entities/enums';
import { Attribution, DEAL_RATES } from './analytics.types';
import { AppliedRate } from './exchange-rate.types';
import { DateTimeScalar, DecimalScalar } from './scalars';

/**
 * Result types of the stage-history sales reports (services/sales-reports.service.ts). Same scope and
 * conventions as the sales analytics: deals whose owner is in your analytics scope, soft-deleted deals
 * and deals of soft-deleted customers left out, periods [from, to) in UTC, rates 0–1 rounded to 4
 * decimals, days rounded to 1 decimal.
 */

const OPEN_ORDER = 'Open stages in funnel order: PROSPECTING, QUALIFICATION, NEEDS_ANALYSIS, PROPOSAL, NEGOTIATION; all five, also those with nothing.';

// ------------------------------------------------------------------------------ pipeline as of

@ObjectType({ description: 'The deals that were in one open stage at the report\'s instant.' })
export class PipelineStage {
  @Field(() => OpportunityStage, { description: 'The stage the deals were in at `asOf`.' }) stage!: OpportunityStage;
  @Field(() => Int, { description: 'Deals in this stage at `asOf`.' }) count!: number;
  @Field(() => DecimalScalar, {
    description: 'Sum of their CURRENT amounts in the report\'s currency (amount history is not kept), "0.00" when none; with `in`, of every currency, '
      + 'each converted at the rate of `asOf`\'s day (UTC) and rounded to the cent, then summed.',
  })
  amount!: string;
  @Field(() => [AppliedRate], { description: DEAL_RATES }) rates!: AppliedRate[];
}

@ObjectType({
  description: 'The open pipeline as it stood at `asOf`, rebuilt from the stage history: the deals in `currency` (with `in`: in every currency) created at or before `asOf` '
    + 'whose stage at `asOf` was an open one. A deal\'s stage at `asOf` is the stage it moved to in its latest stage change at or before `asOf` '
    + '(its creation counts as a change into its first stage); without one, the stage it left in its first change after `asOf`; without history, '
    + 'its current stage. Deals are those counted now (soft-deleted deals and customers left out) in your scope by their current owner '
    + '(ownership history is not kept); amounts are current amounts.',
})
export class PipelineAsOf {
  @Field(() => DateTimeScalar, { description: 'The instant (UTC).' }) asOf!: Date;
  @Field({
    description: 'The ISO 4217 currency of every amount: the reporting currency `in` when given (deals in every currency, converted), else `currency` '
      + '(deals in other currencies are not counted).',
  })
  currency!: string;
  @Field(() => Int, { description: 'Open deals at `asOf` (the sum of the stages\' counts).' }) count!: number;
  @Field(() => DecimalScalar, { description: 'Sum of their current amounts (the sum of the stages\' amounts).' }) amount!: string;
  @Field(() => [AppliedRate], { description: 'With `in`: the exchange rates applied to all open deals (distinct, in a fixed order). Without `in`: empty.' })
  rates!: AppliedRate[];
  @Field(() => [PipelineStage], { description: OPEN_ORDER }) stages!: PipelineStage[];
}

// ------------------------------------------------------------------------------ stage durations

@ObjectType({ description: 'How long stays in a stage lasted.' })
export class StageDurationStats {
  @Field(() => Int, { description: 'Stays that ended in the period.' }) count!: number;
  @Field(() => Float, { nullable: true, description: 'Average length of those stays in days (fractions count), rounded to 1 decimal; null when none.' })
  averageDays!: number | null;
  @Field(() => Float, { nullable: true, description: 'Median length in days (the mean of the middle two for an even count), rounded to 1 decimal; null when none.' })
  medianDays!: number | null;
}

@ObjectType({ description: 'Time spent in one open stage.' })
export class StageDuration extends StageDurationStats {
  @Field(() => OpportunityStage, { description: 'The stage.' }) stage!: OpportunityStage;
}

@ObjectType({
  description: 'Time in each open stage over the stays that ended in [from, to): a stay begins when a deal enters the stage (a stage change into it, '
    + 'or its creation in it) and ends at the deal\'s next stage change (to any stage); its length is the time between the two. Stays still going '
    + 'on are not counted; a deal that passes through a stage twice has two stays. WON and LOST are not stages one stays in.',
})
export class StageDurations {
  @Field(() => DateTimeScalar, { description: 'Start of the period (inclusive, UTC).' }) from!: Date;
  @Field(() => DateTimeScalar, { description: 'End of the period (exclusive, UTC).' }) to!: Date;
  @Field(() => [StageDuration], { description: OPEN_ORDER }) stages!: StageDuration[];
  @Field(() => StageDurationStats, { description: 'All stays of all open stages together.' }) total!: StageDurationStats;
}

// ------------------------------------------------------------------------------ stage conversion

@ObjectType({ description: 'What became of the deals that entered one open stage in the period.' })
export class StageConversionStage {
  @Field(() => OpportunityStage, { description: 'The stage.' }) stage!: OpportunityStage;
  @Field(() => Int, { description: 'Deals that entered this stage in the period (a stage change into it or creation in it; each deal once, at its first entry in the period).' })
  entered!: number;
  @Field(() => Int, { description: 'Of those, deals that after that entry (strictly later, up to now) moved to a later funnel stage, WON included.' }) advanced!: number;
  @Field(() => Int, { description: 'Of those, deals that after that entry moved to WON (even if reopened since).' }) won!: number;
  @Field(() => Int, { description: 'Of those, deals that after that entry moved to LOST (even if reopened since).' }) lost!: number;
  @Field(() => Float, { nullable: true, description: 'advanced / entered, rounded to 4 decimals; null when nothing entered.' }) advancedRate!: number | null;
  @Field(() => Float, { nullable: true, description: 'won / entered, rounded to 4 decimals; null when nothing entered.' }) wonRate!: number | null;
  @Field(() => Float, { nullable: true, description: 'lost / entered, rounded to 4 decimals; null when nothing entered.' }) lostRate!: number | null;
}

@ObjectType({
  description: 'Stage conversion by entry events: per open stage, the deals that entered it in [from, to) and what they did next, from the stage history. '
    + 'Unlike salesFunnel (a cohort of deals CREATED in the period, where a deal "reached" every stage up to its furthest one, skipped stages included), '
    + 'this counts actual moves: a deal enters a stage only by moving (or being created) into it, whenever it was created, and "advanced" '
    + 'needs a later move forward.',
})
export class StageConversion {
  @Field(() => DateTimeScalar, { description: 'Start of the period (inclusive, UTC).' }) from!: Date;
  @Field(() => DateTimeScalar, { description: 'End of the period (exclusive, UTC).' }) to!: Date;
  @Field(() => [StageConversionStage], { description: OPEN_ORDER }) stages!: StageConversionStage[];
}

// ------------------------------------------------------------------------------ lost reasons

@ObjectType({ description: 'The deals lost for one reason.' })
export class LostReasonLine {
  @Field(() => LostReason, { description: 'The lost reason.' }) reason!: LostReason;
  @Field(() => Int, { description: 'Deals lost in the period for this reason (any currency).' }) count!: number;
  @Field(() => DecimalScalar, {
    description: 'Sum of the amounts of those in the report\'s currency ("0.00" when none); with `in`, of every currency, each converted at the rate of '
      + 'its closing day (UTC) and rounded to the cent, then summed.',
  })
  amount!: string;
  @Field(() => Float, { nullable: true, description: 'count / the report\'s count, rounded to 4 decimals; null when nothing was lost.' }) share!: number | null;
  @Field(() => [AppliedRate], { description: DEAL_RATES }) rates!: AppliedRate[];
}

@ObjectType({
  description: 'The deals lost (stage LOST, closed in [from, to)) whose owner — at close, or now by `attribution` — is in your scope, by lost reason.',
})
export class LostReasonBreakdown {
  @Field(() => DateTimeScalar, { description: 'Start of the period (inclusive, UTC).' }) from!: Date;
  @Field(() => DateTimeScalar, { description: 'End of the period (exclusive, UTC).' }) to!: Date;
  @Field({ description: 'The ISO 4217 currency of every amount: `in` when given, else `currency` (counts take every currency).' }) currency!: string;
  @Field(() => Attribution, { description: 'Whose the lost deals are for scope and `ownerIds`: the owner at close (default) or now.' }) attribution!: Attribution;
  @Field(() => [LostReasonLine], { description: 'Every reason in enum order (PRICE, COMPETITOR, NO_BUDGET, NO_DECISION, TIMING, PRODUCT_FIT, OTHER), also those with none.' })
  reasons!: LostReasonLine[];
  @Field(() => Int, { description: 'Deals lost in the period (the sum of the reasons\' counts).' }) count!: number;
  @Field(() => DecimalScalar, { description: 'Sum of their amounts in `currency` (the sum of the reasons\' amounts).' }) amount!: string;
  @Field(() => [AppliedRate], { description: 'With `in`: the exchange rates applied to all lost deals (distinct, in a fixed order). Without `in`: empty.' })
  rates!: AppliedRate[];
}
