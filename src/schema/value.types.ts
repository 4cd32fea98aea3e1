import { Field, Int, ObjectType } from 'type-graphql';
import { ChurnLevel, ChurnRiskReason } from '../entities/metrics.enums';
import { DateTimeScalar, DecimalScalar } from './scalars';

@ObjectType({ description: 'Recency, frequency and monetary value over COMPLETED orders, each scored 1–5 against all customers with orders.' })
export class CustomerRfm {
  @Field(() => Int, { nullable: true, description: 'Whole days since the last COMPLETED order; null without orders.' }) recencyDays!: number | null;
  @Field(() => Int, { description: 'COMPLETED orders in the last 12 months (365 days).' }) frequency!: number;
  @Field(() => DecimalScalar, { description: 'Their revenue (Σ total).' }) monetary!: string;
  @Field(() => Int, { nullable: true, description: 'Recency score 1–5 (5 = most recent): 1 + floor(5 × percent_rank), at most 5, percent_rank = customers ranked less recent / (customers with orders − 1); ties score alike. Null without orders.' }) r!: number | null;
  @Field(() => Int, { nullable: true, description: 'Frequency score 1–5, the same way (5 = most orders).' }) f!: number | null;
  @Field(() => Int, { nullable: true, description: 'Monetary score 1–5, the same way (5 = most revenue).' }) m!: number | null;
  @Field(() => String, { nullable: true, description: 'The three scores as text, r f m, e.g. "545".' }) score!: string | null;
  @Field(() => Int, { nullable: true, description: 'r + f + m (3–15).' }) scoreTotal!: number | null;
}

@ObjectType({ description: 'One thing that raised the churn score, with the figure that triggered it.' })
export class ChurnRiskFactor {
  @Field(() => ChurnRiskReason, { description: 'What (see the enum for the thresholds and points).' }) reason!: ChurnRiskReason;
  @Field(() => DecimalScalar, { description: 'The figure: the overdue ratio, the number of open complaints, the trend in percent, or the NPS drop.' }) figure!: string;
  @Field(() => Int, { description: 'Points it added to the score.' }) points!: number;
}

@ObjectType({ description: 'How likely the customer is to leave, and why.' })
export class ChurnRisk {
  @Field(() => ChurnLevel, { description: 'LOW, MEDIUM or HIGH (see the enum).' }) level!: ChurnLevel;
  @Field(() => Int, { description: 'Σ the factors\' points, at most 100.' }) score!: number;
  @Field(() => [ChurnRiskFactor], { description: 'The factors that added points, largest first.' }) reasons!: ChurnRiskFactor[];
}

@ObjectType({ description: 'What the customers this customer referred (`referredById`) are worth.' })
export class ReferralValue {
  @Field(() => Int, { description: 'Live customers it referred.' }) customers!: number;
  @Field(() => DecimalScalar, { description: 'Σ their revenue12m.' }) revenue12m!: string;
}

@ObjectType({ description: 'Result of `refreshCustomerMetrics`.' })
export class RefreshMetricsResult {
  @Field(() => Int, { description: 'Customers whose metrics were computed (every live customer).' }) customers!: number;
  @Field(() => DateTimeScalar, { description: 'The `computedAt` of the new figures.' }) computedAt!: Date;
}
