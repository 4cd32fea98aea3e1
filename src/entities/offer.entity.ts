import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar, DecimalScalar } from '../schema/scalars';
import type { Customer } from './customer.entity';
import { IdPrefix, newId } from './ids';
import { OfferAppliesTo, OfferDiscountType, OfferTarget, MembershipTier } from './loyalty.enums';
import { C3Segment, ParetoClass } from './metrics.enums';
import { Node } from './node';
import type { Order } from './order.entity';
import type { Product } from './product.entity';
import { Versioned } from './base.entity';

@IdPrefix('ofr')
@Entity({ tableName: 'offer' })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A personalised offer: a discount or bundle for a target (everyone, a tier, one customer), redeemed with its `code` in `pushOrder(offerCodes)`.' })
export class Offer extends Versioned<'redeemedCount' | 'oncePerCustomer'> implements Node {
  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (`ofr_…`).' })
  id: string = newId('Offer');

  @Property({ type: 'text' })
  @Field({ description: 'The code a shop passes in `pushOrder(offerCodes)` (unique, upper-case).' })
  code!: string;

  @Property({ type: 'text' })
  @Field({ description: 'Display name.' })
  name!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Longer text for the shopper; null when none.' })
  description?: string | null;

  @Enum({ items: () => OfferDiscountType })
  @Field(() => OfferDiscountType, { description: 'PERCENT, AMOUNT or BUNDLE.' })
  discountType!: OfferDiscountType;

  @Enum({ items: () => OfferAppliesTo })
  @Field(() => OfferAppliesTo, { description: 'What a PERCENT or AMOUNT offer discounts: ORDER, PRODUCT or CATEGORY (ORDER for a BUNDLE).' })
  appliesTo!: OfferAppliesTo;

  @Property({ type: 'decimal', precision: 5, scale: 2, nullable: true })
  @Field(() => DecimalScalar, { nullable: true, description: 'For PERCENT: the percentage off (0 < percent ≤ 100); null otherwise.' })
  percent?: string | null;

  @Property({ type: 'decimal', precision: 18, scale: 2, nullable: true })
  @Field(() => DecimalScalar, { nullable: true, description: 'For AMOUNT: the amount off in `currency` (off the order once, or per unit for PRODUCT and CATEGORY); null otherwise.' })
  amount?: string | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'ISO 4217 currency of `amount` / `bundlePrice` (the order must be in it); null for PERCENT offers, which apply in any currency.' })
  currency?: string | null;

  @ManyToOne({ entity: 'Product', fieldName: 'product_id', nullable: true })
  product?: Rel<Product> | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'For CATEGORY offers: the product category (as in `Product.category`); null otherwise.' })
  category?: string | null;

  @Property({ type: 'json', nullable: true })
  @Field(() => [String], { nullable: true, description: 'For BUNDLE offers: the SKUs sold together (one unit of each); null otherwise.' })
  bundleSkus?: string[] | null;

  @Property({ type: 'decimal', precision: 18, scale: 2, nullable: true })
  @Field(() => DecimalScalar, { nullable: true, description: 'For BUNDLE offers: the price of one unit of each of `bundleSkus` together, in `currency`; null otherwise.' })
  bundlePrice?: string | null;

  @Property({ type: 'timestamptz' })
  @Field(() => DateTimeScalar, { description: 'Redeemable from (UTC).' })
  validFrom!: Date;

  @Property({ type: 'timestamptz' })
  @Field(() => DateTimeScalar, { description: 'Redeemable until (UTC, exclusive).' })
  validUntil!: Date;

  @Property({ type: 'integer', nullable: true })
  @Field(() => Int, { nullable: true, description: 'At most this many redemptions in all (the first N orders; race-safe); null = unlimited.' })
  quantityLimit?: number | null;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Orders that redeemed it so far.' })
  redeemedCount: number = 0;

  @Property({ type: 'boolean' })
  @Field({ description: 'Whether a customer may redeem it only once.' })
  oncePerCustomer: boolean = false;

  @Enum({ items: () => OfferTarget })
  @Field(() => OfferTarget, { description: 'EVERYONE, CUSTOMER or TIER.' })
  target!: OfferTarget;

  @ManyToOne({ entity: 'Customer', fieldName: 'target_customer_id', nullable: true })
  targetCustomer?: Rel<Customer> | null;

  @Enum({ items: () => MembershipTier, nullable: true })
  @Field(() => MembershipTier, { nullable: true, description: 'For TIER offers: the lowest tier that may redeem it; null otherwise.' })
  targetTier?: MembershipTier | null;

  @Enum({ items: () => ParetoClass, nullable: true })
  @Field(() => ParetoClass, { nullable: true, description: 'For SEGMENT offers: the Pareto class the customer must be in; null when any.' })
  targetParetoClass?: ParetoClass | null;

  @Enum({ items: () => C3Segment, nullable: true, fieldName: 'target_c3_segment' })
  @Field(() => C3Segment, { nullable: true, description: 'For SEGMENT offers: the C3 segment the customer must be in; null when any.' })
  targetC3Segment?: C3Segment | null;

  @Property({ type: 'smallint', nullable: true })
  @Field(() => Int, { nullable: true, description: 'For SEGMENT offers: the lowest RFM score total (3–15) the customer must have; null when none.' })
  targetRfmMin?: number | null;

  @Property({ type: 'smallint', nullable: true })
  @Field(() => Int, { nullable: true, description: 'For SEGMENT offers: the highest RFM score total (3–15); null when none.' })
  targetRfmMax?: number | null;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => DateTimeScalar, {
    nullable: true,
    description: '"Notify first": before this time only customers who registered interest in the offer\'s product (`registerInterest`) may redeem it; null when there is no early access.',
  })
  earlyAccessUntil?: Date | null;

  @Property({ type: 'text' })
  createdBy!: string;

  @Field(() => DateTimeScalar, { description: 'When it was created (published), UTC.' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { description: 'When it last changed (UTC).' })
  updatedAt!: Date;

  @Field(() => Int, { description: 'Optimistic-concurrency version; pass it back to `updateOffer`.' })
  version!: number;
}

@IdPrefix('ofx')
@Entity({ tableName: 'offer_redemption' })
@ObjectType({ simpleResolvers: true, description: 'One order that redeemed an offer. Never changed or deleted.' })
export class OfferRedemption {
  [OptionalProps]?: 'id' | 'createdAt';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (`ofx_…`).' })
  id: string = newId('OfferRedemption');

  @ManyToOne({ entity: 'Offer', fieldName: 'offer_id' })
  offer!: Rel<Offer>;

  @ManyToOne({ entity: 'Customer', fieldName: 'customer_id' })
  customer!: Rel<Customer>;

  @ManyToOne({ entity: 'Order', fieldName: 'order_id' })
  order!: Rel<Order>;

  @Property({ type: 'decimal', precision: 18, scale: 2 })
  @Field(() => DecimalScalar, { description: 'The discount the offer gave on the order, in `currency`.' })
  discount!: string;

  @Property({ type: 'text' })
  @Field({ description: 'ISO 4217 currency of the order.' })
  currency!: string;

  @Property({ type: 'timestamptz' })
  @Field(() => DateTimeScalar, { description: 'When (UTC).' })
  createdAt: Date = new Date();
}

@IdPrefix('pin')
@Entity({ tableName: 'product_interest' })
@ObjectType({ simpleResolvers: true, description: 'A customer asked to be notified first of limited offers on a product ("notify me").' })
export class ProductInterest {
  [OptionalProps]?: 'id' | 'createdAt';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (`pin_…`).' })
  id: string = newId('ProductInterest');

  @ManyToOne({ entity: 'Customer', fieldName: 'customer_id' })
  customer!: Rel<Customer>;

  @ManyToOne({ entity: 'Product', fieldName: 'product_id' })
  product!: Rel<Product>;

  @Property({ type: 'text' })
  createdBy!: string;

  @Property({ type: 'timestamptz' })
  @Field(() => DateTimeScalar, { description: 'When it was registered (UTC).' })
  createdAt: Date = new Date();
}
