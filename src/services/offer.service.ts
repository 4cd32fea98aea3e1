import Decimal from 'decimal.js';
import { z } from 'zod';
import { hasScope, isUserIn, type Principal } from '../auth/principal';
import { Customer } from '../entities/customer.entity';
import { AuditAction, Role } from '../entities/enums';
import { refId } from '../entities/ids';
import { MEMBERSHIP_TIERS, MembershipTier, OfferAppliesTo, OfferDiscountType, OfferTarget } from '../entities/loyalty.enums';
import { C3Segment, ParetoClass } from '../entities/metrics.enums';
import { Offer, type OfferRedemption, type ProductInterest } from '../entities/offer.entity';
import { Product } from '../entities/product.entity';
import { diff, recordAudit } from './audit.service';
import type { ServiceContext } from './context';
import { RollbackWithErrors, userError, type UserError } from './errors';
import type { FilterSpec } from './filter';
import { priceOfferLines, type PricingOffer } from './offer-pricing';
import { fixedOrder, readModel, type ListArgs, type SortFieldOf, type SortTable } from './read-model';
import { liveCustomer, visibleCustomer } from './scope';
import { columnsOf, FALSE, join, newIdSql, raw, rows, sql, textArray, TRUE, type Sql } from './sql';
import { fail, inTransaction } from './transaction';
import { CURRENCY, ID, MONEY, optionalText, parseInput, text, type InputOf } from './validation';

/**
 * Personalised offers (issue 11): a discount or bundle for everyone, a membership tier or one customer,
 * redeemed with its code in `pushOrder(offerCodes)`.
 *
 * - Staff read every offer (OFFER_READERS); MARKETING and ADMIN create and change them. Creation is
 *   publication: an offer is live from its `validFrom`.
 * - An offer applies to a customer now when: now is in [validFrom, validUntil); the target matches
 *   (CUSTOMER: that customer; TIER: a member of that tier or higher; EVERYONE); it is not sold out
 *   (`redeemedCount < quantityLimit`); a once-per-customer offer was not redeemed by the customer yet;
 *   before `earlyAccessUntil` only customers with a `product_interest` in its product ("notify first").
 * - Pushes: `priceOffers` checks and prices the codes (no writes), `recordRedemptions` takes the
 *   quantity race-safely under the offer's row lock and writes the redemptions. Redemptions are never
 *   changed or deleted: a cancelled or returned order keeps its redemption (and the quantity it took).
 * - Audit: the audit log is the history of a customer (every entry names one), so only offers targeted
 *   at one customer are audited, on that customer's history. Offers for everyone or a tier concern no
 *   customer (like products and campaigns, which are not audited either); their author is `createdBy`.
 */

// ------------------------------------------------------------------------------------ who does what

/** Staff who read offers (the root lists, `node(id)`). */
export const OFFER_READERS: readonly Role[] = [Role.ADMIN, Role.SALES_MANAGER, Role.SALES_REP, Role.SERVICE_AGENT, Role.MARKETING, Role.FINANCE, Role.ANALYST];
/** Who creates and changes offers. */
export const OFFER_WRITERS: readonly Role[] = [Role.ADMIN, Role.MARKETING];
/** Who reads the redemptions (orders and customers behind an offer) and its results. */
export const REDEMPTION_READERS: readonly Role[] = [Role.ADMIN, Role.MARKETING, Role.FINANCE, Role.SALES_MANAGER];
/** Staff who ask what a customer is offered, and register a customer's interest (customers they can see). */
export const SHOPPER_STAFF: readonly Role[] = [Role.ADMIN, Role.SALES_MANAGER, Role.SALES_REP, Role.SERVICE_AGENT, Role.MARKETING];


// ------------------------------------------------------------------------------------ reads

export type OfferRow = Offer;
export type OfferRedemptionRow = OfferRedemption;
export type ProductInterestRow = ProductInterest;

/** The sort enum `OfferOrderField`. */
export const OFFER_ORDER = {
  CREATED_AT: { expr: 'f.created_at', get: (r) => r.createdAt, description: 'When the offer was created (published); the default, newest first.' },
  VALID_FROM: { expr: 'f.valid_from', get: (r) => r.validFrom, description: 'Start of the validity window.' },
  VALID_UNTIL: { expr: 'f.valid_until', get: (r) => r.validUntil, description: 'End of the validity window.' },
  CODE: { expr: 'f.code', get: (r) => r.code, description: 'The code, alphabetically.' },
} satisfies SortTable<OfferRow>;

/** The fields of the GraphQL `OfferFilter`. */
export const OFFER_FILTER = {
  id: { expr: 'f.id', kind: 'scalar' },
  code: { expr: 'f.code', kind: 'text' },
  name: { expr: 'f.name', kind: 'text' },
  discountType: { expr: 'f.discount_type', kind: 'scalar' },
  target: { expr: 'f.target', kind: 'scalar' },
  productId: { expr: 'f.product_id', kind: 'scalar' },
  validFrom: { expr: 'f.valid_from', kind: 'scalar' },
  validUntil: { expr: 'f.valid_until', kind: 'scalar' },
  createdAt: { expr: 'f.created_at', kind: 'scalar' },
} satisfies FilterSpec;

export type OfferOrderField = SortFieldOf<typeof OFFER_ORDER>;
export type OfferListArgs = ListArgs<typeof OFFER_ORDER, typeof OFFER_FILTER>;

/** Offers are not customer records: staff who read offers read all of them (a target customer's fields follow the customer's rules). */
export const offerReads = readModel<OfferRow>()({
  entity: 'Offer', table: 'offer', alias: 'f',
  visible: (ctx) => (isUserIn(ctx.principal, OFFER_READERS) ? TRUE : FALSE),
  filter: OFFER_FILTER,
  order: { list: 'offers', table: OFFER_ORDER, default: { field: 'CREATED_AT', direction: 'DESC' } },
});

export const listOffers = offerReads.list;
export const getOffer = offerReads.get;

/** Redemptions of an offer, newest first, of the customers the caller can see. */
export const redemptionReads = readModel<OfferRedemptionRow>()({
  entity: 'OfferRedemption', table: 'offer_redemption', alias: 'r', parentColumn: 'r.offer_id',
  visible: (ctx) => (isUserIn(ctx.principal, REDEMPTION_READERS) ? visibleCustomer(ctx.principal, 'r.customer_id') : FALSE),
  order: fixedOrder('offerRedemptions', [
    { expr: 'r.created_at', dir: 'DESC', get: (r) => r.createdAt },
    { expr: 'r.id', dir: 'DESC', get: (r) => r.id },
  ]),
});

/** The figures of `Offer.results`, per offer and order currency (see `offerResults`). */
export interface OfferResultRow { offerId: string; currency: string; orders: number; revenue: string; discountGiven: string }

/**
 * Results of several offers in one statement, one row per offer and order currency, over all customers:
 * `orders` = redemptions whose order is not CANCELLED or RETURNED; `revenue` = the sum of those orders'
 * totals (what the customers pay, after every discount); `discountGiven` = the sum of those redemptions'
 * discounts (what this offer took off them). Redemptions of cancelled or returned orders stay recorded
 * (and keep their quantity) but count in none of the figures.
 */
export async function offerResults(ctx: ServiceContext, offerIds: readonly string[]): Promise<OfferResultRow[]> {
  if (!offerIds.length || !isUserIn(ctx.principal, [...REDEMPTION_READERS, Role.ANALYST])) return [];
  return rows<OfferResultRow>(ctx.em, sql`select r.offer_id as "offerId", r.currency, count(*)::int as orders,
      sum(o.total)::text as revenue, sum(r.discount)::text as "discountGiven"
    from offer_redemption r join sales_order o on o.id = r.order_id
    where r.offer_id = any(${textArray([...offerIds])}) and o.status not in ('CANCELLED', 'RETURNED')
    group by r.offer_id, r.currency order by r.offer_id, r.currency`);
}

/** Position of a tier (STANDARD = 1 … PLATINUM = 4), in SQL. */
const tierRank = (expr: string): Sql => sql`array_position(array[${raw(MEMBERSHIP_TIERS.map((t) => `'${t}'`).join(', '))}]::text[], ${raw(expr)})`;

/** The customers a caller may ask about: staff those they can see, keys with `offers:read` every live customer. */
function shopperScope(principal: Principal, customerIdExpr: string): Sql {
  if (principal.type === 'API_KEY') return hasScope(principal, 'offers:read') ? liveCustomer(customerIdExpr) : FALSE;
  return SHOPPER_STAFF.includes(principal.role) ? visibleCustomer(principal, customerIdExpr) : FALSE;
}

/** Whether the offer `f` is for the customer (target, early access, once per customer): the rules of `offersFor` and pushes. */
const targetMatches = (customerId: string): Sql => sql`(f.target = 'EVERYONE'
  or (f.target = 'CUSTOMER' and f.target_customer_id = ${customerId})
  or (f.target = 'TIER' and exists (select 1 from loyalty_membership m where m.customer_id = ${customerId} and ${tierRank('m.tier')} >= ${tierRank('f.target_tier')}))
  or (f.target = 'SEGMENT' and exists (select 1 from customer_metrics cm where cm.customer_id = ${customerId}
    and (f.target_pareto_class is null or cm.pareto_class = f.target_pareto_class) and (f.target_c3_segment is null or cm.c3_segment = f.target_c3_segment)
    and (f.target_rfm_min is null or cm.rfm_total >= f.target_rfm_min) and (f.target_rfm_max is null or cm.rfm_total <= f.target_rfm_max))))`;
const interested = (customerId: string): Sql =>
  sql`exists (select 1 from product_interest i where i.customer_id = ${customerId} and i.product_id = f.product_id)`;
const redeemedBy = (customerId: string): Sql =>
  sql`exists (select 1 from offer_redemption x where x.offer_id = f.id and x.customer_id = ${customerId})`;

/**
 * The offers that apply to the customer now, best first: the most specific target first (CUSTOMER,
 * then TIER — a higher tier first —, then EVERYONE); then the larger value, like with like: PERCENT
 * offers by `percent`, then AMOUNT offers by `amount`, then BUNDLE offers by what the bundle saves
 * against the products' list prices (a percentage and an amount cannot be compared without a basket);
 * then the one ending soonest; the id breaks ties. Null when the customer is not one the caller may ask about.
 */
export async function offersFor(ctx: ServiceContext, customerId: string, now = new Date()): Promise<OfferRow[] | null> {
  const [customer] = await rows<{ id: string }>(ctx.em, sql`select c.id from customer c where c.id = ${customerId} and ${shopperScope(ctx.principal, 'c.id')}`);
  if (!customer) return null;
  return rows<OfferRow>(ctx.em, sql`select ${columnsOf(ctx.em, 'Offer', 'f')} from offer f
    where f.valid_from <= ${now} and f.valid_until > ${now}
      and (f.quantity_limit is null or f.redeemed_count < f.quantity_limit)
      and ${targetMatches(customerId)}
      and (not f.once_per_customer or not ${redeemedBy(customerId)})
      and (f.early_access_until is null or f.early_access_until <= ${now} or ${interested(customerId)})
    order by case f.target when 'CUSTOMER' then 0 when 'TIER' then 1 when 'SEGMENT' then 1 else 2 end, ${tierRank('f.target_tier')} desc nulls last,
      case f.discount_type when 'PERCENT' then 0 when 'AMOUNT' then 1 else 2 end,
      coalesce(f.percent, f.amount, (select sum(p.list_price) from jsonb_array_elements_text(f.bundle_skus) s(sku) join product p on p.sku = s.sku) - f.bundle_price) desc nulls last,
      f.valid_until, f.id`);
}

// ------------------------------------------------------------------------------------ create / update

const PERCENT = z.string().trim().regex(/^\d{1,3}(\.\d{1,2})?$/, 'A percentage with at most 2 decimals, e.g. "12.5".')
  .refine((v) => new Decimal(v).gt(0) && new Decimal(v).lte(100), 'More than 0 and at most 100.')
  .transform((v) => new Decimal(v).toFixed(2));
const POSITIVE_MONEY = MONEY.refine((v) => new Decimal(v).gt(0), 'More than 0.');
const SKU = z.string().trim().min(1, 'Must not be empty.').max(64, 'At most 64 characters.').transform((v) => v.toUpperCase());

const termFields = {
  name: text(200),
  description: optionalText(2000),
  discountType: z.nativeEnum(OfferDiscountType),
  appliesTo: z.nativeEnum(OfferAppliesTo),
  percent: PERCENT.nullish(),
  amount: POSITIVE_MONEY.nullish(),
  currency: CURRENCY.nullish(),
  productId: ID('prd').nullish(),
  category: text(100).nullish(),
  bundleSkus: z.array(SKU).max(20, 'At most 20 SKUs.').nullish(),
  bundlePrice: MONEY.nullish(),
  validFrom: z.date(),
  validUntil: z.date(),
  quantityLimit: z.number().int('A whole number.').min(1, 'At least 1.').max(1_000_000_000, 'At most 1000000000.').nullish(),
  oncePerCustomer: z.boolean().nullish(),
  target: z.nativeEnum(OfferTarget),
  targetCustomerId: ID('cus').nullish(),
  targetTier: z.nativeEnum(MembershipTier).nullish(),
  targetParetoClass: z.nativeEnum(ParetoClass).nullish(),
  targetC3Segment: z.nativeEnum(C3Segment).nullish(),
  targetRfmMin: z.number().int('A whole number.').min(3, 'At least 3.').max(15, 'At most 15.').nullish(),
  targetRfmMax: z.number().int('A whole number.').min(3, 'At least 3.').max(15, 'At most 15.').nullish(),
  earlyAccessUntil: z.date().nullish(),
};
const CODE = z.string().trim().regex(/^[A-Za-z0-9_-]{3,40}$/, '3–40 letters, digits, "-" or "_".').transform((v) => v.toUpperCase());

const CreateOffer = z.object({ code: CODE, ...termFields, appliesTo: termFields.appliesTo.nullish() });
const UpdateOffer = z.object({
  id: ID('ofr'), version: z.number().int(), code: CODE.optional(),
  ...Object.fromEntries(Object.entries(termFields).map(([k, v]) => [k, (v as z.ZodTypeAny).optional()])) as { [K in keyof typeof termFields]: z.ZodOptional<(typeof termFields)[K]> },
});
export type CreateOfferInput = InputOf<typeof CreateOffer>;
export type UpdateOfferInput = InputOf<typeof UpdateOffer>;

/** An offer's terms, complete (a new offer, or an existing one with the changes applied). */
export interface OfferTerms {
  code: string; name: string; description: string | null;
  discountType: OfferDiscountType; appliesTo: OfferAppliesTo;
  percent: string | null; amount: string | null; currency: string | null;
  productId: string | null; category: string | null; bundleSkus: string[] | null; bundlePrice: string | null;
  validFrom: Date; validUntil: Date; quantityLimit: number | null; oncePerCustomer: boolean;
  target: OfferTarget; targetCustomerId: string | null; targetTier: MembershipTier | null; earlyAccessUntil: Date | null;
  targetParetoClass: ParetoClass | null; targetC3Segment: C3Segment | null; targetRfmMin: number | null; targetRfmMax: number | null;
}
const TERM_NAMES = ['code', 'name', 'description', 'discountType', 'appliesTo', 'percent', 'amount', 'currency', 'productId', 'category', 'bundleSkus',
  'bundlePrice', 'validFrom', 'validUntil', 'quantityLimit', 'oncePerCustomer', 'target', 'targetCustomerId', 'targetTier', 'earlyAccessUntil',
  'targetParetoClass', 'targetC3Segment', 'targetRfmMin', 'targetRfmMax'] as const;
/** Terms a redeemed offer keeps: its redemptions were priced by them. */
const FROZEN_WHEN_REDEEMED: readonly (keyof OfferTerms)[] = ['code', 'discountType', 'appliesTo', 'percent', 'amount', 'currency', 'productId', 'category',
  'bundleSkus', 'bundlePrice', 'target', 'targetCustomerId', 'targetTier', 'targetParetoClass', 'targetC3Segment', 'targetRfmMin', 'targetRfmMax'];

/** The rules between an offer's fields, each error at the field to fix. */
export function termsErrors(t: OfferTerms): UserError[] {
  const errors: UserError[] = [];
  const at = (field: keyof OfferTerms, message: string, code: 'VALIDATION' = 'VALIDATION') => errors.push(userError(code, message, ['input', field]));
  const need = (field: keyof OfferTerms, why: string) => { if (t[field] == null) at(field, `Required for ${why}.`); };
  const none = (field: keyof OfferTerms, why: string) => { if (t[field] != null) at(field, `Not for ${why}: leave it out.`); };
  const type = `${t.discountType} offers`;
  if (t.discountType === OfferDiscountType.PERCENT) {
    need('percent', type); none('amount', type); none('currency', `${type} (they apply in any currency)`); none('bundleSkus', type); none('bundlePrice', type);
  } else if (t.discountType === OfferDiscountType.AMOUNT) {
    need('amount', type); need('currency', type); none('percent', type); none('bundleSkus', type); none('bundlePrice', type);
  } else {
    need('currency', type); need('bundlePrice', type); none('percent', type); none('amount', type);
    if (t.appliesTo !== OfferAppliesTo.ORDER) at('appliesTo', 'A BUNDLE applies to its SKUs: ORDER.');
    if (!t.bundleSkus || new Set(t.bundleSkus).size < 2) at('bundleSkus', 'A bundle needs at least 2 different SKUs.');
    else if (new Set(t.bundleSkus).size !== t.bundleSkus.length) at('bundleSkus', 'Each SKU at most once (a bundle is one unit of each).');
  }
  if (t.appliesTo === OfferAppliesTo.PRODUCT) { need('productId', 'PRODUCT offers'); none('category', 'PRODUCT offers'); }
  else if (t.appliesTo === OfferAppliesTo.CATEGORY) { need('category', 'CATEGORY offers'); none('productId', 'CATEGORY offers'); }
  else { none('productId', `offers that apply to the ${t.discountType === OfferDiscountType.BUNDLE ? 'bundle' : 'ORDER'}`); none('category', 'ORDER offers'); }
  const SEGMENT_FIELDS = ['targetParetoClass', 'targetC3Segment', 'targetRfmMin', 'targetRfmMax'] as const;
  if (t.target === OfferTarget.CUSTOMER) { need('targetCustomerId', 'CUSTOMER offers'); none('targetTier', 'CUSTOMER offers'); }
  else if (t.target === OfferTarget.TIER) { need('targetTier', 'TIER offers'); none('targetCustomerId', 'TIER offers'); }
  else if (t.target === OfferTarget.SEGMENT) {
    none('targetCustomerId', 'SEGMENT offers'); none('targetTier', 'SEGMENT offers');
    if (SEGMENT_FIELDS.every((f) => t[f] == null)) at('targetParetoClass', 'A SEGMENT offer names at least one of targetParetoClass, targetC3Segment, targetRfmMin, targetRfmMax.');
    if (t.targetRfmMin != null && t.targetRfmMax != null && t.targetRfmMin > t.targetRfmMax) at('targetRfmMax', 'Must be at least targetRfmMin.');
  } else { none('targetCustomerId', 'EVERYONE offers'); none('targetTier', 'EVERYONE offers'); }
  if (t.target !== OfferTarget.SEGMENT) for (const f of SEGMENT_FIELDS) none(f, `${t.target} offers`);
  if (t.validFrom >= t.validUntil) at('validUntil', 'Must be after validFrom.');
  if (t.earlyAccessUntil) {
    if (t.appliesTo !== OfferAppliesTo.PRODUCT || t.quantityLimit == null) {
      at('earlyAccessUntil', 'Early access is for PRODUCT offers with a quantityLimit (interest is registered per product).');
    } else if (t.earlyAccessUntil <= t.validFrom || t.earlyAccessUntil >= t.validUntil) {
      at('earlyAccessUntil', 'Must lie within the validity window (after validFrom, before validUntil).');
    }
  }
  return errors;
}

/** What the database must confirm: a free code, an existing product, a live target customer, existing bundle SKUs. */
async function referenceErrors(tx: ServiceContext, t: OfferTerms, exceptId: string | null, changed: (f: keyof OfferTerms) => boolean): Promise<UserError[]> {
  const errors: UserError[] = [];
  if (changed('code')) {
    const [taken] = await rows(tx.em, sql`select 1 as x from offer f where f.code = ${t.code} and f.id <> ${exceptId ?? ''}`);
    if (taken) errors.push(userError('DUPLICATE', `Another offer already has the code "${t.code}".`, ['input', 'code']));
  }
  if (t.productId && changed('productId')) {
    const [p] = await rows(tx.em, sql`select 1 as x from product p where p.id = ${t.productId}`);
    if (!p) errors.push(userError('NOT_FOUND', 'Product not found.', ['input', 'productId']));
  }
  if (t.targetCustomerId && changed('targetCustomerId')) {
    const [c] = await rows(tx.em, sql`select 1 as x from customer c where c.id = ${t.targetCustomerId} and c.deleted_at is null`);
    if (!c) errors.push(userError('NOT_FOUND', 'Customer not found.', ['input', 'targetCustomerId']));
  }
  if (t.bundleSkus?.length && changed('bundleSkus')) {
    const known = new Set((await rows<{ sku: string }>(tx.em, sql`select p.sku from product p where p.sku = any(${textArray(t.bundleSkus)})`)).map((r) => r.sku));
    t.bundleSkus.forEach((sku, i) => {
      if (!known.has(sku)) errors.push(userError('NOT_FOUND', `No product with SKU "${sku}".`, ['input', 'bundleSkus', String(i)]));
    });
  }
  return errors;
}

/** The audited fields of an offer (its terms). */
const auditState = (t: OfferTerms) => Object.fromEntries(TERM_NAMES.map((k) => [k, t[k]]));

/** Audit entries of an offer: on the history of its target customer(s), only for CUSTOMER offers (see the file comment). */
function auditOffer(tx: ServiceContext, offerId: string, action: AuditAction, before: OfferTerms | null, after: OfferTerms): void {
  const changes = diff(before ? auditState(before) : {}, auditState(after), [...TERM_NAMES]);
  if (before && !changes.length) return;
  const customers = new Set([before?.targetCustomerId, after.targetCustomerId].filter((c): c is string => !!c));
  for (const customerId of customers) recordAudit(tx.em, tx.principal, { entityType: 'Offer', entityId: offerId, customerId, action, changes });
}

/**
 * "Notify first": when a quantity-limited PRODUCT offer with early access is published, the owner of
 * each customer interested in the product gets a FOLLOW_UP task, due now (to tell the customer during
 * the early access), in the same transaction, in one statement.
 */
async function notifyInterested(tx: ServiceContext, offerId: string, t: OfferTerms, now: Date): Promise<void> {
  if (!t.earlyAccessUntil || !t.productId || t.quantityLimit == null) return;
  await rows(tx.em, sql`insert into task (id, title, type, due_at, assignee_id, assigned_by_id, customer_id, status, notes, created_at, updated_at, version)
    select ${newIdSql('Task')}, ${`Early access to offer ${t.code} (${t.name}) for `} || c.name, 'FOLLOW_UP', ${now}, c.owner_id, ${tx.principal.id}, c.id, 'OPEN',
      ${`Offer ${offerId}: only customers who registered interest in its product may redeem it until ${t.earlyAccessUntil.toISOString()}; limited to ${t.quantityLimit}.`},
      ${now}, ${now}, 1
    from product_interest i join customer c on c.id = i.customer_id
    where i.product_id = ${t.productId} and c.deleted_at is null
    order by i.created_at, i.id`);
}

export interface OfferPayload { offer: OfferRow | null; errors: UserError[] }

async function withRow(ctx: ServiceContext, outcome: { result: string | null; errors: UserError[] }): Promise<OfferPayload> {
  if (!outcome.result) return { offer: null, errors: outcome.errors };
  return { offer: await getOffer(ctx, outcome.result), errors: [] };
}

export async function createOffer(ctx: ServiceContext, input: CreateOfferInput): Promise<OfferPayload> {
  const parsed = parseInput(CreateOffer, input);
  if (!parsed.ok) return { offer: null, errors: parsed.errors };
  const d = parsed.data;
  const terms: OfferTerms = {
    code: d.code, name: d.name, description: d.description ?? null, discountType: d.discountType, appliesTo: d.appliesTo ?? OfferAppliesTo.ORDER,
    percent: d.percent ?? null, amount: d.amount ?? null, currency: d.currency ?? null, productId: d.productId ?? null, category: d.category ?? null,
    bundleSkus: d.bundleSkus ?? null, bundlePrice: d.bundlePrice ?? null, validFrom: d.validFrom, validUntil: d.validUntil,
    quantityLimit: d.quantityLimit ?? null, oncePerCustomer: d.oncePerCustomer ?? false, target: d.target, targetCustomerId: d.targetCustomerId ?? null,
    targetTier: d.targetTier ?? null, earlyAccessUntil: d.earlyAccessUntil ?? null,
    targetParetoClass: d.targetParetoClass ?? null, targetC3Segment: d.targetC3Segment ?? null, targetRfmMin: d.targetRfmMin ?? null, targetRfmMax: d.targetRfmMax ?? null,
  };
  const errors = termsErrors(terms);
  if (errors.length) return { offer: null, errors };
  const outcome = await inTransaction(ctx, async (tx) => {
    fail(await referenceErrors(tx, terms, null, () => true));
    const now = new Date();
    const { productId, targetCustomerId, ...fields } = terms;
    const offer = tx.em.create(Offer, {
      ...fields, product: productId ? tx.em.getReference(Product, productId) : null,
      targetCustomer: targetCustomerId ? tx.em.getReference(Customer, targetCustomerId) : null, createdBy: tx.principal.id,
    });
    tx.em.persist(offer);
    auditOffer(tx, offer.id, AuditAction.CREATE, null, terms);
    await tx.em.flush();
    await notifyInterested(tx, offer.id, terms, now);
    return offer.id;
  });
  return withRow(ctx, outcome);
}

const termsOf = (o: Offer): OfferTerms => ({
  code: o.code, name: o.name, description: o.description ?? null, discountType: o.discountType, appliesTo: o.appliesTo,
  percent: o.percent == null ? null : new Decimal(o.percent).toFixed(2), amount: o.amount == null ? null : new Decimal(o.amount).toFixed(2),
  currency: o.currency ?? null, productId: refId(o.product), category: o.category ?? null, bundleSkus: o.bundleSkus ?? null,
  bundlePrice: o.bundlePrice == null ? null : new Decimal(o.bundlePrice).toFixed(2), validFrom: o.validFrom, validUntil: o.validUntil,
  quantityLimit: o.quantityLimit ?? null, oncePerCustomer: o.oncePerCustomer, target: o.target, targetCustomerId: refId(o.targetCustomer),
  targetTier: o.targetTier ?? null, earlyAccessUntil: o.earlyAccessUntil ?? null,
  targetParetoClass: o.targetParetoClass ?? null, targetC3Segment: o.targetC3Segment ?? null, targetRfmMin: o.targetRfmMin ?? null, targetRfmMax: o.targetRfmMax ?? null,
});

const REQUIRED_TERMS = ['code', 'name', 'discountType', 'appliesTo', 'validFrom', 'validUntil', 'target', 'oncePerCustomer'] as const;

export async function updateOffer(ctx: ServiceContext, input: UpdateOfferInput): Promise<OfferPayload> {
  const parsed = parseInput(UpdateOffer, input);
  if (!parsed.ok) return { offer: null, errors: parsed.errors };
  const data = parsed.data as Partial<OfferTerms> & { id: string; version: number };
  const nullErrors = REQUIRED_TERMS.filter((k) => data[k] === null).map((k) => userError('VALIDATION', `${k} cannot be null.`, ['input', k]));
  if (nullErrors.length) return { offer: null, errors: nullErrors };
  const outcome = await inTransaction(ctx, async (tx) => {
    const offer = await tx.em.findOne(Offer, data.id);
    if (!offer) throw new RollbackWithErrors([userError('NOT_FOUND', 'Offer not found.', ['input', 'id'])]);
    if (offer.version !== data.version) {
      fail([userError('CONFLICT', `This offer was changed meanwhile (now version ${offer.version}): reload it and apply your change again.`, ['input', 'version'])]);
    }
    const before = termsOf(offer);
    const after: OfferTerms = { ...before };
    for (const k of TERM_NAMES) if (data[k] !== undefined) (after as unknown as Record<string, unknown>)[k] = data[k];
    const changed = (f: keyof OfferTerms) => JSON.stringify(before[f]) !== JSON.stringify(after[f]);
    const errors = termsErrors(after);
    if (offer.redeemedCount > 0) {
      for (const f of FROZEN_WHEN_REDEEMED.filter(changed)) {
        errors.push(userError('BUSINESS_RULE', `The offer was redeemed ${offer.redeemedCount} time(s): its terms (${f}) no longer change; create a new offer.`, ['input', f]));
      }
    }
    if (after.quantityLimit != null && after.quantityLimit < offer.redeemedCount) {
      errors.push(userError('BUSINESS_RULE', `Already redeemed ${offer.redeemedCount} time(s): the limit cannot be lower.`, ['input', 'quantityLimit']));
    }
    fail(errors);
    fail(await referenceErrors(tx, after, offer.id, changed));
    const { productId, targetCustomerId, ...fields } = after;
    Object.assign(offer, fields);
    offer.product = productId ? tx.em.getReference(Product, productId) : null;
    offer.targetCustomer = targetCustomerId ? tx.em.getReference(Customer, targetCustomerId) : null;
    offer.updatedAt = new Date();
    auditOffer(tx, offer.id, AuditAction.UPDATE, before, after);
    await tx.em.flush();
    return offer.id;
  });
  return withRow(ctx, outcome);
}

// ------------------------------------------------------------------------------------ interest

const RegisterInterest = z.object({ customerId: ID('cus'), productId: ID('prd') });
export type RegisterInterestInput = InputOf<typeof RegisterInterest>;
export interface InterestPayload { interest: ProductInterestRow | null; errors: UserError[] }

/** "Notify me first": idempotent, the same customer and product again return the interest registered first. */
export async function registerInterest(ctx: ServiceContext, input: RegisterInterestInput): Promise<InterestPayload> {
  const parsed = parseInput(RegisterInterest, input);
  if (!parsed.ok) return { interest: null, errors: parsed.errors };
  const { customerId, productId } = parsed.data;
  const outcome = await inTransaction(ctx, async (tx) => {
    const [c] = await rows(tx.em, sql`select 1 as x from customer c where c.id = ${customerId} and ${shopperScope(tx.principal, 'c.id')}`);
    const [p] = await rows(tx.em, sql`select 1 as x from product p where p.id = ${productId}`);
    fail([
      ...(c ? [] : [userError('NOT_FOUND', 'Customer not found.', ['input', 'customerId'])]),
      ...(p ? [] : [userError('NOT_FOUND', 'Product not found.', ['input', 'productId'])]),
    ]);
    // A concurrent duplicate waits on the unique key, then inserts nothing and reads the first.
    await rows(tx.em, sql`insert into product_interest (id, customer_id, product_id, created_by) values (${newIdSql('ProductInterest')}, ${customerId}, ${productId}, ${tx.principal.id})
      on conflict (customer_id, product_id) do nothing`);
    const [row] = await rows<ProductInterestRow>(tx.em, sql`select ${columnsOf(tx.em, 'ProductInterest', 'i')} from product_interest i
      where i.customer_id = ${customerId} and i.product_id = ${productId}`);
    return row;
  });
  return { interest: outcome.result, errors: outcome.errors };
}

// ------------------------------------------------------------------------------------ pushes

/** A line of the order being pushed, as the offers see it (after its price was settled). */
export interface OfferLine {
  /** 0-based index in `input.lines`. */
  index: number;
  productId: string;
  sku: string;
  category: string;
  quantity: number;
  unitPrice: string;
  /** The line's own discount amount. */
  discount: string;
}

/** What the offers of a push take off the order, offer by offer (in the order of `offerCodes`). */
export interface PricedOffers {
  /** Sum of `offers[].discount`, 2 decimals. */
  discount: string;
  /** `index`: the code's position in `offerCodes` (refusals at redemption name it). */
  offers: { offerId: string; code: string; discount: string; index: number }[];
}

const codeError = (code: 'NOT_FOUND' | 'BUSINESS_RULE' | 'VALIDATION', message: string, index: number) =>
  userError(code, message, ['input', 'offerCodes', String(index)]);

type CheckedOffer = OfferRow & { targetOk: boolean; interested: boolean; redeemed: boolean };

/** Why an offer may not be redeemed by this customer now, if it may not (the checks of `offersFor`, with their own errors). */
function refusal(o: CheckedOffer, input: { currency: string; customerKnown: boolean }, now: Date, index: number): UserError | null {
  if (now < o.validFrom) return codeError('BUSINESS_RULE', `Offer ${o.code} is not valid yet (from ${o.validFrom.toISOString()}).`, index);
  if (now >= o.validUntil) return codeError('BUSINESS_RULE', `Offer ${o.code}: offer expired.`, index);
  const earlyAccess = o.earlyAccessUntil != null && now < o.earlyAccessUntil;
  // A caller who may not learn who the customer is gets offers that hold for anyone, whoever matched:
  // anything that depends on the customer (target, early access, a prior redemption) is refused alike.
  if (!input.customerKnown ? o.target !== OfferTarget.EVERYONE || o.oncePerCustomer || earlyAccess : !o.targetOk) {
    return codeError('BUSINESS_RULE', `Offer ${o.code} is not for this customer.`, index);
  }
  if (earlyAccess && !o.interested) {
    return codeError('BUSINESS_RULE', `Offer ${o.code} is in early access until ${o.earlyAccessUntil!.toISOString()}: only for customers who registered interest in its product.`, index);
  }
  if (o.quantityLimit != null && o.redeemedCount >= o.quantityLimit) return codeError('BUSINESS_RULE', `Offer ${o.code} is sold out.`, index);
  if (o.oncePerCustomer && o.redeemed) return codeError('BUSINESS_RULE', `Offer ${o.code} was already redeemed by this customer (once per customer).`, index);
  if (o.currency != null && o.currency !== input.currency) {
    return codeError('VALIDATION', `Offer ${o.code} is in ${o.currency}; this order is in ${input.currency}.`, index);
  }
  return null;
}

/**
 * Checks the offer codes of a push for this customer now and prices them (no writes). Refusals go
 * through `fail` with errors at ["input", "offerCodes", "<index>"]. `netBeforeOffers` = subtotal −
 * line discounts. `customerKnown`: false for API keys that may not read customers and did not name the
 * customer by id — then only offers that hold for anyone apply (EVERYONE, not once per customer, not in
 * early access); omitted = false (fails closed).
 */
export async function priceOffers(tx: ServiceContext, input: {
  customerId: string; currency: string; codes: string[]; lines: OfferLine[]; netBeforeOffers: Decimal; customerKnown?: boolean; now?: Date;
}): Promise<PricedOffers> {
  if (!input.codes.length) return { discount: '0.00', offers: [] };
  const now = input.now ?? new Date();
  const codes = input.codes.map((c) => c.trim().toUpperCase());
  const errors: UserError[] = [];
  codes.forEach((c, i) => { if (codes.indexOf(c) !== i) errors.push(codeError('VALIDATION', `Offer ${c} is given twice: each code at most once per order.`, i)); });
  const found = new Map((await rows<CheckedOffer>(tx.em, sql`select ${columnsOf(tx.em, 'Offer', 'f')},
      ${targetMatches(input.customerId)} as "targetOk", ${interested(input.customerId)} as "interested", ${redeemedBy(input.customerId)} as "redeemed"
    from offer f where f.code = any(${textArray([...new Set(codes)])})`)).map((o) => [o.code, o]));
  const usable: { offer: CheckedOffer; index: number }[] = [];
  codes.forEach((c, index) => {
    if (codes.indexOf(c) !== index) return;
    const offer = found.get(c);
    if (!offer) return void errors.push(codeError('NOT_FOUND', `No offer with the code "${c}".`, index));
    const refused = refusal(offer, { currency: input.currency, customerKnown: input.customerKnown ?? false }, now, index);
    if (refused) errors.push(refused);
    else usable.push({ offer, index });
  });
  fail(errors);
  const prices = priceOfferLines(input.lines, usable.map(({ offer }): PricingOffer => ({ ...offer, productId: refId(offer.product) })));
  const offers = usable.map(({ offer, index }, k) => {
    const price = prices[k];
    if ('refused' in price) {
      errors.push(codeError('BUSINESS_RULE', price.refused === 'BUNDLE_NO_SAVING'
        ? `Offer ${offer.code}: the bundle costs no less than its items in this order.`
        : `Offer ${offer.code}: nothing in the order it applies to (or nothing left of it to discount).`, index));
      return null;
    }
    return { offerId: offer.id, code: offer.code, discount: price.discount, index };
  });
  fail(errors);
  const priced = offers.filter((o): o is NonNullable<typeof o> => o !== null);
  return { discount: priced.reduce((s, o) => s.plus(o.discount), new Decimal(0)).toFixed(2), offers: priced };
}

/**
 * Records the redemptions of priced offers for the created order, race-safe: each offer's count is
 * taken by one conditional `update … returning` (no row when sold out), which also holds the offer's
 * row lock until the push commits, so the once-per-customer check right after it sees every earlier
 * redemption. Offers are locked in id order (two pushes with the same codes in another order cannot
 * deadlock). A refusal `fail`s, rolling the whole push back.
 */
export async function recordRedemptions(tx: ServiceContext, input: {
  orderId: string; customerId: string; currency: string; priced: PricedOffers;
}): Promise<void> {
  const offers = [...input.priced.offers].sort((a, b) => (a.offerId < b.offerId ? -1 : a.offerId > b.offerId ? 1 : 0));
  for (const o of offers) {
    const [taken] = await rows<{ oncePerCustomer: boolean }>(tx.em, sql`update offer set redeemed_count = redeemed_count + 1
      where id = ${o.offerId} and (quantity_limit is null or redeemed_count < quantity_limit)
      returning once_per_customer as "oncePerCustomer"`);
    if (!taken) fail([codeError('BUSINESS_RULE', `Offer ${o.code} is sold out.`, o.index)]);
    if (taken.oncePerCustomer) {
      const [before] = await rows(tx.em, sql`select 1 as x from offer_redemption r where r.offer_id = ${o.offerId} and r.customer_id = ${input.customerId}`);
      if (before) fail([codeError('BUSINESS_RULE', `Offer ${o.code} was already redeemed by this customer (once per customer).`, o.index)]);
    }
  }
  if (!offers.length) return;
  const values = offers.map((o) => sql`(${newIdSql('OfferRedemption')}, ${o.offerId}, ${input.customerId}, ${input.orderId}, ${o.discount}::numeric, ${input.currency})`);
  await rows(tx.em, sql`insert into offer_redemption (id, offer_id, customer_id, order_id, discount, currency) values ${join(values, ', ')}`);
}
