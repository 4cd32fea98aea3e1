import { codes, startTestApp, type Caller, type GqlResult, type TestApp, type Who } from './helpers';

/**
 * Personalised offers through HTTP: publishing with validation naming the field, who may read and
 * create, targeting (one customer, a tier or higher, everyone) and the "best first" order of
 * `offersFor`, early access for interested customers (and the owners' tasks), pushes applying offers
 * with hand-computed discounts, refusals naming `offerCodes.<i>`, a quantity limit under 50 concurrent
 * pushes, once per customer, `Offer.results` against hand computation, and no N+1 on offer lists.
 */

let t: TestApp;
let shop: Caller; // INTEGRATION: orders:write, customers:read, offers:read
let offersKey: Caller; // INTEGRATION: offers:read only
let hiddenKey: Caller; // INTEGRATION: orders:write only (may not learn who the customer is)
let cA: { id: string; owner: string; name: string; email: string }; // rep1's, GOLD member
let cB: { id: string; owner: string; name: string; email: string }; // rep2's, not a member
let cC: { id: string; owner: string; name: string; email: string };
let cD: { id: string; owner: string; name: string; email: string };
const PRD = { LAP: `prd_${'a1'.repeat(16)}`, MOU: `prd_${'a2'.repeat(16)}`, CAB: `prd_${'a3'.repeat(16)}` };

const data = (res: GqlResult) => {
  if (res.body.errors) throw new Error(`unexpected errors: ${JSON.stringify(res.body.errors)}`);
  return res.body.data;
};
const HOUR = 3600_000;
const at = (ms: number) => new Date(Date.now() + ms).toISOString();
const OPEN = { validFrom: at(-HOUR), validUntil: at(24 * HOUR) };

const OFFER = 'id code name discountType appliesTo percent amount currency productId category bundleSkus bundlePrice validFrom validUntil quantityLimit redeemedCount oncePerCustomer target targetTier earlyAccessUntil version';
const CREATE = `mutation($i: CreateOfferInput!) { createOffer(input: $i) { offer { ${OFFER} } errors { code field message } } }`;
const UPDATE = `mutation($i: UpdateOfferInput!) { updateOffer(input: $i) { offer { ${OFFER} } errors { code field message } } }`;
const FOR = 'query($c: ID!) { offersFor(customerId: $c) { code } }';
const PUSH = 'mutation($i: PushOrderInput!) { pushOrder(input: $i) { order { id status subtotal discountTotal offerDiscount total version } errors { code field message } } }';
const INTEREST = 'mutation($i: RegisterInterestInput!) { registerInterest(input: $i) { interest { id customerId productId } errors { code field } } }';

async function create(input: Record<string, unknown>, who: Who = 'MARKETING') {
  return data(await t.gql(CREATE, { i: { ...OPEN, target: 'EVERYONE', ...input } }, who)).createOffer as { offer: any; errors: any[] };
}
async function created(input: Record<string, unknown>, who: Who = 'MARKETING') {
  const res = await create(input, who);
  expect(res.errors).toEqual([]);
  return res.offer;
}
const fields = (res: { errors: any[] }) => res.errors.map((e) => ({ code: e.code, field: e.field.join('.') }));

let seq = 0;
const order = (customerId: string, lines: [string, number, string][], offerCodes: string[]) => {
  seq += 1;
  return {
    idempotencyKey: `offers-${seq}`, channel: 'web', currency: 'EUR', customer: { customerId },
    lines: lines.map(([sku, quantity, unitPrice]) => ({ sku, quantity, unitPrice })), offerCodes,
  };
};
async function push(input: Record<string, unknown>, who: Caller = shop) {
  return data(await t.gql(PUSH, { i: input }, who)).pushOrder as { order: any; errors: any[] };
}
const offersFor = async (customerId: string, prefix: string, who: Who | Caller = 'ADMIN') =>
  (data(await t.gql(FOR, { c: customerId }, who)).offersFor as { code: string }[] | null)?.map((o) => o.code).filter((c) => c.startsWith(prefix)) ?? null;

beforeAll(async () => {
  t = await startTestApp({ customers: 4 });
  const key = async (scopes: string[]) => ({ apiKey: data(await t.gql('mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }',
    { input: { name: `offers ${scopes.join(',')}`, role: 'INTEGRATION', scopes } }, 'ADMIN')).createApiKey.secret as string });
  shop = await key(['orders:write', 'customers:read', 'offers:read']);
  offersKey = await key(['offers:read']);
  hiddenKey = await key(['orders:write']);
  const customers = await t.sql<{ id: string; owner: string; name: string; email: string; rep: string }>(`select c.id, c.owner_id as owner, c.name,
      c.emails->0->>'address' as email, u.email as rep from customer c join app_user u on u.id = c.owner_id where c.deleted_at is null order by c.created_at, c.id`);
  cA = customers.find((c) => c.rep === 'rep1@demo.crm')!;
  cB = customers.find((c) => c.rep === 'rep2@demo.crm')!;
  [cC, cD] = customers.filter((c) => c !== cA && c !== cB);
  expect([cA, cB, cC, cD].every(Boolean)).toBe(true);
  await t.sql(`insert into product (id, sku, name, category, list_price, options_schema) values
    (?, 'OF-LAP', 'Laptop', 'Laptops', 100.00, '{}'), (?, 'OF-MOU', 'Mouse', 'Accessories', 10.00, '{}'), (?, 'OF-CAB', 'Cable', 'Accessories', 25.00, '{}')`,
  [PRD.LAP, PRD.MOU, PRD.CAB]);
  await t.sql(`insert into loyalty_membership (id, customer_id, number, tier, created_by)
    values ('mem_' || replace(gen_random_uuid()::text, '-', ''), ?, 'M9000001', 'GOLD', 'test')`, [cA.id]);
});
afterAll(async () => { await t?.close(); });

describe('publishing offers', () => {
  test('validation names the field; the code is unique, case-insensitively; creation publishes', async () => {
    const bad = async (input: Record<string, unknown>) => fields(await create({ code: `BAD-${++seq}`, name: 'Bad', ...input }));
    expect(await bad({ discountType: 'PERCENT' })).toEqual([{ code: 'VALIDATION', field: 'input.percent' }]);
    expect(await bad({ discountType: 'AMOUNT', amount: '5.00' })).toEqual([{ code: 'VALIDATION', field: 'input.currency' }]);
    expect(await bad({ discountType: 'PERCENT', percent: '5', appliesTo: 'PRODUCT' })).toEqual([{ code: 'VALIDATION', field: 'input.productId' }]);
    expect(await bad({ discountType: 'PERCENT', percent: '5', appliesTo: 'CATEGORY' })).toEqual([{ code: 'VALIDATION', field: 'input.category' }]);
    expect(await bad({ discountType: 'PERCENT', percent: '0' })).toEqual([{ code: 'VALIDATION', field: 'input.percent' }]);
    expect(await bad({ discountType: 'BUNDLE', currency: 'EUR', bundlePrice: '1.00', bundleSkus: ['OF-LAP'] })).toEqual([{ code: 'VALIDATION', field: 'input.bundleSkus' }]);
    expect(await bad({ discountType: 'BUNDLE', currency: 'EUR', bundleSkus: ['OF-LAP', 'OF-MOU'] })).toEqual([{ code: 'VALIDATION', field: 'input.bundlePrice' }]);
    expect(await bad({ discountType: 'BUNDLE', currency: 'EUR', bundlePrice: '1.00', bundleSkus: ['of-lap', 'NOPE-1'] })).toEqual([{ code: 'NOT_FOUND', field: 'input.bundleSkus.1' }]);
    expect(await bad({ discountType: 'PERCENT', percent: '5', target: 'CUSTOMER' })).toEqual([{ code: 'VALIDATION', field: 'input.targetCustomerId' }]);
    expect(await bad({ discountType: 'PERCENT', percent: '5', target: 'TIER' })).toEqual([{ code: 'VALIDATION', field: 'input.targetTier' }]);
    expect(await bad({ discountType: 'PERCENT', percent: '5', target: 'CUSTOMER', targetCustomerId: `cus_${'0'.repeat(32)}` })).toEqual([{ code: 'NOT_FOUND', field: 'input.targetCustomerId' }]);
    const inAnHour = at(HOUR); // one instant for both ends: two calls of `at` differ by the milliseconds between them
    expect(await bad({ discountType: 'PERCENT', percent: '5', validFrom: inAnHour, validUntil: inAnHour })).toEqual([{ code: 'VALIDATION', field: 'input.validUntil' }]);
    // Early access: only a PRODUCT offer with a limit, strictly within the window.
    expect(await bad({ discountType: 'PERCENT', percent: '5', earlyAccessUntil: at(HOUR) })).toEqual([{ code: 'VALIDATION', field: 'input.earlyAccessUntil' }]);
    expect(await bad({ discountType: 'PERCENT', percent: '5', appliesTo: 'PRODUCT', productId: PRD.LAP, quantityLimit: 3, earlyAccessUntil: at(48 * HOUR) }))
      .toEqual([{ code: 'VALIDATION', field: 'input.earlyAccessUntil' }]);

    const offer = await created({ code: 'welcome-10', name: 'Welcome', discountType: 'PERCENT', percent: '10' });
    expect(offer).toMatchObject({ code: 'WELCOME-10', percent: '10.00', appliesTo: 'ORDER', target: 'EVERYONE', redeemedCount: 0, oncePerCustomer: false, version: 1 });
    expect(fields(await create({ code: 'Welcome-10', name: 'Again', discountType: 'PERCENT', percent: '5' }))).toEqual([{ code: 'DUPLICATE', field: 'input.code' }]);
  });

  test('who may publish and read: MARKETING and ADMIN write; staff read; shops and partners do not', async () => {
    const input = { i: { ...OPEN, code: 'ROLE-1', name: 'r', discountType: 'PERCENT', percent: '1', target: 'EVERYONE' } };
    for (const who of ['SALES_REP', 'FINANCE', 'ANALYST'] as Who[]) expect(codes(await t.gql(CREATE, input, who))).toEqual(['FORBIDDEN']);
    expect(codes(await t.gql(CREATE, input, shop))).toEqual(['FORBIDDEN']);
    expect(data(await t.gql(CREATE, input, 'ADMIN')).createOffer.errors).toEqual([]);
    const list = 'query { offers(filter: { code: { eq: "ROLE-1" } }) { totalCount edges { node { code } } } }';
    for (const who of ['ADMIN', 'SALES_MANAGER', 'SALES_REP', 'SERVICE_AGENT', 'MARKETING', 'FINANCE', 'ANALYST'] as Who[]) {
      expect(data(await t.gql(list, {}, who)).offers.totalCount).toBe(1);
    }
    expect(codes(await t.gql(list, {}, 'PARTNER'))).toEqual(['FORBIDDEN']);
    expect(codes(await t.gql(list, {}, shop))).toEqual(['FORBIDDEN']);
  });
});

describe('offersFor', () => {
  test('targets the customer, their tier or higher, everyone; best first; leaves out expired, future, sold-out offers', async () => {
    await created({ code: 'T-CUST', name: 'For A', discountType: 'PERCENT', percent: '5', target: 'CUSTOMER', targetCustomerId: cA.id });
    await created({ code: 'T-SILVER', name: 'Silver+', discountType: 'PERCENT', percent: '20', target: 'TIER', targetTier: 'SILVER' });
    await created({ code: 'T-GOLD', name: 'Gold+', discountType: 'PERCENT', percent: '7', target: 'TIER', targetTier: 'GOLD' });
    await created({ code: 'T-PLAT', name: 'Platinum', discountType: 'PERCENT', percent: '30', target: 'TIER', targetTier: 'PLATINUM' });
    await created({ code: 'T-ALL-AMT', name: 'Five off', discountType: 'AMOUNT', amount: '5.00', currency: 'EUR' });
    await created({ code: 'T-ALL-LATE', name: 'Ten, ends later', discountType: 'PERCENT', percent: '10', validUntil: at(48 * HOUR) });
    await created({ code: 'T-ALL-SOON', name: 'Ten, ends sooner', discountType: 'PERCENT', percent: '10', validUntil: at(12 * HOUR) });
    await created({ code: 'T-ALL-12', name: 'Twelve', discountType: 'PERCENT', percent: '12', validUntil: at(48 * HOUR) });
    await created({ code: 'T-EXPIRED', name: 'Over', discountType: 'PERCENT', percent: '50', validFrom: at(-48 * HOUR), validUntil: at(-24 * HOUR) });
    await created({ code: 'T-FUTURE', name: 'Later', discountType: 'PERCENT', percent: '50', validFrom: at(24 * HOUR), validUntil: at(48 * HOUR) });
    await created({ code: 'T-SOLD', name: 'Gone', discountType: 'PERCENT', percent: '50', quantityLimit: 1 });
    await t.sql(`update offer set redeemed_count = 1 where code = 'T-SOLD'`);

    // Customer first; then tiers, the higher first (whatever the value); then everyone: percentages by size, ties ending soonest first, then amounts.
    expect(await offersFor(cA.id, 'T-')).toEqual(['T-CUST', 'T-GOLD', 'T-SILVER', 'T-ALL-12', 'T-ALL-SOON', 'T-ALL-LATE', 'T-ALL-AMT']);
    expect(await offersFor(cB.id, 'T-')).toEqual(['T-ALL-12', 'T-ALL-SOON', 'T-ALL-LATE', 'T-ALL-AMT']);
    await t.sql(`insert into loyalty_membership (id, customer_id, number, tier, created_by)
      values ('mem_' || replace(gen_random_uuid()::text, '-', ''), ?, 'M9000002', 'SILVER', 'test')`, [cB.id]);
    expect(await offersFor(cB.id, 'T-')).toEqual(['T-SILVER', 'T-ALL-12', 'T-ALL-SOON', 'T-ALL-LATE', 'T-ALL-AMT']);
  });

  test('who may ask: staff for customers they can see, shops with offers:read for any live customer; whom an offer targets stays customer data', async () => {
    expect(await offersFor(cA.id, 'T-CUST', 'SALES_REP')).toEqual(['T-CUST']); // rep1 owns A
    expect(data(await t.gql(FOR, { c: cB.id }, 'SALES_REP')).offersFor).toBeNull(); // B is rep2's
    expect(await offersFor(cA.id, 'T-CUST', offersKey)).toEqual(['T-CUST']);
    expect(data(await t.gql(FOR, { c: `cus_${'0'.repeat(32)}` }, offersKey)).offersFor).toBeNull();
    for (const who of ['ANALYST', 'FINANCE', 'PARTNER'] as Who[]) expect(codes(await t.gql(FOR, { c: cA.id }, who))).toEqual(['FORBIDDEN']);
    expect(codes(await t.gql(FOR, { c: cA.id }, hiddenKey))).toEqual(['FORBIDDEN']);

    const targeted = 'query($c: ID!) { offersFor(customerId: $c) { code targetCustomerId } }';
    const asKey = await t.gql(targeted, { c: cA.id }, offersKey);
    expect(codes(asKey).every((c) => c === 'FORBIDDEN') && codes(asKey).length > 0).toBe(true);
    const asShop = data(await t.gql(targeted, { c: cA.id }, shop)).offersFor;
    expect(asShop.find((o: any) => o.code === 'T-CUST').targetCustomerId).toBe(cA.id);
    // ANALYST reads offers, and the target through the customer's own rules (no name of a person).
    const [{ id }] = await t.sql<{ id: string }>(`select id from offer where code = 'T-CUST'`);
    const analyst = await t.gql('query($id: ID!) { offer(id: $id) { code targetCustomerId targetCustomer { id kind } } }', { id }, 'ANALYST');
    expect(analyst.body.data.offer).toMatchObject({ code: 'T-CUST', targetCustomerId: cA.id, targetCustomer: { id: cA.id } });
    // node(id) follows the same readers.
    expect(data(await t.gql('query($id: ID!) { node(id: $id) { id ... on Offer { code } } }', { id }, 'FINANCE')).node).toEqual({ id, code: 'T-CUST' });
    expect(data(await t.gql('query($id: ID!) { node(id: $id) { id } }', { id }, offersKey)).node).toBeNull();
    // An offer for one customer is recorded in that customer's history.
    const audit = await t.sql<{ customer_id: string; action: string }>(`select customer_id, action from audit_event where entity_type = 'Offer' and entity_id = ?`, [id]);
    expect(audit).toEqual([{ customer_id: cA.id, action: 'CREATE' }]);
  });
});

describe('early access ("notify first")', () => {
  test('interested customers only, until earlyAccessUntil; their owners get a task', async () => {
    const first = data(await t.gql(INTEREST, { i: { customerId: cA.id, productId: PRD.LAP } }, 'MARKETING')).registerInterest;
    const again = data(await t.gql(INTEREST, { i: { customerId: cA.id, productId: PRD.LAP } }, 'MARKETING')).registerInterest;
    expect(first.errors).toEqual([]);
    expect(again.interest).toEqual(first.interest); // idempotent
    // A shop's key registers for any live customer, but may not read whose interest it is.
    const INTEREST_AS_KEY = 'mutation($i: RegisterInterestInput!) { registerInterest(input: $i) { interest { id productId } errors { code field } } }';
    expect(data(await t.gql(INTEREST_AS_KEY, { i: { customerId: cC.id, productId: PRD.LAP } }, offersKey)).registerInterest).toMatchObject({ errors: [], interest: { productId: PRD.LAP } });
    expect(codes(await t.gql(INTEREST, { i: { customerId: cC.id, productId: PRD.LAP } }, offersKey))).toEqual(['FORBIDDEN']); // customerId
    expect(data(await t.gql(INTEREST, { i: { customerId: cB.id, productId: PRD.LAP } }, 'SALES_REP')).registerInterest.errors)
      .toEqual([{ code: 'NOT_FOUND', field: ['input', 'customerId'] }]); // rep1 cannot see rep2's customer
    expect(codes(await t.gql(INTEREST, { i: { customerId: cA.id, productId: PRD.LAP } }, 'FINANCE'))).toEqual(['FORBIDDEN']);

    const offer = await created({
      code: 'EA-LAP', name: 'Laptop drop', discountType: 'PERCENT', percent: '15', appliesTo: 'PRODUCT', productId: PRD.LAP, quantityLimit: 5, earlyAccessUntil: at(HOUR),
    });
    const tasks = await t.sql<{ assignee_id: string; customer_id: string; type: string; title: string }>(
      `select assignee_id, customer_id, type, title from task where title like '%EA-LAP%' order by customer_id`);
    expect(tasks).toEqual([cA, cC].sort((x, y) => (x.id < y.id ? -1 : 1)).map((c) => ({
      assignee_id: c.owner, customer_id: c.id, type: 'FOLLOW_UP', title: `Early access to offer EA-LAP (Laptop drop) for ${c.name}`,
    })));

    expect(await offersFor(cA.id, 'EA-')).toEqual(['EA-LAP']);
    expect(await offersFor(cB.id, 'EA-')).toEqual([]);
    const refused = await push(order(cB.id, [['OF-LAP', 1, '100.00']], ['EA-LAP']));
    expect(fields(refused)).toEqual([{ code: 'BUSINESS_RULE', field: 'input.offerCodes.0' }]);
    expect(refused.errors[0].message).toMatch(/early access/);
    const ok = await push(order(cA.id, [['OF-LAP', 1, '100.00']], ['ea-lap']));
    expect(ok.errors).toEqual([]);
    expect(ok.order).toMatchObject({ subtotal: '100.00', offerDiscount: '15.00', total: '85.00' });
    // After the early access everyone may redeem it.
    await t.sql('update offer set early_access_until = now() - interval \'1 minute\', valid_from = now() - interval \'2 minutes\' where id = ?', [offer.id]);
    expect(await offersFor(cB.id, 'EA-')).toEqual(['EA-LAP']);
  });
});

describe('pushes apply offers', () => {
  test('several offers, each on what the earlier left: discounts and totals against hand computation', async () => {
    await created({ code: 'P-ORD10', name: '10% off', discountType: 'PERCENT', percent: '10' });
    await created({ code: 'P-ACC3', name: '3 off per accessory', discountType: 'AMOUNT', amount: '3.00', currency: 'EUR', appliesTo: 'CATEGORY', category: 'Accessories' });
    await created({ code: 'P-BUNDLE', name: 'Laptop + mouse', discountType: 'BUNDLE', currency: 'EUR', bundleSkus: ['OF-LAP', 'OF-MOU'], bundlePrice: '95.00' });
    // Subtotal 2 × 100 + 1 × 10 + 4 × 25 = 310.00.
    // 10% of 310 = 31.00, spread in proportion: laptops 180, mouse 9, cables 90 left.
    // 3 per accessory: mouse min(3, 9) = 3, cables min(4 × 3, 90) = 12 → 15.00; mouse 6, cables 78 left.
    // Bundle: one laptop at 180 / 2 = 90 + one mouse at 6 = 96, minus 95 → 1.00.
    // Offers 47.00; total 310 − 47 = 263.00.
    const res = await push(order(cB.id, [['OF-LAP', 2, '100.00'], ['OF-MOU', 1, '10.00'], ['OF-CAB', 4, '25.00']], ['p-ord10', 'P-Acc3', 'P-BUNDLE']));
    expect(res.errors).toEqual([]);
    expect(res.order).toMatchObject({ subtotal: '310.00', discountTotal: '0.00', offerDiscount: '47.00', total: '263.00' });
    const redemptions = await t.sql<{ code: string; discount: string; customer_id: string; currency: string }>(`select f.code, r.discount::text as discount, r.customer_id, r.currency
      from offer_redemption r join offer f on f.id = r.offer_id where r.order_id = ? order by f.code`, [res.order.id]);
    expect(redemptions).toEqual([
      { code: 'P-ACC3', discount: '15.00', customer_id: cB.id, currency: 'EUR' },
      { code: 'P-BUNDLE', discount: '1.00', customer_id: cB.id, currency: 'EUR' },
      { code: 'P-ORD10', discount: '31.00', customer_id: cB.id, currency: 'EUR' },
    ]);
  });

  test('refusals name the code\'s position, and nothing is created', async () => {
    await created({ code: 'P-USD', name: 'Dollars', discountType: 'AMOUNT', amount: '5.00', currency: 'USD' });
    await created({ code: 'P-PHONES', name: 'Phones', discountType: 'PERCENT', percent: '5', appliesTo: 'CATEGORY', category: 'Phones' });
    const before = await t.sql('select count(*)::int as n from sales_order');
    const res = await push(order(cB.id, [['OF-CAB', 1, '25.00']], ['NOPE', 'T-EXPIRED', 'T-FUTURE', 'T-CUST', 'T-SOLD', 'P-USD', 'T-PLAT']));
    expect(res.order).toBeNull();
    expect(fields(res)).toEqual([
      { code: 'NOT_FOUND', field: 'input.offerCodes.0' },
      { code: 'BUSINESS_RULE', field: 'input.offerCodes.1' },
      { code: 'BUSINESS_RULE', field: 'input.offerCodes.2' },
      { code: 'BUSINESS_RULE', field: 'input.offerCodes.3' },
      { code: 'BUSINESS_RULE', field: 'input.offerCodes.4' },
      { code: 'VALIDATION', field: 'input.offerCodes.5' },
      { code: 'BUSINESS_RULE', field: 'input.offerCodes.6' },
    ]);
    const messages = res.errors.map((e) => e.message);
    expect(messages[1]).toMatch(/offer expired/);
    expect(messages[3]).toMatch(/not for this customer/);
    expect(messages[4]).toMatch(/sold out/);
    expect(messages[6]).toMatch(/not for this customer/); // B is no PLATINUM member
    // Priced only once every code passed: an offer for products the order lacks.
    const nothing = await push(order(cB.id, [['OF-CAB', 1, '25.00']], ['P-ORD10', 'P-PHONES']));
    expect(fields(nothing)).toEqual([{ code: 'BUSINESS_RULE', field: 'input.offerCodes.1' }]);
    expect(nothing.errors[0].message).toMatch(/nothing in the order it applies to/);
    expect(await t.sql('select count(*)::int as n from sales_order')).toEqual(before);
  });

  test('a key that may not learn who the customer is gets only offers that hold for anyone', async () => {
    const asHidden = (offerCodes: string[]) => push({ ...order(cA.id, [['OF-CAB', 1, '25.00']], offerCodes), customer: { email: cA.email, name: 'Someone' } }, hiddenKey);
    const targeted = await asHidden(['T-CUST']); // A is that customer, but the key must not learn it
    expect(fields(targeted)).toEqual([{ code: 'BUSINESS_RULE', field: 'input.offerCodes.0' }]);
    expect(targeted.errors[0].message).toMatch(/not for this customer/);
    const everyone = await asHidden(['T-ALL-AMT']);
    expect(everyone.errors).toEqual([]);
    expect(everyone.order).toMatchObject({ offerDiscount: '5.00', total: '20.00' });
  });

  test('a quantity limit holds under 50 concurrent pushes: exactly the first N succeed', async () => {
    const offer = await created({ code: 'Q-LIMIT', name: 'First seven', discountType: 'AMOUNT', amount: '1.00', currency: 'EUR', quantityLimit: 7 });
    const results = await Promise.all(Array.from({ length: 50 }, () => push(order(cD.id, [['OF-MOU', 1, '10.00']], ['Q-LIMIT']))));
    const succeeded = results.filter((r) => r.order);
    expect(succeeded).toHaveLength(7);
    for (const r of results.filter((x) => !x.order)) expect(fields(r)).toEqual([{ code: 'BUSINESS_RULE', field: 'input.offerCodes.0' }]);
    expect(succeeded.every((r) => r.order.total === '9.00')).toBe(true);
    const [row] = await t.sql<{ redeemed: number; n: number }>(`select f.redeemed_count as redeemed, (select count(*)::int from offer_redemption r where r.offer_id = f.id) as n
      from offer f where f.id = ?`, [offer.id]);
    expect(row).toEqual({ redeemed: 7, n: 7 });
  });

  test('once per customer: a second redemption is refused, and offersFor leaves it out for that customer only', async () => {
    await created({ code: 'O-ONCE', name: 'Once', discountType: 'PERCENT', percent: '5', oncePerCustomer: true });
    expect((await push(order(cC.id, [['OF-CAB', 2, '25.00']], ['O-ONCE']))).order).toMatchObject({ offerDiscount: '2.50', total: '47.50' });
    const again = await push(order(cC.id, [['OF-CAB', 1, '25.00']], ['O-ONCE']));
    expect(fields(again)).toEqual([{ code: 'BUSINESS_RULE', field: 'input.offerCodes.0' }]);
    expect(again.errors[0].message).toMatch(/already redeemed/);
    expect(await offersFor(cC.id, 'O-')).toEqual([]);
    expect(await offersFor(cB.id, 'O-')).toEqual(['O-ONCE']);
  });
});

describe('results, redemptions and changes after redemption', () => {
  test('Offer.results against hand computation; cancelled orders keep their redemption but do not count', async () => {
    // P-ORD10 so far: B's order (total 263.00, discount 31.00).
    const cancelled = (await push(order(cC.id, [['OF-CAB', 1, '25.00']], ['P-ORD10']))).order; // 2.50 off, total 22.50
    const counted = (await push(order(cD.id, [['OF-MOU', 3, '10.00']], ['P-ORD10']))).order; // 3.00 off, total 27.00
    expect([cancelled.total, counted.total]).toEqual(['22.50', '27.00']);
    const cancel = await t.gql('mutation($i: UpdateOrderStatusInput!) { updateOrderStatus(input: $i) { errors { code } } }',
      { i: { id: cancelled.id, version: cancelled.version, status: 'CANCELLED' } }, 'ADMIN');
    expect(data(cancel).updateOrderStatus.errors).toEqual([]);
    const query = `query { offers(filter: { code: { eq: "P-ORD10" } }) { edges { node {
      redeemedCount results { currency orders revenue discountGiven } redemptions(first: 10) { edges { node { orderId customerId discount currency } } } } } } }`;
    const node = data(await t.gql(query, {}, 'FINANCE')).offers.edges[0].node;
    // Orders: 263.00 and 27.00 (the cancelled 22.50 left out); discounts 31.00 + 3.00.
    expect(node.results).toEqual([{ currency: 'EUR', orders: 2, revenue: '290.00', discountGiven: '34.00' }]);
    expect(node.redeemedCount).toBe(3);
    expect(node.redemptions.edges.map((e: any) => e.node.orderId)).toEqual([counted.id, cancelled.id, expect.any(String)]); // newest first, the cancelled one kept
    expect(node.redemptions.edges[0].node).toMatchObject({ customerId: cD.id, discount: '3.00', currency: 'EUR' });

    const analyst = await t.gql('query { offers(filter: { code: { eq: "P-ORD10" } }) { edges { node { results { orders } } } } }', {}, 'ANALYST');
    expect(data(analyst).offers.edges[0].node.results).toEqual([{ orders: 2 }]);
    expect(codes(await t.gql('query { offers(filter: { code: { eq: "P-ORD10" } }) { edges { node { redemptions { totalCount } } } } }', {}, 'ANALYST'))).toEqual(['FORBIDDEN']);
    expect(codes(await t.gql('query { offers(filter: { code: { eq: "P-ORD10" } }) { edges { node { results { orders } } } } }', {}, 'SALES_REP'))).toEqual(['FORBIDDEN']);
  });

  test('updateOffer: stale version, frozen terms once redeemed, the limit not below the redemptions; the name still changes', async () => {
    const [o] = await t.sql<{ id: string; version: number }>(`select id, version from offer where code = 'Q-LIMIT'`);
    const update = async (i: Record<string, unknown>, who: Who = 'MARKETING') => data(await t.gql(UPDATE, { i: { id: o.id, ...i } }, who)).updateOffer;
    expect(fields(await update({ version: o.version + 1, name: 'x' }))).toEqual([{ code: 'CONFLICT', field: 'input.version' }]);
    expect(fields(await update({ version: o.version, amount: '2.00' }))).toEqual([{ code: 'BUSINESS_RULE', field: 'input.amount' }]);
    expect(fields(await update({ version: o.version, quantityLimit: 6 }))).toEqual([{ code: 'BUSINESS_RULE', field: 'input.quantityLimit' }]);
    const renamed = await update({ version: o.version, name: 'First ten', quantityLimit: 10 });
    expect(renamed.errors).toEqual([]);
    expect(renamed.offer).toMatchObject({ name: 'First ten', quantityLimit: 10, amount: '1.00', version: o.version + 1 });
    expect(codes(await t.gql(UPDATE, { i: { id: o.id, version: o.version + 1, name: 'y' } }, 'SALES_MANAGER'))).toEqual(['FORBIDDEN']);
  });
});

describe('no N+1', () => {
  test('offers { product redemptions results } costs the same number of statements for 2 and 6 offers', async () => {
    await created({ code: 'N-MOU', name: 'Mouse', discountType: 'PERCENT', percent: '5', appliesTo: 'PRODUCT', productId: PRD.MOU });
    // Both sets have offers with a product and with redemptions (the same statements, each batched).
    const codesOf = ['EA-LAP', 'P-ORD10', 'Q-LIMIT', 'O-ONCE', 'N-MOU', 'P-BUNDLE'];
    const query = `query($codes: [String!]) { offers(filter: { code: { in: $codes } }) { edges { node {
      code product { sku } results { orders revenue } redemptions(first: 5) { totalCount edges { node { discount order { id } customer { id } } } } } } } }`;
    await t.token('MARKETING');
    let two: any;
    let six: any;
    const q2 = await t.countQueries(async () => { two = data(await t.gql(query, { codes: codesOf.slice(0, 2) }, 'MARKETING')); });
    const q6 = await t.countQueries(async () => { six = data(await t.gql(query, { codes: codesOf }, 'MARKETING')); });
    expect(two.offers.edges).toHaveLength(2);
    expect(six.offers.edges).toHaveLength(6);
    expect(six.offers.edges.find((e: any) => e.node.code === 'EA-LAP').node.product).toEqual({ sku: 'OF-LAP' });
    expect(six.offers.edges.find((e: any) => e.node.code === 'N-MOU').node.product).toEqual({ sku: 'OF-MOU' });
    expect(six.offers.edges.find((e: any) => e.node.code === 'Q-LIMIT').node.redemptions.totalCount).toBe(7);
    expect(q6).toBe(q2);
  });
});
