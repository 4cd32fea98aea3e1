import { registerEnumType } from 'type-graphql';

/** Membership tiers, lowest first (the order matters: tiers are compared by their position here). */
export enum MembershipTier { STANDARD = 'STANDARD', SILVER = 'SILVER', GOLD = 'GOLD', PLATINUM = 'PLATINUM' }
export const MEMBERSHIP_TIERS: readonly MembershipTier[] = [MembershipTier.STANDARD, MembershipTier.SILVER, MembershipTier.GOLD, MembershipTier.PLATINUM];
registerEnumType(MembershipTier, {
  name: 'MembershipTier',
  description: 'Membership tier, earned by rolling 12-month net spend (thresholds in `loyaltyProgramme.tiers`).',
  valuesConfig: {
    STANDARD: { description: 'Every member from enrolment.' },
    SILVER: { description: 'Spend over the last 12 months at or above the SILVER threshold.' },
    GOLD: { description: 'Spend over the last 12 months at or above the GOLD threshold.' },
    PLATINUM: { description: 'Spend over the last 12 months at or above the PLATINUM threshold.' },
  },
});

export enum PointsEntryKind { BONUS = 'BONUS', EARN = 'EARN', REDEEM = 'REDEEM', REVERSAL = 'REVERSAL', EXPIRE = 'EXPIRE', ADJUST = 'ADJUST' }
registerEnumType(PointsEntryKind, {
  name: 'PointsEntryKind',
  description: 'What moved points in the ledger.',
  valuesConfig: {
    BONUS: { description: 'The programme\'s sign-up bonus, at enrolment (a lot: it expires like earned points).' },
    EARN: { description: 'Earned when an order became COMPLETED: floor(order total paid in money × the tier\'s earn rate); one per order.' },
    REDEEM: { description: 'Paid part of an order (`pushOrder(pointsToRedeem)`); negative.' },
    REVERSAL: { description: 'An order was RETURNED or CANCELLED: its earned points taken back (negative; `unrecovered` is what the balance could not cover), or its redeemed points given back (positive, a new lot).' },
    EXPIRE: { description: 'What was left of lots whose expiry date passed, taken by the nightly job (FIFO: the soonest-expiring lot is used first).' },
    ADJUST: { description: 'A manual correction by ADMIN or SERVICE_AGENT with a reason (e.g. goodwill after a complaint); positive adjustments are lots.' },
  },
});

export enum TierChangeReason { ENROLMENT = 'ENROLMENT', ORDER = 'ORDER', JOB = 'JOB', MERGE = 'MERGE' }
registerEnumType(TierChangeReason, {
  name: 'TierChangeReason',
  description: 'Why a member\'s tier changed.',
  valuesConfig: {
    ENROLMENT: { description: 'The member enrolled (from: null).' },
    ORDER: { description: 'An order became COMPLETED and the spend reached a higher tier (tiers go up at once).' },
    JOB: { description: 'The nightly loyalty job re-evaluated the rolling spend (the only way a tier goes down).' },
    MERGE: { description: 'A duplicate customer was merged into this member (`mergeCustomers`) and the combined spend reached a higher tier.' },
  },
});

export enum PriceSource { SHOP = 'SHOP', LIST = 'LIST', MEMBER = 'MEMBER' }
registerEnumType(PriceSource, {
  name: 'PriceSource',
  description: 'Where an order line\'s unit price came from.',
  valuesConfig: {
    SHOP: { description: 'Pushed by the shop (`unitPrice` given), checked against the price rules.' },
    LIST: { description: 'Omitted by the shop: the product\'s list price (the customer is not a member, or the product has no member price).' },
    MEMBER: { description: 'Omitted by the shop: the product\'s member price, because the customer is a member (of any tier).' },
  },
});

export enum OfferDiscountType { PERCENT = 'PERCENT', AMOUNT = 'AMOUNT', BUNDLE = 'BUNDLE' }
registerEnumType(OfferDiscountType, {
  name: 'OfferDiscountType',
  description: 'How an offer discounts.',
  valuesConfig: {
    PERCENT: { description: 'A percentage off what it applies to (`percent`).' },
    AMOUNT: { description: 'An amount off (`amount` in `currency`): once off the order, or per unit of the product / category.' },
    BUNDLE: { description: 'These SKUs together (`bundleSkus`, one unit each) for `bundlePrice` in `currency`.' },
  },
});

export enum OfferAppliesTo { ORDER = 'ORDER', PRODUCT = 'PRODUCT', CATEGORY = 'CATEGORY' }
registerEnumType(OfferAppliesTo, {
  name: 'OfferAppliesTo',
  description: 'What a PERCENT or AMOUNT offer discounts (a BUNDLE applies to its SKUs: ORDER).',
  valuesConfig: {
    ORDER: { description: 'The whole order (after line discounts).' },
    PRODUCT: { description: 'The lines of one product (`productId`).' },
    CATEGORY: { description: 'The lines of products of one category (`category`).' },
  },
});

export enum OfferTarget { EVERYONE = 'EVERYONE', CUSTOMER = 'CUSTOMER', TIER = 'TIER', SEGMENT = 'SEGMENT' }
registerEnumType(OfferTarget, {
  name: 'OfferTarget',
  description: 'Who may redeem an offer.',
  valuesConfig: {
    EVERYONE: { description: 'Every customer (members or not).' },
    CUSTOMER: { description: 'One customer (`targetCustomerId`).' },
    TIER: { description: 'Members of `targetTier` or a higher tier.' },
    SEGMENT: { description: 'Customers in a segment of their value metrics as of the last metrics refresh (`Customer.metrics`): `targetParetoClass`, `targetC3Segment` and / or an RFM score range (`targetRfmMin`–`targetRfmMax`), all that are given.' },
  },
});
