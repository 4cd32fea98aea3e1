import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { LoyaltyProgramme, Membership, PointsEntry } from '../entities/loyalty.entity';
import { MembershipTier } from '../entities/loyalty.enums';
import type * as loyalty from '../services/loyalty.service';
import { connectionType } from './connection';
import { UserError } from './payload';
import { DateTimeScalar, DecimalScalar, LocalDateScalar } from './scalars';

export const PointsEntryConnection = connectionType(PointsEntry, 'PointsEntry');

@ObjectType({ description: 'One tier of the programme: the spend that reaches it and what it earns.' })
export class TierRule {
  @Field(() => MembershipTier, { description: 'The tier.' }) tier!: MembershipTier;
  @Field(() => DecimalScalar, { description: 'Rolling 12-month spend (in the programme\'s currency) from which a member holds this tier (STANDARD: 0).' }) minSpend12m!: string;
  @Field(() => DecimalScalar, { description: 'Points earned per unit of the programme\'s currency paid in money on a COMPLETED order (EARN = floor(total × rate)).' }) earnRate!: string;
}

@ObjectType({ description: 'The points of a member that expire first: what is left of the lots with the earliest expiry date.' })
export class PointsExpiry {
  @Field(() => Int, { description: 'Points that expire on `on` unless they are redeemed before (first-expiring points are used first).' }) points!: number;
  @Field(() => LocalDateScalar, { description: 'The day they expire (the nightly job takes them from that day on).' }) on!: string;
}

@ObjectType({ description: 'The next tier above the member\'s and the spend still missing to reach it.' })
export class NextTier {
  @Field(() => MembershipTier, { description: 'The next tier.' }) tier!: MembershipTier;
  @Field(() => DecimalScalar, { description: 'Its threshold − `spend12m` (0 when reached: the upgrade then waits for the next completed order or the nightly job).' }) missing!: string;
}

@ObjectType({ description: 'Outstanding points expiring in one month.' })
export class LiabilityMonth {
  @Field({ description: 'The expiry month, "YYYY-MM".' }) month!: string;
  @Field(() => Int, { description: 'Points left in lots expiring that month (after FIFO use, redemptions and expiries up to `asOf`).' }) points!: number;
  @Field(() => DecimalScalar, { description: 'points × the current point value, in the programme\'s currency.' }) value!: string;
}

@ObjectType({ description: 'The loyalty programme\'s debt: points members hold and may still redeem, and their money value.' })
export class LoyaltyLiability {
  @Field(() => DateTimeScalar, { description: 'The moment it is computed for (entries after it are ignored).' }) asOf!: Date;
  @Field({ description: 'ISO 4217 currency of the values (the programme\'s).' }) currency!: string;
  @Field(() => DecimalScalar, { description: 'The point value used: the programme\'s current `pointValue`.' }) pointValue!: string;
  @Field(() => Int, { description: 'Outstanding points: what is left of lots not expired on `asOf` (Σ byExpiryMonth.points; equals the sum of members\' balances when the expiry job is up to date).' }) points!: number;
  @Field(() => DecimalScalar, { description: 'points × pointValue.' }) value!: string;
  @Field(() => Int, { description: 'Members holding outstanding points.' }) members!: number;
  @Field(() => [LiabilityMonth], { description: 'Outstanding points by expiry month, earliest first.' }) byExpiryMonth!: LiabilityMonth[];
}

@InputType({ description: 'New settings of the programme; omitted fields keep their value. Pass the `version` you read.' })
export class UpdateLoyaltyProgrammeInput implements loyalty.UpdateProgrammeInput {
  @Field(() => Int, { description: 'The version you read; a stale one is a CONFLICT.' }) version!: number;
  @Field(() => String, { nullable: true, description: 'ISO 4217 currency of the programme.' }) currency?: string;
  @Field(() => DecimalScalar, { nullable: true, description: 'SILVER threshold (≤ GOLD).' }) silverSpend?: string;
  @Field(() => DecimalScalar, { nullable: true, description: 'GOLD threshold (≥ SILVER, ≤ PLATINUM).' }) goldSpend?: string;
  @Field(() => DecimalScalar, { nullable: true, description: 'PLATINUM threshold (≥ GOLD).' }) platinumSpend?: string;
  @Field(() => DecimalScalar, { nullable: true, description: 'Earn rate of STANDARD (points per currency unit).' }) standardRate?: string;
  @Field(() => DecimalScalar, { nullable: true, description: 'Earn rate of SILVER.' }) silverRate?: string;
  @Field(() => DecimalScalar, { nullable: true, description: 'Earn rate of GOLD.' }) goldRate?: string;
  @Field(() => DecimalScalar, { nullable: true, description: 'Earn rate of PLATINUM.' }) platinumRate?: string;
  @Field(() => DecimalScalar, { nullable: true, description: 'Money value of one point (> 0), e.g. 0.01.' }) pointValue?: string;
  @Field(() => DecimalScalar, { nullable: true, description: 'Most of an order points may pay, in percent (0–100).' }) maxRedeemPercent?: string;
  @Field(() => Int, { nullable: true, description: 'Months until credited points expire (1–120); lots credited earlier keep their date.' }) expiryMonths?: number;
  @Field(() => Int, { nullable: true, description: 'Points credited at enrolment (0 = none).' }) signupBonus?: number;
}

@InputType({ description: 'A customer to enrol in the loyalty programme.' })
export class EnrolMemberInput implements loyalty.EnrolInput {
  @Field(() => ID, { description: 'The customer (NOT_FOUND unless you may write it; DUPLICATE when it is a member already).' }) customerId!: string;
}

@InputType({ description: 'A manual points movement with its reason.' })
export class AdjustPointsInput implements loyalty.AdjustPointsInput {
  @Field(() => ID, { description: 'The member customer.' }) customerId!: string;
  @Field(() => Int, { description: 'Points to credit (positive: a lot expiring after the programme\'s months) or debit (negative, at most the balance); not 0.' }) points!: number;
  @Field({ description: 'Why, e.g. "Goodwill after complaint CASE-123" (1–500 characters).' }) reason!: string;
}

@ObjectType({ description: 'Result of `updateLoyaltyProgramme`.' })
export class LoyaltyProgrammePayload {
  @Field(() => LoyaltyProgramme, { nullable: true, description: 'The settings; null when `errors` is not empty.' }) programme!: LoyaltyProgramme | null;
  @Field(() => [UserError], { description: 'Why the change was refused; empty on success.' }) errors!: UserError[];
}

@ObjectType({ description: 'Result of a membership mutation.' })
export class MembershipPayload {
  @Field(() => Membership, { nullable: true, description: 'The membership; null when `errors` is not empty.' }) membership!: Membership | null;
  @Field(() => [UserError], { description: 'Why the change was refused; empty on success.' }) errors!: UserError[];
}
