import { z } from 'zod';
import { AuditAction } from '../entities/enums';
import { Customer } from '../entities/customer.entity';
import { diff, recordAudit } from './audit.service';
import type { ServiceContext } from './context';
import { userError, type UserError } from './errors';
import { lotsSql } from './loyalty-ledger';
import { raiseTier } from './loyalty.service';
import { TierChangeReason } from '../entities/loyalty.enums';
import { recordEvent } from './outbox';
import { customerScope } from './scope';
import { jsonValue, newIdSql, raw, rows, sql, type Sql } from './sql';
import { fail, inTransaction } from './transaction';
import { ID, parseInput } from './validation';

/**
 * `mergeCustomers` (issue 15): everything of a duplicate customer moves to the survivor in one
 * transaction, one set-based statement per table; the duplicate stays soft-deleted with `merged_into`.
 *
 * `CUSTOMER_REFERENCES` lists every column that points at a customer — every `customer_id` column and
 * every foreign key to `customer` — with what a merge does to it. test/customer-merge.test.ts compares
 * it with the database's catalogue, so a new table with a customer column fails the tests until it is
 * listed here (and handled).
 */
export type MergeHandling =
  /** Rows move to the survivor (`set column = survivor`), after any unique clash was resolved as `note` says. */
  | 'move'
  /** A step of its own (contacts' primary flag, loyalty, metrics), as `note` says. */
  | 'merge'
  /** Rows stay as they are (`note` says why). */
  | 'keep'
  /** A merge is refused while such rows point at the duplicate (`note` says why). */
  | 'refuse';

export interface CustomerReference { table: string; column: string; how: MergeHandling; note?: string }

export const CUSTOMER_REFERENCES: readonly CustomerReference[] = [
  { table: 'contact', column: 'customer_id', how: 'merge', note: 'The survivor keeps its primary contact; moved contacts lose `primary` when it has one (contact_one_primary).' },
  { table: 'customer_external_ref', column: 'customer_id', how: 'move', note: 'One reference per system: for a system both have, the survivor\'s stays and the duplicate\'s is dropped (recorded in the audit entry).' },
  { table: 'activity', column: 'customer_id', how: 'move' },
  { table: 'task', column: 'customer_id', how: 'move' },
  { table: 'opportunity', column: 'customer_id', how: 'move' },
  { table: 'opportunity_stage_change', column: 'customer_id', how: 'move' },
  { table: 'lead', column: 'converted_customer_id', how: 'move' },
  { table: 'sales_order', column: 'customer_id', how: 'move' },
  { table: 'sales_order', column: 'bill_to_id', how: 'move' },
  { table: 'contract', column: 'customer_id', how: 'move' },
  { table: 'billing_schedule', column: 'customer_id', how: 'move' },
  { table: 'receivable', column: 'customer_id', how: 'move' },
  { table: 'payment', column: 'customer_id', how: 'move' },
  { table: 'credit_assessment', column: 'customer_id', how: 'move', note: 'History; the survivor\'s own rating and limit stay (a merge grants no credit).' },
  { table: 'credit_hold', column: 'customer_id', how: 'move' },
  { table: 'service_case', column: 'customer_id', how: 'move' },
  { table: 'survey', column: 'customer_id', how: 'move' },
  { table: 'asset', column: 'customer_id', how: 'move' },
  { table: 'offer', column: 'target_customer_id', how: 'move' },
  { table: 'offer_redemption', column: 'customer_id', how: 'move', note: 'Append-only: only the customer is re-attributed (a once-per-customer offer stays redeemed).' },
  { table: 'product_interest', column: 'customer_id', how: 'move', note: 'One row per customer and product: an interest the survivor has already is dropped.' },
  { table: 'loyalty_membership', column: 'customer_id', how: 'merge', note: 'One membership per customer: moves when only the duplicate has one; when both have one, the duplicate\'s balance is transferred lot by lot (see transferPoints).' },
  { table: 'points_entry', column: 'customer_id', how: 'merge', note: 'Moves with its membership; a closed duplicate membership keeps its (append-only) ledger.' },
  { table: 'loyalty_tier_change', column: 'customer_id', how: 'merge', note: 'Moves with its membership; a MERGE change when the combined spend reaches a higher tier.' },
  { table: 'customer_metrics', column: 'customer_id', how: 'merge', note: 'Invalidated: both rows are deleted; the next metrics refresh computes the survivor from the moved orders.' },
  { table: 'customer', column: 'referred_by_id', how: 'move', note: 'Customers the duplicate referred are referred by the survivor (the survivor itself then by none).' },
  { table: 'customer', column: 'resold_by_id', how: 'move', note: 'Partners are never merged, so none point here; moved for safety.' },
  { table: 'customer', column: 'merged_into', how: 'move', note: 'Customers merged earlier into the duplicate point at the survivor (no chains).' },
  { table: 'app_user', column: 'partner_customer_id', how: 'refuse', note: 'Partner logins: partners are not merged.' },
  { table: 'api_key', column: 'partner_customer_id', how: 'refuse', note: 'Partner keys: partners are not merged.' },
  { table: 'audit_event', column: 'customer_id', how: 'keep', note: 'The audit log is append-only history: entries keep the customer they were written for.' },
  { table: 'outbox_event', column: 'customer_id', how: 'keep', note: 'Events already emitted are history.' },
];

const MergeInput = z.object({
  survivorId: ID('cus'),
  duplicateId: ID('cus'),
  survivorVersion: z.number().int().nullish(),
  duplicateVersion: z.number().int().nullish(),
});

export interface MergeCustomersInput {
  survivorId: string;
  duplicateId: string;
  survivorVersion?: number | null;
  duplicateVersion?: number | null;
}

export interface MergeResult { survivor: Customer | null; duplicate: Customer | null; errors: UserError[] }

interface Locked {
  id: string; visible: boolean; deletedAt: Date | null; mergedInto: string | null; isPartner: boolean; resoldById: string | null; version: number; logins: number;
}

/** Moves `table.column` from the duplicate to the survivor; the number of rows moved. */
async function move(tx: ServiceContext, table: string, column: string, survivorId: string, duplicateId: string): Promise<number> {
  const t = raw(table);
  const c = raw(column);
  const [{ n }] = await rows<{ n: number }>(tx.em, sql`with m as (update ${t} set ${c} = ${survivorId} where ${c} = ${duplicateId} returning 1)
    select count(*)::int as n from m`);
  return n;
}

/** The checks on the two customers (locked, in id order so that two merges of one pair cannot deadlock). */
async function lockPair(tx: ServiceContext, survivorId: string, duplicateId: string): Promise<{ survivor: Locked; duplicate: Locked }> {
  const found = await rows<Locked>(tx.em, sql`select c.id, (${customerScope(tx.principal)}) as visible, c.deleted_at as "deletedAt",
      c.merged_into as "mergedInto", c.is_partner as "isPartner", c.resold_by_id as "resoldById", c.version,
      (select count(*)::int from app_user u where u.partner_customer_id = c.id) + (select count(*)::int from api_key k where k.partner_customer_id = c.id) as logins
    from customer c where c.id in (${survivorId}, ${duplicateId}) order by c.id for update`);
  const byId = new Map(found.map((r) => [r.id, r]));
  const errors: UserError[] = [];
  const check = (id: string, field: 'survivorId' | 'duplicateId') => {
    const c = byId.get(id);
    if (!c || !c.visible) return errors.push(userError('NOT_FOUND', 'Customer not found.', ['input', field]));
    if (c.mergedInto) return errors.push(userError('BUSINESS_RULE', `This customer was merged into ${c.mergedInto} already.`, ['input', field]));
    if (c.deletedAt) return errors.push(userError('BUSINESS_RULE', 'This customer is deleted: restore it first (restoreCustomer).', ['input', field]));
    if (c.isPartner || c.logins) {
      return errors.push(userError('BUSINESS_RULE', 'Partners are not merged: their logins, keys and resold customers decide who sees what. Change them by hand.', ['input', field]));
    }
    return 0;
  };
  check(survivorId, 'survivorId');
  check(duplicateId, 'duplicateId');
  fail(errors);
  return { survivor: byId.get(survivorId)!, duplicate: byId.get(duplicateId)! };
}

/**
 * Both customers are members: the duplicate's membership stays with it (one per customer) and is
 * emptied by one ADJUST debit of everything left; each lot left becomes an ADJUST credit of the
 * survivor with the lot's own expiry, so no point expires earlier or later than it would have. The
 * ledgers stay append-only. One statement; returns the points transferred.
 */
async function transferPoints(tx: ServiceContext, from: { id: string; customerId: string }, to: { id: string; customerId: string }): Promise<number> {
  const by = tx.principal.id;
  const reasonOut = `Merged into customer ${to.customerId} (membership ${to.id})`;
  const reasonIn = `Merged from customer ${from.customerId} (membership ${from.id})`;
  const [r] = await rows<{ points: number }>(tx.em, sql`with
    lots as (select l.* from ${lotsSql(sql`m.id = ${from.id}`, new Date())} l where l.remaining > 0),
    total as (select coalesce(sum(remaining), 0)::int as points from lots),
    balances as (select
      coalesce((select e.balance_after from points_entry e where e.membership_id = ${from.id} order by e.seq desc limit 1), 0) as from_balance,
      coalesce((select e.balance_after from points_entry e where e.membership_id = ${to.id} order by e.seq desc limit 1), 0) as to_balance),
    debit as (
      insert into points_entry (id, membership_id, customer_id, kind, points, balance_after, expires_on, reason, created_by)
      select ${newIdSql('PointsEntry')}, ${from.id}, ${from.customerId}, 'ADJUST', -t.points, b.from_balance - t.points, null, ${reasonOut}, ${by}
      from total t, balances b where t.points > 0 returning 1),
    credit as (
      insert into points_entry (id, membership_id, customer_id, kind, points, balance_after, expires_on, reason, created_by)
      select ${newIdSql('PointsEntry')}, ${to.id}, ${to.customerId}, 'ADJUST', l.remaining,
        b.to_balance + sum(l.remaining) over (order by l.expires_on, l.id), l.expires_on, ${reasonIn}, ${by}
      from lots l, balances b order by l.expires_on, l.id returning 1)
    select t.points, (select count(*) from debit) + (select count(*) from credit) as written from total t`);
  return r.points;
}

/** Memberships: move the duplicate's, or transfer its points into the survivor's. Returns a description for the audit. */
async function mergeLoyalty(tx: ServiceContext, survivorId: string, duplicateId: string): Promise<Record<string, unknown> | null> {
  const ms = await rows<{ id: string; customerId: string }>(tx.em, sql`select m.id, m.customer_id as "customerId" from loyalty_membership m
    where m.customer_id in (${survivorId}, ${duplicateId}) order by m.id for update`);
  const dup = ms.find((m) => m.customerId === duplicateId);
  const surv = ms.find((m) => m.customerId === survivorId);
  if (!dup) return null;
  if (!surv) {
    await rows(tx.em, sql`update loyalty_membership set customer_id = ${survivorId}, updated_at = now(), version = version + 1 where id = ${dup.id}`);
    await rows(tx.em, sql`update points_entry set customer_id = ${survivorId} where membership_id = ${dup.id}`);
    await rows(tx.em, sql`update loyalty_tier_change set customer_id = ${survivorId} where membership_id = ${dup.id}`);
    return { membershipMoved: dup.id };
  }
  const points = await transferPoints(tx, dup, surv);
  return { pointsTransferred: points, fromMembership: dup.id, toMembership: surv.id };
}

/** Normalised e-mail and phone lists of the survivor gain the duplicate's (survivor's first, no repeats). */
const unionSql = (col: 'emails' | 'phones', key: string): Sql => raw(`(select coalesce(jsonb_agg(x.e order by x.ord), '[]'::jsonb)
  from (select distinct on (${key}) t.e, t.ord from jsonb_array_elements(s.${col} || d.${col}) with ordinality as t(e, ord) order by ${key}, t.ord) x)`);

/**
 * Merges `duplicateId` into `survivorId`. ADMIN and SALES_MANAGER (the permission map), for two live
 * customers both in the caller's record scope, neither a partner. See README "Merging duplicates".
 */
export async function mergeCustomers(ctx: ServiceContext, input: MergeCustomersInput): Promise<MergeResult> {
  const parsed = parseInput(MergeInput, input);
  if (!parsed.ok) return { survivor: null, duplicate: null, errors: parsed.errors };
  const { survivorId, duplicateId, survivorVersion, duplicateVersion } = parsed.data;
  if (survivorId === duplicateId) {
    return { survivor: null, duplicate: null, errors: [userError('VALIDATION', 'A customer cannot be merged into itself: pick two different customers.', ['input', 'duplicateId'])] };
  }

  const { result, errors } = await inTransaction(ctx, async (tx) => {
    const { survivor, duplicate } = await lockPair(tx, survivorId, duplicateId);
    const conflicts: UserError[] = [];
    if (survivorVersion != null && survivor.version !== survivorVersion) {
      conflicts.push(userError('CONFLICT', `The survivor was changed meanwhile (now version ${survivor.version}): reload it.`, ['input', 'survivorVersion']));
    }
    if (duplicateVersion != null && duplicate.version !== duplicateVersion) {
      conflicts.push(userError('CONFLICT', `The duplicate was changed meanwhile (now version ${duplicate.version}): reload it.`, ['input', 'duplicateVersion']));
    }
    fail(conflicts);
    if ((survivor.resoldById ?? null) !== (duplicate.resoldById ?? null)) {
      fail([userError('BUSINESS_RULE', 'The two customers are resold by different partners (resoldById): merging would change what a partner sees. '
        + 'Link both to the same partner (or none) first.', ['input', 'duplicateId'])]);
    }

    const moved: Record<string, number> = {};
    // Unique clashes first, explicitly: the survivor's row wins, the duplicate's is dropped (and recorded).
    const droppedRefs = await rows<{ system: string; ref: string }>(tx.em, sql`delete from customer_external_ref d
      where d.customer_id = ${duplicateId} and exists (select 1 from customer_external_ref s where s.customer_id = ${survivorId} and s.system = d.system)
      returning d.system, d.ref`);
    await rows(tx.em, sql`delete from product_interest d where d.customer_id = ${duplicateId}
      and exists (select 1 from product_interest s where s.customer_id = ${survivorId} and s.product_id = d.product_id)`);
    const [contacts] = await rows<{ n: number }>(tx.em, sql`with m as (update contact set customer_id = ${survivorId},
        "primary" = "primary" and not exists (select 1 from contact p where p.customer_id = ${survivorId} and p."primary" and p.deleted_at is null)
      where customer_id = ${duplicateId} returning 1) select count(*)::int as n from m`);
    moved['contact.customer_id'] = contacts.n;
    const loyalty = await mergeLoyalty(tx, survivorId, duplicateId);
    await rows(tx.em, sql`delete from customer_metrics where customer_id in (${survivorId}, ${duplicateId})`);
    // The survivor cannot refer itself (a check constraint): a referral by the duplicate becomes none.
    await rows(tx.em, sql`update customer set referred_by_id = null where id = ${survivorId} and referred_by_id = ${duplicateId}`);
    for (const r of CUSTOMER_REFERENCES) {
      if (r.how === 'move') {
        moved[`${r.table}.${r.column}`] = await move(tx, r.table, r.column, survivorId, duplicateId);
      }
    }
    // The survivor's membership now counts both customers' orders: its tier rises at once when the combined
    // 12-month spend reaches a higher one (lowering is left to the nightly job, as for orders).
    const [membership] = await rows<{ id: string }>(tx.em, sql`select m.id from loyalty_membership m where m.customer_id = ${survivorId}`);
    if (membership) await raiseTier(tx, membership.id, survivorId, null, TierChangeReason.MERGE);

    // The survivor keeps its own fields; it gains the duplicate's e-mails, phones and tags, and its latest contact.
    // Returns the fields before and after, so that the MERGE entry shows what the survivor gained (as `diff` does for an update).
    const [fields] = await rows<{ before: Record<string, unknown>; after: Record<string, unknown> }>(tx.em, sql`with old as (
        select emails, phones, tags from customer where id = ${survivorId})
      update customer s set
        emails = ${unionSql('emails', "lower(t.e->>'address')")},
        phones = ${unionSql('phones', "regexp_replace(t.e->>'number', '[^0-9+]', '', 'g')")},
        tags = (select coalesce(array_agg(distinct x), '{}') from unnest(s.tags || d.tags) x),
        last_contacted_at = greatest(s.last_contacted_at, d.last_contacted_at),
        updated_at = now(), version = s.version + 1
      from customer d, old where s.id = ${survivorId} and d.id = ${duplicateId}
      returning to_jsonb(old) as before, jsonb_build_object('emails', s.emails, 'phones', s.phones, 'tags', to_jsonb(s.tags)) as after`);
    await rows(tx.em, sql`update customer set deleted_at = now(), merged_into = ${survivorId}, updated_at = now(), version = version + 1
      where id = ${duplicateId}`);

    const movedCounts = Object.fromEntries(Object.entries(moved).filter(([, n]) => n > 0));
    recordAudit(tx.em, ctx.principal, {
      entityType: 'Customer', entityId: survivorId, customerId: survivorId, action: AuditAction.MERGE,
      changes: [
        { field: 'mergedFrom', old: null, new: duplicateId },
        { field: 'movedRecords', old: null, new: movedCounts },
        ...(droppedRefs.length ? [{ field: 'droppedExternalRefs', old: droppedRefs, new: null }] : []),
        ...(loyalty ? [{ field: 'loyalty', old: null, new: loyalty }] : []),
        ...diff(jsonValue(fields.before), jsonValue(fields.after), ['emails', 'phones', 'tags']),
      ],
    });
    recordAudit(tx.em, ctx.principal, {
      entityType: 'Customer', entityId: duplicateId, customerId: duplicateId, action: AuditAction.MERGE,
      changes: [{ field: 'mergedInto', old: null, new: survivorId }, { field: 'deletedAt', old: null, new: new Date().toISOString() }],
    });
    recordEvent(tx.em, ctx.principal, {
      type: 'customer.merged', entityType: 'Customer', entityId: survivorId, customerId: survivorId, data: { survivorId, duplicateId },
    });
    await tx.em.flush();
    // Read back as entities (the SQL above bypassed the unit of work): the payload shows both as they are now.
    const survivorRow = await tx.em.findOneOrFail(Customer, survivorId, { refresh: true });
    const duplicateRow = await tx.em.findOneOrFail(Customer, duplicateId, { refresh: true });
    return { survivor: survivorRow, duplicate: duplicateRow };
  });
  return { survivor: result?.survivor ?? null, duplicate: result?.duplicate ?? null, errors };
}
