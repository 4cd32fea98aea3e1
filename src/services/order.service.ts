import { createHash } from 'node:crypto';
import Decimal from 'decimal.js';
import { z } from 'zod';
import { hasScope, type Principal } from '../auth/principal';
import { Customer } from '../entities/customer.entity';
import { AuditAction, CustomerKind, CustomerSource, Role, Sector } from '../entities/enums';
import { refId } from '../entities/ids';
import { OrderLine } from '../entities/order-line.entity';
import { Order, OrderStatus } from '../entities/order.entity';
import { Product } from '../entities/product.entity';
import { PaymentTerms } from '../entities/finance.enums';
import { checkCredit, holdForCredit, withdrawHold } from './credit-check';
import { lineCurrencyErrors, linePriceErrors, overridesPrices } from './order-pricing';
import { PointsEntryKind, PriceSource } from '../entities/loyalty.enums';
import { appendEntry, lockMembership, type LockedMembership } from './loyalty-ledger';
import { recordEvent } from './outbox';
import { enrolInTx, getProgramme, loyaltyOnOrderStatus } from './loyalty.service';
import { priceOffers, recordRedemptions } from './offer.service';
import { createAssetsForOrder } from './asset.service';
import { ORDER_PAYMENT_DAYS, issueReceivables } from './receivable-issue';
import { User } from '../entities/user.entity';
import { CustomerExternalRef } from '../entities/external-ref.entity';
import { recordAudit } from './audit.service';
import { readModel, type ListArgs, type SortFieldOf, type SortTable } from './read-model';
import type { ServiceContext } from './context';
import { ownerErrors } from './customer.service';
import { RollbackWithErrors, userError, type UserError } from './errors';
import { type FilterSpec } from './filter';
import { customerScope, maskedSql, orderScope } from './scope';
import { columnsOf, FALSE, jsonValue, rows, sql, textArray, TRUE, type Sql } from './sql';
import { fail, inTransaction } from './transaction';
import { EMAIL, ID, isoDate, parseInput, text, CURRENCY, MONEY, type InputOf } from './validation';
import { ORDER_WRITERS } from '../auth/roles';

/**
 * Orders pushed by e-commerce sites and partners (issue 4).
 *
 * Rules (also in the schema descriptions). Who may call each mutation is stated once, in the permission
 * map (src/auth/order.permissions.ts, role lists in src/auth/roles.ts); this file enforces what the map
 * cannot see (whose orders, which customers a partner may name, partners only cancelling).
 * - `pushOrder`: every push carries an idempotency key
 *   (per caller): the same key with the same content (SHA-256 of the canonical JSON of the input)
 *   returns the stored first result, byte for byte; the same key with other content is a CONFLICT;
 *   concurrent duplicates serialise on the key row (`insert … on conflict do nothing` in the order's
 *   transaction), so exactly one order is created. Only successful pushes store their key: a refused
 *   push may be retried with the same key. Keys are kept at least 24 h (`purgeIdempotencyKeys` deletes
 *   those older than 48 h).
 * - The customer is named by id, or matched by external reference, then by e-mail (a customer's or a
 *   contact's); when none matches it is created in the same transaction (needs `name`; owner: `ownerId`,
 *   or the user who created the key). For a key that may not read customers the match stays internal
 *   (issue 9): the order's customer fields are denied to it, and `name`, the owner and PREPAID (unless
 *   named by `customerId`) are required up front, so a known and an unknown e-mail answer alike.
 * - Lines: the SKU of an active product, quantity ≥ 1, unit price and discount amounts with ≤ 2
 *   decimals (discount ≤ quantity × unit price), configuration validated against the product's
 *   options schema; the product's currency is the order's and the price follows order-pricing.ts
 *   (list, member or within `maxDiscountPercent`, unless overridden). Totals in decimal. Points
 *   redemption comes with loyalty: only 0 is accepted.
 * - Reads: an order is visible when its customer is (`customerScope`) to ADMIN, SALES_MANAGER,
 *   SALES_REP, SERVICE_AGENT, FINANCE and PARTNER (its own record); INTEGRATION keys with
 *   `orders:write` see the orders they pushed. Status changes: ADMIN, SALES_MANAGER and SALES_REP on
 *   orders they can see, keys on the orders they pushed; partners (users, keys with `orders:write`)
 *   only cancel their PENDING / PENDING_CREDIT_APPROVAL orders. Cancelling a held order withdraws its
 *   credit hold. Lines are immutable (no mutation edits them).
 */

export type OrderRow = Order;
export type OrderLineRow = OrderLine;
export type OrderOrderField = SortFieldOf<typeof ORDER_ORDER>;
export type OrderListArgs = ListArgs<typeof ORDER_ORDER, typeof ORDER_FILTER>;

/** Legal status transitions. */
const ORDER_TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  // A credit decision moves it on (approveCredit → PENDING, rejectCredit → CANCELLED); cancelling it withdraws its hold.
  [OrderStatus.PENDING_CREDIT_APPROVAL]: [OrderStatus.CANCELLED],
  [OrderStatus.PENDING]: [OrderStatus.CONFIRMED, OrderStatus.CANCELLED],
  [OrderStatus.CONFIRMED]: [OrderStatus.FULFILLED, OrderStatus.CANCELLED],
  [OrderStatus.FULFILLED]: [OrderStatus.COMPLETED, OrderStatus.RETURNED],
  [OrderStatus.COMPLETED]: [OrderStatus.RETURNED],
  [OrderStatus.CANCELLED]: [],
  [OrderStatus.RETURNED]: [],
};

/** How long idempotency keys are kept at least, and when the purge removes them. */
const IDEMPOTENCY_KEEP_HOURS = 48;

/** The sort enum `OrderOrderField` (schema/order.inputs.ts registers it from this table). */
export const ORDER_ORDER = {
  CREATED_AT: { expr: 'o.created_at', get: (r) => r.createdAt, description: 'When the order was pushed (the default, newest first).' },
  UPDATED_AT: {
    expr: 'o.updated_at', get: (r) => r.updatedAt,
    description: 'When the order last changed (`Order.updatedAt`); ties are broken by id, so cursors are stable for polling.',
  },
  TOTAL: { expr: 'o.total', get: (r) => r.total, description: 'The order total, compared as a number regardless of currency.' },
} satisfies SortTable<OrderRow>;

/** The fields of the GraphQL `OrderFilter` (which checks it names the same ones). */
export const ORDER_FILTER = {
  id: { expr: 'o.id', kind: 'scalar' },
  customerId: { expr: 'o.customer_id', kind: 'scalar' },
  externalRef: { expr: 'o.external_ref', kind: 'text' },
  channel: { expr: 'o.channel', kind: 'text' },
  status: { expr: 'o.status', kind: 'scalar' },
  currency: { expr: 'o.currency', kind: 'text' },
  total: { expr: 'o.total', kind: 'scalar' },
  createdAt: { expr: 'o.created_at', kind: 'scalar' },
  updatedAt: { expr: 'o.updated_at', kind: 'scalar' },
} satisfies FilterSpec;

/**
 * Callers who may not read customers (INTEGRATION keys without a customers scope). Matching by external
 * ref or e-mail still happens for them, but nothing in the answer may tell whether it matched: the
 * order's customer fields are denied to them (permission map), and everything the creation of a new
 * customer would need is checked up front, whether or not a customer matches.
 */
const matchHidden = (principal: Principal) =>
  principal.role === Role.INTEGRATION && !hasScope(principal, 'customers:read') && !hasScope(principal, 'customers:write');

/** The filter fields for a caller: the customer id is null to the filters of callers who may not read it (no probing). */
const orderFilter = (principal: Principal, spec: FilterSpec = ORDER_FILTER): FilterSpec =>
  ({ ...spec, customerId: { expr: maskedSql('o.customer_id', matchHidden(principal) ? FALSE : TRUE), kind: 'scalar' } });

export const orderReads = readModel<OrderRow>()({
  entity: 'Order', table: 'sales_order', alias: 'o', parentColumn: 'o.customer_id',
  visible: (ctx) => orderScope(ctx.principal),
  filter: ORDER_FILTER,
  filterFor: (ctx, spec) => orderFilter(ctx.principal, spec),
  order: { list: 'orders', table: ORDER_ORDER, default: { field: 'CREATED_AT', direction: 'DESC' } },
});

export const listOrders = orderReads.list;
/** Orders by id, visible to the caller only; the order of the result is not guaranteed. */
export const ordersByIds = orderReads.byIds;
export const getOrder = orderReads.get;

/** Lines of several (already visible) orders, by position. */
export async function linesByOrderIds(ctx: ServiceContext, orderIds: readonly string[]): Promise<OrderLineRow[]> {
  if (!orderIds.length) return [];
  return rows<OrderLineRow>(ctx.em, sql`select ${columnsOf(ctx.em, 'OrderLine', 'l')} from sales_order_line l
    where l.order_id = any(${textArray([...orderIds])}) order by l.order_id, l.position`);
}

// ---------------------------------------------------------------------------------------- configuration

interface OptionDef { type: 'enum' | 'string' | 'integer' | 'boolean'; values?: string[]; maxLength?: number; min?: number; max?: number; required?: boolean }

/** Checks chosen options against a product's options schema; errors are at `path` + the option name. */
function configurationErrors(schema: Record<string, unknown>, config: Record<string, unknown>, path: string[]): UserError[] {
  const options = schema as Record<string, OptionDef>;
  const errors: UserError[] = [];
  const at = (name: string, message: string) => errors.push(userError('VALIDATION', message, [...path, name]));
  for (const name of Object.keys(config)) {
    if (!Object.hasOwn(options, name)) at(name, `Unknown option "${name}" for this product.`);
  }
  for (const [name, def] of Object.entries(options)) {
    const value = config[name];
    if (value === undefined || value === null) {
      if (def.required) at(name, `Option "${name}" is required.`);
      continue;
    }
    switch (def.type) {
      case 'enum':
        if (typeof value !== 'string' || !(def.values ?? []).includes(value)) at(name, `One of ${(def.values ?? []).join(', ')}.`);
        break;
      case 'string':
        if (typeof value !== 'string') at(name, 'A string.');
        else if (def.maxLength != null && value.length > def.maxLength) at(name, `At most ${def.maxLength} characters.`);
        break;
      case 'integer':
        if (typeof value !== 'number' || !Number.isInteger(value)) at(name, 'A whole number.');
        else if (def.min != null && value < def.min) at(name, `At least ${def.min}.`);
        else if (def.max != null && value > def.max) at(name, `At most ${def.max}.`);
        break;
      case 'boolean':
        if (typeof value !== 'boolean') at(name, 'true or false.');
        break;
      default:
        at(name, 'This option cannot be chosen.');
    }
  }
  return errors;
}

// ---------------------------------------------------------------------------------------- push


const PushOrder = z.object({
  idempotencyKey: z.string().min(1, 'Must not be empty.').max(100, 'At most 100 characters.'),
  externalRef: text(100).nullish(),
  channel: text(50).transform((v) => v.toUpperCase()),
  currency: CURRENCY,
  customer: z.object({
    customerId: ID('cus').nullish(),
    externalRef: z.object({ system: text(50), ref: text(200) }).nullish(),
    email: EMAIL.nullish(),
    name: text(200).nullish(),
    kind: z.nativeEnum(CustomerKind).nullish(),
    ownerId: ID('usr').nullish(),
  }).refine((c) => c.customerId || c.externalRef || c.email, 'Name the customer by customerId, externalRef or email.'),
  lines: z.array(z.object({
    sku: z.string().trim().min(1, 'Must not be empty.').max(64).transform((v) => v.toUpperCase()),
    quantity: z.number().int('A whole number.').min(1, 'At least 1.').max(1_000_000, 'At most 1000000.'),
    unitPrice: MONEY.nullish(),
    discount: MONEY.nullish(),
    configuration: z.record(z.unknown()).nullish(),
  })).min(1, 'An order needs at least one line.').max(500, 'At most 500 lines.'),
  pointsToRedeem: z.number().int('A whole number.').min(0, 'At least 0.').max(100_000_000, 'At most 100000000.').nullish(),
  offerCodes: z.array(z.string().trim().min(1, 'Must not be empty.').max(40, 'At most 40 characters.').transform((v) => v.toUpperCase()))
    .max(10, 'At most 10 offer codes.').refine((codes) => new Set(codes).size === codes.length, 'An offer code may be given once.').nullish(),
  enrol: z.boolean().nullish(),
  paymentTerms: z.nativeEnum(PaymentTerms).nullish(),
});

export type PushOrderInput = InputOf<typeof PushOrder>;
type PushData = z.infer<typeof PushOrder>;
export interface OrderPayload { order: OrderRow | null; errors: UserError[] }

/** JSON with object keys sorted at every level (undefined members dropped): equal content, equal text. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

const requestHash = (input: unknown) => createHash('sha256').update(canonicalJson(input)).digest('hex');

/** Turns a stored payload back into what the resolvers return (timestamps as Date). */
function revive(stored: unknown): OrderPayload {
  const payload = jsonValue<OrderPayload>(stored);
  if (payload.order) {
    const o = payload.order as unknown as Record<string, unknown>;
    for (const k of ['createdAt', 'updatedAt']) if (typeof o[k] === 'string') o[k] = new Date(o[k] as string);
  }
  return payload;
}

/** The partner a PARTNER caller pushes for (null for other callers). */
const partnerOf = (principal: Principal) => (principal.role === Role.PARTNER ? principal.partnerCustomerId : null);

/**
 * The customers an order may name: all for integrations and ADMIN; for a partner its `customerScope`,
 * itself and the customers it resells to (any other customer does not exist for it: matching never looks further).
 */
const nameableScope = (principal: Principal): Sql => (principal.role === Role.PARTNER ? customerScope(principal) : TRUE);

/** Up-front checks for callers from whom the match is hidden (see `matchHidden`); none when named by id. */
function hiddenMatchErrors(tx: ServiceContext, data: PushData): UserError[] {
  if (!matchHidden(tx.principal) || data.customer.customerId) return [];
  const errors: UserError[] = [];
  if (!data.customer.name) {
    errors.push(userError('VALIDATION', 'Give the customer\'s name: it is used when no customer matches (this key may not learn whether one does).', ['input', 'customer', 'name']));
  }
  if (data.paymentTerms === PaymentTerms.ON_ACCOUNT) {
    // The credit decision (PENDING or PENDING_CREDIT_APPROVAL) would tell a known customer from a new one.
    errors.push(userError('VALIDATION', 'ON_ACCOUNT orders of a key without a customers scope name the customer by customerId.', ['input', 'paymentTerms']));
  }
  // Points and enrolment would tell whether the shopper matched a member (issue 11).
  if (data.pointsToRedeem) errors.push(userError('VALIDATION', 'Redeeming points needs the customer named by customerId (or a key that may read customers).', ['input', 'pointsToRedeem']));
  if (data.enrol) errors.push(userError('VALIDATION', 'Enrolling needs the customer named by customerId (or a key that may read customers).', ['input', 'enrol']));
  return errors;
}

/** The owner of a customer the push creates: the partner's account manager, `ownerId`, or the pushing user / the key's creator. */
async function newCustomerOwner(tx: ServiceContext, c: PushData['customer']): Promise<string> {
  const field = ['input', 'customer'];
  const partner = partnerOf(tx.principal);
  let ownerId = partner ? null : (c.ownerId ?? null);
  if (partner) {
    // A partner's new customer is looked after by the partner's own account manager.
    const [p] = await rows<{ ownerId: string }>(tx.em, sql`select c.owner_id as "ownerId" from customer c where c.id = ${partner}`);
    ownerId = p?.ownerId ?? null;
  } else if (!ownerId) {
    if (tx.principal.type === 'USER') ownerId = tx.principal.id;
    else {
      const [key] = await rows<{ createdBy: string | null }>(tx.em, sql`select k.created_by as "createdBy" from api_key k where k.id = ${tx.principal.id}`);
      ownerId = key?.createdBy ?? null;
    }
  }
  if (!ownerId) fail([userError('VALIDATION', 'Name the owner of the new customer.', [...field, 'ownerId'])]);
  fail(await ownerErrors(tx, ownerId!, [...field, 'ownerId']));
  return ownerId!;
}

/** The customer of the order: by id, else by external ref, then e-mail; created when unknown. */
async function resolveCustomer(tx: ServiceContext, c: PushData['customer']): Promise<string> {
  const field = ['input', 'customer'];
  const nameable = nameableScope(tx.principal);
  const partner = partnerOf(tx.principal);
  // Where the match is hidden, a refused owner must be refused whether or not a customer matches.
  const checkedOwner = matchHidden(tx.principal) && !c.customerId ? await newCustomerOwner(tx, c) : null;
  if (c.customerId) {
    const [row] = await rows<{ id: string }>(tx.em, sql`select c.id from customer c where c.id = ${c.customerId} and c.deleted_at is null and ${nameable}`);
    if (!row) fail([userError('NOT_FOUND', 'Customer not found.', [...field, 'customerId'])]);
    return row.id;
  }
  if (c.externalRef) {
    const [row] = await rows<{ id: string }>(tx.em, sql`select c.id from customer_external_ref r join customer c on c.id = r.customer_id
      where r.system = ${c.externalRef.system} and r.ref = ${c.externalRef.ref} and c.deleted_at is null and ${nameable}`);
    if (row) return row.id;
  }
  if (c.email) {
    const [row] = await rows<{ id: string }>(tx.em, sql`select id from (
        select c.id, 0 as rank, c.created_at from customer c
        where c.deleted_at is null and ${nameable} and exists (select 1 from jsonb_array_elements(c.emails) e where lower(e->>'address') = ${c.email})
        union all
        select c.id, 1 as rank, k.created_at from contact k join customer c on c.id = k.customer_id
        where k.deleted_at is null and c.deleted_at is null and ${nameable} and exists (select 1 from jsonb_array_elements(k.emails) e where lower(e->>'address') = ${c.email})
      ) m order by rank, created_at, id limit 1`);
    if (row) return row.id;
  }
  // Unknown shopper: create the customer in this transaction.
  if (!c.name) fail([userError('VALIDATION', 'The customer is unknown: give its name to create it.', [...field, 'name'])]);
  const ownerId = checkedOwner ?? await newCustomerOwner(tx, c);
  const kind = c.kind ?? CustomerKind.INDIVIDUAL;
  const customer = tx.em.create(Customer, {
    name: c.name!, kind, sector: kind === CustomerKind.INDIVIDUAL ? Sector.CONSUMER : Sector.OTHER, owner: tx.em.getReference(User, ownerId!),
    source: partner ? CustomerSource.PARTNER : CustomerSource.E_COMMERCE, emails: c.email ? [{ label: 'order', address: c.email }] : [], createdBy: tx.principal.id,
    resoldBy: partner ? tx.em.getReference(Customer, partner) : null,
  });
  tx.em.persist(customer);
  if (c.externalRef) tx.em.persist(tx.em.create(CustomerExternalRef, { customer, system: c.externalRef.system, ref: c.externalRef.ref }));
  recordAudit(tx.em, tx.principal, {
    entityType: 'Customer', entityId: customer.id, customerId: customer.id, action: AuditAction.CREATE,
    changes: [
      { field: 'name', old: null, new: customer.name }, { field: 'kind', old: null, new: kind }, { field: 'ownerId', old: null, new: ownerId },
      ...(partner ? [{ field: 'resoldById', old: null, new: partner }] : []),
    ],
  });
  recordEvent(tx.em, tx.principal, { type: 'customer.created', entityType: 'Customer', entityId: customer.id, customerId: customer.id });
  await tx.em.flush();
  return customer.id;
}

/** Creates the order (customer, membership, lines, offers, points, totals); returns its id. */
async function createOrder(tx: ServiceContext, data: PushData): Promise<string> {
  if (data.externalRef) {
    const [taken] = await rows(tx.em, sql`select 1 as x from sales_order o where o.created_by = ${tx.principal.id} and o.external_ref = ${data.externalRef}`);
    if (taken) fail([userError('DUPLICATE', `You already pushed an order "${data.externalRef}" (with another idempotency key).`, ['input', 'externalRef'])]);
  }
  const skus = [...new Set(data.lines.map((l) => l.sku))];
  const products = new Map((await rows<Product>(tx.em, sql`select ${columnsOf(tx.em, 'Product', 'p')} from product p where p.sku = any(${textArray(skus)})`)).map((p) => [p.sku, p]));
  const errors: UserError[] = hiddenMatchErrors(tx, data);
  data.lines.forEach((l, i) => {
    const path = ['input', 'lines', String(i)];
    const product = products.get(l.sku);
    if (!product) errors.push(userError('NOT_FOUND', `No product with SKU "${l.sku}".`, [...path, 'sku']));
    else if (!product.active) errors.push(userError('VALIDATION', `Product "${l.sku}" is not sold any more.`, [...path, 'sku']));
    else errors.push(...configurationErrors(product.optionsSchema ?? {}, l.configuration ?? {}, [...path, 'configuration']), ...lineCurrencyErrors(product, data.currency, i));
  });
  fail(errors);
  const customerId = await resolveCustomer(tx, data.customer);
  // Loyalty reads who the customer is: only for callers who may know (see `loyaltyInputErrors`).
  const knowsCustomer = !matchHidden(tx.principal) || !!data.customer.customerId;
  if (data.enrol && knowsCustomer) await enrolInTx(tx, customerId);
  const member = knowsCustomer ? await lockMembership(tx, customerId) : null;
  const override = overridesPrices(tx.principal);
  /** Positions of lines whose price only an override allows (for the audit entry). */
  const overridden: number[] = [];
  let subtotal = new Decimal(0);
  let discountTotal = new Decimal(0);
  const lines = data.lines.map((l, i) => {
    const path = ['input', 'lines', String(i)];
    const product = products.get(l.sku)!;
    // The member price counts only for members (issue 11): for anyone else it is just a price under the rules.
    const priced = { ...product, memberPrice: member ? product.memberPrice : null };
    const priceSource = l.unitPrice != null ? PriceSource.SHOP : priced.memberPrice != null ? PriceSource.MEMBER : PriceSource.LIST;
    const unitPrice = l.unitPrice ?? (priceSource === PriceSource.MEMBER ? priced.memberPrice! : product.listPrice);
    const gross = new Decimal(unitPrice).times(l.quantity);
    const discount = new Decimal(l.discount ?? '0');
    if (discount.gt(gross)) errors.push(userError('VALIDATION', 'The discount cannot exceed quantity × unit price.', [...path, 'discount']));
    else {
      const price = linePriceErrors({ ...l, unitPrice }, priced, i, path);
      if (price.length && override) overridden.push(i + 1);
      else errors.push(...price);
    }
    subtotal = subtotal.plus(gross);
    discountTotal = discountTotal.plus(discount);
    return { ...l, unitPrice, priceSource, product, gross, discount };
  });
  fail(errors);
  const netBeforeOffers = subtotal.minus(discountTotal);
  const offers = await priceOffers(tx, {
    customerId, currency: data.currency, codes: data.offerCodes ?? [], customerKnown: knowsCustomer, netBeforeOffers,
    lines: lines.map((l, i) => ({
      index: i, productId: l.product.id, sku: l.sku, category: l.product.category, quantity: l.quantity, unitPrice: l.unitPrice, discount: l.discount.toFixed(2),
    })),
  });
  const beforePoints = netBeforeOffers.minus(offers.discount);
  const points = data.pointsToRedeem ? await redemption(tx, member, data, beforePoints) : null;
  const pointsValue = points?.value ?? new Decimal(0);
  const total = beforePoints.minus(pointsValue).toFixed(2);
  // A partner is billed for the orders it pushes (it resells); everyone else bills the customer.
  const billToId = partnerOf(tx.principal) ?? customerId;
  const paymentTerms = data.paymentTerms ?? (partnerOf(tx.principal) ? PaymentTerms.ON_ACCOUNT : PaymentTerms.PREPAID);
  const credit = paymentTerms === PaymentTerms.ON_ACCOUNT ? await checkCredit(tx, billToId, total, data.currency) : null;
  const order = tx.em.create(Order, {
    customer: tx.em.getReference(Customer, customerId), billTo: tx.em.getReference(Customer, billToId), paymentTerms,
    externalRef: data.externalRef ?? null, channel: data.channel,
    status: credit?.holdReason ? OrderStatus.PENDING_CREDIT_APPROVAL : OrderStatus.PENDING, currency: data.currency,
    subtotal: subtotal.toFixed(2), discountTotal: discountTotal.toFixed(2), offerDiscount: offers.discount,
    pointsRedeemed: points?.points ?? 0, pointsValue: pointsValue.toFixed(2), total, createdBy: tx.principal.id,
  });
  if (credit?.holdReason) holdForCredit(tx, { customerId: billToId, orderId: order.id, amount: total, currency: data.currency }, credit);
  tx.em.persist(order);
  lines.forEach((l, i) => tx.em.persist(tx.em.create(OrderLine, {
    order, position: i + 1, product: tx.em.getReference(Product, l.product.id), sku: l.sku, quantity: l.quantity, priceSource: l.priceSource,
    unitPrice: l.unitPrice, discount: l.discount.toFixed(2), configuration: l.configuration ?? {}, lineTotal: l.gross.minus(l.discount).toFixed(2),
  })));
  recordAudit(tx.em, tx.principal, {
    entityType: 'Order', entityId: order.id, customerId, action: AuditAction.CREATE,
    changes: [
      { field: 'status', old: null, new: order.status }, { field: 'total', old: null, new: order.total },
      ...(overridden.length ? [{ field: 'priceOverrideLines', old: null, new: overridden }] : []),
      ...(offers.offers.length ? [{ field: 'offerCodes', old: null, new: offers.offers.map((o) => o.code) }, { field: 'offerDiscount', old: null, new: offers.discount }] : []),
      ...(points ? [{ field: 'pointsRedeemed', old: null, new: points.points }, { field: 'pointsValue', old: null, new: pointsValue.toFixed(2) }] : []),
    ],
  });
  recordEvent(tx.em, tx.principal, { type: 'order.created', entityType: 'Order', entityId: order.id, customerId, data: { status: order.status } });
  await tx.em.flush();
  if (offers.offers.length) await recordRedemptions(tx, { orderId: order.id, customerId, currency: data.currency, priced: offers });
  if (points) {
    const entryId = await appendEntry(tx, member!, { kind: PointsEntryKind.REDEEM, points: -points.points, orderId: order.id, createdBy: tx.principal.id });
    if (entryId) recordEvent(tx.em, tx.principal, { type: 'points.redeemed', entityType: 'Membership', entityId: member!.id, customerId, data: { orderId: order.id, entryId } });
  }
  return order.id;
}

/**
 * Points paying part of an order: the customer must be a member (its membership row is locked for the
 * whole push, so concurrent pushes redeem one after the other), the order in the programme's currency,
 * the points at most the balance, and their value — points × point value, rounded down to the cent — at
 * most `maxRedeemPercent` of the order's total after line discounts and offers.
 */
async function redemption(tx: ServiceContext, member: LockedMembership | null, data: PushData, beforePoints: Decimal): Promise<{ points: number; value: Decimal }> {
  const field = ['input', 'pointsToRedeem'];
  const points = data.pointsToRedeem!;
  if (!member) fail([userError('BUSINESS_RULE', 'The customer is not a member of the loyalty programme: no points to redeem.', field)]);
  const p = await getProgramme(tx);
  if (p.currency !== data.currency) fail([userError('BUSINESS_RULE', `Points pay only orders in the programme's currency (${p.currency}).`, field)]);
  if (points > member!.balance) fail([userError('BUSINESS_RULE', `Balance too low: the member has ${member!.balance} points.`, field)]);
  const value = new Decimal(points).times(p.pointValue).toDecimalPlaces(2, Decimal.ROUND_DOWN);
  const most = beforePoints.times(p.maxRedeemPercent).div(100);
  if (value.gt(most)) {
    const maxPoints = most.div(p.pointValue).floor();
    fail([userError('BUSINESS_RULE', `Points may pay at most ${new Decimal(p.maxRedeemPercent).toFixed(2)} % of the order (${most.toDecimalPlaces(2, Decimal.ROUND_DOWN).toFixed(2)} ${data.currency}): at most ${maxPoints} points.`, field)]);
  }
  return { points, value };
}

export async function pushOrder(ctx: ServiceContext, input: PushOrderInput): Promise<OrderPayload> {
  const parsed = parseInput(PushOrder, input);
  if (!parsed.ok) return { order: null, errors: parsed.errors };
  const data = parsed.data;
  const hash = requestHash(input);
  const owner = ctx.principal.id;
  const outcome = await inTransaction(ctx, async (tx) => {
    // Take the key: a concurrent holder makes this wait until it commits (then nothing is inserted) or rolls back.
    const claimed = await rows(tx.em, sql`insert into idempotency_key (key, owner, request_hash) values (${data.idempotencyKey}, ${owner}, ${hash})
      on conflict do nothing returning key`);
    if (!claimed.length) {
      const [prior] = await rows<{ request_hash: string; response: unknown }>(tx.em, sql`select k.request_hash, k.response from idempotency_key k
        where k.owner = ${owner} and k.key = ${data.idempotencyKey}`);
      if (!prior || prior.request_hash !== hash || prior.response == null) {
        fail([userError('CONFLICT', 'This idempotency key was already used with different content.', ['input', 'idempotencyKey'])]);
      }
      return prior.response;
    }
    const orderId = await createOrder(tx, data);
    const [row] = await ordersByIds(tx, [orderId]);
    const response = JSON.stringify({ order: row, errors: [] });
    await rows(tx.em, sql`update idempotency_key set response = ${response}::jsonb, order_id = ${orderId}
      where owner = ${owner} and key = ${data.idempotencyKey}`);
    return response;
  });
  if (outcome.result == null) return { order: null, errors: outcome.errors };
  return revive(outcome.result);
}

/** Deletes idempotency keys older than 48 hours (they are kept at least 24 h); returns how many. */
export async function purgeIdempotencyKeys(em: ServiceContext['em'], now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - IDEMPOTENCY_KEEP_HOURS * 3600_000);
  const deleted = await rows<{ key: string }>(em, sql`delete from idempotency_key where created_at < ${cutoff} returning key`);
  return deleted.length;
}

// ---------------------------------------------------------------------------------------- status

/** An ON_ACCOUNT order is billed when FULFILLED: one receivable for its total, due in 30 days. */
async function billOrder(tx: ServiceContext, order: Order): Promise<void> {
  if (order.paymentTerms !== PaymentTerms.ON_ACCOUNT || new Decimal(order.total).isZero()) return;
  const today = new Date();
  await issueReceivables(tx, [{
    customerId: refId(order.billTo)!, orderId: order.id, description: `Order ${order.externalRef ?? order.id}`,
    currency: order.currency, amount: order.total, issuedOn: isoDate(today), dueDate: isoDate(today, ORDER_PAYMENT_DAYS),
  }]);
}

const UpdateOrderStatus = z.object({ id: ID('ord'), version: z.number().int(), status: z.nativeEnum(OrderStatus) });
export type UpdateOrderStatusInput = InputOf<typeof UpdateOrderStatus>;

/**
 * Orders the caller may change: the orders it reads (`orderScope`), for staff who deal with orders, for
 * INTEGRATION keys (their own pushes) and for partners (orders billed to them and of their own record;
 * they may only cancel, see `partnerStatusErrors`).
 */
const writableScope = (principal: Principal): Sql =>
  (ORDER_WRITERS.includes(principal.role) ? orderScope(principal) : FALSE);

/** Statuses a partner may still cancel an order in: before anyone confirmed it. */
const PARTNER_CANCELLABLE: readonly OrderStatus[] = [OrderStatus.PENDING, OrderStatus.PENDING_CREDIT_APPROVAL];

/** Partners (users and keys) only cancel, and only orders not yet confirmed. */
function partnerStatusErrors(principal: Principal, current: OrderStatus, next: OrderStatus): UserError[] {
  if (principal.role !== Role.PARTNER) return [];
  if (next !== OrderStatus.CANCELLED) {
    return [userError('BUSINESS_RULE', 'Partners may only cancel orders (status CANCELLED).', ['input', 'status'])];
  }
  if (!PARTNER_CANCELLABLE.includes(current)) {
    return [userError('BUSINESS_RULE', `A partner can cancel only PENDING or PENDING_CREDIT_APPROVAL orders; this one is ${current}.`, ['input', 'status'])];
  }
  return [];
}

export async function updateOrderStatus(ctx: ServiceContext, input: UpdateOrderStatusInput): Promise<OrderPayload> {
  const parsed = parseInput(UpdateOrderStatus, input);
  if (!parsed.ok) return { order: null, errors: parsed.errors };
  const data = parsed.data;
  const outcome = await inTransaction(ctx, async (tx) => {
    const [visible] = await rows<{ id: string }>(tx.em, sql`select o.id from sales_order o where o.id = ${data.id} and ${writableScope(tx.principal)}`);
    if (!visible) throw new RollbackWithErrors([userError('NOT_FOUND', 'Order not found.', ['input', 'id'])]);
    const order = await tx.em.findOneOrFail(Order, data.id);
    if (order.version !== data.version) {
      fail([userError('CONFLICT', `This order was changed meanwhile (now version ${order.version}): reload it and apply your change again.`, ['input', 'version'])]);
    }
    fail(partnerStatusErrors(tx.principal, order.status, data.status));
    if (!ORDER_TRANSITIONS[order.status].includes(data.status)) {
      fail([userError('BUSINESS_RULE', `An order cannot go from ${order.status} to ${data.status}.`, ['input', 'status'])]);
    }
    if (order.status === OrderStatus.PENDING_CREDIT_APPROVAL) await withdrawHold(tx, order.id);
    recordAudit(tx.em, tx.principal, {
      entityType: 'Order', entityId: order.id, customerId: refId(order.customer)!, action: AuditAction.UPDATE,
      changes: [{ field: 'status', old: order.status, new: data.status }],
    });
    recordEvent(tx.em, tx.principal, { type: 'order.status_changed', entityType: 'Order', entityId: order.id, customerId: refId(order.customer), data: { from: order.status, to: data.status } });
    order.status = data.status;
    order.updatedAt = new Date();
    if (data.status === OrderStatus.COMPLETED) order.completedAt = new Date();
    await tx.em.flush();
    if (data.status === OrderStatus.FULFILLED) {
      await billOrder(tx, order);
      await createAssetsForOrder(tx, order.id);
    }
    await loyaltyOnOrderStatus(tx, order);
    return order.id;
  });
  if (!outcome.result) return { order: null, errors: outcome.errors };
  const [row] = await ordersByIds(ctx, [outcome.result]);
  return { order: row, errors: [] };
}
