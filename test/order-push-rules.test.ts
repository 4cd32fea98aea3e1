import { lineCurrencyErrors, linePriceErrors, lowestUnitPrice } from '../src/services/order-pricing';
import { codes, ok, startTestApp, type Caller, type GqlResult, type TestApp, type Who } from './helpers';

/**
 * Issue 9 items 6 and 7, through HTTP: the price and currency rules of `pushOrder` (list price, member
 * price, at most `maxDiscountPercent` off, the line discount included; a product in another currency;
 * the `orders:price-override` scope and ADMIN; nothing written when a line is refused; the override in
 * the audit log; `maxDiscountPercent` on the product mutations), and the push result of a key without
 * a customers scope: a known and an unknown e-mail answer alike, while the order still goes to the
 * right customer.
 */

let t: TestApp;
let shop: Caller; // orders:write only: may not read customers
let overrider: Caller; // orders:write + orders:price-override
let reader: Caller; // orders:write + customers:read
let rep1Customer: string;
let knownEmail: string;
let knownCustomer: string;
let knownName: string;

const PUSH_ORDER = 'order { id status total lines { position unitPrice discount lineTotal } } errors { code message field }';
const PUSH = `mutation($i: PushOrderInput!) { pushOrder(input: $i) { ${PUSH_ORDER} } }`;

async function key(scopes: string[]): Promise<Caller> {
  const made = ok(await t.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret errors { field message } } }`,
    { input: { name: `shop ${scopes.join(' ')}`, role: 'INTEGRATION', scopes } }, 'ADMIN')).createApiKey;
  expect(made.errors).toEqual([]);
  return { apiKey: made.secret };
}

beforeAll(async () => {
  t = await startTestApp({ customers: 4 });
  shop = await key(['orders:write']);
  overrider = await key(['orders:write', 'orders:price-override']);
  reader = await key(['orders:write', 'customers:read']);
  const [rep1] = await t.sql<{ id: string }>(`select id from app_user where email = 'rep1@demo.crm'`);
  rep1Customer = (await t.sql<{ id: string }>('select id from customer where owner_id = ? order by created_at, id limit 1', [rep1.id]))[0].id;
  const [known] = await t.sql<{ id: string; name: string; address: string }>(`select id, name, emails->0->>'address' as address from customer
    where jsonb_array_length(emails) > 0 and not is_partner order by created_at, id limit 1`);
  [knownCustomer, knownName, knownEmail] = [known.id, known.name, known.address];
  await t.sql(`insert into product (id, sku, name, category, list_price, member_price, max_discount_percent, currency) values
    ('prd_${'1'.repeat(32)}', 'PR-LAP', 'Laptop', 'Laptops', 1299.00, 1199.00, 10, 'EUR'),
    ('prd_${'2'.repeat(32)}', 'PR-CAB', 'Cable', 'Cables', 10.00, null, 0, 'EUR'),
    ('prd_${'3'.repeat(32)}', 'PR-USD', 'Import', 'Cables', 50.00, null, 0, 'USD')`);
  const [{ id: partnerCustomerId }] = await t.sql<{ id: string }>(`select partner_customer_id as id from app_user where email = 'partner@demo.crm'`);
  await t.sql(`update customer set credit_limit = '1000000', credit_currency = 'EUR' where id = ?`, [partnerCustomerId]);
});
afterAll(async () => { await t.close(); });

let seq = 0;
const input = (extra: Record<string, unknown> = {}) => ({
  idempotencyKey: `rules-${seq += 1}`, channel: 'web', currency: 'EUR', customer: { customerId: rep1Customer },
  lines: [{ sku: 'PR-CAB', quantity: 1, unitPrice: '10.00' }], ...extra,
});
const push = async (i: Record<string, unknown>, who: Who | Caller = overrider) => ok(await t.gql(PUSH, { i }, who)).pushOrder as { order: any; errors: any[] };
const errorsOf = (res: { errors: any[] }) => res.errors.map((e) => ({ code: e.code, field: e.field }));
const count = async (table: string) => Number((await t.sql(`select count(*)::int as n from ${table}`))[0].n);

// ------------------------------------------------------------------------------------ pure rules

describe('the price rules (pure)', () => {
  const laptop = { sku: 'PR-LAP', listPrice: '1299.00', memberPrice: '1199.00', maxDiscountPercent: '10.00', currency: 'EUR' };
  const at = ['input', 'lines', '0'];
  const fieldOf = (line: { quantity: number; unitPrice: string; discount?: string }) => linePriceErrors(line, laptop, 0, at).map((e) => e.field!.at(-1));

  it('floors the price at listPrice × (100 − maxDiscountPercent) / 100, exactly', () => {
    expect(lowestUnitPrice(laptop).toFixed(2)).toBe('1169.10');
    expect(lowestUnitPrice({ listPrice: '999.99', maxDiscountPercent: '10' }).toString()).toBe('899.991');
    expect(lowestUnitPrice({ listPrice: '10.00', maxDiscountPercent: '0.00' }).toFixed(2)).toBe('10.00');
  });

  it('accepts list, member, and within the discount; refuses above list, below the floor, and a discount below it', () => {
    expect(fieldOf({ quantity: 1, unitPrice: '1299.00' })).toEqual([]);
    expect(fieldOf({ quantity: 1, unitPrice: '1199.00' })).toEqual([]);
    expect(fieldOf({ quantity: 1, unitPrice: '1169.10' })).toEqual([]);
    expect(fieldOf({ quantity: 2, unitPrice: '1299.00', discount: '259.80' })).toEqual([]); // 2 × 1169.10 exactly
    expect(fieldOf({ quantity: 1, unitPrice: '1169.09' })).toEqual(['unitPrice']);
    expect(fieldOf({ quantity: 1, unitPrice: '1.00' })).toEqual(['unitPrice']);
    expect(fieldOf({ quantity: 1, unitPrice: '1299.01' })).toEqual(['unitPrice']);
    expect(fieldOf({ quantity: 2, unitPrice: '1299.00', discount: '259.81' })).toEqual(['discount']);
    expect(fieldOf({ quantity: 1, unitPrice: '1199.00', discount: '29.91' })).toEqual(['discount']); // the member price, then below the floor
    expect(linePriceErrors({ quantity: 1, unitPrice: '899.99' }, { ...laptop, listPrice: '999.99', memberPrice: null }, 0, at)).toHaveLength(1); // 899.991 is the floor
  });

  it('names the line and the product, and the currency rule names the line at input.currency', () => {
    const [e] = linePriceErrors({ quantity: 1, unitPrice: '1.00' }, laptop, 2, ['input', 'lines', '2']);
    expect(e).toMatchObject({ code: 'VALIDATION', field: ['input', 'lines', '2', 'unitPrice'] });
    expect(e.message).toContain('Line 3 (PR-LAP)');
    expect(e.message).toContain('orders:price-override');
    expect(lineCurrencyErrors(laptop, 'EUR', 0)).toEqual([]);
    const [c] = lineCurrencyErrors(laptop, 'USD', 1);
    expect(c).toMatchObject({ code: 'VALIDATION', field: ['input', 'currency'] });
    expect(c.message).toContain('Line 2 (PR-LAP)');
  });
});

// ------------------------------------------------------------------------------------ item 6

describe('pushOrder prices and currency (item 6)', () => {
  it('accepts the list price, the member price and prices within maxDiscountPercent, also after the line discount', async () => {
    const res = await push(input({
      lines: [
        { sku: 'PR-LAP', quantity: 1, unitPrice: '1299.00' },
        { sku: 'PR-LAP', quantity: 1, unitPrice: '1199.00' },
        { sku: 'PR-LAP', quantity: 1, unitPrice: '1169.10' },
        { sku: 'PR-LAP', quantity: 2, unitPrice: '1299.00', discount: '259.80' },
        { sku: 'pr-cab', quantity: 3, unitPrice: '10' },
      ],
    }), shop);
    expect(res.errors).toEqual([]);
    expect(res.order.total).toBe('6035.30'); // 1299 + 1199 + 1169.10 + 2338.20 + 30
    expect(res.order.lines.map((l: any) => l.lineTotal)).toEqual(['1299.00', '1199.00', '1169.10', '2338.20', '30.00']);
  });

  it('refuses any other price with an error naming the line, and writes nothing (not even a new customer)', async () => {
    const before = { orders: await count('sales_order'), customers: await count('customer'), keys: await count('idempotency_key') };
    const i = input({
      customer: { email: 'new.shopper.rules@example.com', name: 'New Shopper' },
      lines: [
        { sku: 'PR-LAP', quantity: 1, unitPrice: '1299.00' },
        { sku: 'PR-LAP', quantity: 1, unitPrice: '1.00' },
        { sku: 'PR-LAP', quantity: 1, unitPrice: '1399.00' },
        { sku: 'PR-CAB', quantity: 2, unitPrice: '10.00', discount: '0.01' },
      ],
    });
    for (const who of [shop, 'PARTNER'] as const) {
      const res = await push({ ...i, idempotencyKey: `${i.idempotencyKey}-${typeof who === 'string' ? who : 'shop'}` }, who);
      expect(res.order).toBeNull();
      expect(errorsOf(res)).toEqual([
        { code: 'VALIDATION', field: ['input', 'lines', '1', 'unitPrice'] },
        { code: 'VALIDATION', field: ['input', 'lines', '2', 'unitPrice'] },
        { code: 'VALIDATION', field: ['input', 'lines', '3', 'discount'] },
      ]);
      // A new shopper is no member: the member price is not offered to it (issue 11).
      expect(res.errors[0].message).toMatch(/^Line 2 \(PR-LAP\): the unit price 1\.00 EUR is too low; use the list price 1299\.00 or down to 1169\.10/);
    }
    expect({ orders: await count('sales_order'), customers: await count('customer'), keys: await count('idempotency_key') }).toEqual(before);
  });

  it('refuses a product sold in another currency, naming the line — even with the override scope', async () => {
    const before = await count('sales_order');
    for (const who of [shop, overrider, 'ADMIN'] as const) {
      const res = await push(input({ lines: [{ sku: 'PR-CAB', quantity: 1, unitPrice: '10.00' }, { sku: 'PR-USD', quantity: 1, unitPrice: '50.00' }] }), who);
      expect(errorsOf(res)).toEqual([{ code: 'VALIDATION', field: ['input', 'currency'] }]);
      expect(res.errors[0].message).toBe('Line 2 (PR-USD): the product is sold in USD, the order is in EUR; push one order per currency.');
    }
    // a USD order of the USD product is fine, an EUR product in it is not
    expect((await push(input({ currency: 'USD', lines: [{ sku: 'PR-USD', quantity: 1, unitPrice: '50.00' }] }), shop)).errors).toEqual([]);
    expect(errorsOf(await push(input({ currency: 'usd', lines: [{ sku: 'PR-LAP', quantity: 1, unitPrice: '1299.00' }] }), shop)))
      .toEqual([{ code: 'VALIDATION', field: ['input', 'currency'] }]);
    expect(await count('sales_order')).toBe(before + 1);
  });

  it('lets keys with orders:price-override and ADMIN push any price, audited; not partners or other keys', async () => {
    const cheap = { lines: [{ sku: 'PR-CAB', quantity: 1, unitPrice: '10.00' }, { sku: 'PR-LAP', quantity: 1, unitPrice: '1.00' }] };
    const byKey = await push(input(cheap), overrider);
    expect(byKey.errors).toEqual([]);
    expect(byKey.order.total).toBe('11.00');
    const [audit] = await t.sql<{ changes: any }>(`select changes from audit_event where entity_type = 'Order' and entity_id = ?`, [byKey.order.id]);
    const changes = typeof audit.changes === 'string' ? JSON.parse(audit.changes) : audit.changes;
    expect(changes).toContainEqual({ field: 'priceOverrideLines', old: null, new: [2] });
    const byAdmin = await push(input({ lines: [{ sku: 'PR-LAP', quantity: 1, unitPrice: '1500.00' }] }), 'ADMIN');
    expect(byAdmin.errors).toEqual([]);
    // an order within the rules carries no override entry
    const plain = await push(input(), overrider);
    const [plainAudit] = await t.sql<{ changes: any }>(`select changes from audit_event where entity_type = 'Order' and entity_id = ?`, [plain.order.id]);
    expect(JSON.stringify(plainAudit.changes)).not.toContain('priceOverrideLines');
    // PARTNER users (for their own account) and keys without the scope are held to the rules
    const [{ id: partnerCustomerId }] = await t.sql<{ id: string }>(`select partner_customer_id as id from app_user where email = 'partner@demo.crm'`);
    expect(errorsOf(await push(input({ ...cheap, customer: { customerId: partnerCustomerId } }), 'PARTNER'))).toEqual([{ code: 'VALIDATION', field: ['input', 'lines', '1', 'unitPrice'] }]);
    expect(errorsOf(await push(input(cheap), reader))).toEqual([{ code: 'VALIDATION', field: ['input', 'lines', '1', 'unitPrice'] }]);
  });

  it('keeps maxDiscountPercent on the product: ADMIN sets it through createProduct / updateProduct, 0–100, 2 decimals', async () => {
    const P = 'product { id version maxDiscountPercent } errors { code field }';
    const created = ok(await t.gql(`mutation($i: CreateProductInput!) { createProduct(input: $i) { ${P} } }`,
      { i: { sku: 'pr-new', name: 'New', category: 'Tests', listPrice: '200.00', maxDiscountPercent: '12.5' } }, 'ADMIN')).createProduct;
    expect(created.errors).toEqual([]);
    expect(created.product.maxDiscountPercent).toBe('12.50');
    const plain = ok(await t.gql(`mutation($i: CreateProductInput!) { createProduct(input: $i) { ${P} } }`,
      { i: { sku: 'pr-plain', name: 'Plain', category: 'Tests', listPrice: '1.00' } }, 'ADMIN')).createProduct;
    expect(plain.product.maxDiscountPercent).toBe('0.00');
    const update = (maxDiscountPercent: unknown, version: number, who: Who = 'ADMIN') =>
      t.gql(`mutation($i: UpdateProductInput!) { updateProduct(input: $i) { ${P} } }`, { i: { id: created.product.id, version, maxDiscountPercent } }, who);
    for (const bad of ['100.01', '-1', '5.555', null]) {
      expect(errorsOf(ok(await update(bad, 1)).updateProduct)).toEqual([{ code: 'VALIDATION', field: ['input', 'maxDiscountPercent'] }]);
    }
    expect(codes(await update('20', 1, 'SALES_MANAGER'))).toEqual(['FORBIDDEN']);
    const updated = ok(await update('25', 1)).updateProduct;
    expect(updated.product).toMatchObject({ maxDiscountPercent: '25.00', version: 2 });
    // …and the push rules follow it at once: 200.00 less 25 % is 150.00
    expect((await push(input({ lines: [{ sku: 'PR-NEW', quantity: 1, unitPrice: '150.00' }] }), shop)).errors).toEqual([]);
    expect(errorsOf(await push(input({ lines: [{ sku: 'PR-NEW', quantity: 1, unitPrice: '149.99' }] }), shop)))
      .toEqual([{ code: 'VALIDATION', field: ['input', 'lines', '0', 'unitPrice'] }]);
    const read = ok(await t.gql(`{ productBySku(sku: "PR-NEW") { maxDiscountPercent } }`, {}, 'PARTNER')).productBySku;
    expect(read.maxDiscountPercent).toBe('25.00');
  });
});

// ------------------------------------------------------------------------------------ item 7

describe('no customer probing by e-mail (item 7)', () => {
  const PROBE = `mutation($i: PushOrderInput!) { pushOrder(input: $i) {
    order { id status total paymentTerms customerId billToId customer { id name } lines { sku lineTotal } } errors { code message field } } }`;
  const probe = (email: string, who: Caller, extra: Record<string, unknown> = {}) => t.gql(PROBE, {
    i: input({ customer: { email, name: 'Probe Name' }, ...extra }),
  }, who);
  /** The response with what differs between any two orders (ids, idempotency) neutralised. */
  const shape = (res: GqlResult) => JSON.stringify(res.body).replace(/ord_[0-9a-f]{32}/g, 'ord_X');

  it('answers a known and an unknown e-mail alike to a key without customers:read, yet attaches the order to the right customer', async () => {
    const customersBefore = await count('customer');
    const known = await probe(knownEmail.toUpperCase(), shop);
    const unknown = await probe('nobody.knows.me@example.com', shop);
    expect(known.status).toBe(200);
    expect(shape(known)).toBe(shape(unknown));
    const body = JSON.stringify(known.body);
    expect(body).not.toContain(knownCustomer);
    expect(body).not.toContain(knownName);
    // the customer fields are denied (the same FORBIDDEN on both), the order itself arrives
    expect(known.body.data.pushOrder.order).toMatchObject({ status: 'PENDING', total: '10.00', customerId: null, billToId: null, customer: null });
    expect((known.body.errors ?? []).map((e) => `${e.extensions?.code} ${e.path?.join('.')}`).sort())
      .toEqual(['FORBIDDEN pushOrder.order.billToId', 'FORBIDDEN pushOrder.order.customerId']);
    // internally: the known e-mail went to its customer, the unknown one made a new customer
    const owner = async (res: GqlResult) => (await t.sql<{ customer_id: string }>('select customer_id from sales_order where id = ?', [res.body.data.pushOrder.order.id]))[0].customer_id;
    expect(await owner(known)).toBe(knownCustomer);
    expect(await owner(unknown)).not.toBe(knownCustomer);
    expect(await count('customer')).toBe(customersBefore + 1);
    // reading the orders back tells no more
    const listed = await t.gql(`{ orders(first: 50) { edges { node { id customer { id } } } } }`, {}, shop);
    expect(JSON.stringify(listed.body)).not.toContain(knownCustomer);
    const filtered = ok(await t.gql(`query($c: ID!) { orders(first: 50, filter: { customerId: { eq: $c } }) { totalCount } }`, { c: knownCustomer }, shop));
    expect(filtered.orders.totalCount).toBe(0);
  });

  it('refuses alike what only a new customer would need: a missing name, a bad owner, ON_ACCOUNT without customerId', async () => {
    const before = { orders: await count('sales_order'), customers: await count('customer') };
    const both = async (customer: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
      const answers = [];
      for (const email of [knownEmail, 'still.unknown@example.com']) {
        answers.push(shape(await t.gql(PROBE, { i: input({ customer: { email, ...customer }, ...extra }) }, shop)).replace(/rules-\d+/g, 'rules-N'));
      }
      expect(answers[0]).toBe(answers[1]);
      return JSON.parse(answers[0]).data.pushOrder.errors.map((e: any) => ({ code: e.code, field: e.field }));
    };
    expect(await both({})).toEqual([{ code: 'VALIDATION', field: ['input', 'customer', 'name'] }]);
    expect(await both({ name: 'X', ownerId: `usr_${'0'.repeat(32)}` })).toEqual([{ code: 'NOT_FOUND', field: ['input', 'customer', 'ownerId'] }]);
    expect(await both({ name: 'X' }, { paymentTerms: 'ON_ACCOUNT' })).toEqual([{ code: 'VALIDATION', field: ['input', 'paymentTerms'] }]);
    expect({ orders: await count('sales_order'), customers: await count('customer') }).toEqual(before);
  });

  it('shows the customer to keys that may read customers (names of people only if the key created them)', async () => {
    const res = ok(await t.gql(`mutation($i: PushOrderInput!) { pushOrder(input: $i) { order { customerId billToId customer { id } } errors { code } } }`,
      { i: input({ customer: { email: knownEmail, name: 'Probe Name' } }) }, reader)).pushOrder;
    expect(res.order).toEqual({ customerId: knownCustomer, billToId: knownCustomer, customer: { id: knownCustomer } });
    // staff read it as before
    const [{ id }] = await t.sql<{ id: string }>(`select id from sales_order where customer_id = ? order by created_at desc limit 1`, [knownCustomer]);
    expect(ok(await t.gql(`query($id: ID!) { order(id: $id) { customerId } }`, { id }, 'ADMIN')).order.customerId).toBe(knownCustomer);
  });
});
