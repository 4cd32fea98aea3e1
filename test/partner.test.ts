import { codes, startTestApp, type Caller, type GqlResult, type TestApp, type Who } from './helpers';

/**
 * Partner accounts through HTTP: `resoldById` on customers (rules, audit, visibility), the isolation
 * of one partner from another (every read by id, node/nodes, lists, nested lists, pushOrder), and
 * account statements (`myStatement`, `accountStatement`) reconciled against hand-computed numbers.
 */

let t: TestApp;
const ok = (res: GqlResult) => {
  if (res.body.errors) throw new Error(`unexpected errors: ${JSON.stringify(res.body.errors)}`);
  return res.body.data;
};
const errorsOf = (res: { errors: any[] }) => res.errors.map((e) => ({ code: e.code, field: e.field }));
const errorAt = (res: GqlResult) => (res.body.errors ?? []).map((e) => ({ code: e.extensions?.code, path: e.path?.join('.') }));

let seq = 0;
const newId = (prefix: string) => `${prefix}_${[...Array(32)].map(() => Math.floor(Math.random() * 16).toString(16)).join('')}`;

const CUSTOMER = 'id name resoldById resoldBy { id name } version';
const CREATE = `mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { ${CUSTOMER} } errors { code message field } } }`;
const UPDATE = `mutation($i: UpdateCustomerInput!) { updateCustomer(input: $i) { customer { ${CUSTOMER} } errors { code message field } } }`;
const PUSH = `mutation($i: PushOrderInput!) { pushOrder(input: $i) { order { id status customerId billToId paymentTerms total } errors { code message field } } }`;
const CREATE_KEY = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret errors { code field message } } }`;

const count = async (table: string) => Number((await t.sql(`select count(*)::int as n from ${table}`))[0].n);

async function createCustomer(input: Record<string, unknown>, who: Who | Caller = 'ADMIN') {
  const res = ok(await t.gql(CREATE, { i: input }, who)).createCustomer;
  expect(res.errors).toEqual([]);
  return res.customer as { id: string; version: number; resoldById: string | null };
}

async function partnerKey(partnerCustomerId: string, scopes: string[]): Promise<Caller> {
  const made = ok(await t.gql(CREATE_KEY, { input: { name: `partner key ${seq += 1}`, role: 'PARTNER', scopes, partnerCustomerId } }, 'ADMIN')).createApiKey;
  expect(made.errors).toEqual([]);
  return { apiKey: made.secret };
}

async function partnerUser(partnerCustomerId: string, email: string): Promise<Caller> {
  const made = ok(await t.gql(`mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } errors { field message } } }`,
    { i: { email, password: 'partner-pass-1', name: `Partner ${email}`, role: 'PARTNER', partnerCustomerId } }, 'ADMIN')).createUser;
  expect(made.errors).toEqual([]);
  const login = ok(await t.gql(`mutation($i: LoginInput!) { login(input: $i) { token } }`, { i: { email, password: 'partner-pass-1' } }, null)).login;
  return { token: login.token };
}

// ------------------------------------------------------------------------------ SQL fixtures

let ctrSeq = 0;
let invSeq = 0;
async function contractFor(customerId: string, ownerId: string, currency = 'EUR'): Promise<string> {
  const id = newId('ctr');
  ctrSeq += 1;
  await t.sql(`insert into contract (id, number, customer_id, title, value, currency, start_date, status, instalments, owner_id, signed_at)
    values (?, ?, ?, 'Fixture contract', 10000, ?, '2026-01-01', 'SIGNED', '[{"dueDate":"2026-12-31"}]'::jsonb, ?, now())`,
  [id, `CT-P${String(ctrSeq).padStart(5, '0')}`, customerId, currency, ownerId]);
  return id;
}
async function receivableFor(customerId: string, link: { contractId?: string; orderId?: string }, amount: string, issuedOn: string, currency = 'EUR'): Promise<string> {
  const id = newId('rcv');
  invSeq += 1;
  await t.sql(`insert into receivable (id, number, customer_id, contract_id, instalment, order_id, description, currency, amount, issued_on, due_date)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::date, ?::date + 30)`,
  [id, `INV-P${String(invSeq).padStart(5, '0')}`, customerId, link.contractId ?? null, link.contractId ? invSeq : null, link.orderId ?? null,
    `Fixture ${invSeq}`, currency, amount, issuedOn, issuedOn]);
  return id;
}
async function paymentFor(customerId: string, amount: string, receivedOn: string, currency = 'EUR', reference: string | null = null): Promise<string> {
  const id = newId('pay');
  await t.sql(`insert into payment (id, customer_id, amount, currency, received_on, method, reference, recorded_by) values (?, ?, ?, ?, ?::date, 'BANK_TRANSFER', ?, 'usr_fixture')`,
    [id, customerId, amount, currency, receivedOn, reference]);
  return id;
}
async function orderFor(customerId: string, billToId: string, total: string, createdAt: string, currency = 'EUR'): Promise<string> {
  const id = newId('ord');
  await t.sql(`insert into sales_order (id, customer_id, bill_to_id, payment_terms, channel, status, currency, subtotal, total, created_by, created_at, updated_at)
    values (?, ?, ?, 'ON_ACCOUNT', 'PARTNER', 'PENDING', ?, ?, ?, 'usr_fixture', ?::timestamptz, ?::timestamptz)`,
  [id, customerId, billToId, currency, total, total, createdAt, createdAt]);
  return id;
}

// ------------------------------------------------------------------------------ the world

let adminId: string;
let rep1Id: string;
let rep2Id: string;
let pA: string; // the demo dealer (partner@demo.crm), owned by rep2
let pB: string; // a second seeded dealer
let rep1Customer: string;
let directCustomer: string;
let keyA: Caller;
let userB: Caller;
let integration: Caller;

beforeAll(async () => {
  t = await startTestApp({ customers: 40 });
  const users = await t.sql<{ id: string; email: string }>(`select id, email from app_user`);
  const userId = (email: string) => users.find((u) => u.email === email)!.id;
  adminId = userId('admin@demo.crm');
  rep1Id = userId('rep1@demo.crm');
  rep2Id = userId('rep2@demo.crm');
  [{ id: pA }] = await t.sql<{ id: string }>(`select partner_customer_id as id from app_user where email = 'partner@demo.crm'`);
  [{ id: pB }] = await t.sql<{ id: string }>(`select id from customer where is_partner and id <> ? order by created_at, id limit 1`, [pA]);
  [{ id: rep1Customer }] = await t.sql<{ id: string }>(`select id from customer where owner_id = ? and not is_partner order by created_at, id limit 1`, [rep1Id]);
  [{ id: directCustomer }] = await t.sql<{ id: string }>(`select id from customer where owner_id = ? and not is_partner and id <> ? order by created_at, id limit 1`, [rep2Id, rep1Customer]);
  await t.sql(`update customer set credit_limit = '100000', credit_currency = 'EUR' where id in (?, ?)`, [pA, pB]);
  await t.sql(`insert into product (id, sku, name, category, list_price, cost, options_schema) values (?, 'PART-1', 'Spare part', 'Parts', 10.00, 4.00, '{}')`, [newId('prd')]);
  // every read scope a partner key can hold: isolation is then the record scope's alone
  keyA = await partnerKey(pA, ['orders:write', 'customers:read', 'finance:read', 'cases:read', 'products:read']);
  userB = await partnerUser(pB, 'partner-b@demo.crm');
  const made = ok(await t.gql(CREATE_KEY, { input: { name: 'shop', role: 'INTEGRATION', scopes: ['customers:read', 'customers:write'] } }, 'ADMIN')).createApiKey;
  integration = { apiKey: made.secret };
});
afterAll(async () => { await t.close(); });

// ------------------------------------------------------------------------------ resoldById

describe('resoldById', () => {
  it('links a new customer to a partner: audited, and Customer.resoldBy / resoldById read it back', async () => {
    const c = await createCustomer({ name: 'Resold Shop One', kind: 'BUSINESS', resoldById: pA });
    expect(c.resoldById).toBe(pA);
    const [row] = await t.sql<{ resold_by_id: string }>('select resold_by_id from customer where id = ?', [c.id]);
    expect(row.resold_by_id).toBe(pA);
    const [audit] = await t.sql<{ changes: any }>(`select changes from audit_event where entity_id = ? and action = 'CREATE'`, [c.id]);
    const changes = typeof audit.changes === 'string' ? JSON.parse(audit.changes) : audit.changes;
    expect(changes).toEqual(expect.arrayContaining([{ field: 'resoldById', old: null, new: pA }]));
    const read = ok(await t.gql(`query($id: ID!) { customer(id: $id) { resoldById resoldBy { id isPartner } } }`, { id: c.id }, 'ADMIN')).customer;
    expect(read).toEqual({ resoldById: pA, resoldBy: { id: pA, isPartner: true } });
  });

  it('refuses a non-partner, an unknown or invisible customer, itself, a malformed id and API keys, naming input.resoldById and writing nothing', async () => {
    const before = await count('customer');
    const bad = async (resoldById: string, who: Who | Caller = 'ADMIN') =>
      errorsOf(ok(await t.gql(CREATE, { i: { name: 'Refused', kind: 'BUSINESS', resoldById, ...(typeof who === 'string' ? {} : { ownerId: rep1Id }) } }, who)).createCustomer);
    const at = (code: string) => [{ code, field: ['input', 'resoldById'] }];
    expect(await bad(rep1Customer)).toEqual(at('VALIDATION')); // not a partner
    expect(await bad(`cus_${'0'.repeat(32)}`)).toEqual(at('NOT_FOUND'));
    expect(await bad('nope')).toEqual(at('VALIDATION'));
    expect(await bad(pA, 'SALES_REP')).toEqual(at('NOT_FOUND')); // rep1 cannot see rep2's dealer
    expect(await bad(pA, integration)).toEqual(at('FORBIDDEN'));
    expect(await count('customer')).toBe(before);

    const c = await createCustomer({ name: 'Self Check', kind: 'BUSINESS', isPartner: true });
    const self = ok(await t.gql(UPDATE, { i: { id: c.id, version: c.version, resoldById: c.id } }, 'ADMIN')).updateCustomer;
    expect(errorsOf(self)).toEqual(at('VALIDATION'));
    const [row] = await t.sql<{ resold_by_id: string | null; version: number }>('select resold_by_id, version from customer where id = ?', [c.id]);
    expect(row).toEqual({ resold_by_id: null, version: c.version });
  });

  it('lets a rep link their own customer to a partner they can see, and clear it; each change audited', async () => {
    const partner = await createCustomer({ name: 'Rep Dealer', kind: 'BUSINESS', isPartner: true, channelType: 'ONLINE' }, 'SALES_REP');
    const c = await createCustomer({ name: 'Rep Customer', kind: 'BUSINESS' }, 'SALES_REP');
    const linked = ok(await t.gql(UPDATE, { i: { id: c.id, version: c.version, resoldById: partner.id } }, 'SALES_REP')).updateCustomer;
    expect(linked.errors).toEqual([]);
    expect(linked.customer).toMatchObject({ resoldById: partner.id, resoldBy: { id: partner.id, name: 'Rep Dealer' }, version: c.version + 1 });
    const cleared = ok(await t.gql(UPDATE, { i: { id: c.id, version: c.version + 1, resoldById: null } }, 'SALES_REP')).updateCustomer;
    expect(cleared.customer).toMatchObject({ resoldById: null, resoldBy: null });
    const audits = await t.sql<{ changes: any }>(`select changes from audit_event where entity_id = ? and action = 'UPDATE' order by at`, [c.id]);
    const parsed = audits.map((a) => (typeof a.changes === 'string' ? JSON.parse(a.changes) : a.changes));
    expect(parsed).toEqual([[{ field: 'resoldById', old: null, new: partner.id }], [{ field: 'resoldById', old: partner.id, new: null }]]);
  });

  it('keeps a partner a partner while it still resells to customers', async () => {
    const partner = await createCustomer({ name: 'Busy Dealer', kind: 'BUSINESS', isPartner: true });
    await createCustomer({ name: 'Busy Dealer Client', kind: 'BUSINESS', resoldById: partner.id });
    const res = ok(await t.gql(UPDATE, { i: { id: partner.id, version: partner.version, isPartner: false } }, 'ADMIN')).updateCustomer;
    expect(errorsOf(res)).toEqual([{ code: 'BUSINESS_RULE', field: ['input', 'isPartner'] }]);
    expect((await t.sql('select is_partner from customer where id = ?', [partner.id]))[0].is_partner).toBe(true);
  });

  it('shows resoldBy to staff and to the partner, resoldById to staff only, neither to INTEGRATION keys; filters by resoldById', async () => {
    const c = await createCustomer({ name: 'Visible Resold', kind: 'BUSINESS', resoldById: pA });
    const q = `query($id: ID!) { customer(id: $id) { id resoldBy { id } resoldById } }`;
    expect(ok(await t.gql(q, { id: c.id }, 'SERVICE_AGENT')).customer).toEqual({ id: c.id, resoldBy: { id: pA }, resoldById: pA });
    const asPartner = await t.gql(q, { id: c.id }, 'PARTNER');
    expect(asPartner.body.data.customer).toEqual({ id: c.id, resoldBy: { id: pA }, resoldById: null });
    expect(errorAt(asPartner)).toEqual([{ code: 'FORBIDDEN', path: 'customer.resoldById' }]);
    const asKey = await t.gql(q, { id: c.id }, integration);
    expect(asKey.body.data.customer).toEqual({ id: c.id, resoldBy: null, resoldById: null });
    expect(errorAt(asKey).map((e) => e.code)).toEqual(['FORBIDDEN', 'FORBIDDEN']);

    const list = ok(await t.gql(`query($p: ID!) { customers(first: 100, filter: { resoldById: { eq: $p } }) { edges { node { id } } } }`, { p: pA }, 'ADMIN')).customers;
    const expected = (await t.sql<{ id: string }>('select id from customer where resold_by_id = ? and deleted_at is null', [pA])).map((r) => r.id).sort();
    expect(list.edges.map((e: any) => e.node.id).sort()).toEqual(expected);
    expect(expected).toContain(c.id);
  });

  it('batches Customer.resoldBy: the same statements for 1 and 3 customers', async () => {
    await createCustomer({ name: 'Batch Resold 1', kind: 'BUSINESS', resoldById: pA });
    await createCustomer({ name: 'Batch Resold 2', kind: 'BUSINESS', resoldById: pB });
    const q = (n: number) => `{ customers(first: ${n}, filter: { resoldById: { isNull: false } }) { edges { node { id resoldById resoldBy { id name } } } } }`;
    const three = ok(await t.gql(q(3), {}, 'ADMIN')).customers.edges;
    expect(three).toHaveLength(3);
    for (const e of three) expect(e.node.resoldBy.id).toBe(e.node.resoldById);
    const few = await t.countQueries(() => t.gql(q(1), {}, 'ADMIN'));
    const many = await t.countQueries(() => t.gql(q(3), {}, 'ADMIN'));
    expect(many).toBe(few);
  });
});

// ------------------------------------------------------------------------------ isolation sweep

describe('partner isolation', () => {
  const w: Record<string, string> = {};

  beforeAll(async () => {
    w.rA = (await createCustomer({ name: 'Client of A', kind: 'BUSINESS', resoldById: pA, emails: [{ label: 'info', address: 'client-a@example.com' }] })).id;
    w.rB = (await createCustomer({ name: 'Client of B', kind: 'BUSINESS', resoldById: pB, emails: [{ label: 'info', address: 'client-b@example.com' }] })).id;
    const push = async (who: Who | Caller, customer: Record<string, unknown>) => {
      const res = ok(await t.gql(PUSH, {
        i: { idempotencyKey: `iso-${seq += 1}`, channel: 'partner', currency: 'EUR', customer, lines: [{ sku: 'PART-1', quantity: 2, unitPrice: '10.00' }] },
      }, who)).pushOrder;
      expect(res.errors).toEqual([]);
      return res.order;
    };
    const oA1 = await push('PARTNER', { customerId: w.rA });
    expect(oA1).toMatchObject({ customerId: w.rA, billToId: pA, paymentTerms: 'ON_ACCOUNT', status: 'PENDING', total: '20.00' });
    w.oA1 = oA1.id;
    w.oA2 = (await push(keyA, { customerId: pA })).id;
    const oB = await push(userB, { customerId: w.rB });
    expect(oB).toMatchObject({ customerId: w.rB, billToId: pB });
    w.oB = oB.id;
    w.oB2 = (await push(userB, { customerId: pB })).id;
    w.oDirect = (await push('ADMIN', { customerId: rep1Customer })).id;
    w.ctrA = await contractFor(pA, rep2Id);
    w.ctrB = await contractFor(pB, rep2Id);
    w.ctrDirect = await contractFor(rep1Customer, rep1Id);
    w.rcvA = await receivableFor(pA, { contractId: w.ctrA }, '500.00', '2026-01-15');
    w.rcvB = await receivableFor(pB, { contractId: w.ctrB }, '700.00', '2026-01-15');
    w.rcvDirect = await receivableFor(rep1Customer, { contractId: w.ctrDirect }, '900.00', '2026-01-15');
    w.payA = await paymentFor(pA, '100.00', '2026-01-20');
    w.payB = await paymentFor(pB, '200.00', '2026-01-20');
    w.payDirect = await paymentFor(rep1Customer, '300.00', '2026-01-20');
    w.crhB = newId('crh');
    await t.sql(`insert into credit_hold (id, customer_id, order_id, amount, currency, exposure, credit_limit, credit_currency, reason)
      values (?, ?, ?, 20, 'EUR', 0, 100000, 'EUR', 'OVER_LIMIT')`, [w.crhB, pB, w.oB2]);
    w.craB = newId('cra');
    await t.sql(`insert into credit_assessment (id, customer_id, rating, credit_limit, currency, assessed_by) values (?, ?, 'B', 100000, 'EUR', ?)`, [w.craB, pB, adminId]);
    [{ id: w.userB }] = await t.sql<{ id: string }>(`select id from app_user where email = 'partner-b@demo.crm'`);
    [{ id: w.auditB }] = await t.sql<{ id: string }>(`select id from audit_event where customer_id = ? limit 1`, [pB]);
  });

  const theirs = () => ({
    customer: [pB, w.rB, rep1Customer, directCustomer],
    order: [w.oB, w.oB2, w.oDirect],
    contract: [w.ctrB, w.ctrDirect],
    receivable: [w.rcvB, w.rcvDirect],
    payment: [w.payB, w.payDirect],
  });

  for (const who of ['user', 'key'] as const) {
    const as = () => (who === 'user' ? 'PARTNER' : keyA);

    it(`gets null (no error, no hint) for every record of another partner or customer by id (partner ${who})`, async () => {
      for (const [field, ids] of Object.entries(theirs())) {
        for (const id of ids) {
          const res = await t.gql(`query($id: ID!) { ${field}(id: $id) { id } }`, { id }, as());
          expect({ field, id, codes: codes(res), data: res.body.data }).toEqual({ field, id, codes: [], data: { [field]: null } });
        }
      }
      // Credit holds are not for partners at all.
      expect(codes(await t.gql(`query($id: ID!) { creditHold(id: $id) { id } }`, { id: w.crhB }, as()))).toEqual(['FORBIDDEN']);
      // Its own records are there (the same queries can succeed).
      for (const [field, id] of [['customer', pA], ['customer', w.rA], ['order', w.oA1], ['contract', w.ctrA], ['receivable', w.rcvA], ['payment', w.payA]]) {
        expect(ok(await t.gql(`query($id: ID!) { ${field}(id: $id) { id } }`, { id }, as()))[field].id).toBe(id);
      }
    });

    it(`resolves none of them through node and nodes (partner ${who})`, async () => {
      const foreign = [...Object.values(theirs()).flat(), w.crhB, w.craB, w.userB, w.auditB, adminId];
      for (const id of foreign) {
        const res = await t.gql(`query($id: ID!) { node(id: $id) { id } }`, { id }, as());
        expect({ id, codes: codes(res), data: res.body.data }).toEqual({ id, codes: [], data: { node: null } });
      }
      const mine = [pA, w.rA, w.oA1, w.oA2, w.ctrA, w.rcvA, w.payA];
      const res = ok(await t.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: [...foreign, ...mine] }, as())).nodes;
      expect(res.slice(0, foreign.length)).toEqual(foreign.map(() => null));
      expect(res.slice(foreign.length).map((n: any) => n?.id)).toEqual(mine);
    });

    it(`lists only its own account and resold customers (partner ${who})`, async () => {
      const ids = async (field: string, extra = '') =>
        (ok(await t.gql(`{ ${field}(first: 100) { totalCount edges { node { id ${extra} } } } }`, {}, as()))[field]);
      const customers = await ids('customers');
      const allowed = (await t.sql<{ id: string }>('select id from customer where (id = ? or resold_by_id = ?) and deleted_at is null', [pA, pA])).map((r) => r.id).sort();
      expect(customers.edges.map((e: any) => e.node.id).sort()).toEqual(allowed);
      expect(customers.totalCount).toBe(allowed.length);

      const orders = await ids('orders', 'customerId billToId');
      const orderIds = orders.edges.map((e: any) => e.node.id);
      expect(orderIds).toEqual(expect.arrayContaining([w.oA1, w.oA2]));
      for (const e of orders.edges) expect(allowed).toContain(e.node.customerId);
      for (const id of theirs().order) expect(orderIds).not.toContain(id);
      expect(orders.totalCount).toBe(orders.edges.length);

      for (const [field, own, other] of [['contracts', w.ctrA, theirs().contract], ['receivables', w.rcvA, theirs().receivable], ['payments', w.payA, theirs().payment]] as const) {
        const list = await ids(field, 'customerId');
        expect(list.edges.map((e: any) => e.node.id)).toContain(own);
        for (const e of list.edges) expect({ field, customerId: e.node.customerId }).toEqual({ field, customerId: pA });
        for (const id of other) expect(list.edges.map((e: any) => e.node.id)).not.toContain(id);
        expect(list.totalCount).toBe(list.edges.length);
      }
    });

    it(`nests only its own records under its customers (partner ${who})`, async () => {
      const q = `query($id: ID!) { customer(id: $id) { id
        orders(first: 100) { edges { node { id customerId } } }
        contracts(first: 100) { edges { node { id customerId } } }
        receivables(first: 100) { edges { node { id customerId } } }
        payments(first: 100) { edges { node { id customerId } } } } }`;
      const own = ok(await t.gql(q, { id: pA }, as())).customer;
      expect(own.orders.edges.map((e: any) => e.node.id)).toContain(w.oA2);
      expect(own.orders.edges.every((e: any) => e.node.customerId === pA)).toBe(true);
      for (const f of ['contracts', 'receivables', 'payments']) {
        expect(own[f].edges.length).toBeGreaterThan(0);
        expect(own[f].edges.every((e: any) => e.node.customerId === pA)).toBe(true);
      }
      const resold = ok(await t.gql(q, { id: w.rA }, as())).customer;
      expect(resold.orders.edges.map((e: any) => e.node.id)).toEqual([w.oA1]);
      // The money side of a resold customer's own account is not the partner's.
      for (const f of ['contracts', 'receivables', 'payments']) expect(resold[f].edges).toEqual([]);
    });
  }

  it('refuses a push naming another partner\'s customer by id, and makes a new customer of its own for its e-mail', async () => {
    const before = { orders: await count('sales_order'), customers: await count('customer') };
    const [rBBefore] = await t.sql('select name, emails::text as emails, resold_by_id, version, updated_at from customer where id = ?', [w.rB]);
    const byId = ok(await t.gql(PUSH, { i: { idempotencyKey: `iso-${seq += 1}`, channel: 'partner', currency: 'EUR', customer: { customerId: w.rB }, lines: [{ sku: 'PART-1', quantity: 1, unitPrice: '10.00' }] } }, 'PARTNER')).pushOrder;
    expect(errorsOf(byId)).toEqual([{ code: 'NOT_FOUND', field: ['input', 'customer', 'customerId'] }]);
    expect(await count('sales_order')).toBe(before.orders);
    expect(await count('customer')).toBe(before.customers);

    const byEmail = ok(await t.gql(PUSH, { i: { idempotencyKey: `iso-${seq += 1}`, channel: 'partner', currency: 'EUR', customer: { email: 'client-b@example.com', name: 'Client of B (via A)', kind: 'BUSINESS' }, lines: [{ sku: 'PART-1', quantity: 1, unitPrice: '10.00' }] } }, keyA)).pushOrder;
    expect(byEmail.errors).toEqual([]);
    expect(byEmail.order.customerId).not.toBe(w.rB);
    expect(byEmail.order.billToId).toBe(pA);
    const [created] = await t.sql('select resold_by_id, owner_id, source from customer where id = ?', [byEmail.order.customerId]);
    expect(created).toEqual({ resold_by_id: pA, owner_id: rep2Id, source: 'PARTNER' });
    const [rBAfter] = await t.sql('select name, emails::text as emails, resold_by_id, version, updated_at from customer where id = ?', [w.rB]);
    expect(rBAfter).toEqual(rBBefore);
  });

  it('shows the partner its own credit limit but no internal fields, and no credit of its customers', async () => {
    const own = await t.gql(`query($id: ID!) { customer(id: $id) { id creditLimit creditCurrency customAttributes history(first: 5) { totalCount } } }`, { id: pA }, 'PARTNER');
    expect(own.body.data.customer).toEqual({ id: pA, creditLimit: '100000.00', creditCurrency: 'EUR', customAttributes: null, history: null });
    expect(errorAt(own).sort((a, b) => a.path!.localeCompare(b.path!))).toEqual([{ code: 'FORBIDDEN', path: 'customer.customAttributes' }, { code: 'FORBIDDEN', path: 'customer.history' }]);
    const resold = await t.gql(`query($id: ID!) { customer(id: $id) { creditLimit } }`, { id: w.rA }, 'PARTNER');
    expect(resold.body.data.customer).toEqual({ creditLimit: null });
    expect(errorAt(resold)).toEqual([{ code: 'FORBIDDEN', path: 'customer.creditLimit' }]);
    const product = await t.gql(`{ products(first: 5) { edges { node { sku cost } } } }`, {}, 'PARTNER');
    expect(product.body.data.products.edges.length).toBeGreaterThan(0);
    expect(product.body.data.products.edges.every((e: any) => e.node.cost === null)).toBe(true);
    expect(new Set(codes(product))).toEqual(new Set(['FORBIDDEN']));
  });
});

// ------------------------------------------------------------------------------ statements

const STATEMENT_FIELDS = `accountId currency from to openingBalance billed paid closingBalance lineCount orderCount truncated
  lines { kind date reference description debit credit balance receivableId paymentId }
  orders { id customerId billToId total currency }`;
const MY = `query($from: LocalDate!, $to: LocalDate!, $currency: String) { myStatement(from: $from, to: $to, currency: $currency) { ${STATEMENT_FIELDS} } }`;
const ACCOUNT = `query($id: ID!, $from: LocalDate!, $to: LocalDate!, $currency: String) { accountStatement(customerId: $id, from: $from, to: $to, currency: $currency) { ${STATEMENT_FIELDS} } }`;

describe('statements', () => {
  let s: string; // the account (a partner owned by rep1)
  let sClient: string;
  let sUser: Caller;
  let sKey: Caller;
  const f: Record<string, string> = {};

  beforeAll(async () => {
    s = (await createCustomer({ name: 'Statement Dealer', kind: 'BUSINESS', isPartner: true, ownerId: rep1Id })).id;
    sClient = (await createCustomer({ name: 'Statement Client', kind: 'BUSINESS', resoldById: s, ownerId: rep1Id })).id;
    sUser = await partnerUser(s, 'partner-s@demo.crm');
    sKey = await partnerKey(s, ['customers:read', 'finance:read']);
    const ctr = await contractFor(s, rep1Id);
    f.R1 = await receivableFor(s, { contractId: ctr }, '1000.00', '2026-01-10');
    f.P1 = await paymentFor(s, '400.00', '2026-01-31');
    f.R2 = await receivableFor(s, { contractId: ctr }, '250.50', '2026-02-01');
    f.R6 = await receivableFor(s, { contractId: ctr }, '5.00', '2026-02-28');
    f.P2 = await paymentFor(s, '300.25', '2026-02-28', 'EUR', 'BANK-REF-2');
    f.R4 = await receivableFor(s, { contractId: ctr }, '40.00', '2026-02-20', 'USD');
    f.P3 = await paymentFor(s, '100.00', '2026-03-01');
    f.R3 = await receivableFor(s, { contractId: ctr }, '99.99', '2026-03-03');
    f.R5 = await receivableFor(s, { contractId: ctr }, '10.00', '2026-04-01');
    f.O1 = await orderFor(sClient, s, '120.00', '2026-02-10T12:00:00Z');
    f.O2 = await orderFor(s, s, '30.00', '2026-02-28T23:59:59.999Z');
    f.O3 = await orderFor(sClient, s, '45.00', '2026-03-01T00:00:00Z');
    f.O4 = await orderFor(sClient, s, '40.00', '2026-02-15T08:00:00Z', 'USD');
    f.O5 = await orderFor(s, pA, '99.00', '2026-02-11T08:00:00Z'); // billed to someone else: not on s's statement
  });

  const inv = (id: string) => ({ receivableId: id, paymentId: null, kind: 'RECEIVABLE', credit: null });
  const pay = (id: string) => ({ paymentId: id, receivableId: null, kind: 'PAYMENT', debit: null });

  it('reconciles two consecutive periods against hand numbers, per currency', async () => {
    const feb = ok(await t.gql(MY, { from: '2026-02-01', to: '2026-02-28' }, sUser)).myStatement;
    expect(feb.map((x: any) => x.currency)).toEqual(['EUR', 'USD']);
    const [febEur, febUsd] = feb;
    expect(febEur).toMatchObject({
      accountId: s, from: '2026-02-01', to: '2026-02-28',
      openingBalance: '600.00', billed: '255.50', paid: '300.25', closingBalance: '555.25', lineCount: 3, orderCount: 2, truncated: false,
    });
    expect(febEur.lines).toEqual([
      { ...inv(f.R2), date: '2026-02-01', reference: expect.stringMatching(/^INV-P/), description: expect.any(String), debit: '250.50', balance: '850.50' },
      { ...inv(f.R6), date: '2026-02-28', reference: expect.stringMatching(/^INV-P/), description: expect.any(String), debit: '5.00', balance: '855.50' },
      { ...pay(f.P2), date: '2026-02-28', reference: 'BANK-REF-2', description: 'Payment (BANK_TRANSFER)', credit: '300.25', balance: '555.25' },
    ]);
    expect(febEur.orders.map((o: any) => o.id)).toEqual([f.O1, f.O2]);
    expect(febEur.orders.every((o: any) => o.billToId === s && o.currency === 'EUR')).toBe(true);
    expect(febUsd).toMatchObject({ openingBalance: '0.00', billed: '40.00', paid: '0.00', closingBalance: '40.00', lineCount: 1, orderCount: 1 });
    expect(febUsd.lines).toEqual([{ ...inv(f.R4), date: '2026-02-20', reference: expect.any(String), description: expect.any(String), debit: '40.00', balance: '40.00' }]);
    expect(febUsd.orders.map((o: any) => o.id)).toEqual([f.O4]);

    const mar = ok(await t.gql(MY, { from: '2026-03-01', to: '2026-03-31' }, sUser)).myStatement;
    const [marEur, marUsd] = mar;
    expect(marEur).toMatchObject({ openingBalance: '555.25', billed: '99.99', paid: '100.00', closingBalance: '555.24', lineCount: 2, orderCount: 1 });
    expect(marEur.openingBalance).toBe(febEur.closingBalance);
    expect(marEur.lines.map((l: any) => [l.date, l.debit ?? `-${l.credit}`, l.balance])).toEqual([['2026-03-01', '-100.00', '455.25'], ['2026-03-03', '99.99', '555.24']]);
    expect(marEur.orders.map((o: any) => o.id)).toEqual([f.O3]);
    // A currency with a balance but no movement in the period still has its statement.
    expect(marUsd).toMatchObject({ currency: 'USD', openingBalance: '40.00', billed: '0.00', paid: '0.00', closingBalance: '40.00', lineCount: 0, lines: [], orders: [] });

    // closing = opening + billed − paid, and equals the balance computed directly at `to`.
    for (const st of [...feb, ...mar]) {
      const [direct] = await t.sql<{ balance: string }>(`select (
          coalesce((select sum(amount) from receivable where customer_id = ? and currency = ? and issued_on <= ?::date), 0)
          - coalesce((select sum(amount) from payment where customer_id = ? and currency = ? and received_on <= ?::date), 0))::numeric(18, 2)::text as balance`,
      [s, st.currency, st.to, s, st.currency, st.to]);
      expect(st.closingBalance).toBe(direct.balance);
      const cents = (v: string) => Math.round(Number(v) * 100);
      expect(cents(st.openingBalance) + cents(st.billed) - cents(st.paid)).toBe(cents(st.closingBalance));
    }
  });

  it('gives FINANCE, ADMIN and the owning rep the same statement through accountStatement; the partner key through myStatement', async () => {
    const vars = { from: '2026-02-01', to: '2026-02-28' };
    const mine = ok(await t.gql(MY, vars, sUser)).myStatement;
    expect(ok(await t.gql(MY, vars, sKey)).myStatement).toEqual(mine);
    for (const who of ['FINANCE', 'ADMIN', 'SALES_REP', 'SALES_MANAGER'] as const) {
      expect(ok(await t.gql(ACCOUNT, { id: s, ...vars }, who)).accountStatement).toEqual(mine);
    }
    expect(codes(await t.gql(ACCOUNT, { id: s, ...vars }, 'SALES_REP_2'))).toEqual(['NOT_FOUND']);
    expect(codes(await t.gql(ACCOUNT, { id: `cus_${'0'.repeat(32)}`, ...vars }, 'FINANCE'))).toEqual(['NOT_FOUND']);
    expect(codes(await t.gql(ACCOUNT, { id: 'garbage', ...vars }, 'FINANCE'))).toEqual(['NOT_FOUND']);
  });

  it('lists on a rep\'s accountStatement only the orders the rep may read (not those of a resold customer outside their scope)', async () => {
    const elsewhere = (await createCustomer({ name: 'Client of rep2', kind: 'BUSINESS', resoldById: s, ownerId: rep2Id })).id;
    const foreign = await orderFor(elsewhere, s, '70.00', '2026-08-10T12:00:00Z');
    const own = await orderFor(sClient, s, '20.00', '2026-08-11T12:00:00Z');
    const vars = { from: '2026-08-01', to: '2026-08-31', currency: 'EUR' };
    const ordersOf = async (who: Who | Caller) => {
      const data = ok(who === sUser ? await t.gql(MY, vars, who) : await t.gql(ACCOUNT, { id: s, ...vars }, who));
      const [eur] = data.myStatement ?? data.accountStatement;
      return { orderCount: eur.orderCount, orders: eur.orders.map((o: any) => o.id) };
    };
    for (const who of ['FINANCE', 'ADMIN', sUser] as const) expect(await ordersOf(who)).toEqual({ orderCount: 2, orders: [foreign, own] });
    expect(ok(await t.gql(`query($id: ID!) { order(id: $id) { id } }`, { id: foreign }, 'SALES_REP')).order).toBeNull();
    expect(await ordersOf('SALES_REP')).toEqual({ orderCount: 1, orders: [own] });
  });

  it('limits myStatement to partners and accountStatement to finance and sales', async () => {
    const vars = { from: '2026-02-01', to: '2026-02-28' };
    for (const who of ['ADMIN', 'FINANCE', 'SALES_MANAGER', 'SALES_REP', 'SERVICE_AGENT', 'MARKETING', 'ANALYST'] as const) {
      expect({ who, codes: codes(await t.gql(MY, vars, who)) }).toEqual({ who, codes: ['FORBIDDEN'] });
    }
    expect(codes(await t.gql(MY, vars, integration))).toEqual(['FORBIDDEN']);
    for (const who of ['PARTNER', 'SERVICE_AGENT', 'MARKETING', 'ANALYST'] as const) {
      expect({ who, codes: codes(await t.gql(ACCOUNT, { id: s, ...vars }, who)) }).toEqual({ who, codes: ['FORBIDDEN'] });
    }
    expect(codes(await t.gql(ACCOUNT, { id: s, ...vars }, sUser))).toEqual(['FORBIDDEN']);
    expect(codes(await t.gql(ACCOUNT, { id: pA, ...vars }, keyA))).toEqual(['FORBIDDEN']);
    // Each partner only ever gets its own account.
    const other = ok(await t.gql(MY, { from: '2026-01-01', to: '2026-12-31' }, 'PARTNER')).myStatement;
    expect(other.length).toBeGreaterThan(0);
    expect(other.every((x: any) => x.accountId === pA)).toBe(true);
  });

  it('filters by currency, and answers zeros for a currency without movements', async () => {
    const usd = ok(await t.gql(MY, { from: '2026-02-01', to: '2026-02-28', currency: 'usd' }, sUser)).myStatement;
    expect(usd.map((x: any) => [x.currency, x.closingBalance])).toEqual([['USD', '40.00']]);
    const gbp = ok(await t.gql(MY, { from: '2026-02-01', to: '2026-02-28', currency: 'GBP' }, sUser)).myStatement;
    expect(gbp).toEqual([{
      accountId: s, currency: 'GBP', from: '2026-02-01', to: '2026-02-28', openingBalance: '0.00', billed: '0.00', paid: '0.00', closingBalance: '0.00',
      lineCount: 0, orderCount: 0, truncated: false, lines: [], orders: [],
    }]);
    const none = ok(await t.gql(MY, { from: '2025-01-01', to: '2025-12-31' }, sUser)).myStatement;
    expect(none).toEqual([]);
  });

  it('refuses periods that are reversed or longer than 366 days, and bad currencies, naming the argument', async () => {
    const bad = async (vars: Record<string, unknown>) => (await t.gql(MY, vars, sUser)).body.errors!.map((e) => ({ code: e.extensions?.code, field: e.extensions?.field }));
    expect(await bad({ from: '2026-03-01', to: '2026-02-28' })).toEqual([{ code: 'BAD_USER_INPUT', field: 'to' }]);
    expect(await bad({ from: '2025-01-01', to: '2026-01-02' })).toEqual([{ code: 'BAD_USER_INPUT', field: 'to' }]); // 367 days
    expect(await bad({ from: '2026-02-01', to: '2026-02-28', currency: 'EURO' })).toEqual([{ code: 'BAD_USER_INPUT', field: 'currency' }]);
    expect(codes(await t.gql(MY, { from: '2026-02-30', to: '2026-03-31' }, sUser))).toEqual(['BAD_USER_INPUT']);
    // 366 days (a leap year, or two dates a year apart) is allowed.
    expect(ok(await t.gql(MY, { from: '2024-01-01', to: '2024-12-31' }, sUser)).myStatement).toEqual([]);
    const year = ok(await t.gql(MY, { from: '2026-01-01', to: '2027-01-01' }, sUser)).myStatement;
    expect(year.map((x: any) => [x.currency, x.openingBalance, x.closingBalance])).toEqual([['EUR', '0.00', '565.24'], ['USD', '0.00', '40.00']]);
  });

  it('caps lines and orders at the earliest 500 per currency, keeping totals whole and balances right', async () => {
    const big = (await createCustomer({ name: 'Busy Account', kind: 'BUSINESS', ownerId: rep1Id })).id;
    await t.sql(`insert into payment (id, customer_id, amount, currency, received_on, method, recorded_by)
      select 'pay_' || md5('cap' || g), ?, 1.00, 'EUR', date '2026-05-01' + (g % 28), 'CASH', 'usr_fixture' from generate_series(1, 501) g`, [big]);
    await t.sql(`insert into sales_order (id, customer_id, bill_to_id, channel, status, currency, subtotal, total, created_by, created_at, updated_at)
      select 'ord_' || md5('cap' || g), ?, ?, 'WEB', 'PENDING', 'EUR', 1, 1, 'usr_fixture', timestamptz '2026-05-01T00:00:00Z' + g * interval '1 minute', now()
      from generate_series(1, 501) g`, [sClient, big]);
    const st = ok(await t.gql(ACCOUNT, { id: big, from: '2026-05-01', to: '2026-05-31' }, 'FINANCE')).accountStatement;
    expect(st).toHaveLength(1);
    const [eur] = st;
    expect(eur).toMatchObject({ openingBalance: '0.00', billed: '0.00', paid: '501.00', closingBalance: '-501.00', lineCount: 501, orderCount: 501, truncated: true });
    expect(eur.lines).toHaveLength(500);
    expect(eur.orders).toHaveLength(500);
    expect(eur.lines[499].balance).toBe('-500.00');
    const dates = eur.lines.map((l: any) => l.date);
    expect([...dates].sort()).toEqual(dates);
    expect(dates[499] <= '2026-05-28').toBe(true);
    expect(eur.orders[0].id).toBe((await t.sql(`select id from sales_order where bill_to_id = ? order by created_at limit 1`, [big]))[0].id);
  });

  it('orders lines of one day by document number and instalment, not by id (instalments of one signing share their instant)', async () => {
    const acct = (await createCustomer({ name: 'Instalment Account', kind: 'BUSINESS', ownerId: rep1Id })).id;
    const contract = await contractFor(acct, rep1Id);
    // One statement: the three rows get the same created_at; their ids run against their numbers.
    await t.sql(`insert into receivable (id, number, customer_id, contract_id, instalment, description, currency, amount, issued_on, due_date) values
      ('rcv_zz3', 'INV-I00001', ?, ?, 1, 'CT instalment 1 of 3', 'EUR', 100.00, '2026-07-01', '2026-07-31'),
      ('rcv_zz2', 'INV-I00002', ?, ?, 2, 'CT instalment 2 of 3', 'EUR', 200.00, '2026-07-01', '2026-08-31'),
      ('rcv_zz1', 'INV-I00003', ?, ?, 3, 'CT instalment 3 of 3', 'EUR', 300.00, '2026-07-01', '2026-09-30')`,
    [acct, contract, acct, contract, acct, contract]);
    await paymentFor(acct, '50.00', '2026-07-01', 'EUR', 'PAY-1');
    const [eur] = ok(await t.gql(ACCOUNT, { id: acct, from: '2026-07-01', to: '2026-07-31' }, 'FINANCE')).accountStatement;
    expect(eur.lines.map((l: any) => [l.reference, l.debit, l.credit, l.balance])).toEqual([
      ['INV-I00001', '100.00', null, '100.00'],
      ['INV-I00002', '200.00', null, '300.00'],
      ['INV-I00003', '300.00', null, '600.00'],
      ['PAY-1', null, '50.00', '550.00'],
    ]);
  });

  it('costs the same statements for a small and a large statement with nested fields', async () => {
    const big = (await t.sql<{ id: string }>(`select id from customer where name = 'Busy Account'`))[0]?.id;
    expect(big).toBeDefined();
    const [order] = await t.sql<{ id: string }>(`select id from sales_order where bill_to_id = ? order by created_at limit 1`, [big]);
    await receivableFor(big, { orderId: order.id }, '7.00', '2026-05-02');
    const q = `query($id: ID!) { accountStatement(customerId: $id, from: "2026-01-01", to: "2026-06-30") {
      currency account { id name } lines { kind receivable { id } payment { id } } orders { id customer { id name } lines { sku } } } }`;
    const small = ok(await t.gql(q, { id: s }, 'FINANCE')).accountStatement;
    const large = ok(await t.gql(q, { id: big }, 'FINANCE')).accountStatement;
    expect(small[0].lines.length).toBeLessThan(large[0].lines.length);
    expect(small[0].account).toEqual({ id: s, name: 'Statement Dealer' });
    expect(small[0].orders[0].customer).toEqual({ id: sClient, name: 'Statement Client' });
    const few = await t.countQueries(() => t.gql(q, { id: s }, 'FINANCE'));
    const many = await t.countQueries(() => t.gql(q, { id: big }, 'FINANCE'));
    expect(many).toBe(few);
  });
});
