import { randomUUID } from 'node:crypto';
import { codes, startTestApp, type Caller, type GqlResult, type TestApp, type Who } from './helpers';
import { insertCustomer, insertReceivable, type ReceivableFixture } from './support/finance-fixtures';

/**
 * Payments through HTTP: recordPayment (oldest-first allocation, explicit split, overpayment,
 * settling, OVERDUE kept while partly paid, currency and customer checks, validation naming the
 * field, nothing written on any error, concurrent payments never over-allocate, audit), who may
 * record, and the reads (payments, payment, node, Customer.payments, allocations, record scope,
 * the partner's own account, the internal note).
 */

let t: TestApp;
let ids: Record<string, string>;
let partnerCust: string;
let integrationKey: Caller;

const ok = (res: GqlResult) => {
  if (res.body.errors) throw new Error(`unexpected errors: ${JSON.stringify(res.body.errors)}`);
  return res.body.data;
};
const hex = () => randomUUID().replace(/-/g, '');

const newCustomer = (owner: string, name = 'Payer') => insertCustomer(t, owner, name);
const newReceivable = (customerId: string, f: ReceivableFixture) => insertReceivable(t, customerId, ids.admin, f);

const PAYMENT = 'id customerId amount currency receivedOn method reference note createdAt recordedBy { id } customer { id } allocations { amount receivableId paymentId receivable { id status outstanding } }';
const RECORD = `mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { payment { ${PAYMENT} } errors { code message field } } }`;

async function record(i: Record<string, unknown>, who: Who | Caller = 'FINANCE') {
  return ok(await t.gql(RECORD, { i }, who)).recordPayment as { payment: any; errors: { code: string; message: string; field: string[] | null }[] };
}
async function recorded(i: Record<string, unknown>, who: Who | Caller = 'FINANCE') {
  const res = await record(i, who);
  expect(res.errors).toEqual([]);
  return res.payment;
}
const pay = (customerId: string, amount: string, extra: Record<string, unknown> = {}) =>
  ({ customerId, amount, currency: 'EUR', receivedOn: '2026-03-01', method: 'BANK_TRANSFER', ...extra });
const errorsOf = (res: { errors: { code: string; field: string[] | null }[] }) => res.errors.map((e) => ({ code: e.code, field: e.field }));

async function stateOf(customerId: string) {
  return t.sql<{ id: string; paid: string; status: string; settled: boolean; version: number }>(`select id, paid_amount::text as paid, status,
    settled_at is not null as settled, version from receivable where customer_id = ? order by id`, [customerId]);
}
async function counts() {
  const [row] = await t.sql<{ p: number; a: number; e: number }>(`select (select count(*) from payment)::int as p,
    (select count(*) from payment_allocation)::int as a, (select count(*) from audit_event)::int as e`);
  return { p: Number(row.p), a: Number(row.a), e: Number(row.e) };
}

beforeAll(async () => {
  t = await startTestApp({ customers: 4 });
  ids = {};
  for (const u of await t.sql<{ id: string; email: string }>('select id, email from app_user')) ids[u.email.split('@')[0]] = u.id;
  [{ id: partnerCust }] = await t.sql<{ id: string }>(`select partner_customer_id as id from app_user where email = 'partner@demo.crm'`);
  const made = ok(await t.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`,
    { input: { name: 'shop', role: 'INTEGRATION', scopes: ['customers:read', 'orders:write'] } }, 'ADMIN')).createApiKey;
  integrationKey = { apiKey: made.secret };
});
afterAll(async () => { await t.close(); });

describe('recordPayment', () => {
  it('without allocations pays the oldest receivables first (due date, issue date, number), the last one partly', async () => {
    const c = await newCustomer(ids.rep1);
    // inserted out of order on purpose: the order comes from due date, then issue date, then number
    const third = await newReceivable(c, { amount: '300.00', dueDate: '2026-02-10', issuedOn: '2026-01-20', number: 'PAY-A00001' });
    const second = await newReceivable(c, { amount: '200.00', dueDate: '2026-02-10', issuedOn: '2026-01-05', number: 'PAY-A00002' });
    const first = await newReceivable(c, { amount: '100.00', dueDate: '2026-01-10' });
    const fourth = await newReceivable(c, { amount: '50.00', dueDate: '2026-02-10', issuedOn: '2026-01-20', number: 'PAY-A00003' });
    const dollars = await newReceivable(c, { amount: '999.00', currency: 'USD', dueDate: '2025-12-01' });
    const done = await newReceivable(c, { amount: '10.00', dueDate: '2025-11-01', status: 'SETTLED' });
    const before = await counts();

    const p = await recorded(pay(c, '450.00', { reference: 'BANK-4711', note: 'first instalments' }));
    expect(p).toMatchObject({
      customerId: c, amount: '450.00', currency: 'EUR', receivedOn: '2026-03-01', method: 'BANK_TRANSFER', reference: 'BANK-4711',
      note: 'first instalments', recordedBy: { id: ids.finance }, customer: { id: c },
    });
    expect(p.id).toMatch(/^pay_[0-9a-f]{32}$/);
    expect(p.allocations).toEqual([
      { amount: '100.00', receivableId: first, paymentId: p.id, receivable: { id: first, status: 'SETTLED', outstanding: '0.00' } },
      { amount: '200.00', receivableId: second, paymentId: p.id, receivable: { id: second, status: 'SETTLED', outstanding: '0.00' } },
      { amount: '150.00', receivableId: third, paymentId: p.id, receivable: { id: third, status: 'OPEN', outstanding: '150.00' } },
    ]);
    const state = new Map((await stateOf(c)).map((s) => [s.id, s]));
    expect(state.get(first)).toMatchObject({ paid: '100.00', status: 'SETTLED', settled: true, version: 2 });
    expect(state.get(second)).toMatchObject({ paid: '200.00', status: 'SETTLED', settled: true });
    expect(state.get(third)).toMatchObject({ paid: '150.00', status: 'OPEN', settled: false, version: 2 });
    expect(state.get(fourth)).toMatchObject({ paid: '0.00', status: 'OPEN', version: 1 });
    expect(state.get(dollars)).toMatchObject({ paid: '0.00', version: 1 });
    expect(state.get(done)).toMatchObject({ paid: '10.00', version: 1 });

    // audited: the payment (CREATE) and each receivable (UPDATE of paidAmount / status), in the customer's history
    const after = await counts();
    expect(after).toEqual({ p: before.p + 1, a: before.a + 3, e: before.e + 4 });
    const history = ok(await t.gql(`query($id: ID!) { customer(id: $id) { history(first: 10) { edges { node {
        entityType entityId action actor { id } changes { field oldValue newValue } } } } } }`, { id: c }, 'FINANCE')).customer.history.edges.map((e: any) => e.node);
    expect(history.find((h: any) => h.entityType === 'Payment')).toMatchObject({ entityId: p.id, action: 'CREATE', actor: { id: ids.finance } });
    const third3 = history.find((h: any) => h.entityType === 'Receivable' && h.entityId === third);
    expect(third3).toMatchObject({ action: 'UPDATE', changes: [{ field: 'paidAmount', oldValue: '0.00', newValue: '150.00' }] });
    const first1 = history.find((h: any) => h.entityType === 'Receivable' && h.entityId === first);
    expect(first1.changes).toEqual([
      { field: 'paidAmount', oldValue: '0.00', newValue: '100.00' }, { field: 'status', oldValue: 'OPEN', newValue: 'SETTLED' },
    ]);
  });

  it('applies an explicit split exactly as given', async () => {
    const c = await newCustomer(ids.rep2);
    const old = await newReceivable(c, { amount: '100.00', dueDate: '2026-01-10' });
    const young = await newReceivable(c, { amount: '80.00', dueDate: '2026-05-10' });
    const p = await recorded(pay(c, '105.50', { method: 'CHEQUE', allocations: [{ receivableId: young, amount: '80' }, { receivableId: old, amount: '25.50' }] }));
    // listed in the order they apply (due date), whatever the order given
    expect(p.allocations.map((a: any) => [a.receivableId, a.amount])).toEqual([[old, '25.50'], [young, '80.00']]);
    const state = new Map((await stateOf(c)).map((s) => [s.id, s]));
    expect(state.get(old)).toMatchObject({ paid: '25.50', status: 'OPEN' });
    expect(state.get(young)).toMatchObject({ paid: '80.00', status: 'SETTLED', settled: true });
  });

  it('refuses an overpayment on input.amount and writes nothing', async () => {
    const c = await newCustomer(ids.rep1);
    await newReceivable(c, { amount: '100.00', dueDate: '2026-01-10' });
    await newReceivable(c, { amount: '50.00', dueDate: '2026-02-10', paid: '20.00' });
    await newReceivable(c, { amount: '500.00', currency: 'USD', dueDate: '2026-02-10' });
    const before = { counts: await counts(), state: await stateOf(c) };
    const res = await record(pay(c, '130.01'));
    expect(res.payment).toBeNull();
    expect(errorsOf(res)).toEqual([{ code: 'BUSINESS_RULE', field: ['input', 'amount'] }]);
    expect(res.errors[0].message).toMatch(/overpayment/i);
    expect(res.errors[0].message).toContain('130.00');
    // also with explicit allocations, and in a currency nothing is owed in
    expect(errorsOf(await record(pay(c, '131.00', { allocations: [{ receivableId: (before.state[0]).id, amount: '131.00' }] }))))
      .toEqual([{ code: 'BUSINESS_RULE', field: ['input', 'amount'] }]);
    expect(errorsOf(await record(pay(c, '1.00', { currency: 'GBP' })))).toEqual([{ code: 'BUSINESS_RULE', field: ['input', 'amount'] }]);
    expect(await counts()).toEqual(before.counts);
    expect(await stateOf(c)).toEqual(before.state);
    // exactly what is owed is fine
    const p = await recorded(pay(c, '130.00'));
    expect(p.allocations.map((a: any) => a.amount)).toEqual(['100.00', '30.00']);
  });

  it('settles a receivable paid in full: SETTLED, settledAt, gone from `open: true`; OVERDUE stays OVERDUE while partly paid', async () => {
    const c = await newCustomer(ids.rep1);
    const late = await newReceivable(c, { amount: '200.00', dueDate: '2026-01-10', status: 'OVERDUE' });
    const LIST = `query($id: ID!) { customer(id: $id) { receivables(filter: { open: true }) { totalCount edges { node { id status paidAmount outstanding settledAt dunningStage } } } } }`;
    await recorded(pay(c, '120.00'));
    let open = ok(await t.gql(LIST, { id: c }, 'SALES_REP')).customer.receivables;
    expect(open.edges.map((e: any) => e.node)).toEqual([{ id: late, status: 'OVERDUE', paidAmount: '120.00', outstanding: '80.00', settledAt: null, dunningStage: 'NOTICE' }]);
    const p = await recorded(pay(c, '80.00', { method: 'CASH', receivedOn: '2026-03-02' }));
    expect(p.allocations).toEqual([{ amount: '80.00', receivableId: late, paymentId: p.id, receivable: { id: late, status: 'SETTLED', outstanding: '0.00' } }]);
    open = ok(await t.gql(LIST, { id: c }, 'SALES_REP')).customer.receivables;
    expect(open).toEqual({ totalCount: 0, edges: [] });
    const settled = ok(await t.gql(`query($id: ID!) { receivable(id: $id) { status paidAmount outstanding settledAt allocations { amount payment { method } } } }`, { id: late }, 'FINANCE')).receivable;
    expect(settled).toMatchObject({ status: 'SETTLED', paidAmount: '200.00', outstanding: '0.00' });
    expect(Date.now() - new Date(settled.settledAt).getTime()).toBeLessThan(60_000);
    expect(settled.allocations).toEqual([{ amount: '120.00', payment: { method: 'BANK_TRANSFER' } }, { amount: '80.00', payment: { method: 'CASH' } }]);
    // nothing is left to pay
    expect(errorsOf(await record(pay(c, '0.01')))).toEqual([{ code: 'BUSINESS_RULE', field: ['input', 'amount'] }]);
  });

  it('checks every allocation and names it: currency, another customer, settled, unknown, twice, too much, the sum', async () => {
    const c = await newCustomer(ids.rep1);
    const other = await newCustomer(ids.rep2);
    const eur = await newReceivable(c, { amount: '100.00', dueDate: '2026-01-10' });
    const eur2 = await newReceivable(c, { amount: '100.00', dueDate: '2026-01-11' });
    const usd = await newReceivable(c, { amount: '100.00', currency: 'USD', dueDate: '2026-01-10' });
    const paidOff = await newReceivable(c, { amount: '100.00', dueDate: '2026-01-10', status: 'SETTLED' });
    const foreign = await newReceivable(other, { amount: '100.00', dueDate: '2026-01-10' });
    const before = { counts: await counts(), state: await stateOf(c), otherState: await stateOf(other) };
    const at = (i: number, field: string) => ['input', 'allocations', String(i), field];

    expect(errorsOf(await record(pay(c, '10.00', { allocations: [{ receivableId: usd, amount: '10.00' }] }))))
      .toEqual([{ code: 'VALIDATION', field: at(0, 'receivableId') }]);
    expect(errorsOf(await record(pay(c, '20.00', { allocations: [{ receivableId: eur, amount: '10.00' }, { receivableId: foreign, amount: '10.00' }] }))))
      .toEqual([{ code: 'VALIDATION', field: at(1, 'receivableId') }]);
    expect(errorsOf(await record(pay(c, '10.00', { allocations: [{ receivableId: paidOff, amount: '10.00' }] }))))
      .toEqual([{ code: 'BUSINESS_RULE', field: at(0, 'receivableId') }]);
    expect(errorsOf(await record(pay(c, '10.00', { allocations: [{ receivableId: `rcv_${hex()}`, amount: '10.00' }] }))))
      .toEqual([{ code: 'NOT_FOUND', field: at(0, 'receivableId') }]);
    expect(errorsOf(await record(pay(c, '20.00', { allocations: [{ receivableId: eur, amount: '10.00' }, { receivableId: eur, amount: '10.00' }] }))))
      .toEqual([{ code: 'VALIDATION', field: at(1, 'receivableId') }]);
    expect(errorsOf(await record(pay(c, '150.00', { allocations: [{ receivableId: eur2, amount: '40.00' }, { receivableId: eur, amount: '110.00' }] }))))
      .toEqual([{ code: 'BUSINESS_RULE', field: at(1, 'amount') }]);
    expect(errorsOf(await record(pay(c, '30.00', { allocations: [{ receivableId: eur, amount: '10.00' }, { receivableId: eur2, amount: '10.00' }] }))))
      .toEqual([{ code: 'VALIDATION', field: ['input', 'allocations'] }]);
    // several at once are all reported
    expect(errorsOf(await record(pay(c, '30.00', { allocations: [
      { receivableId: usd, amount: '10.00' }, { receivableId: eur, amount: '10.00' }, { receivableId: foreign, amount: '10.00' },
    ] })))).toEqual([{ code: 'VALIDATION', field: at(0, 'receivableId') }, { code: 'VALIDATION', field: at(2, 'receivableId') }]);

    expect(await counts()).toEqual(before.counts);
    expect(await stateOf(c)).toEqual(before.state);
    expect(await stateOf(other)).toEqual(before.otherState);
  });

  it('validates the input, naming the field, and writes nothing', async () => {
    const c = await newCustomer(ids.rep1);
    const rcv = await newReceivable(c, { amount: '100.00', dueDate: '2026-01-10' });
    const before = await counts();
    const bad = async (i: Record<string, unknown>) => errorsOf(await record(i));
    expect(await bad(pay(c, '0'))).toEqual([{ code: 'VALIDATION', field: ['input', 'amount'] }]);
    expect(await bad(pay(c, '1.001'))).toEqual([{ code: 'VALIDATION', field: ['input', 'amount'] }]);
    expect(await bad(pay(c, '-5'))).toEqual([{ code: 'VALIDATION', field: ['input', 'amount'] }]);
    expect(await bad(pay(c, '5', { currency: 'EURO' }))).toEqual([{ code: 'VALIDATION', field: ['input', 'currency'] }]);
    expect(await bad(pay(c, '5', { receivedOn: '2999-01-01' }))).toEqual([{ code: 'VALIDATION', field: ['input', 'receivedOn'] }]);
    expect(await bad(pay(c, '5', { reference: '' }))).toEqual([{ code: 'VALIDATION', field: ['input', 'reference'] }]);
    expect(await bad(pay(c, '5', { reference: 'x'.repeat(101) }))).toEqual([{ code: 'VALIDATION', field: ['input', 'reference'] }]);
    expect(await bad(pay(c, '5', { allocations: [] }))).toEqual([{ code: 'VALIDATION', field: ['input', 'allocations'] }]);
    expect(await bad(pay(c, '5', { allocations: [{ receivableId: rcv, amount: '0' }] }))).toEqual([{ code: 'VALIDATION', field: ['input', 'allocations', '0', 'amount'] }]);
    expect(await bad(pay(c, '5', { allocations: [{ receivableId: 'nope', amount: '5' }] }))).toEqual([{ code: 'VALIDATION', field: ['input', 'allocations', '0', 'receivableId'] }]);
    expect(await bad(pay('cus_x', '5'))).toEqual([{ code: 'VALIDATION', field: ['input', 'customerId'] }]);
    expect(await bad(pay(`cus_${hex()}`, '5'))).toEqual([{ code: 'NOT_FOUND', field: ['input', 'customerId'] }]);
    await t.sql(`update customer set deleted_at = now() where id = ?`, [c]);
    expect(await bad(pay(c, '5'))).toEqual([{ code: 'NOT_FOUND', field: ['input', 'customerId'] }]);
    await t.sql(`update customer set deleted_at = null where id = ?`, [c]);
    // a float is refused by the Decimal scalar itself
    expect(codes(await t.gql(RECORD, { i: pay(c, 5.5 as unknown as string) }, 'FINANCE'))).toEqual(['BAD_USER_INPUT']);
    expect(await counts()).toEqual(before);
    // lower-case currency is normalised
    expect((await recorded(pay(c, '5', { currency: 'eur' }))).currency).toBe('EUR');
  });

  it('two concurrent payments that together exceed what is owed: one is refused, the totals stay consistent', async () => {
    const c = await newCustomer(ids.rep1);
    await newReceivable(c, { amount: '100.00', dueDate: '2026-01-10' });
    await newReceivable(c, { amount: '100.00', dueDate: '2026-01-11' });
    const results = await Promise.all([record(pay(c, '150.00')), record(pay(c, '150.00'))]);
    const okOnes = results.filter((r) => r.errors.length === 0);
    const refused = results.filter((r) => r.errors.length > 0);
    expect(okOnes).toHaveLength(1);
    expect(refused.map(errorsOf)).toEqual([[{ code: 'BUSINESS_RULE', field: ['input', 'amount'] }]]);
    const [sums] = await t.sql<{ paid: string; allocated: string; payments: number }>(`select
      (select sum(paid_amount)::text from receivable where customer_id = ?) as paid,
      (select sum(a.amount)::text from payment_allocation a join payment p on p.id = a.payment_id where p.customer_id = ?) as allocated,
      (select count(*)::int from payment where customer_id = ?) as payments`, [c, c, c]);
    expect(sums).toEqual({ paid: '150.00', allocated: '150.00', payments: 1 });

    // five at once for what is left (50): exactly one of them gets through, the rest are overpayments
    const five = await Promise.all([1, 2, 3, 4, 5].map(() => record(pay(c, '30.00'))));
    expect(five.filter((r) => r.errors.length === 0)).toHaveLength(1);
    const again = await Promise.all([1, 2, 3].map(() => record(pay(c, '10.00'))));
    expect(again.filter((r) => r.errors.length === 0)).toHaveLength(2);
    const [final] = await t.sql<{ paid: string; allocated: string }>(`select
      (select sum(paid_amount)::text from receivable where customer_id = ?) as paid,
      (select sum(a.amount)::text from payment_allocation a join payment p on p.id = a.payment_id where p.customer_id = ?) as allocated`, [c, c]);
    expect(final).toEqual({ paid: '200.00', allocated: '200.00' });
    expect((await stateOf(c)).map((s) => s.status)).toEqual(['SETTLED', 'SETTLED']);
  });

  it('is for FINANCE and ADMIN only', async () => {
    const c = await newCustomer(ids.rep1);
    await newReceivable(c, { amount: '100.00', dueDate: '2026-01-10' });
    const before = await counts();
    for (const who of ['SALES_MANAGER', 'SALES_REP', 'SERVICE_AGENT', 'MARKETING', 'ANALYST', 'PARTNER'] as const) {
      expect(codes(await t.gql(RECORD, { i: pay(c, '10.00') }, who))).toEqual(['FORBIDDEN']);
    }
    expect(codes(await t.gql(RECORD, { i: pay(c, '10.00') }, integrationKey))).toEqual(['FORBIDDEN']);
    expect(codes(await t.gql(RECORD, { i: pay(c, '10.00') }, null))).toEqual(['UNAUTHENTICATED']);
    expect(await counts()).toEqual(before);
    const byAdmin = await recorded(pay(c, '10.00'), 'ADMIN');
    expect(byAdmin.recordedBy).toEqual({ id: ids.admin });
  });
});

describe('reading payments', () => {
  let c1: string;
  let c2: string;
  const p: Record<string, any> = {};
  const LIST = `query($f: PaymentFilter, $o: [PaymentOrderBy!], $first: Int, $after: String) { payments(filter: $f, orderBy: $o, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id customerId amount currency receivedOn method } } } }`;
  const list = async (vars: Record<string, unknown>, who: Who | Caller = 'FINANCE') => ok(await t.gql(LIST, vars, who)).payments;
  const idsOf = (conn: any) => conn.edges.map((e: any) => e.node.id);

  beforeAll(async () => {
    c1 = await newCustomer(ids.rep1, 'Reader one');
    c2 = await newCustomer(ids.rep2, 'Reader two');
    await newReceivable(c1, { amount: '1000.00', dueDate: '2026-01-10' });
    await newReceivable(c1, { amount: '1000.00', currency: 'USD', dueDate: '2026-01-10' });
    await newReceivable(c2, { amount: '1000.00', dueDate: '2026-01-10' });
    await newReceivable(partnerCust, { amount: '1000.00', dueDate: '2026-01-10' });
    p.a = await recorded(pay(c1, '100.00', { receivedOn: '2026-02-01', method: 'CARD' }));
    p.b = await recorded(pay(c1, '300.00', { receivedOn: '2026-03-01' }));
    p.c = await recorded(pay(c1, '200.00', { receivedOn: '2026-02-15', currency: 'USD', method: 'CARD' }));
    p.d = await recorded(pay(c2, '50.00', { receivedOn: '2026-02-20' }));
    p.partner = await recorded(pay(partnerCust, '75.00', { receivedOn: '2026-02-20', note: 'internal: paid late again' }));
  });

  it('lists the most recently received first, filters and orders', async () => {
    const f = { customerId: { eq: c1 } };
    const all = await list({ f });
    expect(all.totalCount).toBe(3);
    expect(idsOf(all)).toEqual([p.b.id, p.c.id, p.a.id]);
    expect(all.edges[1].node).toEqual({ id: p.c.id, customerId: c1, amount: '200.00', currency: 'USD', receivedOn: '2026-02-15', method: 'CARD' });
    expect(idsOf(await list({ f: { ...f, method: { eq: 'CARD' } } }))).toEqual([p.c.id, p.a.id]);
    expect(idsOf(await list({ f: { ...f, currency: { eq: 'EUR' } } }))).toEqual([p.b.id, p.a.id]);
    expect(idsOf(await list({ f: { ...f, amount: { gt: '100', lte: '300' } } }))).toEqual([p.b.id, p.c.id]);
    expect(idsOf(await list({ f: { ...f, receivedOn: { lt: '2026-03-01' } } }))).toEqual([p.c.id, p.a.id]);
    expect(idsOf(await list({ f: { or: [{ id: { eq: p.a.id } }, { id: { eq: p.d.id } }] } }))).toEqual([p.d.id, p.a.id]);
    expect(idsOf(await list({ f, o: [{ field: 'AMOUNT', direction: 'ASC' }] }))).toEqual([p.a.id, p.c.id, p.b.id]);
    expect(idsOf(await list({ f, o: [{ field: 'CREATED_AT', direction: 'ASC' }] }))).toEqual([p.a.id, p.b.id, p.c.id]);
    const page1 = await list({ f, first: 2 });
    expect(page1.pageInfo.hasNextPage).toBe(true);
    expect(idsOf(await list({ f, first: 2, after: page1.pageInfo.endCursor }))).toEqual([p.a.id]);
  });

  it('payment(id), node(id) and Customer.payments with allocations', async () => {
    const one = ok(await t.gql(`query($id: ID!) { payment(id: $id) { ${PAYMENT} } }`, { id: p.b.id }, 'SALES_REP')).payment;
    expect(one).toMatchObject({ id: p.b.id, amount: '300.00', customer: { id: c1 }, recordedBy: { id: ids.finance } });
    expect(one.allocations.map((a: any) => a.amount)).toEqual(['300.00']);
    const node = ok(await t.gql(`query($id: ID!) { node(id: $id) { id ... on Payment { amount } } }`, { id: p.a.id }, 'SALES_MANAGER')).node;
    expect(node).toEqual({ id: p.a.id, amount: '100.00' });
    const nested = ok(await t.gql(`query($id: ID!) { customer(id: $id) { payments(first: 2, filter: { currency: { eq: "EUR" } }) { totalCount
      edges { node { id allocations { receivable { id currency } } } } } } }`, { id: c1 }, 'SALES_REP')).customer.payments;
    expect(nested.totalCount).toBe(2);
    expect(nested.edges.map((e: any) => e.node.id)).toEqual([p.b.id, p.a.id]);
    expect(nested.edges[0].node.allocations[0].receivable.currency).toBe('EUR');
  });

  it('record scope: another rep gets null by id, lists leave them out; roles outside are FORBIDDEN', async () => {
    expect(ok(await t.gql(`query($id: ID!) { payment(id: $id) { id } }`, { id: p.a.id }, 'SALES_REP_2')).payment).toBeNull();
    expect(ok(await t.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: p.a.id }, 'SALES_REP_2')).node).toBeNull();
    const rep2 = await list({ first: 100 }, 'SALES_REP_2');
    expect(idsOf(rep2)).toContain(p.d.id);
    expect(idsOf(rep2)).not.toContain(p.a.id);
    expect((await list({ f: { customerId: { eq: c1 } } }, 'SALES_REP_2')).totalCount).toBe(0);
    for (const who of ['SERVICE_AGENT', 'MARKETING', 'ANALYST'] as const) {
      expect(codes(await t.gql(LIST, {}, who))).toEqual(['FORBIDDEN']);
      expect(codes(await t.gql(`query($id: ID!) { payment(id: $id) { id } }`, { id: p.a.id }, who))).toEqual(['FORBIDDEN']);
    }
    expect(codes(await t.gql(LIST, {}, integrationKey))).toEqual(['FORBIDDEN']);
    const agent = await t.gql(`query($id: ID!) { customer(id: $id) { id payments { totalCount } } }`, { id: c1 }, 'SERVICE_AGENT');
    expect(agent.body.data.customer).toEqual({ id: c1, payments: null });
    expect(codes(agent)).toEqual(['FORBIDDEN']);
  });

  it('a partner sees its own account\'s payments only, without the internal note', async () => {
    const mine = await list({ first: 100 }, 'PARTNER');
    expect(idsOf(mine)).toContain(p.partner.id);
    expect(mine.edges.every((e: any) => e.node.customerId === partnerCust)).toBe(true);
    expect(ok(await t.gql(`query($id: ID!) { payment(id: $id) { id } }`, { id: p.a.id }, 'PARTNER')).payment).toBeNull();
    const own = await t.gql(`query($id: ID!) { payment(id: $id) { id amount note allocations { amount receivable { id customerId } } } }`, { id: p.partner.id }, 'PARTNER');
    expect(own.body.data.payment).toMatchObject({ id: p.partner.id, amount: '75.00', note: null });
    expect(own.body.data.payment.allocations).toEqual([{ amount: '75.00', receivable: { id: expect.stringMatching(/^rcv_/), customerId: partnerCust } }]);
    expect(codes(own)).toEqual(['FORBIDDEN']);
    expect(own.body.errors![0].path).toEqual(['payment', 'note']);
    // FINANCE reads the note
    expect(ok(await t.gql(`query($id: ID!) { payment(id: $id) { note } }`, { id: p.partner.id }, 'FINANCE')).payment.note).toBe('internal: paid late again');
  });
});
