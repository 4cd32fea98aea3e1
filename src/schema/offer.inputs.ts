import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { MembershipTier, OfferAppliesTo, OfferDiscountType, OfferTarget } from '../entities/loyalty.enums';
import { Offer, OfferRedemption, ProductInterest } from '../entities/offer.entity';
import type * as offers from '../services/offer.service';
import { OFFER_FILTER, OFFER_ORDER } from '../services/offer.service';
import type { SortFieldOf } from '../services/read-model';
import { C3Segment, ParetoClass } from '../entities/metrics.enums';
import { connectionType } from './connection';
import { ASCENDING_BY_DEFAULT, SortDirection } from './enums';
import { DateTimeFilter, IdFilter, StringFilter, enumFilter } from './filters';
import { UserError } from './payload';
import { DateTimeScalar, DecimalScalar } from './scalars';
import { Assert, SameFilterFields, sortEnum } from './sort-enum';

export const OfferConnection = connectionType(Offer, 'Offer');
export const OfferRedemptionConnection = connectionType(OfferRedemption, 'OfferRedemption');

const OfferDiscountTypeFilter = enumFilter(OfferDiscountType, 'OfferDiscountType');
const OfferTargetFilter = enumFilter(OfferTarget, 'OfferTarget');

@InputType({ description: 'Which offers to list. Fields are and-ed; combine filters with `and`, `or`, `not`.' })
export class OfferFilter {
  @Field(() => [OfferFilter], { nullable: true, description: 'All of these hold.' }) and?: OfferFilter[];
  @Field(() => [OfferFilter], { nullable: true, description: 'At least one of these holds.' }) or?: OfferFilter[];
  @Field(() => OfferFilter, { nullable: true, description: 'This does not hold.' }) not?: OfferFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The offer id.' }) id?: IdFilter;
  @Field(() => StringFilter, { nullable: true, description: 'The code (stored upper-case).' }) code?: StringFilter;
  @Field(() => StringFilter, { nullable: true, description: 'The display name.' }) name?: StringFilter;
  @Field(() => OfferDiscountTypeFilter, { nullable: true, description: 'How it discounts.' }) discountType?: unknown;
  @Field(() => OfferTargetFilter, { nullable: true, description: 'Who it is for.' }) target?: unknown;
  @Field(() => IdFilter, { nullable: true, description: 'The product of a PRODUCT offer.' }) productId?: IdFilter;
  @Field(() => DateTimeFilter, { nullable: true, description: 'Start of the validity window.' }) validFrom?: DateTimeFilter;
  @Field(() => DateTimeFilter, { nullable: true, description: 'End of the validity window, e.g. `{ gt: <now> }` for offers not yet over.' }) validUntil?: DateTimeFilter;
  @Field(() => DateTimeFilter, { nullable: true, description: 'Creation (publication) time.' }) createdAt?: DateTimeFilter;
}

export const OfferOrderField = sortEnum(OFFER_ORDER, 'OfferOrderField', 'Fields offers can be sorted by.');
export type OfferOrderField = SortFieldOf<typeof OFFER_ORDER>;
export type OfferFilterMatchesService = Assert<SameFilterFields<OfferFilter, typeof OFFER_FILTER>>;

@InputType({ description: 'One sort key for offers; list several to break ties. The id always breaks the last tie.' })
export class OfferOrderBy {
  @Field(() => OfferOrderField, { description: 'What to sort by.' }) field!: OfferOrderField;
  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: ASCENDING_BY_DEFAULT }) direction!: SortDirection;
}

const TERMS = {
  name: 'Display name (1–200 characters).',
  description: 'Longer text for the shopper (at most 2000 characters).',
  discountType: 'PERCENT (needs `percent`), AMOUNT (needs `amount` and `currency`) or BUNDLE (needs `bundleSkus`, `bundlePrice` and `currency`).',
  appliesTo: 'ORDER (the default; the only choice for a BUNDLE), PRODUCT (needs `productId`) or CATEGORY (needs `category`).',
  percent: 'PERCENT only: more than 0, at most 100, at most 2 decimals.',
  amount: 'AMOUNT only: more than 0, at most 2 decimals, in `currency`; off the order once, or per unit for PRODUCT and CATEGORY.',
  currency: 'ISO 4217 currency of `amount` / `bundlePrice` (AMOUNT and BUNDLE; not for PERCENT, which applies in any currency). Orders in another currency are refused.',
  productId: 'PRODUCT offers: the product (NOT_FOUND here otherwise).',
  category: 'CATEGORY offers: a product category as in `Product.category` (exact match).',
  bundleSkus: 'BUNDLE offers: at least 2 different SKUs of existing products (NOT_FOUND naming the position otherwise); one unit of each makes the bundle.',
  bundlePrice: 'BUNDLE offers: the price of one unit of each SKU together.',
  validFrom: 'Redeemable from (UTC).',
  validUntil: 'Redeemable until (UTC, exclusive); after `validFrom`.',
  quantityLimit: 'At most this many redemptions in all (the first N orders, race-safe); omitted = unlimited.',
  oncePerCustomer: 'Whether a customer may redeem it only once (default false).',
  target: 'EVERYONE, CUSTOMER (needs `targetCustomerId`), TIER (needs `targetTier`) or SEGMENT (needs at least one of `targetParetoClass`, `targetC3Segment`, `targetRfmMin`, `targetRfmMax`).',
  targetParetoClass: 'SEGMENT offers: the Pareto class of the customer\'s metrics.',
  targetC3Segment: 'SEGMENT offers: the C3 segment of the customer\'s metrics.',
  targetRfmMin: 'SEGMENT offers: the lowest RFM score total (3–15).',
  targetRfmMax: 'SEGMENT offers: the highest RFM score total (3–15), at least targetRfmMin.',
  targetCustomerId: 'CUSTOMER offers: the one customer who may redeem it (a live customer; NOT_FOUND otherwise).',
  targetTier: 'TIER offers: the lowest membership tier that may redeem it.',
  earlyAccessUntil: '"Notify first": until then only customers who registered interest in the product may redeem it. Only for PRODUCT offers with a `quantityLimit`, '
    + 'strictly within the validity window. At creation, the owner of each interested customer gets a FOLLOW_UP task.',
};

@InputType({ description: 'A new offer; published (live from `validFrom`) when created. Errors name the field to fix.' })
export class CreateOfferInput implements offers.CreateOfferInput {
  @Field({ description: 'The code shops pass in `pushOrder(offerCodes)`: 3–40 letters, digits, "-" or "_", case-insensitive (stored upper-case), unique (DUPLICATE otherwise).' }) code!: string;
  @Field({ description: TERMS.name }) name!: string;
  @Field(() => String, { nullable: true, description: TERMS.description }) description?: string | null;
  @Field(() => OfferDiscountType, { description: TERMS.discountType }) discountType!: OfferDiscountType;
  @Field(() => OfferAppliesTo, { nullable: true, description: TERMS.appliesTo }) appliesTo?: OfferAppliesTo | null;
  @Field(() => DecimalScalar, { nullable: true, description: TERMS.percent }) percent?: string | null;
  @Field(() => DecimalScalar, { nullable: true, description: TERMS.amount }) amount?: string | null;
  @Field(() => String, { nullable: true, description: TERMS.currency }) currency?: string | null;
  @Field(() => ID, { nullable: true, description: TERMS.productId }) productId?: string | null;
  @Field(() => String, { nullable: true, description: TERMS.category }) category?: string | null;
  @Field(() => [String], { nullable: true, description: TERMS.bundleSkus }) bundleSkus?: string[] | null;
  @Field(() => DecimalScalar, { nullable: true, description: TERMS.bundlePrice }) bundlePrice?: string | null;
  @Field(() => DateTimeScalar, { description: TERMS.validFrom }) validFrom!: Date;
  @Field(() => DateTimeScalar, { description: TERMS.validUntil }) validUntil!: Date;
  @Field(() => Int, { nullable: true, description: TERMS.quantityLimit }) quantityLimit?: number | null;
  @Field(() => Boolean, { nullable: true, description: TERMS.oncePerCustomer }) oncePerCustomer?: boolean | null;
  @Field(() => OfferTarget, { description: TERMS.target }) target!: OfferTarget;
  @Field(() => ID, { nullable: true, description: TERMS.targetCustomerId }) targetCustomerId?: string | null;
  @Field(() => MembershipTier, { nullable: true, description: TERMS.targetTier }) targetTier?: MembershipTier | null;
  @Field(() => ParetoClass, { nullable: true, description: TERMS.targetParetoClass }) targetParetoClass?: ParetoClass | null;
  @Field(() => C3Segment, { nullable: true, description: TERMS.targetC3Segment }) targetC3Segment?: C3Segment | null;
  @Field(() => Int, { nullable: true, description: TERMS.targetRfmMin }) targetRfmMin?: number | null;
  @Field(() => Int, { nullable: true, description: TERMS.targetRfmMax }) targetRfmMax?: number | null;
  @Field(() => DateTimeScalar, { nullable: true, description: TERMS.earlyAccessUntil }) earlyAccessUntil?: Date | null;
}

const KEEP = 'Omitted: unchanged; null: cleared.';
const FROZEN = 'Omitted: unchanged. Fixed once the offer was redeemed (BUSINESS_RULE).';

@InputType({
  description: 'Changes to an offer. Pass the `version` you read; a stale one is a CONFLICT. The changed offer is checked as a whole, like a new one. '
    + 'Once redeemed, its terms (code, type, what and whom it applies to, amounts) are fixed: create a new offer instead; name, description, window, limit (not below `redeemedCount`) and early access still change.',
})
export class UpdateOfferInput implements offers.UpdateOfferInput {
  @Field(() => ID, { description: 'The offer.' }) id!: string;
  @Field(() => Int, { description: 'The version you read.' }) version!: number;
  @Field(() => String, { nullable: true, description: `The code (as in \`CreateOfferInput.code\`). ${FROZEN}` }) code?: string;
  @Field(() => String, { nullable: true, description: `${TERMS.name} Omitted: unchanged.` }) name?: string;
  @Field(() => String, { nullable: true, description: `${TERMS.description} ${KEEP}` }) description?: string | null;
  @Field(() => OfferDiscountType, { nullable: true, description: `${TERMS.discountType} ${FROZEN}` }) discountType?: OfferDiscountType;
  @Field(() => OfferAppliesTo, { nullable: true, description: `${TERMS.appliesTo} ${FROZEN}` }) appliesTo?: OfferAppliesTo;
  @Field(() => DecimalScalar, { nullable: true, description: `${TERMS.percent} ${FROZEN}` }) percent?: string | null;
  @Field(() => DecimalScalar, { nullable: true, description: `${TERMS.amount} ${FROZEN}` }) amount?: string | null;
  @Field(() => String, { nullable: true, description: `${TERMS.currency} ${FROZEN}` }) currency?: string | null;
  @Field(() => ID, { nullable: true, description: `${TERMS.productId} ${FROZEN}` }) productId?: string | null;
  @Field(() => String, { nullable: true, description: `${TERMS.category} ${FROZEN}` }) category?: string | null;
  @Field(() => [String], { nullable: true, description: `${TERMS.bundleSkus} ${FROZEN}` }) bundleSkus?: string[] | null;
  @Field(() => DecimalScalar, { nullable: true, description: `${TERMS.bundlePrice} ${FROZEN}` }) bundlePrice?: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: `${TERMS.validFrom} Omitted: unchanged.` }) validFrom?: Date;
  @Field(() => DateTimeScalar, { nullable: true, description: `${TERMS.validUntil} Omitted: unchanged.` }) validUntil?: Date;
  @Field(() => Int, { nullable: true, description: `${TERMS.quantityLimit} ${KEEP}` }) quantityLimit?: number | null;
  @Field(() => Boolean, { nullable: true, description: `${TERMS.oncePerCustomer} Omitted: unchanged.` }) oncePerCustomer?: boolean;
  @Field(() => OfferTarget, { nullable: true, description: `${TERMS.target} ${FROZEN}` }) target?: OfferTarget;
  @Field(() => ID, { nullable: true, description: `${TERMS.targetCustomerId} ${FROZEN}` }) targetCustomerId?: string | null;
  @Field(() => MembershipTier, { nullable: true, description: `${TERMS.targetTier} ${FROZEN}` }) targetTier?: MembershipTier | null;
  @Field(() => ParetoClass, { nullable: true, description: `${TERMS.targetParetoClass} ${FROZEN}` }) targetParetoClass?: ParetoClass | null;
  @Field(() => C3Segment, { nullable: true, description: `${TERMS.targetC3Segment} ${FROZEN}` }) targetC3Segment?: C3Segment | null;
  @Field(() => Int, { nullable: true, description: `${TERMS.targetRfmMin} ${FROZEN}` }) targetRfmMin?: number | null;
  @Field(() => Int, { nullable: true, description: `${TERMS.targetRfmMax} ${FROZEN}` }) targetRfmMax?: number | null;
  @Field(() => DateTimeScalar, { nullable: true, description: `${TERMS.earlyAccessUntil} Tasks are created only when the offer is created. ${KEEP}` }) earlyAccessUntil?: Date | null;
}

@ObjectType({ description: 'Result of an offer mutation.' })
export class OfferPayload {
  @Field(() => Offer, { nullable: true, description: 'The offer; null when `errors` is not empty.' }) offer!: Offer | null;
  @Field(() => [UserError], { description: 'Why the change was refused; empty on success.' }) errors!: UserError[];
}

@InputType({ description: 'A customer asks to be notified first of limited offers on a product.' })
export class RegisterInterestInput implements offers.RegisterInterestInput {
  @Field(() => ID, { description: 'The customer (one you can see; any live customer for keys with `offers:read`); NOT_FOUND otherwise.' }) customerId!: string;
  @Field(() => ID, { description: 'The product (NOT_FOUND otherwise).' }) productId!: string;
}

@ObjectType({ description: 'Result of `registerInterest`.' })
export class ProductInterestPayload {
  @Field(() => ProductInterest, { nullable: true, description: 'The interest (the one registered first, when the pair was registered before); null when `errors` is not empty.' }) interest!: ProductInterest | null;
  @Field(() => [UserError], { description: 'Why it was refused; empty on success.' }) errors!: UserError[];
}

@ObjectType({
  description: 'What an offer brought, in one order currency, over all customers, computed from the redemptions when read. '
    + 'Redemptions of CANCELLED or RETURNED orders count in none of the figures (they stay recorded and keep the quantity they took).',
})
export class OfferResults {
  @Field({ description: 'The ISO 4217 currency of the orders these figures are about (a PERCENT offer may be redeemed in several).' }) currency!: string;
  @Field(() => Int, { description: 'Redemptions whose order is not CANCELLED or RETURNED (each order redeems an offer at most once).' }) orders!: number;
  @Field(() => DecimalScalar, { description: 'The sum of those orders\' totals (what the customers pay, after every discount: lines, offers, points).' }) revenue!: string;
  @Field(() => DecimalScalar, { description: 'The sum of the discounts this offer gave on those orders (`OfferRedemption.discount`).' }) discountGiven!: string;
}
