import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { ImportJob, ImportKind, ImportStatus, type ImportRowErrorValue } from '../entities/import-job.entity';
import { CustomerKind, Role } from '../entities/enums';
import { newId } from '../entities/ids';
import { actorOf, diff } from './audit.service';
import type { ServiceContext } from './context';
import * as contacts from './contact.service';
import * as customers from './customer.service';
import { userError, type UserError } from './errors';
import { headerErrors, rowInput, validateRow, columnKinds, type RowError, type RowSpec } from './import-rows';
import { insertAudit, insertRows, updateRows } from './import-write';
import { recordEvents } from './outbox';
import * as products from './product.service';
import { customerScope, piiVisibleSql, visibleCustomer } from './scope';
import { keysetSql, lazyCount, orderSql, pageRequest, toConnection, type ConnectionArgs, type SortKey } from './pagination';
import { columnsOf, exec, limitSql, raw, rows, sql, textArray } from './sql';

/**
 * CSV import of customers, contacts and products (issue 15). The columns are the input fields of the
 * create mutation of the kind, checked by the same zod schema and the same business rules as the
 * mutation (exported by its service). Rows are matched to existing records (customers: external ref, then
 * e-mail; contacts: e-mail; products: SKU) and update them instead of duplicating; matches outside the
 * caller's record scope are row errors, never updated. A real run writes in batches of BATCH_SIZE rows,
 * one transaction each, set-based (services/import-write.ts), with the audit entries (IMPORT), the
 * outbox events and the job's progress in the same transaction.
 */

const BATCH_SIZE = 1000;
/** Row errors kept on a job (and returned by a dry run); `errorCount` counts all. */
export const MAX_STORED_ERRORS = 1000;
const MAX_ROWS = 500_000;

export interface DryRunReport {
  totalRows: number; valid: number; failed: number; wouldCreate: number; wouldUpdate: number; errorCount: number; errors: RowError[];
}

type Row = Record<string, unknown>;
/** A parsed row: `full` is its data when it passed the create schema, `errors` why it did not. */
interface Item { row: number; input: Row; full?: Row; errors: RowError[] }
interface Write { row: number; id: string; values: Row; changes: ReturnType<typeof diff>; customerId: string | null; creating: boolean }

interface BatchOutcome { writes: Write[]; errors: RowError[] }

/** A kind's rules: its row spec, schema, how rows match records, and how a batch is checked and written. */
interface KindPlan {
  spec: RowSpec;
  schema: z.AnyZodObject;
  /** Keys of a parsed row, in matching order, with the column reported when the key is repeated or out of scope. */
  keys(data: Row): { key: string; column: string }[];
  /**
   * Record ids by key: live records the caller may update (and, matched by e-mail, whose e-mails it may read:
   * an import never tells who owns an address). `id: null`: the key (an external ref, unique across all
   * customers) is held by a customer the caller cannot update, or a deleted one: the row is refused.
   */
  match(tx: ServiceContext, keys: string[]): Promise<Map<string, { id: string | null }>>;
  check(tx: ServiceContext, items: { item: Item; data: Row; existingId: string | null }[], header: string[]): Promise<BatchOutcome>;
  write(tx: ServiceContext, writes: Write[], header: string[]): Promise<void>;
}

const rowError = (row: number, column: string | null, code: string, message: string): RowError => ({ row, column, code, message });
const errorsOf = (row: number, errors: UserError[]): RowError[] =>
  errors.map((e) => rowError(row, e.field?.[1] ?? null, e.code, e.message));

// ------------------------------------------------------------------------------------------- customers

const CUSTOMER_SPEC: RowSpec = {
  kinds: columnKinds(customers.CreateCustomer),
  extra: {
    columns: ['externalSystem', 'externalRef'],
    // `externalSystem` + `externalRef` is one reference (the common case: the id in the system the file comes from).
    fold: (v, input) => {
      if (v.externalSystem || v.externalRef) {
        const refs = Array.isArray(input.externalRefs) ? input.externalRefs as unknown[] : [];
        input.externalRefs = [...refs, { system: v.externalSystem ?? '', ref: v.externalRef ?? '' }];
      }
    },
    columnOf: (path) => (path[0] === 'externalRefs' && path.length > 2 ? (path[2] === 'system' ? 'externalSystem' : 'externalRef') : null),
  },
};

/** Customer columns an import writes (the input fields that are columns, and what the service derives). */
const CUSTOMER_PROPS = ['name', 'kind', 'sector', 'tier', 'vip', 'industry', 'employeeCount', 'annualRevenue', 'annualCategoryBudget', 'website',
  'phones', 'emails', 'addresses', 'owner', 'source', 'referredBy', 'resoldBy', 'status', 'churnReason', 'churnNote', 'churnedAt', 'isPartner',
  'channelType', 'tags', 'customAttributes', 'marketingConsent', 'consentAt', 'consentSource'];

/** An input field's property on the entity (references are the entity's many-to-one properties). */
const CUSTOMER_REFS: Record<string, string> = { ownerId: 'owner', referredById: 'referredBy', resoldById: 'resoldBy' };

function emailKeys(data: Row): { key: string; column: string }[] {
  return ((data.emails as { address: string }[] | undefined) ?? []).map((e) => ({ key: `email:${e.address}`, column: 'emails' }));
}

/** Per-value checks of the services (owner, referrer, reseller), asked once per distinct value of a file. */
class Memo {
  private readonly cache = new Map<string, Promise<UserError[]>>();
  get(key: string, make: () => Promise<UserError[]>): Promise<UserError[]> {
    let found = this.cache.get(key);
    if (!found) this.cache.set(key, (found = make()));
    return found;
  }
}

function customerPlan(memo: Memo): KindPlan {
  return {
    spec: CUSTOMER_SPEC,
    schema: customers.CreateCustomer,
    keys: (data) => [
      ...((data.externalRefs as { system: string; ref: string }[] | undefined) ?? []).map((r) => ({ key: `ref:${r.system}:${r.ref}`, column: 'externalRef' })),
      ...emailKeys(data),
    ],
    async match(tx, keys) {
      const found = new Map<string, { id: string | null }>();
      const refs = keys.filter((k) => k.startsWith('ref:')).map((k) => k.slice(4));
      const emails = keys.filter((k) => k.startsWith('email:')).map((k) => k.slice(6));
      if (refs.length) {
        // One index probe per key (the unique (system, ref) index), whatever the size of the table.
        const pairs = JSON.stringify(refs.map((r) => ({ system: r.slice(0, r.indexOf(':')), ref: r.slice(r.indexOf(':') + 1) })));
        const hit = await rows<{ key: string; id: string | null }>(tx.em, sql`select k.system || ':' || k.ref as key,
            case when c.deleted_at is null and ${customerScope(tx.principal)} then c.id end as id
          from jsonb_to_recordset(${pairs}::jsonb) as k(system text, ref text)
          join customer_external_ref r on r.system = k.system and r.ref = k.ref
          join customer c on c.id = r.customer_id`);
        for (const h of hit) found.set(`ref:${h.key}`, { id: h.id });
      }
      if (emails.length) {
        const hit = await rows<{ address: string; id: string }>(tx.em, sql`${emailMatch('customer', 'c', emails)} and c.deleted_at is null
          and ${customerScope(tx.principal)} and ${piiVisibleSql(tx.principal, 'c')} order by c.created_at, c.id`);
        for (const h of hit) if (!found.has(`email:${h.address}`)) found.set(`email:${h.address}`, { id: h.id });
      }
      return found;
    },
    async check(tx, batch, header) {
      const principal = tx.principal;
      const ids = batch.flatMap((b) => (b.existingId ? [b.existingId] : []));
      const existing = new Map<string, Row>();
      if (ids.length) {
        const found = await rows<Row>(tx.em, sql`select ${columnsOf(tx.em, 'Customer', 'c')}
          from customer c where c.id = any(${textArray(ids)}) and c.deleted_at is null`);
        for (const f of found) existing.set(f.id as string, f);
      }
      const writes: Write[] = [];
      const errors: RowError[] = [];
      const fields = new Set(header.flatMap((h) => (h === 'externalSystem' || h === 'externalRef' ? ['externalRefs'] : [h])));
      for (const { item, data, existingId } of batch) {
        const before = existingId ? existing.get(existingId) : undefined;
        const rowErrors: UserError[] = [];
        let values: Row;
        let snapshotBefore: Row = {};
        if (!before) {
          if (!item.full) {
            errors.push(...item.errors);
            continue;
          }
          const d = item.full;
          const ownerId = (d.ownerId as string | undefined) ?? (principal.type === 'USER' ? principal.id : null);
          if (!ownerId) rowErrors.push(userError('VALIDATION', 'API keys must name the owner of a new customer.', ['input', 'ownerId']));
          else rowErrors.push(...await memo.get(`owner:${ownerId}`, () => customers.ownerErrors(tx, ownerId)));
          const now = new Date();
          values = {
            ...d, tier: d.tier ?? 'POTENTIAL', vip: d.vip ?? false, phones: d.phones ?? [], emails: d.emails ?? [], addresses: d.addresses ?? [],
            status: d.status ?? 'ACTIVE', isPartner: d.isPartner ?? false, tags: d.tags ?? [], customAttributes: d.customAttributes ?? {},
            marketingConsent: d.marketingConsent ?? false, consentAt: d.marketingConsent === undefined ? null : now,
            sector: d.sector ?? customers.defaultSector(d.kind as CustomerKind, d.employeeCount as number | null | undefined),
            ownerId, id: newId('Customer'),
          };
          values.churnedAt = values.status === 'CHURNED' ? now : null;
        } else {
          const d = data;
          snapshotBefore = { ...before, ownerId: before.owner, referredById: before.referredBy, resoldById: before.resoldBy };
          if (d.ownerId && d.ownerId !== snapshotBefore.ownerId) {
            if (principal.role === Role.SALES_REP) rowErrors.push(userError('FORBIDDEN', 'Only a manager or admin can change the owner.', ['input', 'ownerId']));
            else rowErrors.push(...await memo.get(`owner:${d.ownerId}`, () => customers.ownerErrors(tx, d.ownerId as string)));
          }
          values = { ...snapshotBefore, ...d };
          if (d.marketingConsent !== undefined && d.marketingConsent !== before.marketingConsent) values.consentAt = new Date();
          values.churnedAt = values.status === 'CHURNED' ? (before.churnedAt ?? new Date()) : null;
        }
        const d = data;
        if (d.referredById) rowErrors.push(...await memo.get(`ref:${d.referredById}`, () => customers.referenceErrors(tx, d.referredById as string)));
        if (d.resoldById !== undefined && d.resoldById !== snapshotBefore.resoldById) {
          rowErrors.push(...await memo.get(`resold:${d.resoldById}`, () => customers.resellerErrors(tx, d.resoldById as string, null)));
        }
        rowErrors.push(...customers.businessRules(values));
        if (rowErrors.length) {
          errors.push(...errorsOf(item.row, rowErrors));
          continue;
        }
        const audited = customers.AUDITED.filter((f) => f !== 'externalRefs' && f !== 'deletedAt' && (!before || fields.has(f) || f === 'consentAt'));
        const changes = before ? diff(snapshotBefore, values, audited)
          : diff({}, values, audited).filter((ch) => ch.new !== null && !(Array.isArray(ch.new) && !ch.new.length));
        const refs = (d.externalRefs as { system: string; ref: string }[] | undefined) ?? [];
        if (refs.length) changes.push({ field: 'externalRefs', old: null, new: refs });
        const id = (before?.id as string | undefined) ?? values.id as string;
        writes.push({ row: item.row, id, values: { ...values, id, externalRefs: refs }, changes, customerId: id, creating: !before });
      }
      return { writes, errors };
    },
    async write(tx, writes, header) {
      const toEntity = (v: Row) => Object.fromEntries(Object.entries(v).map(([k, value]) => [CUSTOMER_REFS[k] ?? k, value]));
      const creates = writes.filter((w) => w.creating).map((w) => ({ ...toEntity(w.values), createdBy: tx.principal.id }));
      await insertRows(tx.em, 'Customer', 'customer', ['id', ...CUSTOMER_PROPS, 'createdBy'], creates);
      // Updates set the columns of the file (and what they derive); a row without changes is not touched.
      const props = CUSTOMER_PROPS.filter((p) => header.includes(Object.entries(CUSTOMER_REFS).find(([, e]) => e === p)?.[0] ?? p)
        || (p === 'consentAt' && header.includes('marketingConsent')) || (p === 'churnedAt' && header.includes('status')) || (p === 'sector' && header.includes('kind')));
      const updates = writes.filter((w) => !w.creating && w.changes.length).map((w) => toEntity(w.values));
      if (props.length) await updateRows(tx.em, 'Customer', 'customer', props, updates);
      // One reference per system: the file's reference replaces the customer's reference in that system.
      const refs = writes.flatMap((w) => (w.values.externalRefs as { system: string; ref: string }[]).map((r) => ({ customerId: w.id, system: r.system, ref: r.ref, id: newId('CustomerExternalRef') })));
      if (refs.length) {
        const json = JSON.stringify(refs);
        await exec(tx.em, sql`delete from customer_external_ref r using jsonb_to_recordset(${json}::jsonb) as x("customerId" text, system text)
          where r.customer_id = x."customerId" and r.system = x.system`);
        await exec(tx.em, sql`insert into customer_external_ref (id, customer_id, system, ref)
          select x.id, x."customerId", x.system, x.ref from jsonb_to_recordset(${json}::jsonb) as x(id text, "customerId" text, system text, ref text)`);
      }
      // The same events as createCustomer / updateCustomer, with the same (empty) data: no field names.
      await recordEvents(tx.em, tx.principal, writes.filter((w) => w.creating || w.changes.length).map((w) => ({
        type: w.creating ? 'customer.created' : 'customer.updated', entityType: 'Customer', entityId: w.id, customerId: w.id,
      })));
    },
  };
}

/**
 * The records holding any of the e-mail addresses: one probe per address of the GIN index on `emails`
 * (`@> [{"address": …}]`, created with fastupdate off so that lookups between the batch's own inserts do not
 * scan a growing pending list). Ends in a where clause the caller extends.
 */
function emailMatch(table: 'customer' | 'contact', alias: 'c' | 'k', emails: string[]) {
  return sql`select k0.address, ${raw(alias)}.id from jsonb_array_elements_text(${JSON.stringify(emails)}::jsonb) as k0(address)
    join ${raw(table)} ${raw(alias)} on ${raw(alias)}.emails @> jsonb_build_array(jsonb_build_object('address', k0.address)) where true`;
}


// ------------------------------------------------------------------------------------------- contacts

// `primary` is left out: one primary contact per customer is kept by `createContact` demoting the previous one, row by row.
const { primary: _primary, ...contactShape } = contacts.CreateContact.shape;
const CONTACT_SCHEMA = z.object(contactShape);
const CONTACT_SPEC: RowSpec = { kinds: columnKinds(CONTACT_SCHEMA) };
const CONTACT_PROPS = ['firstName', 'lastName', 'title', 'department', 'phones', 'emails', 'addresses', 'buyingRole', 'preferredChannel', 'marketingConsent', 'consentAt', 'consentSource'];

function contactPlan(): KindPlan {
  return {
    spec: CONTACT_SPEC,
    schema: CONTACT_SCHEMA,
    keys: emailKeys,
    async match(tx, keys) {
      const found = new Map<string, { id: string | null }>();
      const emails = keys.map((k) => k.slice(6));
      if (!emails.length) return found;
      const hit = await rows<{ address: string; id: string }>(tx.em, sql`${emailMatch('contact', 'k', emails)} and k.deleted_at is null
        and ${visibleCustomer(tx.principal, 'k.customer_id')} and ${piiVisibleSql(tx.principal, 'k')} order by k.created_at, k.id`);
      for (const h of hit) if (!found.has(`email:${h.address}`)) found.set(`email:${h.address}`, { id: h.id });
      return found;
    },
    async check(tx, batch, header) {
      const ids = batch.flatMap((b) => (b.existingId ? [b.existingId] : []));
      const existing = new Map<string, Row>();
      if (ids.length) {
        const found = await rows<Row>(tx.em, sql`select ${columnsOf(tx.em, 'Contact', 'k')}
          from contact k where k.id = any(${textArray(ids)})`);
        for (const f of found) existing.set(f.id as string, f);
      }
      const customerIds = [...new Set(batch.filter((b) => !b.existingId && typeof b.data.customerId === 'string').map((b) => b.data.customerId as string))];
      const visible = new Set((await customers.customersByIds(tx, customerIds)).map((c) => c.id));
      const writes: Write[] = [];
      const errors: RowError[] = [];
      for (const { item, data, existingId } of batch) {
        const before = existingId ? existing.get(existingId) : undefined;
        if (!before) {
          if (!item.full) {
            errors.push(...item.errors);
            continue;
          }
          const d = item.full;
          if (!visible.has(d.customerId as string)) {
            errors.push(rowError(item.row, 'customerId', 'NOT_FOUND', 'Customer not found.'));
            continue;
          }
          const values: Row = {
            ...d, id: newId('Contact'), phones: d.phones ?? [], emails: d.emails ?? [], addresses: d.addresses ?? [],
            marketingConsent: d.marketingConsent ?? false, consentAt: d.marketingConsent === undefined ? null : new Date(),
          };
          const changes = diff({}, values, contacts.AUDITED).filter((ch) => ch.new !== null && !(Array.isArray(ch.new) && !ch.new.length));
          writes.push({ row: item.row, id: values.id as string, values, changes, customerId: d.customerId as string, creating: true });
          continue;
        }
        if (data.customerId !== undefined && data.customerId !== before.customer) {
          errors.push(rowError(item.row, 'customerId', 'VALIDATION', 'This e-mail belongs to a contact of another customer; a contact does not move between customers.'));
          continue;
        }
        const values: Row = { ...before, ...data };
        if (data.marketingConsent !== undefined && data.marketingConsent !== before.marketingConsent) values.consentAt = new Date();
        const audited = contacts.AUDITED.filter((f) => header.includes(f) || (f === 'consentAt' && header.includes('marketingConsent')));
        writes.push({ row: item.row, id: before.id as string, values, changes: diff(before, values, audited), customerId: before.customer as string, creating: false });
      }
      return { writes, errors };
    },
    async write(tx, writes, header) {
      await insertRows(tx.em, 'Contact', 'contact', ['id', 'customer', ...CONTACT_PROPS, 'createdBy'],
        writes.filter((w) => w.creating).map((w) => ({ ...w.values, customer: w.customerId, createdBy: tx.principal.id })));
      const props = CONTACT_PROPS.filter((p) => header.includes(p) || (p === 'consentAt' && header.includes('marketingConsent')));
      if (props.length) await updateRows(tx.em, 'Contact', 'contact', props, writes.filter((w) => !w.creating && w.changes.length).map((w) => w.values));
    },
  };
}

// ------------------------------------------------------------------------------------------- products

const PRODUCT_SPEC: RowSpec = { kinds: columnKinds(products.CreateProduct) };
const PRODUCT_PROPS = ['sku', 'name', 'category', 'listPrice', 'memberPrice', 'cost', 'maxDiscountPercent', 'currency', 'active', 'optionsSchema', 'serialised', 'warrantyMonths'];

function productPlan(): KindPlan {
  return {
    spec: PRODUCT_SPEC,
    schema: products.CreateProduct,
    keys: (data) => (typeof data.sku === 'string' ? [{ key: `sku:${data.sku}`, column: 'sku' }] : []),
    async match(tx, keys) {
      const hit = keys.length ? await rows<{ sku: string; id: string }>(tx.em, sql`select p.sku, p.id from product p where p.sku = any(${textArray(keys.map((k) => k.slice(4)))})`) : [];
      return new Map(hit.map((h) => [`sku:${h.sku}`, { id: h.id }]));
    },
    async check(tx, batch) {
      const ids = batch.flatMap((b) => (b.existingId ? [b.existingId] : []));
      const existing = new Map<string, Row>();
      if (ids.length) {
        for (const f of await rows<Row>(tx.em, sql`select ${columnsOf(tx.em, 'Product', 'p')} from product p where p.id = any(${textArray(ids)})`)) existing.set(f.id as string, f);
      }
      const writes: Write[] = [];
      const errors: RowError[] = [];
      for (const { item, data, existingId } of batch) {
        const before = existingId ? existing.get(existingId) : undefined;
        let values: Row;
        if (!before) {
          if (!item.full) {
            errors.push(...item.errors);
            continue;
          }
          const d = item.full;
          values = {
            ...d, id: newId('Product'), memberPrice: d.memberPrice ?? null, cost: d.cost ?? null, maxDiscountPercent: d.maxDiscountPercent ?? '0.00',
            currency: d.currency ?? 'EUR', active: d.active ?? true, optionsSchema: d.optionsSchema ?? {}, serialised: d.serialised ?? false, warrantyMonths: d.warrantyMonths ?? 0,
          };
        } else {
          values = { ...before, ...data };
        }
        const priceErrors = products.memberPriceErrors(values.listPrice as string, values.memberPrice as string | null);
        if (priceErrors.length) {
          errors.push(...errorsOf(item.row, priceErrors));
          continue;
        }
        const changes = diff(before ?? {}, values, PRODUCT_PROPS);
        writes.push({ row: item.row, id: values.id as string, values, changes, customerId: null, creating: !before });
      }
      return { writes, errors };
    },
    async write(tx, writes, header) {
      await insertRows(tx.em, 'Product', 'product', ['id', ...PRODUCT_PROPS], writes.filter((w) => w.creating).map((w) => w.values));
      const props = PRODUCT_PROPS.filter((p) => header.includes(p));
      if (props.length) await updateRows(tx.em, 'Product', 'product', props, writes.filter((w) => !w.creating && w.changes.length).map((w) => w.values));
    },
  };
}

// ------------------------------------------------------------------------------------------- the run

function planFor(kind: ImportKind): KindPlan {
  switch (kind) {
    case ImportKind.CUSTOMERS: return customerPlan(new Memo());
    case ImportKind.CONTACTS: return contactPlan();
    case ImportKind.PRODUCTS: return productPlan();
  }
}

/** The entity type audited for a kind (products have no audit trail: audit entries belong to a customer). */
const AUDITED_TYPE: Record<ImportKind, string | null> = { CUSTOMERS: 'Customer', CONTACTS: 'Contact', PRODUCTS: null };

/** Parses the file: its header and data rows, or why it cannot be read at all. */
export function parseCsv(kind: ImportKind, csv: string): { header: string[]; records: string[][] } | { errors: UserError[] } {
  let records: string[][];
  try {
    records = parse(csv, { bom: true, skip_empty_lines: true, relax_column_count: true, max_record_size: 1_000_000 }) as string[][];
  } catch (e) {
    return { errors: [userError('VALIDATION', `The file is not valid CSV: ${(e as Error).message}`, ['input', 'file'])] };
  }
  if (!records.length) return { errors: [userError('VALIDATION', 'The file is empty: the first row names the columns.', ['input', 'file'])] };
  const header = records[0].map((h) => h.trim());
  const problems = headerErrors(planFor(kind).spec, header);
  if (problems.length) return { errors: problems.map((p) => userError('VALIDATION', p, ['input', 'file'])) };
  if (records.length === 1) return { errors: [userError('VALIDATION', 'The file has a header but no rows.', ['input', 'file'])] };
  if (records.length - 1 > MAX_ROWS) return { errors: [userError('VALIDATION', `At most ${MAX_ROWS} rows per file.`, ['input', 'file'])] };
  return { header, records: records.slice(1) };
}

/** A batch's rows parsed and validated (no database): the rows to match, and the rows already refused. */
interface PreparedBatch {
  ready: { item: Item; data: Row; keys: { key: string; column: string }[] }[];
  errors: RowError[];
}

/**
 * The part of a batch that needs no database: each row parsed and validated against the create schema, and
 * checked for a key repeated earlier in the file. Synchronous, in file order (`seen` carries the keys).
 */
function prepareBatch(plan: KindPlan, header: string[], records: string[][], firstRow: number, seen: Map<string, number>): PreparedBatch {
  const errors: RowError[] = [];
  const ready: PreparedBatch['ready'] = [];
  records.forEach((cells, i) => {
    const row = firstRow + i;
    const { input, errors: cellErrors } = rowInput(plan.spec, header, cells, row);
    if (cellErrors.length) return errors.push(...cellErrors);
    // The full schema first (most rows of a file are complete); a row that fails it may still update a record.
    const full = validateRow(plan.schema, plan.spec, input, row, true);
    const partial = 'data' in full ? full : validateRow(plan.schema, plan.spec, input, row, false);
    if ('errors' in partial) return errors.push(...partial.errors);
    const keys = plan.keys(partial.data as Row);
    // The same record twice in one file: the first row wins, the others are reported (a dry run and the real run agree).
    const repeated = keys.find((k) => seen.has(k.key));
    if (repeated) return errors.push(rowError(row, repeated.column, 'DUPLICATE', `Row ${seen.get(repeated.key)} of this file has the same ${repeated.column}.`));
    keys.forEach((k) => seen.set(k.key, row));
    ready.push({ item: { row, input, errors: 'errors' in full ? full.errors : [], full: 'data' in full ? full.data as Row : undefined }, data: partial.data as Row, keys });
  });
  return { ready, errors };
}

/** The rest of a batch, in its transaction: rows matched, checked against the records and rules; the writes it would make. */
async function checkBatch(tx: ServiceContext, plan: KindPlan, header: string[], prepared: PreparedBatch): Promise<BatchOutcome> {
  const { errors } = prepared;
  const matches = await plan.match(tx, [...new Set(prepared.ready.flatMap((r) => r.keys.map((k) => k.key)))]);
  // A unique key held by a record the caller cannot update: refused, as `createCustomer` refuses it.
  const ready = prepared.ready.filter((r) => {
    const taken = r.keys.find((k) => matches.get(k.key)?.id === null);
    if (taken) errors.push(rowError(r.item.row, taken.column, 'DUPLICATE', `Another customer already has this ${taken.column}.`));
    return !taken;
  });
  const outcome = await plan.check(tx, ready.map((r) => ({ item: r.item, data: r.data, existingId: r.keys.map((k) => matches.get(k.key)?.id).find(Boolean) ?? null })), header);
  return { writes: outcome.writes, errors: [...errors, ...outcome.errors].sort((a, b) => a.row - b.row) };
}

/**
 * A batch's statements carry 1,000 rows of JSON, so PostgreSQL's cost estimates pass the JIT threshold and it
 * compiles each statement (~30 ms apiece, more than the statement itself): off for the batch's transaction.
 * The embedded database has no JIT setting to change.
 */
async function withoutJit(tx: ServiceContext): Promise<void> {
  if (tx.em.getDriver().constructor.name.toLowerCase().includes('pglite')) return;
  await rows(tx.em, sql`set local jit = off`);
}

/** A dry run: every row checked and matched as the real run would, nothing written. */
export async function dryRunImport(ctx: ServiceContext, kind: ImportKind, header: string[], records: string[][]): Promise<DryRunReport> {
  const plan = planFor(kind);
  const seen = new Map<string, number>();
  const report: DryRunReport = { totalRows: records.length, valid: 0, failed: 0, wouldCreate: 0, wouldUpdate: 0, errorCount: 0, errors: [] };
  for (let start = 0; start < records.length; start += BATCH_SIZE) {
    const { writes, errors } = await ctx.em.transactional(async (em) => {
      const tx = { em: em as ServiceContext['em'], principal: ctx.principal };
      await withoutJit(tx);
      return checkBatch(tx, plan, header, prepareBatch(plan, header, records.slice(start, start + BATCH_SIZE), start + 2, seen));
    });
    report.wouldCreate += writes.filter((w) => w.creating).length;
    report.wouldUpdate += writes.filter((w) => !w.creating).length;
    report.failed += new Set(errors.map((e) => e.row)).size;
    report.errorCount += errors.length;
    report.errors.push(...errors.slice(0, MAX_STORED_ERRORS - report.errors.length));
  }
  report.valid = report.totalRows - report.failed;
  return report;
}

/** Imports running in this process (awaited on shutdown and by tests). */
const running = new Set<Promise<void>>();
export async function waitForImports(): Promise<void> {
  while (running.size) await Promise.all([...running]);
}

/** Accepts a real run: the job is stored QUEUED and returned; the batches are written in the background. */
export async function startImport(ctx: ServiceContext, kind: ImportKind, fileName: string | null, header: string[], records: string[][]): Promise<ImportJob> {
  const { actorType, actorId } = actorOf(ctx.principal);
  const em = ctx.em.fork();
  const job = em.create(ImportJob, { kind, status: ImportStatus.QUEUED, fileName, totalRows: records.length, createdBy: actorId ?? ctx.principal.id, actorType });
  await em.persistAndFlush(job);
  const work = runImport({ em: ctx.em.fork(), principal: ctx.principal }, job.id, kind, header, records).finally(() => running.delete(work));
  running.add(work);
  return job;
}

async function runImport(ctx: ServiceContext, jobId: string, kind: ImportKind, header: string[], records: string[][]): Promise<void> {
  const plan = planFor(kind);
  const seen = new Map<string, number>();
  const { actorType, actorId } = actorOf(ctx.principal);
  let stored = 0;
  try {
    await rows(ctx.em, sql`update import_job set status = 'RUNNING', started_at = now() where id = ${jobId}`);
    const prepare = (start: number) => prepareBatch(plan, header, records.slice(start, start + BATCH_SIZE), start + 2, seen);
    let prepared = records.length ? prepare(0) : null;
    for (let start = 0; start < records.length; start += BATCH_SIZE) {
      const batch = records.slice(start, start + BATCH_SIZE);
      const current = prepared!;
      // Pipelined: the next batch's rows are parsed and validated (Node's CPU) while PostgreSQL writes this
      // one, instead of the two taking turns. Validation needs no database, and file order is kept (`seen`).
      let preparing: Promise<PreparedBatch | null> | null = null;
      const writing = ctx.em.transactional(async (em) => {
        const tx = { em: em as ServiceContext['em'], principal: ctx.principal };
        await withoutJit(tx);
        const { writes, errors } = await checkBatch(tx, plan, header, current);
        const next = start + BATCH_SIZE;
        preparing = new Promise((resolve) => setImmediate(() => resolve(next < records.length ? prepare(next) : null)));
        await plan.write(tx, writes, header);
        const auditType = AUDITED_TYPE[kind];
        if (auditType) {
          await insertAudit(tx.em, writes.filter((w) => w.creating || w.changes.length).map((w) => ({
            id: newId('AuditEvent'), entityType: auditType, entityId: w.id, customerId: w.customerId!, action: 'IMPORT', actorType, actorId, changes: w.changes,
          })));
        }
        const keep: ImportRowErrorValue[] = errors.slice(0, Math.max(0, MAX_STORED_ERRORS - stored));
        stored += keep.length;
        const failed = new Set(errors.map((e) => e.row)).size;
        await exec(tx.em, sql`update import_job set processed = processed + ${batch.length}, failed = failed + ${failed},
          created = created + ${writes.filter((w) => w.creating).length}, updated = updated + ${writes.filter((w) => !w.creating).length},
          error_count = error_count + ${errors.length}, row_errors = row_errors || ${JSON.stringify(keep)}::jsonb where id = ${jobId}`);
      });
      await writing;
      prepared = await (preparing ?? Promise.resolve(null));
      ctx.em.clear();
    }
    await rows(ctx.em, sql`update import_job set status = 'COMPLETED', finished_at = now() where id = ${jobId}`);
  } catch {
    // The database's own text stays out of the job (no SQL in responses): the batches before were written,
    // the failing one and those after were not; `processed` says how far it got.
    await rows(ctx.em, sql`update import_job set status = 'FAILED', finished_at = now(),
      failure = 'An unexpected error stopped the import: the rows counted in processed were written, the rest were not.' where id = ${jobId}`)
      .catch(() => undefined);
  }
}

// ------------------------------------------------------------------------------------------- reads

/** Jobs the caller may see: its own; ADMIN all. */
function jobScope(ctx: ServiceContext) {
  return ctx.principal.role === Role.ADMIN ? sql`true` : sql`j.created_by = ${ctx.principal.id}`;
}

export async function getImportJob(ctx: ServiceContext, id: string): Promise<ImportJob | null> {
  const [row] = await rows<ImportJob>(ctx.em, sql`select ${columnsOf(ctx.em, 'ImportJob', 'j')} from import_job j where j.id = ${id} and ${jobScope(ctx)}`);
  return row ?? null;
}

export async function importJobsByIds(ctx: ServiceContext, ids: readonly string[]): Promise<ImportJob[]> {
  if (!ids.length) return [];
  return rows<ImportJob>(ctx.em, sql`select ${columnsOf(ctx.em, 'ImportJob', 'j')} from import_job j where j.id = any(${textArray([...ids])}) and ${jobScope(ctx)}`);
}

const JOB_KEYS: SortKey<ImportJob>[] = [
  { expr: 'j.created_at', dir: 'DESC', get: (r) => r.createdAt },
  { expr: 'j.id', dir: 'DESC', get: (r) => r.id },
];

/** The caller's jobs, newest first (ADMIN: everyone's), as a connection with the API's keyset cursors. */
export async function listImportJobs(ctx: ServiceContext, args: ConnectionArgs) {
  const req = pageRequest(args, 'importJobs');
  const fetched = await rows<ImportJob>(ctx.em, sql`select ${columnsOf(ctx.em, 'ImportJob', 'j')} from import_job j
    where ${jobScope(ctx)} and ${keysetSql(JOB_KEYS, req.cursor, req.backward)}
    order by ${orderSql(JOB_KEYS, req.backward)} limit ${limitSql(req.limit + 1)}`);
  const count = lazyCount(async () => (await rows<{ n: number }>(ctx.em, sql`select count(*)::int as n from import_job j where ${jobScope(ctx)}`))[0].n);
  return toConnection(fetched, req, JOB_KEYS, 'importJobs', count);
}
