import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar, DecimalScalar } from '../schema/scalars';
import { C3Segment, ChurnLevel, LoyaltyLevel, ParetoClass } from './metrics.enums';

/**
 * A customer's value and loyalty metrics (issue 12): one row per customer, computed set-based for the
 * whole population by the metrics refresh (services/metrics-refresh.ts), which states every definition.
 * Money is in `currency` (the loyalty programme's): orders in other currencies are left out.
 */
@Entity({ tableName: 'customer_metrics' })
@ObjectType({ simpleResolvers: true, description: 'A customer\'s value and loyalty metrics, as of `computedAt` (refreshed by the metrics job and `refreshCustomerMetrics`). Money in `currency`; orders in other currencies are not counted. Revenue is what customers paid in money for COMPLETED orders (`Order.total`: after discounts, offers and points).' })
export class CustomerMetrics {
  @PrimaryKey({ type: 'text' })
  customerId!: string;

  @Property({ type: 'timestamptz' })
  @Field(() => DateTimeScalar, { description: 'When these figures were computed (UTC); quintiles, medians and the Pareto cut are over all customers at that moment.' })
  computedAt!: Date;

  @Property({ type: 'text' })
  @Field({ description: 'ISO 4217 currency of every amount (the loyalty programme\'s).' })
  currency!: string;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => DateTimeScalar, { nullable: true, description: 'Completion time of the first COMPLETED order; null when none.' })
  firstOrderAt?: Date | null;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => DateTimeScalar, { nullable: true, description: 'Completion time of the last COMPLETED order; null when none.' })
  lastOrderAt?: Date | null;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'COMPLETED orders to date.' })
  ordersTotal!: number;

  @Property({ type: 'integer', nullable: true }) recencyDays?: number | null;
  @Property({ type: 'integer' }) frequency!: number;
  @Property({ type: 'decimal', precision: 18, scale: 2 }) monetary!: string;
  @Property({ type: 'smallint', nullable: true }) r?: number | null;
  @Property({ type: 'smallint', nullable: true }) f?: number | null;
  @Property({ type: 'smallint', nullable: true }) m?: number | null;
  @Property({ type: 'smallint', nullable: true }) rfmTotal?: number | null;

  @Property({ type: 'decimal', precision: 18, scale: 2, fieldName: 'revenue_12m' })
  @Field(() => DecimalScalar, { description: 'Revenue of the last 12 months (365 days before `computedAt`): Σ total of COMPLETED orders completed then.' })
  revenue12m!: string;

  @Property({ type: 'decimal', precision: 18, scale: 2, fieldName: 'revenue_previous_12m' })
  @Field(() => DecimalScalar, { description: 'Revenue of the 12 months before those (365–730 days before `computedAt`).' })
  revenuePrevious12m!: string;

  @Property({ type: 'decimal', precision: 14, scale: 2, nullable: true })
  @Field(() => DecimalScalar, { nullable: true, description: '(revenue12m − revenuePrevious12m) / revenuePrevious12m × 100, rounded to 2 decimals; null when revenuePrevious12m is 0.' })
  trendPercent?: string | null;

  @Property({ type: 'decimal', precision: 14, scale: 2, nullable: true })
  @Field(() => DecimalScalar, { nullable: true, description: 'revenue12m / the customer\'s `annualCategoryBudget` × 100 (percent, 2 decimals); null when the budget is unknown or 0.' })
  shareOfWallet?: string | null;

  @Property({ type: 'smallint', nullable: true })
  @Field(() => Int, { nullable: true, description: 'NPS (0–10) of the customer\'s latest answered survey; null when none.' })
  npsLatest?: number | null;

  @Property({ type: 'smallint', nullable: true })
  npsPrevious?: number | null;

  @Property({ type: 'decimal', precision: 4, scale: 2, nullable: true })
  @Field(() => DecimalScalar, { nullable: true, description: 'Average CSAT (1–5) of all the customer\'s answered surveys, 2 decimals; null when none.' })
  csatAverage?: string | null;

  @Enum({ items: () => LoyaltyLevel })
  @Field(() => LoyaltyLevel, { description: 'Attitudinal loyalty: HIGH when npsLatest ≥ 9, else LOW (also without an answer).' })
  attitude!: LoyaltyLevel;

  @Enum({ items: () => LoyaltyLevel })
  @Field(() => LoyaltyLevel, { description: 'Behavioural loyalty: HIGH when revenue12m > revenuePrevious12m and rfm.frequency ≥ the median frequency of customers with orders, else LOW.' })
  behaviour!: LoyaltyLevel;

  @Property({ type: 'decimal', precision: 18, scale: 2 })
  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'SALES_MANAGER, FINANCE and ADMIN only (cost-based). Historic customer lifetime value: gross margin of all COMPLETED orders to date — Σ lines (lineTotal − quantity × the product\'s cost; lines of products without a cost count 0) − the order\'s offer discount − its points value. Returned orders are not COMPLETED and do not count.',
  })
  clvHistoric!: string;

  @Property({ type: 'decimal', precision: 18, scale: 2, fieldName: 'clv_predicted_12m' })
  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'SALES_MANAGER, FINANCE and ADMIN only (cost-based). Predicted margin of the next 12 months. Model: average margin per COMPLETED order × expected orders, where expected orders = 365 / typicalIntervalDays '
      + '(customers with one order: their orders of the last 365 days), damped by recency — × typicalIntervalDays / recencyDays when the last order is older than the interval. 0 without orders.',
  })
  clvPredicted12m!: string;

  @Property({ type: 'decimal', precision: 18, scale: 2, fieldName: 'margin_12m' })
  @Field(() => DecimalScalar, { nullable: true, description: 'SALES_MANAGER, FINANCE and ADMIN only (cost-based). Gross margin (as in clvHistoric) of the orders COMPLETED in the last 12 months.' })
  margin12m!: string;

  @Property({ type: 'decimal', precision: 10, scale: 2, nullable: true })
  @Field(() => DecimalScalar, { nullable: true, description: 'Average days between consecutive COMPLETED orders (first to last ÷ (orders − 1)); null with fewer than 2 orders.' })
  typicalIntervalDays?: string | null;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Open service cases of type COMPLAINT.' })
  openComplaints!: number;

  @Enum({ items: () => ParetoClass })
  @Field(() => ParetoClass, { description: 'A, B or C by 12-month gross margin (see the enum).' })
  paretoClass!: ParetoClass;

  @Enum({ items: () => C3Segment, nullable: true, fieldName: 'c3_segment' })
  @Field(() => C3Segment, { nullable: true, description: 'Attitude × behaviour × value (Pareto A); null for customers without a COMPLETED order.' })
  c3Segment?: C3Segment | null;

  @Enum({ items: () => ChurnLevel }) churnLevel!: ChurnLevel;
  @Property({ type: 'smallint' }) churnScore!: number;
  @Property({ type: 'json' }) churnReasons!: { reason: string; figure: string; points: number }[];

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => DateTimeScalar, { nullable: true, description: 'The last refresh that rated the churn risk HIGH (kept after it falls); null when never.' })
  lastFlaggedHighAt?: Date | null;

  @Property({ type: 'integer' }) referralCustomers!: number;
  @Property({ type: 'decimal', precision: 18, scale: 2, fieldName: 'referral_revenue_12m' }) referralRevenue12m!: string;
}
