import { randomUUID } from 'node:crypto';
import { CUSTOMER_REFERENCES } from '../src/services/customer-merge.service';
import { codes, ok, startTestApp, type TestApp, type Who } from './helpers';

/**
 * mergeCustomers and duplicateCandidates (issue 15) through HTTP on the full demo data: every column that
 * points at a customer is handled (checked against the catalogue), every related record moves (counts per
 * table before and after), the duplicate is soft-deleted with mergedInto, audit entries and the outbox
 * event are written, unique clashes (external-ref system, product interest, primary contact, loyalty
 * membership) are resolved, refusals change nothing; duplicate pairs by e-mail, phone and name, in scope,
 * keyset-paged, with a statement count independent of the page size.
 */

let t: TestApp;
const ids: Record<string, string> = {};
const hex = () => randomUUID().replace(/-/g, '');

const MERGE = `mutation($i: MergeCustomersInput!) { mergeCustomers(input: $i) {
  survivor { id version emails { address } tags mergedInto { id } }
  duplicate { id mergedInto { id name } }
  errors { code field message } } }`;
const merge = async (input: Record<string, unknown>, who: Who = 'ADMIN') => t.gql(MERGE, { i: input }, who);

const MOVED = CUSTOMER_REFERENCES.filter((r) => r.how === 'move' || r.how === 'merge');

/** Rows per table/column pointing at a customer. */
async function countsOf(customerId: string): Promise<Record<string, number>> {
  const parts = MOVED.map((r) => `select '${r.table}.${r.column}' as k, count(*)::int as n from ${r.table} where ${r.column} = ?`);
  const found = await t.sql<{ k: string; n: number }>(parts.join(' union all '), MOVED.map(() => customerId));
  return Object.fromEntries(found.map((r) => [r.k, Number(r.n)]));
}

/** Everything a refused merge must leave alone. */
async function fingerprint(...customerIds: string[]) {
  const counts = await Promise.all(customerIds.map(countsOf));
  const customers = await t.sql('select id, version, deleted_at, merged_into from customer where id in (?, ?) order by id', [customerIds[0], customerIds[1] ?? customerIds[0]]);
  const [{ audit }] = await t.sql(`select count(*)::int as audit from audit_event where action = 'MERGE'`);
  const [{ events }] = await t.sql(`select count(*)::int as events from outbox_event where type = 'customer.merged'`);
  return { counts, customers, audit, events };
}

async function newCustomer(name: string, who: Who = 'SALES_REP', extra: Record<string, unknown> = {}): Promise<string> {
  const res = ok(await t.gql('mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } errors { field message } } }',
    { i: { name, kind: 'BUSINESS', ...extra } }, who)).createCustomer;
  expect(res.errors).toEqual([]);
  return res.customer.id;
}

const balanceOf = async (membershipId: string) => Number((await t.sql<{ b: number }>(
  'select coalesce((select balance_after from points_entry where membership_id = ? order by seq desc limit 1), 0)::int as b', [membershipId]))[0].b);

beforeAll(async () => {
  t = await startTestApp({ fullDemo: true });
  for (const u of await t.sql<{ id: string; email: string }>('select id, email from app_user')) ids[u.email.split('@')[0]] = u.id;
  ids.partnerOwn = (await t.sql<{ id: string }>(`select partner_customer_id as id from app_user where email = 'partner@demo.crm'`))[0].id;
  // The duplicate: the member with records in the most tables; the survivor: another member with points.
  const plain = `not c.is_partner and c.resold_by_id is null and c.deleted_at is null
    and not exists (select 1 from app_user u where u.partner_customer_id = c.id) and not exists (select 1 from api_key k where k.partner_customer_id = c.id)`;
  const tables = MOVED.filter((r) => r.table !== 'customer').map((r) => `(select count(*) > 0 from ${r.table} x where x.${r.column} = c.id)::int`);
  const [dup] = await t.sql<{ id: string }>(`select c.id from customer c join loyalty_membership m on m.customer_id = c.id
    where ${plain} order by ${tables.join(' + ')} desc, c.id limit 1`);
  ids.dup = dup.id;
  const [surv] = await t.sql<{ id: string }>(`select c.id from customer c join loyalty_membership m on m.customer_id = c.id
    where ${plain} and c.id <> ? and exists (select 1 from points_entry e where e.membership_id = m.id) order by c.id limit 1`, [ids.dup]);
  ids.surv = surv.id;
});
afterAll(async () => { await t.close(); });

describe('every column that points at a customer is handled', () => {
  test('the service lists exactly the customer_id columns and foreign keys to customer of the database', async () => {
    const inDb = await t.sql<{ k: string }>(`
      select table_name || '.' || column_name as k from information_schema.columns
        where table_schema = current_schema() and column_name = 'customer_id'
      union
      select cl.relname || '.' || a.attname from pg_constraint co
        join pg_class cl on cl.oid = co.conrelid join pg_namespace ns on ns.oid = cl.relnamespace and ns.nspname = current_schema()
        join pg_attribute a on a.attrelid = co.conrelid and a.attnum = any(co.conkey)
        where co.contype = 'f' and co.confrelid = 'customer'::regclass
      order by 1`);
    const listed = CUSTOMER_REFERENCES.map((r) => `${r.table}.${r.column}`);
    expect(new Set(listed).size).toBe(listed.length);
    // A new table with a customer column fails here until customer-merge.service.ts says what a merge does to it.
    expect(inDb.map((r) => r.k).filter((k) => !listed.includes(k))).toEqual([]);
    expect(listed.filter((k) => !inDb.some((r) => r.k === k))).toEqual([]);
    expect(inDb.length).toBeGreaterThanOrEqual(25);
  });
});

describe('mergeCustomers', () => {
  test('refusals name the field and change nothing', async () => {
    const before = await fingerprint(ids.surv, ids.dup);
    const self = ok(await merge({ survivorId: ids.surv, duplicateId: ids.surv })).mergeCustomers;
    expect(self.errors.map((e: any) => [e.code, e.field])).toEqual([['VALIDATION', ['input', 'duplicateId']]]);
    const malformed = ok(await merge({ survivorId: 'cus_nope', duplicateId: ids.dup })).mergeCustomers;
    expect(malformed.errors.map((e: any) => [e.code, e.field])).toEqual([['VALIDATION', ['input', 'survivorId']]]);
    const missing = ok(await merge({ survivorId: ids.surv, duplicateId: `cus_${hex()}` })).mergeCustomers;
    expect(missing.errors.map((e: any) => [e.code, e.field])).toEqual([['NOT_FOUND', ['input', 'duplicateId']]]);
    const stale = ok(await merge({ survivorId: ids.surv, duplicateId: ids.dup, survivorVersion: 999 })).mergeCustomers;
    expect(stale.errors.map((e: any) => [e.code, e.field])).toEqual([['CONFLICT', ['input', 'survivorVersion']]]);
    const partner = ok(await merge({ survivorId: ids.surv, duplicateId: ids.partnerOwn })).mergeCustomers;
    expect(partner.errors.map((e: any) => [e.code, e.field])).toEqual([['BUSINESS_RULE', ['input', 'duplicateId']]]);
    for (const who of ['SALES_REP', 'FINANCE', 'SERVICE_AGENT', 'PARTNER'] as Who[]) {
      const res = await merge({ survivorId: ids.surv, duplicateId: ids.dup }, who);
      expect(codes(res)).toEqual(['FORBIDDEN']);
    }
    expect(await fingerprint(ids.surv, ids.dup)).toEqual(before);
  });

  test('a manager merges only customers of the team; deleted ones and different resellers are refused', async () => {
    const mine = await newCustomer('Team customer');
    const adminOwned = await newCustomer('Admin customer', 'ADMIN');
    const before = await fingerprint(mine, adminOwned);
    const invisible = ok(await merge({ survivorId: mine, duplicateId: adminOwned }, 'SALES_MANAGER')).mergeCustomers;
    expect(invisible.errors.map((e: any) => [e.code, e.field])).toEqual([['NOT_FOUND', ['input', 'duplicateId']]]);
    expect(await fingerprint(mine, adminOwned)).toEqual(before);

    const deleted = await newCustomer('Deleted customer');
    expect(ok(await t.gql('mutation($i: CustomerIdInput!) { deleteCustomer(input: $i) { errors { code } } }', { i: { id: deleted } }, 'SALES_REP')).deleteCustomer.errors).toEqual([]);
    const beforeDeleted = await fingerprint(mine, deleted);
    const gone = ok(await merge({ survivorId: mine, duplicateId: deleted }, 'SALES_MANAGER')).mergeCustomers;
    expect(gone.errors.map((e: any) => [e.code, e.field])).toEqual([['BUSINESS_RULE', ['input', 'duplicateId']]]);
    expect(await fingerprint(mine, deleted)).toEqual(beforeDeleted);

    const resold = await newCustomer('Resold customer');
    await t.sql('update customer set resold_by_id = ? where id = ?', [ids.partnerOwn, resold]);
    const beforeResold = await fingerprint(mine, resold);
    const reseller = ok(await merge({ survivorId: mine, duplicateId: resold }, 'SALES_MANAGER')).mergeCustomers;
    expect(reseller.errors.map((e: any) => [e.code, e.field])).toEqual([['BUSINESS_RULE', ['input', 'duplicateId']]]);
    expect(await fingerprint(mine, resold)).toEqual(beforeResold);
  });

  test('everything of the duplicate moves to the survivor in one merge; clashes are resolved; audited and announced', async () => {
    const { surv, dup } = ids;
    // Clashes: the same external-ref system on both, the same product of interest, a primary contact on both.
    await t.sql('delete from customer_external_ref where customer_id in (?, ?)', [surv, dup]);
    await t.sql(`insert into customer_external_ref (id, customer_id, system, ref) values (?, ?, 'erp', 'S-1'), (?, ?, 'erp', 'D-1'), (?, ?, 'shop', 'D-2')`,
      [`ref_${hex()}`, surv, `ref_${hex()}`, dup, `ref_${hex()}`, dup]);
    const [product] = await t.sql<{ id: string }>('select id from product order by id limit 1');
    await t.sql('delete from product_interest where customer_id in (?, ?)', [surv, dup]);
    await t.sql(`insert into product_interest (id, customer_id, product_id, created_by) values (?, ?, ?, 'test'), (?, ?, ?, 'test')`,
      [`pin_${hex()}`, surv, product.id, `pin_${hex()}`, dup, product.id]);
    for (const id of [surv, dup]) {
      const [c] = await t.sql<{ id: string }>('select id from contact where customer_id = ? and deleted_at is null order by id limit 1', [id]);
      if (!c) await t.sql(`insert into contact (id, customer_id, first_name, last_name) values (?, ?, 'Pri', 'Mary')`, [`con_${hex()}`, id]);
      await t.sql(`update contact set "primary" = (id = (select min(id) from contact where customer_id = ? and deleted_at is null)) where customer_id = ? and deleted_at is null`, [id, id]);
    }
    await t.sql(`update customer set emails = '[{"label": "work", "address": "shared@example.com"}]'::jsonb where id = ?`, [surv]);
    await t.sql(`update customer set emails = '[{"label": "work", "address": "Shared@example.com"}, {"label": "billing", "address": "billing-dup@example.com"}]'::jsonb where id = ?`, [dup]);
    const [sm] = await t.sql<{ id: string }>('select id from loyalty_membership where customer_id = ?', [surv]);
    const [dm] = await t.sql<{ id: string }>('select id from loyalty_membership where customer_id = ?', [dup]);
    const [sBalance, dBalance] = [await balanceOf(sm.id), await balanceOf(dm.id)];
    // The survivor set to the lowest tier: the merge raises it at once from the combined 12-month spend (a MERGE tier change).
    await t.sql(`update loyalty_membership set tier = 'STANDARD' where id = ?`, [sm.id]);
    expect(dBalance).toBeGreaterThan(0);
    const [{ metrics }] = await t.sql('select count(*)::int as metrics from customer_metrics where customer_id in (?, ?)', [surv, dup]);
    expect(Number(metrics)).toBeGreaterThan(0);

    const sBefore = await countsOf(surv);
    const dBefore = await countsOf(dup);
    const nonEmpty = Object.entries(dBefore).filter(([, n]) => n > 0).map(([k]) => k);
    expect(nonEmpty.length).toBeGreaterThanOrEqual(15); // the demo data gives the duplicate records in most tables
    const [{ version }] = await t.sql<{ version: number }>('select version from customer where id = ?', [dup]);

    const res = ok(await merge({ survivorId: surv, duplicateId: dup, duplicateVersion: version })).mergeCustomers;
    expect(res.errors).toEqual([]);
    expect(res.survivor.id).toBe(surv);
    expect(res.survivor.mergedInto).toBeNull();
    expect(res.duplicate).toEqual({ id: dup, mergedInto: { id: surv, name: expect.any(String) } });
    expect(res.survivor.emails.map((e: any) => e.address)).toEqual(['shared@example.com', 'billing-dup@example.com']);

    const sAfter = await countsOf(surv);
    const dAfter = await countsOf(dup);
    for (const r of MOVED) {
      const k = `${r.table}.${r.column}`;
      if (['customer_external_ref', 'product_interest', 'loyalty_membership', 'points_entry', 'loyalty_tier_change', 'customer_metrics'].includes(r.table)) continue;
      expect([k, dAfter[k]]).toEqual([k, 0]);
      // (the duplicate itself now points at the survivor through merged_into)
      expect([k, sAfter[k]]).toEqual([k, sBefore[k] + dBefore[k] + (k === 'customer.merged_into' ? 1 : 0)]);
    }
    // External refs: the survivor's erp ref stays, the duplicate's shop ref moves, its erp ref is dropped (and in the audit).
    expect(await t.sql('select system, ref from customer_external_ref where customer_id = ? order by system', [surv])).toEqual([
      { system: 'erp', ref: 'S-1' }, { system: 'shop', ref: 'D-2' }]);
    expect(dAfter['customer_external_ref.customer_id']).toBe(0);
    expect(sAfter['product_interest.customer_id']).toBe(sBefore['product_interest.customer_id'] + dBefore['product_interest.customer_id'] - 1);
    expect(dAfter['product_interest.customer_id']).toBe(0);
    const primaries = await t.sql('select id from contact where customer_id = ? and "primary" and deleted_at is null', [surv]);
    expect(primaries).toHaveLength(1);
    // Loyalty: both were members; the duplicate's points (lot by lot) went to the survivor, its membership is empty.
    expect(await balanceOf(sm.id)).toBe(sBalance + dBalance);
    expect(await balanceOf(dm.id)).toBe(0);
    expect(await t.sql('select customer_id from loyalty_membership where id in (?, ?) order by customer_id = ?', [sm.id, dm.id, dup]))
      .toEqual([{ customer_id: surv }, { customer_id: dup }]);
    const credits = await t.sql<{ points: number; expires_on: unknown }>(
      `select points, expires_on from points_entry where membership_id = ? and kind = 'ADJUST' and reason like 'Merged from%'`, [sm.id]);
    expect(credits.reduce((s, c) => s + Number(c.points), 0)).toBe(dBalance);
    expect(credits.every((c) => c.expires_on != null)).toBe(true);
    const [tier] = await t.sql<{ tier: string }>('select tier from loyalty_membership where id = ?', [sm.id]);
    expect(tier.tier).not.toBe('STANDARD');
    expect(await t.sql(`select from_tier, to_tier from loyalty_tier_change where membership_id = ? and reason = 'MERGE'`, [sm.id]))
      .toEqual([{ from_tier: 'STANDARD', to_tier: tier.tier }]);
    // Metrics are invalidated for both (recomputed by the next refresh).
    expect(sAfter['customer_metrics.customer_id'] + dAfter['customer_metrics.customer_id']).toBe(0);

    // The duplicate: soft-deleted, merged_into set, gone from reads like a deleted customer.
    expect(await t.sql('select merged_into, deleted_at is not null as deleted from customer where id = ?', [dup])).toEqual([{ merged_into: surv, deleted: true }]);
    const read = ok(await t.gql('query($a: ID!, $s: ID!) { a: customer(id: $a) { id } b: node(id: $a) { id } s: customer(id: $s) { id mergedInto { id } } '
      + 'list: customers(first: 3) { edges { node { id mergedInto { id } } } } }', { a: dup, s: surv }, 'ADMIN'));
    expect(read).toMatchObject({ a: null, b: null, s: { id: surv, mergedInto: null } });
    expect(read.list.edges.map((e: any) => e.node.mergedInto)).toEqual([null, null, null]);

    // Audited on both, announced once.
    const audit = await t.sql<{ entity_id: string; changes: any }>(`select entity_id, changes from audit_event where action = 'MERGE' and entity_id in (?, ?) order by entity_id = ?`, [surv, dup, dup]);
    expect(audit.map((a) => a.entity_id)).toEqual([surv, dup]);
    const sChanges = typeof audit[0].changes === 'string' ? JSON.parse(audit[0].changes) : audit[0].changes;
    expect(sChanges).toEqual(expect.arrayContaining([
      { field: 'mergedFrom', old: null, new: dup },
      { field: 'droppedExternalRefs', old: [{ system: 'erp', ref: 'D-1' }], new: null },
      // What the survivor gained, old → new, as an update's entry shows it.
      { field: 'emails', old: [{ label: 'work', address: 'shared@example.com' }],
        new: [{ label: 'work', address: 'shared@example.com' }, { label: 'billing', address: 'billing-dup@example.com' }] },
    ]));
    const history = ok(await t.gql('query($id: ID!) { customer(id: $id) { history(first: 5) { edges { node { action } } } } }', { id: surv }, 'ADMIN'));
    expect(history.customer.history.edges.map((e: any) => e.node.action)).toContain('MERGE');
    const events = await t.sql<{ entity_id: string; data: any }>(`select entity_id, data from outbox_event where type = 'customer.merged'`);
    expect(events).toHaveLength(1);
    expect(events[0].entity_id).toBe(surv);
    expect(typeof events[0].data === 'string' ? JSON.parse(events[0].data) : events[0].data).toEqual({ survivorId: surv, duplicateId: dup });

    // Merged for good: restoring the duplicate is refused.
    const restore = ok(await t.gql('mutation($i: CustomerIdInput!) { restoreCustomer(input: $i) { customer { id } errors { code field } } }', { i: { id: dup } }, 'ADMIN')).restoreCustomer;
    expect(restore.errors).toEqual([{ code: 'BUSINESS_RULE', field: ['input', 'id'] }]);
    // Merged once: a second merge of the same duplicate is refused.
    const again = ok(await merge({ survivorId: surv, duplicateId: dup })).mergeCustomers;
    expect(again.errors.map((e: any) => [e.code, e.field])).toEqual([['BUSINESS_RULE', ['input', 'duplicateId']]]);
  });

  test('the ledgers stay append-only: only the customer of an entry may be re-attributed', async () => {
    const [entry] = await t.sql<{ id: string; customer_id: string }>('select id, customer_id from points_entry order by seq limit 1');
    await expect(t.sql(`update points_entry set points = points + 1, balance_after = balance_after + 1 where id = ?`, [entry.id])).rejects.toThrow(/append-only/);
    await expect(t.sql('delete from points_entry where id = ?', [entry.id])).rejects.toThrow(/append-only/);
    await t.sql('update points_entry set customer_id = customer_id where id = ?', [entry.id]);
  });

  test('a manager merges two team customers; the only membership moves with its ledger', async () => {
    const surv = await newCustomer('Keeper Ltd');
    const dup = await newCustomer('Keeper Limited');
    const enrol = ok(await t.gql('mutation($i: EnrolMemberInput!) { enrolMember(input: $i) { membership { id } errors { code } } }', { i: { customerId: dup } }, 'SALES_REP')).enrolMember;
    expect(enrol.errors).toEqual([]);
    const membership = enrol.membership.id;
    const balance = await balanceOf(membership);
    expect(balance).toBeGreaterThan(0);
    const res = ok(await merge({ survivorId: surv, duplicateId: dup }, 'SALES_MANAGER')).mergeCustomers;
    expect(res.errors).toEqual([]);
    expect(await t.sql('select customer_id from loyalty_membership where id = ?', [membership])).toEqual([{ customer_id: surv }]);
    expect(await t.sql('select distinct customer_id from points_entry where membership_id = ?', [membership])).toEqual([{ customer_id: surv }]);
    expect(await balanceOf(membership)).toBe(balance);
    const read = ok(await t.gql('query($id: ID!) { customer(id: $id) { membership { id } } }', { id: surv }, 'SALES_MANAGER'));
    expect(read.customer.membership.id).toBe(membership);
  });
});

describe('duplicateCandidates', () => {
  const PAGE = `query($first: Int, $after: String, $min: Float) { duplicateCandidates(first: $first, after: $after, minSimilarity: $min) {
    edges { cursor node { score reasons nameSimilarity customerA { id name } customerB { id name } } } pageInfo { hasNextPage endCursor } } }`;

  async function allPairs(who: Who, min?: number) {
    const pairs: any[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = ok(await t.gql(PAGE, { first: 100, after, min }, who)).duplicateCandidates;
      pairs.push(...page.edges.map((e: any) => e.node));
      if (!page.pageInfo.hasNextPage) return pairs;
      after = page.pageInfo.endCursor;
    }
  }
  const key = (p: any) => [p.customerA.id, p.customerB.id].sort().join(' ');

  test('finds pairs by e-mail, phone and similar name, within the caller\'s scope, highest score first', async () => {
    const a = await newCustomer('Quibbleworth Analytics', 'SALES_REP', { emails: [{ label: 'work', address: 'hello@quibbleworth.example' }] });
    const b = await newCustomer('Quibbleworth Analytics GmbH', 'SALES_REP_2');
    const e = await newCustomer('Zanzibar Holdings', 'SALES_REP', { emails: [{ label: 'billing', address: 'Hello@Quibbleworth.example' }] });
    const c = await newCustomer('Morrowind Logistics', 'SALES_REP', { phones: [{ label: 'work', number: '+49 (30) 555-1234' }] });
    const d = await newCustomer('Elsweyr Freight', 'SALES_REP_2', { phones: [{ label: 'main', number: '+49 30 5551234' }] });
    const adminOwned = await newCustomer('Quibbleworth Analytics Ltd', 'ADMIN');
    // Pairs mergeCustomers would refuse are no candidates: a partner account, customers of different resellers.
    const partner = await newCustomer('Morrowind Partner', 'ADMIN', { phones: [{ label: 'work', number: '+49 30 5551234' }] });
    const [{ id: reseller }] = await t.sql<{ id: string }>('select id from customer where is_partner and deleted_at is null limit 1');
    await t.sql('update customer set is_partner = true where id = ?', [partner]);
    const resold = await newCustomer('Zanzibar Resold', 'ADMIN', { emails: [{ label: 'work', address: 'hello@quibbleworth.example' }] });
    await t.sql('update customer set resold_by_id = ? where id = ?', [reseller, resold]);

    const admin = await allPairs('ADMIN');
    const byKey = new Map(admin.map((p) => [key(p), p]));
    expect(byKey.get([a, b].sort().join(' ')).reasons).toEqual(['SIMILAR_NAME']);
    expect(byKey.get([a, e].sort().join(' ')).reasons).toEqual(['SAME_EMAIL']);
    expect(byKey.get([a, e].sort().join(' ')).score).toBe('1.0000');
    expect(byKey.get([c, d].sort().join(' ')).reasons).toEqual(['SAME_PHONE']);
    expect(byKey.get([c, d].sort().join(' ')).score).toBe('0.9000');
    expect(byKey.get([a, adminOwned].sort().join(' '))).toBeDefined();
    expect(byKey.has([c, e].sort().join(' '))).toBe(false);
    expect(admin.filter((p) => [partner, resold].includes(p.customerA.id) || [partner, resold].includes(p.customerB.id))).toEqual([]);
    const sim = byKey.get([a, b].sort().join(' ')).nameSimilarity;
    expect(sim).toBeGreaterThanOrEqual(0.6);
    expect(byKey.get([a, b].sort().join(' ')).score).toBe(sim.toFixed(4));
    // Ordered by score, highest first, over every page; no pair twice.
    const scores = admin.map((p) => Number(p.score));
    expect(scores).toEqual([...scores].sort((x, y) => y - x));
    expect(new Set(admin.map(key)).size).toBe(admin.length);

    // The manager sees the team's pairs only: never the admin's customer.
    const manager = await allPairs('SALES_MANAGER');
    const managerKeys = new Set(manager.map(key));
    expect(managerKeys.has([a, b].sort().join(' '))).toBe(true);
    expect(managerKeys.has([a, adminOwned].sort().join(' '))).toBe(false);
    expect(manager.every((p) => p.customerA.id !== adminOwned && p.customerB.id !== adminOwned)).toBe(true);
    // A stricter threshold drops the name pair but keeps e-mail and phone matches.
    const strict = new Set((await allPairs('ADMIN', 0.99)).map(key));
    expect(strict.has([a, b].sort().join(' '))).toBe(false);
    expect(strict.has([a, e].sort().join(' '))).toBe(true);
    expect(strict.has([c, d].sort().join(' '))).toBe(true);
    expect(codes(await t.gql(PAGE, { min: 0.1 }, 'ADMIN'))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await t.gql(PAGE, {}, 'SALES_REP'))).toEqual(['FORBIDDEN']);
  });

  test('the statement count does not depend on the page size (no N+1)', async () => {
    const run = (first: number) => t.countQueries(async () => {
      const page = ok(await t.gql(PAGE, { first, min: 0.4 }, 'ADMIN')).duplicateCandidates;
      expect(page.edges.length).toBe(first);
    });
    expect(await run(5)).toBe(await run(50));
  });
});
