import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ChurnReason, Sector } from '../entities/enums';
import { MembershipTier } from '../entities/loyalty.enums';
import { C3Segment, ParetoClass } from '../entities/metrics.enums';
import { DateTimeScalar, DecimalScalar } from './scalars';

/**
 * Result types of the customer value analytics (services/value-analytics.service.ts). Each figure's
 * definition is in its description; the customers counted are the live ones in the caller's scope.
 */

export enum SegmentDimension { C3 = 'C3', PARETO = 'PARETO', TIER = 'TIER', SECTOR = 'SECTOR', RFM_SCORE = 'RFM_SCORE' }
registerEnumType(SegmentDimension, {
  name: 'SegmentDimension',
  description: 'How `segmentSummary` groups customers. The group of customers without a value is keyed `NONE` and comes last.',
  valuesConfig: {
    C3: { description: 'By C3 segment (metrics `c3Segment`, in the enum\'s order); NONE: customers without a COMPLETED order.' },
    PARETO: { description: 'By Pareto class A, B, C (metrics `paretoClass`).' },
    TIER: { description: 'By loyalty membership tier (STANDARD … PLATINUM, as held now); NONE: customers who are not members.' },
    SECTOR: { description: 'By the customer\'s sector (its current value, in the enum\'s order).' },
    RFM_SCORE: { description: 'By RFM total score r + f + m (3–15, ascending); NONE: customers without a scored order.' },
  },
});

export enum ChurnDimension { REASON = 'REASON', SEGMENT = 'SEGMENT', MONTH = 'MONTH', OWNER = 'OWNER' }
registerEnumType(ChurnDimension, {
  name: 'ChurnDimension',
  description: 'How `churnAnalysis` groups churned customers. The group of customers without a value is keyed `NONE` and comes last.',
  valuesConfig: {
    REASON: { description: 'By the customer\'s churn reason (in the enum\'s order).' },
    SEGMENT: {
      description: 'By the C3 segment in the customer\'s metrics row, as of its last refresh (which may be after the churn: segments are not kept as history); '
        + 'NONE without a metrics row or a segment.',
    },
    MONTH: { description: 'By the UTC month of `churnedAt`, "YYYY-MM", in time order.' },
    OWNER: { description: 'By the customer\'s current owner (the key is the user id, groups by id); NONE: customers without an owner.' },
  },
});

// ------------------------------------------------------------------------------------ segments

const COSTS = 'Visible to SALES_MANAGER, FINANCE and ADMIN (a cost-based figure); null with a FORBIDDEN error for other roles.';

@ObjectType({ description: 'Figures of a group of customers, from their metrics rows (as of each row\'s last refresh), in the programme\'s currency.' })
export class SegmentFigures {
  @Field(() => Int, { description: 'Customers in the group: live customers in your scope with a metrics row.' })
  customers!: number;

  @Field(() => DecimalScalar, { description: 'Σ revenue12m of the group\'s customers: total of their COMPLETED orders in the 365 days before each row\'s refresh ("0.00" when none).' })
  revenue12m!: string;

  @Field(() => DecimalScalar, { nullable: true, description: `Σ margin12m of the group's customers: gross margin of their orders COMPLETED in the 365 days before each refresh. ${COSTS}` })
  margin12m!: string | null;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: `Average historic customer lifetime value (clvHistoric, the gross margin of all COMPLETED orders to date) of the group's customers, rounded to the cent; null for an empty group. ${COSTS}`,
  })
  averageClv!: string | null;

  @Field(() => Float, {
    nullable: true,
    description: 'The group\'s share of revenue: its Σ revenue12m ÷ Σ revenue12m of all customers in the report (0–1, rounded to 4 decimals; 1 for the total); '
      + 'null when the total revenue is 0.',
  })
  revenueShare!: number | null;
}

@ObjectType({ description: 'One group of a segment summary.' })
export class SegmentGroup extends SegmentFigures {
  @Field({ description: 'The group: the value of the grouping (a C3Segment, ParetoClass, MembershipTier or Sector name, or the RFM score as digits), or NONE.' })
  key!: string;

  @Field(() => C3Segment, { nullable: true, description: 'The segment when grouped by C3; null otherwise and for NONE.' })
  c3Segment!: C3Segment | null;

  @Field(() => ParetoClass, { nullable: true, description: 'The class when grouped by PARETO; null otherwise.' })
  paretoClass!: ParetoClass | null;

  @Field(() => MembershipTier, { nullable: true, description: 'The membership tier when grouped by TIER; null otherwise and for non-members (NONE).' })
  loyaltyTier!: MembershipTier | null;

  @Field(() => Sector, { nullable: true, description: 'The sector when grouped by SECTOR; null otherwise.' })
  sector!: Sector | null;

  @Field(() => Int, { nullable: true, description: 'The RFM total score (3–15) when grouped by RFM_SCORE; null otherwise and for NONE.' })
  rfmScore!: number | null;
}

@ObjectType({ description: 'Customers with metrics, in your scope, grouped by a dimension: size, revenue, margin, average CLV and share of revenue per group.' })
export class SegmentSummary {
  @Field(() => SegmentDimension, { description: 'How the customers are grouped.' })
  by!: SegmentDimension;

  @Field({ description: 'ISO 4217 currency of every amount (the loyalty programme\'s, in which the metrics are computed).' })
  currency!: string;

  @Field(() => DateTimeScalar, { nullable: true, description: 'The oldest refresh time among the metrics rows counted (how stale the figures may be); null when none.' })
  oldestComputedAt!: Date | null;

  @Field(() => [SegmentGroup], { description: 'One entry per group with at least one customer, in the dimension\'s order, NONE last.' })
  groups!: SegmentGroup[];

  @Field(() => SegmentFigures, { description: 'All groups together.' })
  total!: SegmentFigures;
}

// --------------------------------------------------------------------------------------- churn

@ObjectType({ description: 'Figures of a group of churned customers.' })
export class ChurnFigures {
  @Field(() => Int, { description: 'Customers that churned in the period: status CHURNED, `churnedAt` in [from, to), live and in your scope.' })
  customers!: number;

  @Field(() => DecimalScalar, {
    description: 'Revenue lost: Σ total of their COMPLETED orders in the programme\'s currency completed in the 365 days before each customer\'s `churnedAt` '
      + '(the yearly revenue that left with them; orders in other currencies are not counted). "0.00" when none.',
  })
  revenueLost!: string;

  @Field(() => Int, { description: 'How many of them the churn-risk rating had flagged HIGH before they churned (metrics `lastFlaggedHighAt` < `churnedAt`).' })
  flaggedHigh!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'flaggedHigh ÷ customers (0–1, rounded to 4 decimals): the share of churners the HIGH flag warned about beforehand (its recall). Null when no customer churned.',
  })
  flaggedHighShare!: number | null;
}

@ObjectType({ description: 'One group of a churn analysis.' })
export class ChurnGroup extends ChurnFigures {
  @Field({ description: 'The group: a ChurnReason or C3Segment name, a month "YYYY-MM", a user id (OWNER), or NONE.' })
  key!: string;

  @Field(() => ChurnReason, { nullable: true, description: 'The churn reason when grouped by REASON; null otherwise.' })
  reason!: ChurnReason | null;

  @Field(() => C3Segment, { nullable: true, description: 'The C3 segment when grouped by SEGMENT; null otherwise and for NONE.' })
  c3Segment!: C3Segment | null;

  @Field(() => String, { nullable: true, description: 'The UTC month "YYYY-MM" when grouped by MONTH; null otherwise.' })
  month!: string | null;
}

@ObjectType({ description: 'Customers that churned in [from, to), in your scope: how many, the revenue lost, and how many had been flagged HIGH before.' })
export class ChurnAnalysis {
  @Field(() => DateTimeScalar, { description: 'Start of the period (inclusive, UTC).' }) from!: Date;
  @Field(() => DateTimeScalar, { description: 'End of the period (exclusive, UTC).' }) to!: Date;
  @Field(() => ChurnDimension, { description: 'How the churned customers are grouped.' }) by!: ChurnDimension;
  @Field({ description: 'ISO 4217 currency of `revenueLost` (the loyalty programme\'s).' }) currency!: string;

  @Field(() => [ChurnGroup], { description: 'One entry per group with at least one churned customer, in the dimension\'s order, NONE last.' })
  groups!: ChurnGroup[];

  @Field(() => ChurnFigures, { description: 'All churned customers of the period together.' })
  total!: ChurnFigures;
}

// -------------------------------------------------------------------------------------- cohorts

@ObjectType({ description: 'How many customers of a cohort ordered in one month after their first order.' })
export class RetentionMonth {
  @Field(() => Int, { description: 'Months after the cohort\'s month (0 = the month of the first order, where every customer of the cohort ordered).' })
  offset!: number;

  @Field({ description: 'The calendar month, "YYYY-MM" (UTC).' })
  month!: string;

  @Field(() => Int, { nullable: true, description: 'Customers of the cohort with a COMPLETED order in the programme\'s currency completed in this month; null when the month has not begun yet.' })
  customers!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'customers ÷ the cohort\'s size: the share still ordering (0–1, rounded to 4 decimals); null for an empty cohort or a month that has not begun yet '
      + '(the current month counts its orders so far).',
  })
  share!: number | null;
}

@ObjectType({ description: 'The customers whose first COMPLETED order (in the programme\'s currency, as in the metrics\' firstOrderAt) was completed in one month, and their ordering in the months after.' })
export class Cohort {
  @Field({ description: 'The cohort\'s month, "YYYY-MM" (UTC): the month in which its customers\' first COMPLETED order in the programme\'s currency was completed.' })
  month!: string;

  @Field(() => Int, { description: 'Customers in the cohort (live, in your scope); 0 for a month without first orders.' })
  size!: number;

  @Field(() => [RetentionMonth], { description: 'One entry per month offset 0 … `months`, in order.' })
  retention!: RetentionMonth[];
}

@ObjectType({ description: 'Retention of customer cohorts by month of their first COMPLETED order.' })
export class CohortRetention {
  @Field({ description: 'The first cohort\'s month, "YYYY-MM" (the UTC month of `from`).' })
  firstMonth!: string;

  @Field(() => Int, { description: 'The last month offset reported for every cohort.' })
  months!: number;

  @Field(() => [Cohort], { description: 'One entry per month from `firstMonth` on, also months without first orders (size 0).' })
  cohorts!: Cohort[];
}

// ------------------------------------------------------------------------------- tier migration

@ObjectType({ description: 'Members who held one tier at the start of the period and another (or the same) at its end.' })
export class TierMove {
  @Field(() => MembershipTier, { nullable: true, description: 'The tier held at `from` (the last tier change before it); null (NEW) for members who enrolled in the period.' })
  fromTier!: MembershipTier | null;

  @Field(() => MembershipTier, { description: 'The tier held at `to` (the last tier change before it).' })
  toTier!: MembershipTier;

  @Field(() => Int, { description: 'How many members moved so.' })
  members!: number;
}

@ObjectType({ description: 'How loyalty members moved between tiers from `from` to `to`, from the tier history, for the members of customers in your scope.' })
export class TierMigration {
  @Field(() => DateTimeScalar, { description: 'Start of the period (UTC): tiers are read as held at this instant (changes before it).' }) from!: Date;
  @Field(() => DateTimeScalar, { description: 'End of the period (UTC): tiers are read as held at this instant (changes before it).' }) to!: Date;

  @Field(() => [TierMove], { description: 'One entry per (fromTier, toTier) pair with members: NEW first, then by tier from STANDARD up, and by toTier.' })
  moves!: TierMove[];

  @Field(() => Int, { description: 'Members at `to` (enrolled before it), live customers in your scope.' }) members!: number;
  @Field(() => Int, { description: 'Of those, enrolled in [from, to) (fromTier null).' }) newMembers!: number;
  @Field(() => Int, { description: 'Of those, holding a higher tier at `to` than at `from`.' }) upgraded!: number;
  @Field(() => Int, { description: 'Of those, holding a lower tier at `to` than at `from`.' }) downgraded!: number;
  @Field(() => Int, { description: 'Of those, holding the same tier at both instants (possibly after moving in between).' }) unchanged!: number;
}
