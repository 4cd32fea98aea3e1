import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { RevenueGroupBy } from '../services/revenue-reports.service';
import { AppliedRate } from './exchange-rate.types';
import { DateTimeScalar, DecimalScalar } from './scalars';

/**
 * Result types of `revenueBy` and `campaignRoi` (services/revenue-reports.service.ts). Revenue is the sum
 * of order lines' `lineTotal` of the orders CONFIRMED, FULFILLED or COMPLETED, by the order's `createdAt`.
 */

registerEnumType(RevenueGroupBy, {
  name: 'RevenueGroupBy',
  description: 'How `revenueBy` groups order lines.',
  valuesConfig: {
    PRODUCT: { description: 'By the product ordered (the key is the product id).' },
    CATEGORY: { description: 'By the product\'s category (its current value).' },
    CHANNEL: { description: 'By the order\'s sales channel, e.g. "WEB".' },
  },
});

@ObjectType({ description: 'Revenue, orders and units of a group of order lines.' })
export class RevenueFigures {
  @Field(() => DecimalScalar, {
    description: 'Sum of `lineTotal` (quantity × unit price − line discount) of the lines, in the report\'s currency: net of line discounts, '
      + 'before order-level offer discounts and redeemed points.',
  })
  revenue!: string;

  @Field(() => Int, { description: 'Distinct orders with at least one of these lines (in the total, each order once).' }) orderCount!: number;
  @Field(() => Int, { description: 'Units: the sum of the lines\' quantities.' }) quantity!: number;

  @Field(() => [AppliedRate], {
    description: 'With `in`: the exchange rates applied to the money of this row (one per source currency and rate day, distinct, in a fixed order). '
      + 'Without `in`: empty.',
  })
  rates!: AppliedRate[];
}

@ObjectType({ description: 'Revenue of one product, category or channel.' })
export class RevenueRow extends RevenueFigures {
  @Field({ description: 'The group: a product id (PRODUCT), a category (CATEGORY) or a channel (CHANNEL).' }) key!: string;
}

@ObjectType({ description: 'Revenue from orders in a period, in one currency, grouped by product, category or channel.' })
export class RevenueReport {
  @Field(() => DateTimeScalar, { description: 'Start of the period (inclusive, UTC), by the order\'s `createdAt`.' }) from!: Date;
  @Field(() => DateTimeScalar, { description: 'End of the period (exclusive, UTC).' }) to!: Date;
  @Field(() => RevenueGroupBy, { description: 'How the lines are grouped.' }) groupBy!: RevenueGroupBy;
  @Field({ description: 'ISO 4217 currency of every amount: `in` when given (orders in every currency, converted), else `currency` (orders in others are not counted).' })
  currency!: string;
  @Field(() => [RevenueRow], { description: 'The groups with revenue, largest revenue first (then by key), at most `limit`.' }) rows!: RevenueRow[];
  @Field(() => RevenueFigures, { description: 'All counted lines together (also those of groups beyond `limit`).' }) total!: RevenueFigures;
}

@ObjectType({ description: 'Return on one campaign\'s budget: won deals and orders attributed to it, in the campaign\'s currency.' })
export class CampaignRoiRow {
  @Field(() => ID, { description: 'The campaign (`cmp_…`).' }) campaignId!: string;
  @Field({
    description: 'The currency of every amount of the row: the campaign\'s (its budget\'s), deals and orders in others not counted; '
      + 'with `in`, the reporting currency (budget, deals and orders converted).',
  })
  currency!: string;
  @Field(() => DecimalScalar, { nullable: true, description: 'The campaign\'s budget (with `in`: converted at today\'s rate, UTC); null when not set.' })
  budget!: string | null;

  @Field(() => Int, { description: 'WON deals attributed to the campaign (its own campaign, else its lead\'s — as in `Campaign.results`), in `currency`.' })
  wonCount!: number;

  @Field(() => DecimalScalar, { description: 'Sum of their amounts ("0.00" when none).' }) wonAmount!: string;
  @Field(() => Int, { description: 'Attributed WON deals in other currencies (not in `wonAmount`); 0 with `in`.' }) wonInOtherCurrencies!: number;

  @Field(() => Int, {
    description: 'Orders attributed to the campaign, in `currency`: CONFIRMED, FULFILLED or COMPLETED orders of a customer that a lead of the campaign '
      + 'was converted into, placed at or after that conversion (of several such leads, the latest converted before the order decides).',
  })
  orderCount!: number;

  @Field(() => DecimalScalar, { description: 'Their revenue: the sum of their lines\' `lineTotal` (subtotal − line discounts), "0.00" when none. '
    + 'With `in`: each order\'s total of lines converted at the rate of its day and rounded to the cent, then summed (per order, where `revenueBy` rounds per line: '
    + 'the two can differ by a cent).' })
  orderRevenue!: string;

  @Field(() => Int, { description: 'Attributed orders in other currencies (not in `orderRevenue`); 0 with `in`.' }) ordersInOtherCurrencies!: number;
  @Field(() => DecimalScalar, { description: 'wonAmount + orderRevenue.' }) attributedRevenue!: string;

  @Field(() => Float, {
    nullable: true,
    description: '(attributedRevenue − budget) / budget, rounded to 4 decimals (0 = break-even, 1 = the budget earned twice); null when the budget is null or 0.',
  })
  roi!: number | null;

  @Field(() => [AppliedRate], {
    description: 'With `in`: the exchange rates applied to the money of this row (one per source currency and rate day, distinct, in a fixed order). '
      + 'Without `in`: empty.',
  })
  rates!: AppliedRate[];
}
