import { z } from 'zod';
import type { Principal } from '../auth/principal';
import { Asset } from '../entities/asset.entity';
import type { PostalAddress } from '../entities/contact-points';
import { Customer } from '../entities/customer.entity';
import { AuditAction } from '../entities/enums';
import { refId } from '../entities/ids';
import { Product } from '../entities/product.entity';
import { actorOf, diff, recordAudit } from './audit.service';
import { readModel, type Embed, type ListArgs, type SortFieldOf, type SortTable } from './read-model';
import type { ServiceContext } from './context';
import { RollbackWithErrors, userError, type UserError } from './errors';
import type { AnyFilter, FilterSpec } from './filter';
import { serviceCustomerId } from './case.service';
import { CASE_WORKERS } from '../auth/roles';
import { caseScope } from './scope';
import { FALSE, TRUE, newIdSql, raw, rows, sql, type Sql } from './sql';
import { fail, inTransaction } from './transaction';
import { ADDRESSES, ID, LOCAL_DATE, isoDate, optionalText, parseInput, type InputOf } from './validation';

/**
 * Assets: the products customers own, identified by a serial number / service tag (issue 5).
 *
 * Rules (also in the schema descriptions):
 * - Who may read and write assets: the permission map (src/auth/asset.permissions.ts). Rows: the same
 *   as cases (`caseScope`, always in SQL); an asset outside the scope is NOT_FOUND, also by service
 *   tag and through `node(id)`.
 * - Service tags are stored upper-case (3–40 characters of A–Z, 0–9 and "-", starting with a letter
 *   or digit) and unique; lookups ignore case.
 * - `warrantyStatus` as of today (UTC): NO_WARRANTY without a warranty end, IN_WARRANTY up to and
 *   including the warranty end day, EXPIRED after it.
 * - Registering: staff for any customer, a PARTNER for itself and the customers it resells to (dealers
 *   install products). The warranty end defaults to the purchase date plus the product's
 *   `warrantyMonths` (none when 0). Updating: address, notes, warranty end, ownership transfer
 *   (`CASE_WORKERS`). Every change is audited on the customer (entity type
 *   'Asset'); an ownership transfer is recorded on both the old and the new customer.
 * - Orders: when an order becomes FULFILLED, every line of a serialised product gets one asset per
 *   unit (`createAssetsForOrder`), with a generated 7-character tag.
 */

export type AssetRow = Asset;
export type WarrantyStatusValue = 'IN_WARRANTY' | 'EXPIRED' | 'NO_WARRANTY';
export type AssetOrderField = SortFieldOf<typeof ASSET_ORDER>;
export type AssetListArgs = ListArgs<typeof ASSET_ORDER, typeof ASSET_FILTER>;

/** Warranty status of an asset as of `today` (UTC): the warranty end day itself is still covered. */
export function warrantyStatus(asset: { warrantyEnd?: string | Date | null }, today: string = isoDate(new Date())): WarrantyStatusValue {
  const end = dateText(asset.warrantyEnd);
  if (end == null) return 'NO_WARRANTY';
  return end >= today ? 'IN_WARRANTY' : 'EXPIRED';
}

const dateText = (v: unknown): string | null => (v instanceof Date ? isoDate(v) : v == null ? null : String(v));

/** A tag as stored: trimmed and upper-case. */
const normaliseServiceTag = (tag: string): string => tag.trim().toUpperCase();

const SERVICE_TAG_PATTERN = /^[A-Z0-9][A-Z0-9-]{2,39}$/;

// ---------------------------------------------------------------------------------------- reads

/** The sort enum `AssetOrderField` (schema/asset.inputs.ts registers it from this table). */
export const ASSET_ORDER = {
  CREATED_AT: { expr: 'a.created_at', get: (r) => r.createdAt, description: 'When it was registered.' },
  PURCHASE_DATE: { expr: 'a.purchase_date', get: (r) => r.purchaseDate, description: 'When it was bought.' },
  WARRANTY_END: {
    expr: 'a.warranty_end', nullable: true, get: (r) => r.warrantyEnd ?? null,
    description: 'The last day of the warranty; assets without a warranty come last in both directions.',
  },
  SERVICE_TAG: { expr: 'a.service_tag', get: (r) => r.serviceTag, description: 'The service tag, alphabetically.' },
} satisfies SortTable<AssetRow>;

/** The fields of the GraphQL `AssetFilter` (which checks it names the same ones). */
export const ASSET_FILTER = {
  id: { expr: 'a.id', kind: 'scalar' },
  customerId: { expr: 'a.customer_id', kind: 'scalar' },
  productId: { expr: 'a.product_id', kind: 'scalar' },
  orderId: { expr: 'a.order_id', kind: 'scalar' },
  serviceTag: { expr: 'a.service_tag', kind: 'text' },
  purchaseDate: { expr: 'a.purchase_date', kind: 'scalar' },
  warrantyEnd: { expr: 'a.warranty_end', kind: 'scalar' },
  createdAt: { expr: 'a.created_at', kind: 'scalar' },
} satisfies FilterSpec;

/** Tags are stored upper-case: exact comparisons on `serviceTag` (eq, ne, in) ignore case, at any nesting level. */
function normaliseFilter(filter: AnyFilter | null | undefined): AnyFilter | null {
  if (!filter) return null;
  const out: AnyFilter = { ...filter };
  if (filter.and) out.and = filter.and.map((f) => normaliseFilter(f)!);
  if (filter.or) out.or = filter.or.map((f) => normaliseFilter(f)!);
  if (filter.not) out.not = normaliseFilter(filter.not);
  const tag = filter.serviceTag as Record<string, unknown> | null | undefined;
  if (tag) {
    const up = (v: unknown) => (typeof v === 'string' ? normaliseServiceTag(v) : v);
    out.serviceTag = { ...tag, eq: up(tag.eq), ne: up(tag.ne), in: Array.isArray(tag.in) ? tag.in.map(up) : tag.in };
  }
  return out;
}

/** The caller's assets: those of the customers it may see cases of (`caseScope`). */
const readable = (principal: Principal): Sql => caseScope(principal, 'a.customer_id');

export const assetReads = readModel<AssetRow>()({
  entity: 'Asset', table: 'asset', alias: 'a', parentColumn: 'a.customer_id',
  visible: (ctx) => readable(ctx.principal),
  filter: ASSET_FILTER,
  prepareFilter: normaliseFilter,
  order: { list: 'assets', table: ASSET_ORDER, default: { field: 'CREATED_AT', direction: 'DESC' } },
});

export const listAssets = assetReads.list;
/** Assets by id, visible to the caller only; the order of the result is not guaranteed. */
export const assetsByIds = assetReads.byIds;
export const getAsset = assetReads.get;

/** The asset with this service tag (any case, surrounding blanks ignored); null when unknown, malformed or not visible. */
export async function getAssetByServiceTag(ctx: ServiceContext, tag: string, read?: { embed?: readonly Embed[]; select?: readonly string[] }): Promise<AssetRow | null> {
  const normalised = normaliseServiceTag(tag);
  if (!SERVICE_TAG_PATTERN.test(normalised)) return null;
  const [row] = await assetReads.find(ctx, sql`a.service_tag = ${normalised}`, read);
  return row ?? null;
}

// ---------------------------------------------------------------------------------------- writes

const SERVICE_TAG = z.string().trim().transform((v) => v.toUpperCase())
  .refine((v) => SERVICE_TAG_PATTERN.test(v), 'A service tag is 3–40 characters of A–Z, 0–9 and "-", starting with a letter or digit.');

const ADDRESS = ADDRESSES.element;

const RegisterAsset = z.object({
  serviceTag: SERVICE_TAG,
  productId: ID('prd'),
  customerId: ID('cus'),
  purchaseDate: LOCAL_DATE,
  warrantyEnd: LOCAL_DATE.nullish(),
  installedAddress: ADDRESS.nullish(),
  notes: optionalText(4000),
});

const UpdateAsset = z.object({
  id: ID('ast'),
  version: z.number().int(),
  installedAddress: ADDRESS.nullish(),
  notes: optionalText(4000),
  warrantyEnd: LOCAL_DATE.nullish(),
  customerId: ID('cus').nullish(),
});

export type RegisterAssetInput = InputOf<typeof RegisterAsset>;
export type UpdateAssetInput = InputOf<typeof UpdateAsset>;
export interface AssetPayload { asset: AssetRow | null; errors: UserError[] }

/** Fields recorded in the audit log. */
const AUDITED = ['serviceTag', 'productId', 'customerId', 'orderId', 'purchaseDate', 'warrantyEnd', 'installedAddress', 'notes'];

function snapshot(a: Asset): Record<string, unknown> {
  return {
    serviceTag: a.serviceTag,
    productId: refId(a.product),
    customerId: refId(a.customer),
    orderId: refId(a.order),
    purchaseDate: dateText(a.purchaseDate),
    warrantyEnd: dateText(a.warrantyEnd),
    installedAddress: a.installedAddress ?? null,
    notes: a.notes ?? null,
  };
}

/** An address as stored: every field present, optional ones null. */
function address(a: z.infer<typeof ADDRESS> | null | undefined): PostalAddress | null {
  if (!a) return null;
  return {
    label: a.label, line1: a.line1, line2: a.line2 || null, city: a.city,
    region: a.region || null, postalCode: a.postalCode || null, country: a.country,
  };
}

/** Assets the caller may change: ADMIN and SERVICE_AGENT, every asset. */
const updatableScope = (principal: Principal): Sql => (CASE_WORKERS.includes(principal.role) ? TRUE : FALSE);

/** Customers the caller may attach assets to: those it may open cases for (ADMIN and SERVICE_AGENT any, a PARTNER itself and the customers it resells to). */
async function customerErrors(tx: ServiceContext, customerId: string): Promise<UserError[]> {
  return (await serviceCustomerId(tx, customerId)) ? [] : [userError('NOT_FOUND', 'Customer not found.', ['input', 'customerId'])];
}

async function tagErrors(tx: ServiceContext, tag: string): Promise<UserError[]> {
  const [taken] = await rows(tx.em, sql`select 1 as x from asset a where a.service_tag = ${tag}`);
  return taken ? [userError('DUPLICATE', `Service tag "${tag}" is already registered.`, ['input', 'serviceTag'])] : [];
}

/**
 * The payload's asset: re-read as a plain row, like every query returns it. (A tag taken by a concurrent
 * registration is a DUPLICATE at ["input","serviceTag"] from `inTransaction`, by the constraint's name.)
 */
async function withRow(ctx: ServiceContext, outcome: { result: string | null; errors: UserError[] }): Promise<AssetPayload> {
  if (!outcome.result) return { asset: null, errors: outcome.errors };
  const [row] = await assetsByIds(ctx, [outcome.result]);
  return { asset: row ?? null, errors: [] };
}

export async function registerAsset(ctx: ServiceContext, input: RegisterAssetInput): Promise<AssetPayload> {
  const parsed = parseInput(RegisterAsset, input);
  if (!parsed.ok) return { asset: null, errors: parsed.errors };
  const data = parsed.data;
  const ruleErrors: UserError[] = [];
  // Up to tomorrow (UTC): a dealer ahead of UTC may already be on the next day.
  if (data.purchaseDate > isoDate(new Date(), 1)) ruleErrors.push(userError('VALIDATION', 'The purchase date cannot be in the future.', ['input', 'purchaseDate']));
  if (data.warrantyEnd != null && data.warrantyEnd < data.purchaseDate) {
    ruleErrors.push(userError('VALIDATION', 'The warranty cannot end before the purchase date.', ['input', 'warrantyEnd']));
  }
  if (ruleErrors.length) return { asset: null, errors: ruleErrors };

  const outcome = await inTransaction(ctx, async (tx) => {
    // The default warranty end is computed by the database, like for assets from orders (month ends clamp: 31 Jan + 1 month = 28/29 Feb).
    const [product] = await rows<{ id: string; defaultWarrantyEnd: string | null }>(tx.em, sql`select p.id,
        case when p.warranty_months > 0 then (${data.purchaseDate}::date + make_interval(months => p.warranty_months))::date::text end as "defaultWarrantyEnd"
      from product p where p.id = ${data.productId}`);
    fail([
      ...(await customerErrors(tx, data.customerId)),
      ...(product ? [] : [userError('NOT_FOUND', 'Product not found.', ['input', 'productId'])]),
    ]);
    fail(await tagErrors(tx, data.serviceTag));
    const asset = tx.em.create(Asset, {
      serviceTag: data.serviceTag,
      product: tx.em.getReference(Product, product.id),
      customer: tx.em.getReference(Customer, data.customerId),
      purchaseDate: data.purchaseDate,
      warrantyEnd: data.warrantyEnd !== undefined ? data.warrantyEnd : product.defaultWarrantyEnd,
      installedAddress: address(data.installedAddress),
      notes: data.notes || null,
      createdBy: tx.principal.id,
    });
    tx.em.persist(asset);
    recordAudit(tx.em, tx.principal, {
      entityType: 'Asset', entityId: asset.id, customerId: data.customerId, action: AuditAction.CREATE,
      changes: diff({}, snapshot(asset), AUDITED).filter((ch) => ch.new !== null),
    });
    await tx.em.flush();
    return asset.id;
  });
  return withRow(ctx, outcome);
}

export async function updateAsset(ctx: ServiceContext, input: UpdateAssetInput): Promise<AssetPayload> {
  const parsed = parseInput(UpdateAsset, input);
  if (!parsed.ok) return { asset: null, errors: parsed.errors };
  const data = parsed.data;
  if (data.customerId === null) return { asset: null, errors: [userError('VALIDATION', 'customerId cannot be null: every asset belongs to a customer.', ['input', 'customerId'])] };

  const outcome = await inTransaction(ctx, async (tx) => {
    const [visible] = await rows<{ id: string }>(tx.em, sql`select a.id from asset a where a.id = ${data.id} and ${updatableScope(tx.principal)} for update of a`);
    if (!visible) throw new RollbackWithErrors([userError('NOT_FOUND', 'Asset not found.', ['input', 'id'])]);
    const asset = await tx.em.findOneOrFail(Asset, data.id, { refresh: true });
    if (asset.version !== data.version) {
      fail([userError('CONFLICT', `This asset was changed meanwhile (now version ${asset.version}): reload it and apply your change again.`, ['input', 'version'])]);
    }
    const before = snapshot(asset);
    if (data.customerId && data.customerId !== before.customerId) {
      fail(await customerErrors(tx, data.customerId));
      asset.customer = tx.em.getReference(Customer, data.customerId);
    }
    if (data.installedAddress !== undefined) asset.installedAddress = address(data.installedAddress);
    if (data.notes !== undefined) asset.notes = data.notes || null;
    if (data.warrantyEnd !== undefined) {
      if (data.warrantyEnd != null && data.warrantyEnd < (before.purchaseDate as string)) {
        fail([userError('VALIDATION', `The warranty cannot end before the purchase date (${before.purchaseDate}).`, ['input', 'warrantyEnd'])]);
      }
      asset.warrantyEnd = data.warrantyEnd;
    }
    const after = snapshot(asset);
    const changes = diff(before, after, AUDITED);
    if (!changes.length) return asset.id;
    asset.updatedAt = new Date();
    recordAudit(tx.em, tx.principal, { entityType: 'Asset', entityId: asset.id, customerId: after.customerId as string, action: AuditAction.UPDATE, changes });
    if (after.customerId !== before.customerId) {
      // The previous owner's history shows where its asset went.
      recordAudit(tx.em, tx.principal, { entityType: 'Asset', entityId: asset.id, customerId: before.customerId as string, action: AuditAction.UPDATE, changes });
    }
    await tx.em.flush();
    return asset.id;
  });
  return withRow(ctx, outcome);
}

// ---------------------------------------------------------------------------------------- assets from orders

/** Characters of generated service tags: digits and upper-case letters without I and O (no confusion with 1 and 0). */
const TAG_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
const GENERATED_TAG_LENGTH = 7;

/** A random tag per row, drawn by the database: 34^7 ≈ 5·10^10 possibilities. */
const RANDOM_TAG = raw(Array.from({ length: GENERATED_TAG_LENGTH },
  () => `substr('${TAG_ALPHABET}', 1 + floor(random() * ${TAG_ALPHABET.length})::int, 1)`).join(' || '));

const MAX_TAG_ATTEMPTS = 10;

/**
 * Creates the assets of a just-FULFILLED order, inside the caller's transaction: one per unit of each
 * line whose product is serialised, for the order's customer, bought today (UTC), under warranty for
 * the product's `warrantyMonths` (none when 0), each with a generated 7-character tag (e.g. "7KX2M9Q")
 * and a CREATE entry in the customer's history.
 *
 * Set-based: one statement whatever the number of lines and units. Idempotent: a line never gets
 * more assets than its quantity (what exists is counted first), so running it again creates nothing.
 * A generated tag that is already taken is skipped by `on conflict do nothing` and the statement runs
 * again for the units still missing (with 5·10^10 tags that is rare).
 */
export async function createAssetsForOrder(tx: ServiceContext, orderId: string): Promise<void> {
  const today = sql`${isoDate(new Date())}::date`;
  const { actorType, actorId } = actorOf(tx.principal);
  for (let attempt = 1; ; attempt += 1) {
    const [result] = await rows<{ wanted: number; created: number }>(tx.em, sql`
      with wanted as (
        select l.id as line_id, l.product_id, o.customer_id, o.id as order_id, p.warranty_months
        from sales_order o
        join sales_order_line l on l.order_id = o.id
        join product p on p.id = l.product_id
        cross join lateral generate_series(1, l.quantity - (select count(*)::int from asset x where x.order_line_id = l.id)) g(n)
        where o.id = ${orderId} and p.serialised
      ),
      created as (
        insert into asset (id, service_tag, product_id, customer_id, order_id, order_line_id, purchase_date, warranty_end, created_by, created_at, updated_at, version)
        select ${newIdSql('Asset')}, ${RANDOM_TAG}, w.product_id, w.customer_id, w.order_id, w.line_id, ${today},
          case when w.warranty_months > 0 then (${today} + make_interval(months => w.warranty_months))::date end,
          ${tx.principal.id}, now(), now(), 1
        from wanted w
        on conflict (service_tag) do nothing
        returning id, service_tag, product_id, customer_id, order_id, purchase_date, warranty_end
      ),
      audited as (
        insert into audit_event (id, entity_type, entity_id, customer_id, action, actor_type, actor_id, at, changes)
        select ${newIdSql('AuditEvent')}, 'Asset', c.id, c.customer_id, 'CREATE', ${actorType}, ${actorId}, now(),
          jsonb_build_array(
            jsonb_build_object('field', 'serviceTag', 'old', null, 'new', c.service_tag),
            jsonb_build_object('field', 'productId', 'old', null, 'new', c.product_id),
            jsonb_build_object('field', 'customerId', 'old', null, 'new', c.customer_id),
            jsonb_build_object('field', 'orderId', 'old', null, 'new', c.order_id),
            jsonb_build_object('field', 'purchaseDate', 'old', null, 'new', c.purchase_date::text)
          ) || case when c.warranty_end is null then '[]'::jsonb
            else jsonb_build_array(jsonb_build_object('field', 'warrantyEnd', 'old', null, 'new', c.warranty_end::text)) end
        from created c
        returning 1
      )
      select (select count(*) from wanted)::int as wanted, (select count(*) from created)::int as created,
        (select count(*) from audited)::int as audited`);
    if (result.created >= result.wanted) return;
    if (attempt >= MAX_TAG_ATTEMPTS) throw new Error(`Could not generate unique service tags for order ${orderId}.`);
  }
}
