import { purgeIdempotencyKeys } from '../src/services/order.service';
import { codes, startTestApp, type Caller, type GqlResult, type TestApp, type Who } from './helpers';

/**
 * Orders through HTTP: pushOrder (customer by id, by external ref, by e-mail, unknown shopper created),
 * configuration validation, decimal totals, idempotency (same key + same content → identical
 * response; other content → CONFLICT; 50 concurrent duplicates → one order), status transitions,
 * record scope (reps see orders of their own customers), keys without `orders:write`, Customer.orders, node.
 */

let t: TestApp;
let pusher: Caller;
let otherPusher: Caller;
let noScope: Caller;
let rep1Customer: string;
let rep2Customer: string;
let rep1Id: string;

const ok = (res: GqlResult) => {
  if (res.body.errors) throw new Error(`unexpected errors: ${JSON.stringify(res.body.errors)}`);
  return res.body.data;
};

const ORDER = 'id externalRef channel status currency subtotal discountTotal pointsRedeemed total version createdAt updatedAt customerId '
  + 'lines { id position sku quantity unitPrice discount configuration lineTotal }';
const PUSH = `mutation($i: PushOrderInput!) { pushOrder(input: $i) { order { ${ORDER} } errors { code message field } } }`;
const STATUS = `mutation($i: UpdateOrderStatusInput!) { updateOrderStatus(input: $i) { order { id status version } errors { code message field } } }`;

beforeAll(async () => {
  t = await startTestApp({ customers: 4 });
  const key = async (scopes: string[]) => ({ apiKey: ok(await t.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`,
    { input: { name: `key ${scopes.join(',')}`, role: 'INTEGRATION', scopes } }, 'ADMIN')).createApiKey.secret as string });
  // With customers:read: these keys may see which customer an order is for (order-push-rules.test.ts covers keys without).
  pusher = await key(['orders:write', 'customers:read']);
  otherPusher = await key(['orders:write', 'customers:read']);
  noScope = await key(['customers:read']);
  const owners = await t.sql<{ id: string; email: string }>(`select id, email from app_user where email in ('rep1@demo.crm', 'rep2@demo.crm')`);
  rep1Id = owners.find((o) => o.email === 'rep1@demo.crm')!.id;
  const rep2Id = owners.find((o) => o.email === 'rep2@demo.crm')!.id;
  rep1Customer = (await t.sql<{ id: string }>('select id from customer where owner_id = ? order by created_at, id limit 1', [rep1Id]))[0].id;
  rep2Customer = (await t.sql<{ id: string }>('select id from customer where owner_id = ? order by created_at, id limit 1', [rep2Id]))[0].id;
  await t.sql(`insert into product (id, sku, name, category, list_price, options_schema) values
    ('prd_${'1'.repeat(32)}', 'LAP-1', 'Laptop', 'Laptops', 999.99, ?::jsonb),
    ('prd_${'2'.repeat(32)}', 'CAB-1', 'Cable', 'Cables', 0.10, '{}'),
    ('prd_${'3'.repeat(32)}', 'OLD-1', 'Old', 'Cables', 1, '{}')`, [JSON.stringify({
    ram: { type: 'enum', values: ['16GB', '32GB'], required: true },
    engraving: { type: 'string', maxLength: 5 },
    warrantyYears: { type: 'integer', min: 1, max: 3 },
    gift: { type: 'boolean' },
  })]);
  await t.sql(`update product set active = false where sku = 'OLD-1'`);
  await t.sql(`update product set max_discount_percent = 5 where sku = 'LAP-1'`); // room for the line discounts below (price rules: order-push-rules.test.ts)
});
afterAll(async () => { await t.close(); });

let seq = 0;
const input = (extra: Record<string, unknown> = {}) => {
  seq += 1;
  return {
    idempotencyKey: `key-${seq}`, channel: 'web', currency: 'EUR', customer: { customerId: rep1Customer },
    lines: [{ sku: 'cab-1', quantity: 3, unitPrice: '0.10' }], ...extra,
  };
};
async function push(i: Record<string, unknown>, who: Who | Caller = pusher) {
  return ok(await t.gql(PUSH, { i }, who)).pushOrder as { order: any; errors: any[] };
}
async function pushed(i: Record<string, unknown>, who: Who | Caller = pusher) {
  const res = await push(i, who);
  expect(res.errors).toEqual([]);
  return res.order;
}
const errorsOf = (res: { errors: any[] }) => res.errors.map((e) => ({ code: e.code, field: e.field }));
const orderCount = async () => Number((await t.sql('select count(*)::int as n from sales_order'))[0].n);

describe('pushOrder', () => {
  it('creates a PENDING order for an existing customer by id, with decimal totals', async () => {
    const o = await pushed(input({
      externalRef: 'WEB-1001',
      lines: [
        { sku: 'CAB-1', quantity: 3, unitPrice: '0.10' },
        { sku: 'LAP-1', quantity: 2, unitPrice: '999.99', discount: '0.20', configuration: { ram: '32GB', gift: true } },
      ],
    }));
    expect(o).toMatchObject({
      externalRef: 'WEB-1001', channel: 'WEB', status: 'PENDING', currency: 'EUR', customerId: rep1Customer,
      subtotal: '2000.28', discountTotal: '0.20', pointsRedeemed: 0, total: '2000.08', version: 1,
    });
    expect(o.id).toMatch(/^ord_[0-9a-f]{32}$/);
    expect(o.lines).toMatchObject([
      { position: 1, sku: 'CAB-1', quantity: 3, unitPrice: '0.10', discount: '0.00', configuration: {}, lineTotal: '0.30' },
      { position: 2, sku: 'LAP-1', quantity: 2, unitPrice: '999.99', discount: '0.20', configuration: { ram: '32GB', gift: true }, lineTotal: '1999.78' },
    ]);
    const [row] = await t.sql<{ total: string; created_by: string }>('select total::text as total, created_by from sales_order where id = ?', [o.id]);
    expect(row.total).toBe('2000.08');
    expect(row.created_by).toMatch(/^key_/);
  });

  it('matches a customer by external ref, by e-mail, and creates an unknown shopper in the same transaction', async () => {
    await t.sql(`insert into customer_external_ref (id, customer_id, system, ref) values ('ext_${'9'.repeat(32)}', ?, 'shop', 'S-1')`, [rep2Customer]);
    const byRef = await pushed(input({ customer: { externalRef: { system: 'shop', ref: 'S-1' }, name: 'ignored' } }));
    expect(byRef.customerId).toBe(rep2Customer);

    const created = await pushed(input({ customer: { externalRef: { system: 'shop', ref: 'S-NEW' }, email: 'New.Shopper@example.com', name: 'New Shopper' } }));
    expect(created.customerId).not.toBe(rep1Customer);
    const [c] = await t.sql<{ kind: string; owner_id: string; source: string; name: string }>('select kind, owner_id, source, name from customer where id = ?', [created.customerId]);
    const [admin] = await t.sql<{ id: string }>(`select id from app_user where email = 'admin@demo.crm'`);
    expect(c).toEqual({ kind: 'INDIVIDUAL', owner_id: admin.id, source: 'E_COMMERCE', name: 'New Shopper' }); // the key's creator owns it
    expect((await t.sql('select customer_id from customer_external_ref where system = ? and ref = ?', ['shop', 'S-NEW']))[0].customer_id).toBe(created.customerId);

    const byEmail = await pushed(input({ customer: { email: 'new.shopper@EXAMPLE.com', name: 'Someone else' } }));
    expect(byEmail.customerId).toBe(created.customerId);

    const business = await pushed(input({ customer: { email: 'buyer@acme.example', name: 'Acme GmbH', kind: 'BUSINESS', ownerId: rep1Id } }));
    const [b] = await t.sql<{ kind: string; owner_id: string }>('select kind, owner_id from customer where id = ?', [business.customerId]);
    expect(b).toEqual({ kind: 'BUSINESS', owner_id: rep1Id });
  });

  it('rolls the new customer back when the order is refused', async () => {
    const before = Number((await t.sql('select count(*)::int as n from customer'))[0].n);
    const res = await push(input({ customer: { email: 'ghost@example.com', name: 'Ghost', ownerId: 'usr_' + '0'.repeat(32) } }));
    expect(errorsOf(res)).toEqual([{ code: 'NOT_FOUND', field: ['input', 'customer', 'ownerId'] }]);
    expect(errorsOf(await push(input({ customer: { email: 'ghost@example.com' } })))).toEqual([{ code: 'VALIDATION', field: ['input', 'customer', 'name'] }]);
    expect(Number((await t.sql('select count(*)::int as n from customer'))[0].n)).toBe(before);
  });

  it('validates the configuration against the product options, naming the option', async () => {
    const bad = async (configuration: unknown) => errorsOf(await push(input({ lines: [{ sku: 'LAP-1', quantity: 1, unitPrice: '999.99', configuration }] })));
    const at = (name: string) => [{ code: 'VALIDATION', field: ['input', 'lines', '0', 'configuration', name] }];
    expect(await bad({})).toEqual(at('ram'));
    expect(await bad({ ram: '8GB' })).toEqual(at('ram'));
    expect(await bad({ ram: '16GB', colour: 'red' })).toEqual(at('colour'));
    expect(await bad({ ram: '16GB', engraving: 'toolong' })).toEqual(at('engraving'));
    expect(await bad({ ram: '16GB', warrantyYears: 4 })).toEqual(at('warrantyYears'));
    expect(await bad({ ram: '16GB', warrantyYears: 1.5 })).toEqual(at('warrantyYears'));
    expect(await bad({ ram: '16GB', gift: 'yes' })).toEqual(at('gift'));
    const good = await pushed(input({ lines: [{ sku: 'LAP-1', quantity: 1, unitPrice: '999.99', configuration: { ram: '16GB', engraving: 'Ada', warrantyYears: 3, gift: false } }] }));
    expect(good.lines[0].configuration).toEqual({ ram: '16GB', engraving: 'Ada', warrantyYears: 3, gift: false });
  });

  it('refuses unknown or inactive SKUs, bad amounts, points, and a duplicate external ref', async () => {
    const before = await orderCount();
    expect(errorsOf(await push(input({ lines: [{ sku: 'NOPE', quantity: 1, unitPrice: '1' }] })))).toEqual([{ code: 'NOT_FOUND', field: ['input', 'lines', '0', 'sku'] }]);
    expect(errorsOf(await push(input({ lines: [{ sku: 'OLD-1', quantity: 1, unitPrice: '1' }] })))).toEqual([{ code: 'VALIDATION', field: ['input', 'lines', '0', 'sku'] }]);
    expect(errorsOf(await push(input({ lines: [{ sku: 'CAB-1', quantity: 0, unitPrice: '1' }] })))).toEqual([{ code: 'VALIDATION', field: ['input', 'lines', '0', 'quantity'] }]);
    expect(errorsOf(await push(input({ lines: [{ sku: 'CAB-1', quantity: 1, unitPrice: '1.001' }] })))).toEqual([{ code: 'VALIDATION', field: ['input', 'lines', '0', 'unitPrice'] }]);
    expect(errorsOf(await push(input({ lines: [{ sku: 'CAB-1', quantity: 1, unitPrice: '1', discount: '2' }] })))).toEqual([{ code: 'VALIDATION', field: ['input', 'lines', '0', 'discount'] }]);
    expect(errorsOf(await push(input({ lines: [] })))).toEqual([{ code: 'VALIDATION', field: ['input', 'lines'] }]);
    expect(errorsOf(await push(input({ idempotencyKey: '' })))).toEqual([{ code: 'VALIDATION', field: ['input', 'idempotencyKey'] }]);
    expect(errorsOf(await push(input({ idempotencyKey: 'k'.repeat(101) })))).toEqual([{ code: 'VALIDATION', field: ['input', 'idempotencyKey'] }]);
    expect(errorsOf(await push(input({ customer: { customerId: 'cus_' + '0'.repeat(32) } })))).toEqual([{ code: 'NOT_FOUND', field: ['input', 'customer', 'customerId'] }]);
    const points = await push(input({ pointsToRedeem: 100 }));
    expect(points.errors).toEqual([{ code: 'BUSINESS_RULE', message: 'The customer is not a member of the loyalty programme: no points to redeem.', field: ['input', 'pointsToRedeem'] }]);
    expect(await orderCount()).toBe(before);
    await pushed(input({ externalRef: 'DUP-1' }));
    expect(errorsOf(await push(input({ externalRef: 'DUP-1' })))).toEqual([{ code: 'DUPLICATE', field: ['input', 'externalRef'] }]);
    await pushed(input({ externalRef: 'DUP-1' }), otherPusher); // external refs are per pusher
  });

  it('is for keys with orders:write, ADMIN and partners (users, and PARTNER keys with orders:write)', async () => {
    expect(codes(await t.gql(PUSH, { i: input() }, noScope))).toEqual(['FORBIDDEN']);
    for (const who of ['SALES_REP', 'SALES_MANAGER', 'FINANCE', 'SERVICE_AGENT'] as const) expect(codes(await t.gql(PUSH, { i: input() }, who))).toEqual(['FORBIDDEN']);
    const byAdmin = await pushed(input(), 'ADMIN');
    expect(byAdmin.status).toBe('PENDING');

    const [{ id: partnerCustomerId }] = await t.sql<{ id: string }>(`select partner_customer_id as id from app_user where email = 'partner@demo.crm'`);
    await t.sql(`update customer set credit_limit = '100000', credit_currency = 'EUR' where id = ?`, [partnerCustomerId]);
    const byPartner = await pushed(input({ customer: { customerId: partnerCustomerId } }), 'PARTNER');
    expect(byPartner).toMatchObject({ customerId: partnerCustomerId, status: 'PENDING' });
    const readOnly = ok(await t.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret errors { field } } }`,
      { input: { name: 'partner reader', role: 'PARTNER', scopes: ['customers:read'], partnerCustomerId } }, 'ADMIN')).createApiKey;
    expect(readOnly.errors).toEqual([]);
    const before = await orderCount();
    expect(codes(await t.gql(PUSH, { i: input({ customer: { customerId: partnerCustomerId } }) }, { apiKey: readOnly.secret }))).toEqual(['FORBIDDEN']);
    expect(await orderCount()).toBe(before);
  });

  it('lets a PARTNER key with orders:write name only itself and the customers it resells to, and bills the partner', async () => {
    const [{ id: partnerCustomerId }] = await t.sql<{ id: string }>(`select partner_customer_id as id from app_user where email = 'partner@demo.crm'`);
    await t.sql(`update customer set credit_limit = '100000', credit_currency = 'EUR' where id = ?`, [partnerCustomerId]);
    const made = ok(await t.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret errors { field } } }`,
      { input: { name: 'partner pusher', role: 'PARTNER', scopes: ['orders:write', 'customers:read'], partnerCustomerId } }, 'ADMIN')).createApiKey;
    expect(made.errors).toEqual([]);
    const key = { apiKey: made.secret };
    const billing = async (orderId: string) => (await t.sql<{ bill_to_id: string; payment_terms: string }>(
      'select bill_to_id, payment_terms from sales_order where id = ?', [orderId]))[0];

    // A customer the partner does not resell to does not exist for it: nothing is written.
    const before = { orders: await orderCount(), customers: Number((await t.sql('select count(*)::int as n from customer'))[0].n) };
    expect(errorsOf(await push(input(), key))).toEqual([{ code: 'NOT_FOUND', field: ['input', 'customer', 'customerId'] }]);
    expect(await orderCount()).toBe(before.orders);
    expect(Number((await t.sql('select count(*)::int as n from customer'))[0].n)).toBe(before.customers);

    // Its own account: billed to itself, on account.
    const own = await pushed(input({ customer: { customerId: partnerCustomerId } }), key);
    expect(own).toMatchObject({ customerId: partnerCustomerId, status: 'PENDING' });
    expect(await billing(own.id)).toEqual({ bill_to_id: partnerCustomerId, payment_terms: 'ON_ACCOUNT' });

    // The e-mail of someone else's customer matches nothing for the partner: a new customer it resells to.
    const [{ address }] = await t.sql<{ address: string }>(`select emails->0->>'address' as address from customer where id = ?`, [rep1Customer]);
    const resold = await pushed(input({ customer: { email: address, name: 'Shopper via dealer' } }), key);
    expect(resold.customerId).not.toBe(rep1Customer);
    const [created] = await t.sql('select resold_by_id, source, owner_id = (select owner_id from customer where id = ?) as "partnerOwner" from customer where id = ?', [partnerCustomerId, resold.customerId]);
    expect(created).toEqual({ resold_by_id: partnerCustomerId, source: 'PARTNER', partnerOwner: true });
    expect(await billing(resold.id)).toEqual({ bill_to_id: partnerCustomerId, payment_terms: 'ON_ACCOUNT' });
    // …which it may name by id from then on; the customer's orders are billed to the partner.
    const again = await pushed(input({ customer: { customerId: resold.customerId } }), key);
    expect(again.customerId).toBe(resold.customerId);
    expect((await billing(again.id)).bill_to_id).toBe(partnerCustomerId);
  });
});

describe('idempotency', () => {
  it('returns the first result, byte for byte, for the same key and content', async () => {
    const i = input({ externalRef: 'IDEM-1' });
    const first = await t.gql(PUSH, { i }, pusher);
    const count = await orderCount();
    const id = first.body.data.pushOrder.order.id;
    // even after the order moved on, a replay returns the first result
    ok(await t.gql(STATUS, { i: { id, version: 1, status: 'CONFIRMED' } }, pusher));
    const again = await t.gql(PUSH, { i: { ...i, lines: i.lines.map((l) => ({ ...l })) } }, pusher);
    expect(JSON.stringify(again.body)).toBe(JSON.stringify(first.body));
    expect(first.body.data.pushOrder.errors).toEqual([]);
    expect(await orderCount()).toBe(count);
    // the same key of another caller is another key
    const other = await push(i, otherPusher);
    expect(other.order.id).not.toBe(id);
  });

  it('refuses the same key with different content with CONFLICT', async () => {
    const i = input();
    await pushed(i);
    const count = await orderCount();
    const res = await push({ ...i, lines: [{ sku: 'CAB-1', quantity: 4, unitPrice: '0.10' }] });
    expect(res.order).toBeNull();
    expect(errorsOf(res)).toEqual([{ code: 'CONFLICT', field: ['input', 'idempotencyKey'] }]);
    expect(await orderCount()).toBe(count);
  });

  it('lets a refused push be retried with the same key', async () => {
    const i = input({ lines: [{ sku: 'NOPE', quantity: 1, unitPrice: '1' }] });
    expect(errorsOf(await push(i))).toEqual([{ code: 'NOT_FOUND', field: ['input', 'lines', '0', 'sku'] }]);
    const fixed = await pushed({ ...i, lines: [{ sku: 'CAB-1', quantity: 10, unitPrice: '0.10' }] });
    expect(fixed.total).toBe('1.00');
  });

  it('creates exactly one order for 50 concurrent identical pushes, all answered identically', async () => {
    const i = input({ externalRef: 'RACE-1' });
    const all = await Promise.all(Array.from({ length: 50 }, () => t.gql(PUSH, { i }, pusher)));
    const bodies = all.map((r) => JSON.stringify(r.body));
    expect(new Set(bodies).size).toBe(1);
    expect(all[0].body.data.pushOrder.errors).toEqual([]);
    expect((await t.sql('select id from sales_order where external_ref = ?', ['RACE-1'])).length).toBe(1);
    expect((await t.sql('select key from idempotency_key where key = ?', [i.idempotencyKey])).length).toBe(1);
  });
});

describe('idempotency key retention', () => {
  it('keeps keys for at least 24 hours and purges those older than 48 hours', async () => {
    const fresh = input();
    await pushed(fresh);
    await t.sql(`insert into idempotency_key (key, owner, request_hash, created_at) values
      ('old-1', 'key_x', 'h', now() - interval '49 hours'), ('day-1', 'key_x', 'h', now() - interval '25 hours')`);
    const purged = await purgeIdempotencyKeys(t.db.orm.em.fork() as any);
    expect(purged).toBe(1);
    const left = (await t.sql<{ key: string }>(`select key from idempotency_key where key in ('old-1', 'day-1', ?)`, [fresh.idempotencyKey])).map((r) => r.key).sort();
    expect(left).toEqual(['day-1', fresh.idempotencyKey].sort());
  });
});

describe('status', () => {
  it('follows the legal transitions and refuses illegal ones with BUSINESS_RULE', async () => {
    const o = await pushed(input());
    const move = async (status: string, version: number, who: Who | Caller = 'ADMIN') => ok(await t.gql(STATUS, { i: { id: o.id, version, status } }, who)).updateOrderStatus;
    expect(errorsOf(await move('FULFILLED', 1))).toEqual([{ code: 'BUSINESS_RULE', field: ['input', 'status'] }]);
    expect((await move('CONFIRMED', 1)).order).toMatchObject({ status: 'CONFIRMED', version: 2 });
    expect(errorsOf(await move('FULFILLED', 1))).toEqual([{ code: 'CONFLICT', field: ['input', 'version'] }]);
    expect((await move('FULFILLED', 2, pusher)).order).toMatchObject({ status: 'FULFILLED', version: 3 });
    expect(errorsOf(await move('PENDING', 3))).toEqual([{ code: 'BUSINESS_RULE', field: ['input', 'status'] }]);
    expect((await move('COMPLETED', 3, 'SALES_REP')).order).toMatchObject({ status: 'COMPLETED', version: 4 });
    expect((await move('RETURNED', 4)).order).toMatchObject({ status: 'RETURNED', version: 5 });
    expect(errorsOf(await move('CONFIRMED', 5))).toEqual([{ code: 'BUSINESS_RULE', field: ['input', 'status'] }]);
    const cancelled = await pushed(input());
    expect(ok(await t.gql(STATUS, { i: { id: cancelled.id, version: 1, status: 'CANCELLED' } }, 'ADMIN')).updateOrderStatus.order.status).toBe('CANCELLED');
    expect(errorsOf(ok(await t.gql(STATUS, { i: { id: cancelled.id, version: 2, status: 'CONFIRMED' } }, 'ADMIN')).updateOrderStatus))
      .toEqual([{ code: 'BUSINESS_RULE', field: ['input', 'status'] }]);
    const [row] = await t.sql<{ status: string }>('select status from sales_order where id = ?', [o.id]);
    expect(row.status).toBe('RETURNED');
  });

  it('lets only callers in scope change a status', async () => {
    const o = await pushed(input()); // a customer of rep1
    const res = (who: Who | Caller) => t.gql(STATUS, { i: { id: o.id, version: 1, status: 'CONFIRMED' } }, who);
    expect(errorsOf(ok(await res('SALES_REP_2')).updateOrderStatus)).toEqual([{ code: 'NOT_FOUND', field: ['input', 'id'] }]);
    expect(errorsOf(ok(await res(otherPusher)).updateOrderStatus)).toEqual([{ code: 'NOT_FOUND', field: ['input', 'id'] }]);
    expect(codes(await res('FINANCE'))).toEqual(['FORBIDDEN']);
    expect(codes(await res(noScope))).toEqual(['FORBIDDEN']);
    expect(ok(await res('SALES_MANAGER')).updateOrderStatus.order.status).toBe('CONFIRMED');
  });
});

describe('reads', () => {
  const LIST = `query($f: OrderFilter) { orders(first: 100, filter: $f) { totalCount edges { node { id customerId customer { id } } } } }`;

  it('scopes orders by the customer: a rep sees orders of their own customers only; keys see what they pushed', async () => {
    const mine = await pushed(input({ customer: { customerId: rep1Customer } }));
    const theirs = await pushed(input({ customer: { customerId: rep2Customer } }));
    const ids = async (who: Who | Caller) => (ok(await t.gql(LIST, {}, who)).orders.edges as any[]).map((e) => e.node.id);
    const rep1 = await ids('SALES_REP');
    expect(rep1).toContain(mine.id);
    expect(rep1).not.toContain(theirs.id);
    expect(await ids('SALES_REP_2')).toContain(theirs.id);
    expect(await ids('SALES_REP_2')).not.toContain(mine.id);
    const admin = await ids('ADMIN');
    expect(admin).toEqual(expect.arrayContaining([mine.id, theirs.id]));
    const other = await ids(otherPusher);
    expect(other).not.toContain(mine.id);
    expect(other.length).toBeGreaterThan(0);
    expect(await ids(pusher)).toEqual(expect.arrayContaining([mine.id, theirs.id]));
    expect(codes(await t.gql(LIST, {}, noScope))).toEqual(['FORBIDDEN']);
    expect(codes(await t.gql(LIST, {}, 'ANALYST'))).toEqual(['FORBIDDEN']);

    const one = `query($id: ID!) { order(id: $id) { id total } }`;
    expect(ok(await t.gql(one, { id: mine.id }, 'SALES_REP')).order.id).toBe(mine.id);
    expect(ok(await t.gql(one, { id: theirs.id }, 'SALES_REP')).order).toBeNull();
    const node = `query($id: ID!) { node(id: $id) { id ... on Order { status } } }`;
    expect(ok(await t.gql(node, { id: mine.id }, 'SALES_MANAGER')).node.id).toBe(mine.id);
    expect(ok(await t.gql(node, { id: mine.id }, 'SALES_REP_2')).node).toBeNull();

    const filtered = ok(await t.gql(LIST, { f: { customerId: { eq: rep2Customer }, status: { eq: 'PENDING' } } }, 'ADMIN')).orders;
    expect(filtered.edges.every((e: any) => e.node.customer.id === rep2Customer)).toBe(true);
    expect(filtered.totalCount).toBe(filtered.edges.length);
  });

  it('lists Customer.orders, batched across customers', async () => {
    const q = `{ customers(first: 10) { edges { node { id orders(first: 2) { totalCount edges { node { id customerId customer { id } } } } } } } }`;
    const data = ok(await t.gql(q, {}, 'ADMIN'));
    const withOrders = data.customers.edges.filter((e: any) => e.node.orders.totalCount > 0);
    expect(withOrders.length).toBeGreaterThan(1);
    for (const e of data.customers.edges) {
      const [{ n }] = await t.sql<{ n: number }>('select count(*)::int as n from sales_order where customer_id = ?', [e.node.id]);
      expect(e.node.orders.totalCount).toBe(Number(n));
      for (const o of e.node.orders.edges) expect(o.node.customerId).toBe(e.node.id);
    }
    const few = await t.countQueries(() => t.gql(`{ customers(first: 2) { edges { node { orders(first: 2) { edges { node { id } } } } } } }`, {}, 'ADMIN'));
    const many = await t.countQueries(() => t.gql(`{ customers(first: 10) { edges { node { orders(first: 2) { edges { node { id } } } } } } }`, {}, 'ADMIN'));
    expect(many).toBe(few);
  });
});
