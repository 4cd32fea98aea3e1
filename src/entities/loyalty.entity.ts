import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar, DecimalScalar, LocalDateScalar } from '../schema/scalars';
import type { Customer } from './customer.entity';
import { IdPrefix, newId } from './ids';
import { PointsEntryKind, MembershipTier, TierChangeReason } from './loyalty.enums';
import { Node } from './node';
import type { Order } from './order.entity';
import { Versioned } from './base.entity';

/** The programme's settings: one row (id 1). Changes apply to what happens after them. */
@Entity({ tableName: 'loyalty_programme' })
@ObjectType({ simpleResolvers: true, description: 'The loyalty programme\'s settings (one programme). Changes are audited and apply to what happens after them: points already earned, and their expiry dates, never change.' })
export class LoyaltyProgramme extends Versioned {
  @PrimaryKey({ type: 'integer' })
  id: number = 1;

  @Property({ type: 'text' })
  @Field({ description: 'ISO 4217 currency of the programme: spend counts, points are earned and redeemed only on orders in it.' })
  currency!: string;

  @Property({ type: 'decimal', precision: 18, scale: 2 }) silverSpend!: string;
  @Property({ type: 'decimal', precision: 18, scale: 2 }) goldSpend!: string;
  @Property({ type: 'decimal', precision: 18, scale: 2 }) platinumSpend!: string;
  @Property({ type: 'decimal', precision: 8, scale: 4 }) standardRate!: string;
  @Property({ type: 'decimal', precision: 8, scale: 4 }) silverRate!: string;
  @Property({ type: 'decimal', precision: 8, scale: 4 }) goldRate!: string;
  @Property({ type: 'decimal', precision: 8, scale: 4 }) platinumRate!: string;

  @Property({ type: 'decimal', precision: 12, scale: 6 })
  @Field(() => DecimalScalar, { description: 'Money value of one point at redemption, in `currency` (0.01: 100 points = 1.00).' })
  pointValue!: string;

  @Property({ type: 'decimal', precision: 5, scale: 2 })
  @Field(() => DecimalScalar, { description: 'The most of an order\'s total (after line discounts and offers) that points may pay, in percent.' })
  maxRedeemPercent!: string;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Points expire this many months after the day they were credited (each lot keeps the expiry date it got).' })
  expiryMonths!: number;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Points credited at enrolment (a BONUS entry; 0 = none).' })
  signupBonus!: number;

  @Field(() => DateTimeScalar, { description: 'When the settings last changed (UTC).' })
  updatedAt!: Date;

  @Field(() => Int, { description: 'Optimistic-concurrency version; pass it back to `updateLoyaltyProgramme`.' })
  version!: number;
}

@IdPrefix('mem')
@Entity({ tableName: 'loyalty_membership' })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A customer\'s membership of the loyalty programme (individuals, businesses and partners alike).' })
export class Membership extends Versioned<'tier' | 'since' | 'tierSince'> implements Node {
  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (`mem_…`).' })
  id: string = newId('Membership');

  @ManyToOne({ entity: 'Customer', fieldName: 'customer_id' })
  customer!: Rel<Customer>;

  @Property({ type: 'text' })
  @Field({ description: 'The membership number printed on cards and receipts, e.g. "M100001" (unique).' })
  number!: string;

  @Enum({ items: () => MembershipTier })
  @Field(() => MembershipTier, { description: 'The current tier.' })
  tier: MembershipTier = MembershipTier.STANDARD;

  @Property({ type: 'timestamptz' })
  @Field(() => DateTimeScalar, { description: 'When the customer enrolled (UTC).' })
  since: Date = new Date();

  @Property({ type: 'timestamptz' })
  @Field(() => DateTimeScalar, { description: 'Since when the member holds the current tier (UTC).' })
  tierSince: Date = new Date();

  @Property({ type: 'text' })
  createdBy!: string;
}

@IdPrefix('tch')
@Entity({ tableName: 'loyalty_tier_change' })
@ObjectType({ simpleResolvers: true, description: 'A change of a member\'s tier (enrolment, an order, or the nightly job).' })
export class TierChange {
  [OptionalProps]?: 'id' | 'createdAt';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (`tch_…`).' })
  id: string = newId('TierChange');

  @ManyToOne({ entity: 'Membership', fieldName: 'membership_id' })
  membership!: Rel<Membership>;

  @ManyToOne({ entity: 'Customer', fieldName: 'customer_id' })
  customer!: Rel<Customer>;

  @Enum({ items: () => MembershipTier, nullable: true })
  @Field(() => MembershipTier, { nullable: true, description: 'The tier before; null at enrolment.' })
  fromTier?: MembershipTier | null;

  @Enum({ items: () => MembershipTier })
  @Field(() => MembershipTier, { description: 'The tier after.' })
  toTier!: MembershipTier;

  @Property({ type: 'decimal', precision: 18, scale: 2 })
  @Field(() => DecimalScalar, { description: 'The rolling 12-month spend the decision was made on (see `Membership.spend12m`).' })
  spend12m!: string;

  @Enum({ items: () => TierChangeReason })
  @Field(() => TierChangeReason, { description: 'ENROLMENT, ORDER, JOB or MERGE.' })
  reason!: TierChangeReason;

  @ManyToOne({ entity: 'Order', fieldName: 'order_id', nullable: true })
  order?: Rel<Order> | null;

  @Property({ type: 'timestamptz' })
  @Field(() => DateTimeScalar, { description: 'When (UTC).' })
  createdAt: Date = new Date();
}

@IdPrefix('pte')
@Entity({ tableName: 'points_entry' })
@ObjectType({ simpleResolvers: true, description: 'One entry of a member\'s points ledger. The ledger is append-only: entries are never changed or deleted, and the balance is their sum.' })
export class PointsEntry {
  [OptionalProps]?: 'id' | 'createdAt' | 'unrecovered' | 'seq';

  @Property({ type: 'bigint' })
  seq!: string;

  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (`pte_…`).' })
  id: string = newId('PointsEntry');

  @ManyToOne({ entity: 'Membership', fieldName: 'membership_id' })
  membership!: Rel<Membership>;

  @ManyToOne({ entity: 'Customer', fieldName: 'customer_id' })
  customer!: Rel<Customer>;

  @Enum({ items: () => PointsEntryKind })
  @Field(() => PointsEntryKind, { description: 'BONUS, EARN, REDEEM, REVERSAL, EXPIRE or ADJUST.' })
  kind!: PointsEntryKind;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Points moved: positive credits, negative debits (a REVERSAL that could take nothing back is 0).' })
  points!: number;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'The running balance: the sum of this entry and every earlier one of the member (never negative).' })
  balanceAfter!: number;

  @Property({ type: 'date', nullable: true })
  @Field(() => LocalDateScalar, { nullable: true, description: 'For credits (lots): the day what is left of them expires; null for debits.' })
  expiresOn?: string | null;

  @ManyToOne({ entity: 'Order', fieldName: 'order_id', nullable: true })
  order?: Rel<Order> | null;

  @ManyToOne({ entity: 'PointsEntry', fieldName: 'reverses_id', nullable: true })
  reverses?: Rel<PointsEntry> | null;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'For the REVERSAL of an EARN: earned points that could not be taken back because the balance was too low (recorded, not charged); 0 otherwise.' })
  unrecovered: number = 0;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Why (required for ADJUST); null otherwise.' })
  reason?: string | null;

  /** Who moved the points: a user or key id, or "SYSTEM" for the jobs. */
  @Property({ type: 'text' })
  createdBy!: string;

  @Property({ type: 'timestamptz' })
  @Field(() => DateTimeScalar, { description: 'When (UTC).' })
  createdAt: Date = new Date();
}


