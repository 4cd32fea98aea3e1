import { ArrayType, Entity, Enum, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Email, Phone, PostalAddress } from './contact-points';
import {
  ChannelType, ChurnReason, CreditRating, CustomerKind, CustomerSource, CustomerStatus, Sector, Tier,
} from './enums';
import { IdPrefix, newId } from './ids';
import { Node } from './node';
import type { User } from './user.entity';
import { DecimalScalar, DateTimeScalar, JSONObjectScalar } from '../schema/scalars';
import { SoftDeletable } from './base.entity';

@IdPrefix('cus')
@Entity({ tableName: 'customer' })
@ObjectType({
  implements: Node,
  simpleResolvers: true,
  description: 'A person or organisation the company sells to or serves; partners (dealers, resellers) are customers too.',
})
export class Customer extends SoftDeletable<
  'tier' | 'vip' | 'phones' | 'emails' | 'addresses' | 'status' | 'isPartner' | 'tags' | 'customAttributes' | 'marketingConsent'
> implements Node {
  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (`cus_…`).' })
  id: string = newId('Customer');

  @Property({ type: 'text' })
  @Field(() => String, { nullable: true, description: 'Display name: company name, or full name of an individual. Hidden from ANALYST for individuals (a person\'s name is PII).' })
  name!: string;

  @Enum({ items: () => CustomerKind })
  @Field(() => CustomerKind, { description: 'INDIVIDUAL (a consumer) or BUSINESS (an organisation).' })
  kind!: CustomerKind;

  @Enum({ items: () => Sector })
  @Field(() => Sector, { description: 'Market sector. ENTERPRISE means 400+ employees when the headcount is known.' })
  sector!: Sector;

  @Enum({ items: () => Tier })
  @Field(() => Tier, { description: 'Value ranking: POTENTIAL, TARGET or KEY account.' })
  tier: Tier = Tier.POTENTIAL;

  @Property({ type: 'boolean' })
  @Field({ description: 'VIP flag; only KEY accounts can be VIP.' })
  vip: boolean = false;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Free-text industry, e.g. "Retail" or "Logistics"; null when unknown.' })
  industry?: string | null;

  @Property({ type: 'integer', nullable: true })
  @Field(() => Int, { nullable: true, description: 'Headcount; null when unknown.' })
  employeeCount?: number | null;

  @Property({ type: 'decimal', precision: 18, scale: 2, nullable: true })
  @Field(() => DecimalScalar, { nullable: true, description: 'Annual revenue in the reporting currency (decimal string); null when unknown.' })
  annualRevenue?: string | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Web site URL; null when none.' })
  website?: string | null;

  @Property({ type: 'json' })
  @Field(() => [Phone], { nullable: true, description: 'Phone numbers. PII: hidden from ANALYST; MARKETING only with marketing consent; INTEGRATION keys only for records they created.' })
  phones: Phone[] = [];

  @Property({ type: 'json' })
  @Field(() => [Email], { nullable: true, description: 'E-mail addresses. PII: same rule as `phones`.' })
  emails: Email[] = [];

  @Property({ type: 'json' })
  @Field(() => [PostalAddress], { nullable: true, description: 'Postal addresses. PII: same rule as `phones`.' })
  addresses: PostalAddress[] = [];

  @ManyToOne({ entity: 'User', fieldName: 'owner_id' })
  owner!: Rel<User>;

  @Enum({ items: () => CustomerSource, nullable: true })
  @Field(() => CustomerSource, { nullable: true, description: 'Where the customer came from; null when unknown.' })
  source?: CustomerSource | null;

  @ManyToOne({ entity: 'Customer', nullable: true, fieldName: 'referred_by_id' })
  referredBy?: Rel<Customer> | null;

  /** The partner (a customer with isPartner) that resells to this customer; exposed as `Customer.resoldBy`. */
  @ManyToOne({ entity: 'Customer', nullable: true, fieldName: 'resold_by_id' })
  resoldBy?: Rel<Customer> | null;

  /** The survivor this (soft-deleted) duplicate was merged into by `mergeCustomers`; exposed as `Customer.mergedInto` (customer-merge.resolver.ts). */
  @ManyToOne({ entity: 'Customer', nullable: true, fieldName: 'merged_into' })
  mergedInto?: Rel<Customer> | null;

  @Enum({ items: () => CustomerStatus })
  @Field(() => CustomerStatus, { description: 'ACTIVE, AT_RISK (drifting away) or CHURNED (see churnReason).' })
  status: CustomerStatus = CustomerStatus.ACTIVE;

  @Enum({ items: () => ChurnReason, nullable: true })
  @Field(() => ChurnReason, { nullable: true, description: 'Why the customer was lost; set exactly when status is CHURNED.' })
  churnReason?: ChurnReason | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Free-text note on the churn; null when none.' })
  churnNote?: string | null;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the customer became CHURNED (UTC); null while it is not.' })
  churnedAt?: Date | null;

  @Property({ type: 'decimal', precision: 18, scale: 2, nullable: true })
  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'What the customer declares it spends a year in our categories, in the loyalty programme\'s currency (the base of `metrics.shareOfWallet`); null when unknown.',
  })
  annualCategoryBudget?: string | null;

  @Property({ type: 'boolean' })
  @Field({ description: 'True when this customer is a partner (dealer or reseller).' })
  isPartner: boolean = false;

  @Enum({ items: () => ChannelType, nullable: true })
  @Field(() => ChannelType, { nullable: true, description: 'For partners: the kind of channel; null for other customers.' })
  channelType?: ChannelType | null;

  @Property({ type: ArrayType })
  @Field(() => [String], { description: 'Free tags, lower-case, e.g. ["priority", "north"].' })
  tags: string[] = [];

  @Property({ type: 'json' })
  @Field(() => JSONObjectScalar, { nullable: true, description: 'Custom attributes, validated against `customAttributeDefinitions`. Hidden from PARTNER.' })
  customAttributes: Record<string, unknown> = {};

  @Property({ type: 'boolean' })
  @Field({ description: 'Whether the customer (an individual) agreed to marketing contact.' })
  marketingConsent: boolean = false;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => DateTimeScalar, { nullable: true, description: 'When marketing consent was given or withdrawn (UTC); null when never recorded.' })
  consentAt?: Date | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Where consent was recorded, e.g. "web form"; null when never recorded.' })
  consentSource?: string | null;

  @Enum({ items: () => CreditRating, nullable: true })
  @Field(() => CreditRating, { nullable: true, description: 'Credit rating A (best) to D. Visible to FINANCE, SALES_MANAGER, ADMIN, and a PARTNER for its own record; null when not assessed.' })
  creditRating?: CreditRating | null;

  @Property({ type: 'decimal', precision: 18, scale: 2, nullable: true })
  @Field(() => DecimalScalar, { nullable: true, description: 'Credit limit in the reporting currency (decimal string). Same visibility as creditRating; null when not assessed.' })
  creditLimit?: string | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'ISO 4217 currency of the credit limit. Same visibility as creditRating; null when not assessed.' })
  creditCurrency?: string | null;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => DateTimeScalar, { nullable: true, description: 'When an activity with this customer last happened (UTC); null when never.' })
  lastContactedAt?: Date | null;

  @Property({ type: 'text', nullable: true })
  createdBy?: string | null;

  @Field(() => DateTimeScalar, { description: 'When the record was created (UTC).' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, {
    description: 'When the customer record itself last changed (UTC): its fields, owner (also by reassignment), credit rating and limit, deletion and restore. '
      + 'Changes of related records (contacts, orders, cases, activities — `lastContactedAt` moves without it) do not count. '
      + 'Poll with `updatedAt: { gt: … }` and `orderBy: [{ field: UPDATED_AT, direction: ASC }]`.',
  })
  updatedAt!: Date;

  @Field(() => Int, { description: 'Optimistic-concurrency version; pass it back to `updateCustomer`.' })
  version!: number;
}
