import { codes, ok, startTestApp, type Caller, type TestApp, type Who } from './helpers';

/**
 * Issue 9 item 11, through HTTP: partners (PARTNER users, PARTNER keys with `orders:write`) cancel their
 * own orders — billed to them or of their own record — while PENDING or PENDING_CREDIT_APPROVAL, with
 * `updateOrderStatus(status: CANCELLED)`; other statuses and other changes are BUSINESS_RULE at
 * `status`, other partners' orders NOT_FOUND. Cancelling a held order withdraws its credit hold
 * (WITHDRAWN, audited), after which FINANCE has nothing left to decide.
 */

let t: TestApp;
let partnerA: string; // the demo partner (partner@demo.crm)
let partnerB: string;
let keyA: Caller; // PARTNER key of A with orders:write
let readerA: Caller; // PARTNER key of A without orders:write
let keyB: Caller; // PARTNER key of B with orders:write
let rep1Customer: string;

const ORDER = 'order { id status version } errors { code message field }';
const PUSH = `mutation($i: PushOrderInput!) { pushOrder(input: $i) { ${ORDER} } }`;
const STATUS = `mutation($i: UpdateOrderStatusInput!) { updateOrderStatus(input: $i) { ${ORDER} } }`;

async function partnerKey(partnerCustomerId: string, scopes: string[]): Promise<Caller> {
  const made = ok(await t.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret errors { field message } } }`,
    { input: { name: `dealer ${scopes.join(' ')}`, role: 'PARTNER', scopes, partnerCustomerId } }, 'ADMIN')).createApiKey;
  expect(made.errors).toEqual([]);
  return { apiKey: made.secret };
}

beforeAll(async () => {
  t = await startTestApp({ customers: 12 });
  partnerA = (await t.sql<{ id: string }>(`select partner_customer_id as id from app_user where email = 'partner@demo.crm'`))[0].id;
  partnerB = (await t.sql<{ id: string }>(`select id from customer where kind = 'BUSINESS' and not is_partner and id <> ? order by created_at, id limit 1`, [partnerA]))[0].id;
  await t.sql(`update customer set is_partner = true, channel_type = 'ONLINE' where id = ?`, [partnerB]);
  await t.sql(`update customer set credit_limit = '100000', credit_currency = 'EUR' where id in (?, ?)`, [partnerA, partnerB]);
  const [rep1] = await t.sql<{ id: string }>(`select id from app_user where email = 'rep1@demo.crm'`);
  rep1Customer = (await t.sql<{ id: string }>('select id from customer where owner_id = ? and not is_partner order by created_at, id limit 1', [rep1.id]))[0].id;
  keyA = await partnerKey(partnerA, ['orders:write']);
  readerA = await partnerKey(partnerA, ['customers:read']);
  keyB = await partnerKey(partnerB, ['orders:write']);
  await t.sql(`insert into product (id, sku, name, category, list_price) values ('prd_${'c'.repeat(32)}', 'CNL-1', 'Cancellable', 'Tests', 10.00)`);
});
afterAll(async () => { await t.close(); });

let seq = 0;
/** A fresh order of `customerId` pushed by `who` (ON_ACCOUNT for partners: credit-checked). */
async function order(who: Who | Caller, customerId: string, quantity = 1) {
  const res = ok(await t.gql(PUSH, { i: { idempotencyKey: `cnl-${seq += 1}`, channel: 'partner', currency: 'EUR', customer: { customerId },
    lines: [{ sku: 'CNL-1', quantity, unitPrice: '10.00' }] } }, who)).pushOrder;
  expect(res.errors).toEqual([]);
  return res.order as { id: string; status: string; version: number };
}
const move = async (o: { id: string; version: number }, status: string, who: Who | Caller) =>
  ok(await t.gql(STATUS, { i: { id: o.id, version: o.version, status } }, who)).updateOrderStatus as { order: any; errors: any[] };
const errorsOf = (res: { errors: any[] }) => res.errors.map((e) => ({ code: e.code, field: e.field }));
const statusOf = async (id: string) => (await t.sql<{ status: string }>('select status from sales_order where id = ?', [id]))[0].status;

describe('partners cancel their own orders (item 11)', () => {
  it('lets a PARTNER user and a PARTNER key with orders:write cancel a PENDING order, audited', async () => {
    for (const who of ['PARTNER', keyA] as const) {
      const o = await order(who, partnerA);
      expect(o.status).toBe('PENDING');
      const res = await move(o, 'CANCELLED', who);
      expect(res.errors).toEqual([]);
      expect(res.order).toMatchObject({ id: o.id, status: 'CANCELLED', version: o.version + 1 });
      const [audit] = await t.sql<{ changes: any; actor_type: string }>(`select changes, actor_type from audit_event where entity_type = 'Order' and entity_id = ? and action = 'UPDATE'`, [o.id]);
      expect(JSON.stringify(audit.changes)).toContain('"new":"CANCELLED"');
      expect(audit.actor_type).toBe(who === 'PARTNER' ? 'USER' : 'API_KEY');
    }
  });

  it('covers the orders the order scope gives a partner: its own record\'s, and those it pushed for its resold customers', async () => {
    // a customer A resells to, created by A's push
    const made = ok(await t.gql(PUSH, { i: { idempotencyKey: `cnl-${seq += 1}`, channel: 'partner', currency: 'EUR',
      customer: { email: 'resold.cancel@example.com', name: 'Resold Shopper' }, lines: [{ sku: 'CNL-1', quantity: 1, unitPrice: '10.00' }] } }, keyA)).pushOrder;
    expect(made.errors).toEqual([]);
    expect((await move(made.order, 'CANCELLED', 'PARTNER')).order.status).toBe('CANCELLED');
    // staff pushed an order of A's own record: A may cancel it too (the scope is the order's, not who pushed it)
    const byStaff = await order('ADMIN', partnerA);
    expect((await move(byStaff, 'CANCELLED', keyA)).order.status).toBe('CANCELLED');
  });

  it('refuses other changes and other statuses with BUSINESS_RULE at status, changing nothing', async () => {
    const o = await order('PARTNER', partnerA);
    for (const status of ['CONFIRMED', 'FULFILLED', 'PENDING']) {
      expect(errorsOf(await move(o, status, 'PARTNER'))).toEqual([{ code: 'BUSINESS_RULE', field: ['input', 'status'] }]);
    }
    const confirmed = (await move(o, 'CONFIRMED', 'ADMIN')).order;
    const late = await move(confirmed, 'CANCELLED', keyA);
    expect(errorsOf(late)).toEqual([{ code: 'BUSINESS_RULE', field: ['input', 'status'] }]);
    expect(late.errors[0].message).toBe('A partner can cancel only PENDING or PENDING_CREDIT_APPROVAL orders; this one is CONFIRMED.');
    expect(await statusOf(o.id)).toBe('CONFIRMED');
    // a stale version is still a CONFLICT first
    expect(errorsOf(await move({ id: o.id, version: 1 }, 'CANCELLED', 'PARTNER'))).toEqual([{ code: 'CONFLICT', field: ['input', 'version'] }]);
  });

  it('keeps other partners\' and other customers\' orders NOT_FOUND, and keys without orders:write FORBIDDEN', async () => {
    const ofA = await order(keyA, partnerA);
    const ofB = await order(keyB, partnerB);
    const direct = await order('ADMIN', rep1Customer);
    expect(errorsOf(await move(ofA, 'CANCELLED', keyB))).toEqual([{ code: 'NOT_FOUND', field: ['input', 'id'] }]);
    expect(errorsOf(await move(ofB, 'CANCELLED', 'PARTNER'))).toEqual([{ code: 'NOT_FOUND', field: ['input', 'id'] }]);
    expect(errorsOf(await move(direct, 'CANCELLED', keyA))).toEqual([{ code: 'NOT_FOUND', field: ['input', 'id'] }]);
    expect(codes(await t.gql(STATUS, { i: { id: ofA.id, version: ofA.version, status: 'CANCELLED' } }, readerA))).toEqual(['FORBIDDEN']);
    for (const id of [ofA.id, ofB.id, direct.id]) expect(await statusOf(id)).toBe('PENDING');
    expect((await move(ofB, 'CANCELLED', keyB)).order.status).toBe('CANCELLED');
  });

  it('withdraws the credit hold of a PENDING_CREDIT_APPROVAL order it cancels; FINANCE then has nothing to decide', async () => {
    await t.sql(`update customer set credit_limit = '5' where id = ?`, [partnerA]);
    try {
      const held = await order('PARTNER', partnerA);
      expect(held.status).toBe('PENDING_CREDIT_APPROVAL');
      const [hold] = await t.sql<{ id: string; version: number }>(`select id, version from credit_hold where order_id = ? and status = 'PENDING'`, [held.id]);
      expect(hold).toBeDefined();
      const res = await move(held, 'CANCELLED', 'PARTNER');
      expect(res.errors).toEqual([]);
      expect(res.order.status).toBe('CANCELLED');
      const [after] = await t.sql<{ status: string; decided_at: Date | null; decided_by: string | null; decision_note: string }>(
        'select status, decided_at, decided_by, decision_note from credit_hold where id = ?', [hold.id]);
      expect(after).toMatchObject({ status: 'WITHDRAWN', decided_by: null, decision_note: 'The order was cancelled before a credit decision.' });
      expect(after.decided_at).not.toBeNull();
      const audits = await t.sql<{ changes: any }>(`select changes from audit_event where entity_type = 'CreditHold' and entity_id = ? and action = 'UPDATE'`, [hold.id]);
      expect(JSON.stringify(audits.map((a) => a.changes))).toContain('"new":"WITHDRAWN"');
      // FINANCE sees it withdrawn and cannot decide it any more
      const seen = ok(await t.gql(`query($id: ID!) { creditHold(id: $id) { status version order { status } } }`, { id: hold.id }, 'FINANCE')).creditHold;
      expect(seen).toMatchObject({ status: 'WITHDRAWN', order: { status: 'CANCELLED' } });
      const approve = ok(await t.gql(`mutation($i: ApproveCreditInput!) { approveCredit(input: $i) { creditHold { id } errors { code field } } }`,
        { i: { holdId: hold.id, version: seen.version } }, 'FINANCE')).approveCredit;
      expect(approve.errors).toEqual([{ code: 'BUSINESS_RULE', field: ['input', 'holdId'] }]);
      expect(await statusOf(held.id)).toBe('CANCELLED');
      const withdrawn = ok(await t.gql(`{ creditHolds(first: 50, filter: { status: { eq: WITHDRAWN } }) { totalCount } }`, {}, 'FINANCE')).creditHolds;
      expect(withdrawn.totalCount).toBe(1);
      // staff may cancel a held order the same way (the hold is withdrawn too)
      const heldToo = await order('PARTNER', partnerA);
      expect((await move(heldToo, 'CANCELLED', 'ADMIN')).order.status).toBe('CANCELLED');
      expect((await t.sql<{ status: string }>('select status from credit_hold where order_id = ?', [heldToo.id]))[0].status).toBe('WITHDRAWN');
    } finally {
      await t.sql(`update customer set credit_limit = '100000' where id = ?`, [partnerA]);
    }
  });
});
