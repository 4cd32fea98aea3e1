import { randomUUID } from 'node:crypto';
import { codes, startTestApp, type Caller, type GqlResult, type TestApp, type Who } from './helpers';

/**
 * Credit "3+1" through HTTP: assessCredit (history, customer terms, audit with redaction), the credit
 * check of ON_ACCOUNT order pushes (no limit, over the limit, currency mismatch, under the limit),
 * exposure against hand numbers, approveCredit / rejectCredit (orders and contracts, twice, stale
 * version, roles), creditHolds (order, filter, scope), field visibility of exposure and available
 * credit (reps, partners), concurrent pushes around the limit, and statement counts.
 */

let t: TestApp;
const ids: Record<string, string> = {};

const ok = (res: GqlResult) => {
  if (res.body.errors) throw new Error(`unexpected errors: ${JSON.stringify(res.body.errors)}`);
  return res.body.data;
};
const hex = () => randomUUID().replace(/-/g, '');
/** Error codes keyed by path, e.g. "customer.creditExposure" → "FORBIDDEN". */
const errorsAt = (res: GqlResult) => new Map((res.body.errors ?? []).map((e) => [(e.path ?? []).join('.'), e.extensions?.code]));
const errorsOf = (p: { errors: any[] }) => p.errors.map((e) => ({ code: e.code, field: e.field }));

const ASSESS = `mutation($i: AssessCreditInput!) { assessCredit(input: $i) {
  assessment { id customerId rating limit currency note assessedAt assessedBy { email } }
  customer { id creditRating creditLimit creditCurrency version }
  errors { code message field } } }`;
const HOLD = 'id customerId amount currency exposure creditLimit creditCurrency reason status decidedAt decisionNote version createdAt '
  + 'order { id status } contract { id } decidedBy { email } customer { id }';
const APPROVE = `mutation($i: ApproveCreditInput!) { approveCredit(input: $i) { creditHold { ${HOLD} } errors { code message field } } }`;
const REJECT = `mutation($i: RejectCreditInput!) { rejectCredit(input: $i) { creditHold { ${HOLD} } errors { code message field } } }`;
const PUSH = `mutation($i: PushOrderInput!) { pushOrder(input: $i) { order { id status total } errors { code message field } } }`;
const HOLDS = `query($f: CreditHoldFilter, $first: Int, $after: String, $o: [CreditHoldOrderBy!]) {
  creditHolds(first: $first, after: $after, filter: $f, orderBy: $o) { totalCount pageInfo { hasNextPage endCursor } edges { node { ${HOLD} } } } }`;
const CREDIT = `query($id: ID!) { customer(id: $id) { id creditLimit creditCurrency creditExposure availableCredit } }`;

beforeAll(async () => {
  t = await startTestApp({ customers: 6 });
  for (const u of await t.sql<{ id: string; email: string }>('select id, email from app_user')) ids[u.email.split('@')[0]] = u.id;
  ids.partnerOwn = (await t.sql<{ id: string }>(`select partner_customer_id as id from app_user where email = 'partner@demo.crm'`))[0].id;
  await t.sql(`insert into product (id, sku, name, category, list_price, options_schema) values ('prd_${'c'.repeat(32)}', 'CRD-1', 'Credit widget', 'Widgets', 1, '{}')`);
  // the same widget for USD orders (a product is sold in its own currency only)
  await t.sql(`insert into product (id, sku, name, category, list_price, options_schema, currency) values ('prd_${'d'.repeat(32)}', 'CRD-USD', 'Credit widget', 'Widgets', 1, '{}', 'USD')`);
});
afterAll(async () => { await t.close(); });

/** A new business customer owned by the rep who creates it (rep1 unless told). */
async function newCustomer(name: string, who: Who = 'SALES_REP'): Promise<string> {
  const res = ok(await t.gql(`mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } errors { field message } } }`,
    { i: { name, kind: 'BUSINESS' } }, who)).createCustomer;
  expect(res.errors).toEqual([]);
  return res.customer.id;
}
async function assess(customerId: string, limit: string, currency = 'EUR', rating = 'B', note?: string, who: Who | Caller = 'FINANCE') {
  return ok(await t.gql(ASSESS, { i: { customerId, rating, limit, currency, note } }, who)).assessCredit;
}
let seq = 0;
/** Pushes an order of one line as ADMIN (ON_ACCOUNT unless told). */
async function push(customerId: string, amount: string, currency = 'EUR', paymentTerms = 'ON_ACCOUNT') {
  seq += 1;
  const res = ok(await t.gql(PUSH, { i: {
    idempotencyKey: `credit-${seq}-${hex()}`, channel: 'web', currency, customer: { customerId }, paymentTerms,
    lines: [{ sku: currency === 'USD' ? 'CRD-USD' : 'CRD-1', quantity: 1, unitPrice: amount }],
  } }, 'ADMIN')).pushOrder;
  expect(res.errors).toEqual([]);
  return res.order as { id: string; status: string; total: string };
}
async function holdOfOrder(orderId: string) {
  const [row] = await t.sql<{ id: string }>('select id from credit_hold where order_id = ?', [orderId]);
  return row?.id ?? null;
}
const orderStatus = async (id: string) => (await t.sql<{ status: string }>('select status from sales_order where id = ?', [id]))[0].status;
const holdRow = async (id: string) => (await t.sql<{ status: string; version: number; decided_by: string | null }>(
  'select status, version, decided_by from credit_hold where id = ?', [id]))[0];
const assessmentCount = async (customerId: string) =>
  Number((await t.sql<{ n: number }>('select count(*)::int as n from credit_assessment where customer_id = ?', [customerId]))[0].n);
async function exposureOf(customerId: string) {
  return ok(await t.gql(CREDIT, { id: customerId }, 'FINANCE')).customer as { creditLimit: string | null; creditExposure: string | null; availableCredit: string | null };
}
/** An open/overdue/settled receivable fixture (anchored on a PREPAID order of the customer, which never counts itself). */
async function receivable(customerId: string, amount: string, paid: string, currency = 'EUR', status = 'OPEN') {
  const anchor = await push(customerId, '1.00', 'EUR', 'PREPAID');
  await t.sql(`insert into receivable (id, number, customer_id, order_id, description, currency, amount, paid_amount, issued_on, due_date, status, settled_at)
    values (?, ?, ?, ?, 'fixture', ?, ?, ?, current_date, current_date + 30, ?, ${status === 'SETTLED' ? 'now()' : 'null'})`,
  [`rcv_${hex()}`, `TST-${hex().slice(0, 10)}`, customerId, anchor.id, currency, amount, paid, status]);
}

// ------------------------------------------------------------------------------------ assessCredit

describe('assessCredit', () => {
  it('records an assessment, sets the customer\'s rating, limit and currency, and keeps the history newest first', async () => {
    const c = await newCustomer('Assessed GmbH');
    const first = await assess(c, '5000', 'eur', 'B', 'Audited accounts');
    expect(first.errors).toEqual([]);
    expect(first.assessment).toMatchObject({ customerId: c, rating: 'B', limit: '5000.00', currency: 'EUR', note: 'Audited accounts', assessedBy: { email: 'finance@demo.crm' } });
    expect(first.assessment.id).toMatch(/^cra_[0-9a-f]{32}$/);
    expect(first.customer).toEqual({ id: c, creditRating: 'B', creditLimit: '5000.00', creditCurrency: 'EUR', version: 2 });
    const [row] = await t.sql<{ credit_rating: string; credit_limit: string; credit_currency: string; version: number }>(
      'select credit_rating, credit_limit::text as credit_limit, credit_currency, version from customer where id = ?', [c]);
    expect(row).toEqual({ credit_rating: 'B', credit_limit: '5000.00', credit_currency: 'EUR', version: 2 });

    const second = await assess(c, '8000.5', 'EUR', 'A');
    expect(second.customer).toMatchObject({ creditRating: 'A', creditLimit: '8000.50', version: 3 });
    expect(second.assessment.note).toBeNull();
    // the same terms again: a new assessment (a reconfirmation), the customer itself is unchanged
    const same = await assess(c, '8000.50', 'EUR', 'A', 'Reconfirmed');
    expect(same.customer.version).toBe(3);
    expect(await assessmentCount(c)).toBe(3);

    const history = ok(await t.gql(`query($id: ID!) { customer(id: $id) { creditAssessments(first: 2) { totalCount pageInfo { hasNextPage endCursor }
      edges { node { id rating limit note } } } } }`, { id: c }, 'FINANCE')).customer.creditAssessments;
    expect(history.totalCount).toBe(3);
    expect(history.edges.map((e: any) => e.node.id)).toEqual([same.assessment.id, second.assessment.id]);
    expect(history.pageInfo.hasNextPage).toBe(true);
    const rest = ok(await t.gql(`query($id: ID!, $after: String) { customer(id: $id) { creditAssessments(first: 2, after: $after) { edges { node { id rating limit } } } } }`,
      { id: c, after: history.pageInfo.endCursor }, 'FINANCE')).customer.creditAssessments;
    expect(rest.edges.map((e: any) => e.node)).toEqual([{ id: first.assessment.id, rating: 'B', limit: '5000.00' }]);
  });

  it('refuses bad input naming the field, and changes nothing', async () => {
    const c = await newCustomer('Invalid Input AG');
    const bad = async (i: Record<string, unknown>) =>
      errorsOf(ok(await t.gql(ASSESS, { i: { customerId: c, rating: 'C', limit: '100', currency: 'EUR', ...i } }, 'FINANCE')).assessCredit);
    expect(await bad({ limit: '-1' })).toEqual([{ code: 'VALIDATION', field: ['input', 'limit'] }]);
    expect(await bad({ limit: '1.001' })).toEqual([{ code: 'VALIDATION', field: ['input', 'limit'] }]);
    expect(await bad({ currency: 'XYZ' })).toEqual([{ code: 'VALIDATION', field: ['input', 'currency'] }]);
    expect(await bad({ note: 'n'.repeat(1001) })).toEqual([{ code: 'VALIDATION', field: ['input', 'note'] }]);
    expect(await bad({ customerId: 'cus_nope' })).toEqual([{ code: 'VALIDATION', field: ['input', 'customerId'] }]);
    expect(await bad({ customerId: `cus_${'0'.repeat(32)}` })).toEqual([{ code: 'NOT_FOUND', field: ['input', 'customerId'] }]);
    expect(await assessmentCount(c)).toBe(0);
    const [row] = await t.sql<{ credit_limit: string | null; version: number }>('select credit_limit, version from customer where id = ?', [c]);
    expect(row).toEqual({ credit_limit: null, version: 1 });
    // a deleted customer cannot be assessed
    await t.sql('update customer set deleted_at = now() where id = ?', [c]);
    expect(await bad({})).toEqual([{ code: 'NOT_FOUND', field: ['input', 'customerId'] }]);
    await t.sql('update customer set deleted_at = null where id = ?', [c]);
  });

  it('is for FINANCE only', async () => {
    const c = await newCustomer('Not Yours KG');
    for (const who of ['ADMIN', 'SALES_MANAGER', 'SALES_REP', 'SERVICE_AGENT', 'PARTNER'] as const) {
      expect(codes(await t.gql(ASSESS, { i: { customerId: c, rating: 'A', limit: '1000', currency: 'EUR' } }, who))).toEqual(['FORBIDDEN']);
    }
    expect(await assessmentCount(c)).toBe(0);
  });
});

// ------------------------------------------------------------------------------------ who sees assessments, audit

describe('assessment visibility and audit', () => {
  let c: string;
  let assessmentId: string;
  beforeAll(async () => {
    c = await newCustomer('Audited Credit Ltd'); // rep1's, in the manager's team
    await assess(c, '1000', 'EUR', 'C');
    assessmentId = (await assess(c, '2500', 'EUR', 'B', 'Better payment record')).assessment.id;
  });

  it('shows Customer.creditAssessments to FINANCE, SALES_MANAGER and ADMIN only', async () => {
    const q = `query($id: ID!) { customer(id: $id) { id creditAssessments(first: 5) { totalCount edges { node { id rating customerId assessedBy { email } } } } } }`;
    for (const who of ['FINANCE', 'SALES_MANAGER', 'ADMIN'] as const) {
      const data = ok(await t.gql(q, { id: c }, who)).customer.creditAssessments;
      expect(data.totalCount).toBe(2);
      expect(data.edges[0].node).toEqual({ id: assessmentId, rating: 'B', customerId: c, assessedBy: { email: 'finance@demo.crm' } });
    }
    for (const who of ['SALES_REP', 'SERVICE_AGENT', 'MARKETING'] as const) {
      const res = await t.gql(q, { id: c }, who);
      expect(res.body.data.customer).toEqual({ id: c, creditAssessments: null });
      expect(errorsAt(res).get('customer.creditAssessments')).toBe('FORBIDDEN');
    }
    // a partner on its own record
    await assess(ids.partnerOwn, '30000', 'EUR', 'A');
    const partner = await t.gql(q, { id: ids.partnerOwn }, 'PARTNER');
    expect(partner.body.data.customer.creditAssessments).toBeNull();
    expect(errorsAt(partner).get('customer.creditAssessments')).toBe('FORBIDDEN');
  });

  it('resolves node(id) of an assessment only within the credit readers\' scope', async () => {
    const q = `query($id: ID!) { node(id: $id) { id ... on CreditAssessment { rating limit } } }`;
    expect(ok(await t.gql(q, { id: assessmentId }, 'FINANCE')).node).toEqual({ id: assessmentId, rating: 'B', limit: '2500.00' });
    expect(ok(await t.gql(q, { id: assessmentId }, 'SALES_MANAGER')).node.id).toBe(assessmentId);
    for (const who of ['SALES_REP', 'SALES_REP_2', 'SERVICE_AGENT', 'PARTNER'] as const) expect(ok(await t.gql(q, { id: assessmentId }, who)).node).toBeNull();
  });

  it('writes the assessment into the customer\'s history: values for FINANCE, redacted for a rep', async () => {
    const q = `query($id: ID!) { customer(id: $id) { history(first: 50) { edges { node { action entityType entityId actor { email }
      changes { field oldValue newValue redacted } } } } } }`;
    const entries = async (who: Who) => (ok(await t.gql(q, { id: c }, who)).customer.history.edges as any[]).map((e) => e.node);
    const finance = await entries('FINANCE');
    const update = finance.find((e) => e.entityType === 'Customer' && e.action === 'UPDATE' && e.changes.some((ch: any) => ch.field === 'creditLimit' && ch.newValue === '2500.00'));
    expect(update).toBeDefined();
    expect(update.actor).toEqual({ email: 'finance@demo.crm' });
    expect(update.changes).toEqual(expect.arrayContaining([
      { field: 'creditRating', oldValue: 'C', newValue: 'B', redacted: false },
      { field: 'creditLimit', oldValue: '1000.00', newValue: '2500.00', redacted: false },
    ]));
    expect(update.changes.map((ch: any) => ch.field)).not.toContain('creditCurrency'); // unchanged
    const created = finance.find((e) => e.entityType === 'CreditAssessment' && e.entityId === assessmentId);
    expect(created).toMatchObject({ action: 'CREATE' });
    expect(created.changes).toEqual(expect.arrayContaining([{ field: 'limit', oldValue: null, newValue: '2500.00', redacted: false }]));
    // the owner rep sees that credit changed, not the values
    const rep = await entries('SALES_REP');
    const repUpdate = rep.find((e) => e.entityType === 'Customer' && e.action === 'UPDATE' && e.changes.some((ch: any) => ch.field === 'creditLimit'));
    expect(repUpdate.changes.filter((ch: any) => ch.field.startsWith('credit'))
      .every((ch: any) => ch.redacted && ch.oldValue === null && ch.newValue === null)).toBe(true);
    const repCreated = rep.find((e) => e.entityType === 'CreditAssessment' && e.entityId === assessmentId);
    expect(repCreated.changes.every((ch: any) => ch.redacted && ch.newValue === null)).toBe(true);
    expect(JSON.stringify(rep)).not.toContain('2500.00');
  });
});

// ------------------------------------------------------------------------------------ the credit check

describe('credit check of ON_ACCOUNT pushes', () => {
  it('holds an order of a customer without a limit (NO_CREDIT_LIMIT)', async () => {
    const c = await newCustomer('Never Assessed SA');
    const o = await push(c, '250.00');
    expect(o.status).toBe('PENDING_CREDIT_APPROVAL');
    const holdId = await holdOfOrder(o.id);
    expect(holdId).toMatch(/^crh_[0-9a-f]{32}$/);
    const hold = ok(await t.gql(`query($id: ID!) { creditHold(id: $id) { ${HOLD} } }`, { id: holdId }, 'FINANCE')).creditHold;
    expect(hold).toMatchObject({
      id: holdId, customerId: c, amount: '250.00', currency: 'EUR', exposure: '0.00', creditLimit: null, creditCurrency: null,
      reason: 'NO_CREDIT_LIMIT', status: 'PENDING', decidedAt: null, decisionNote: null, version: 1,
      order: { id: o.id, status: 'PENDING_CREDIT_APPROVAL' }, contract: null, decidedBy: null, customer: { id: c },
    });
  });

  it('lets an order under the limit through, holds one over it (OVER_LIMIT) and one in another currency (CURRENCY_MISMATCH)', async () => {
    const c = await newCustomer('Limited Trading BV');
    await assess(c, '1000', 'EUR');
    const under = await push(c, '400.00');
    expect(under.status).toBe('PENDING');
    expect(await holdOfOrder(under.id)).toBeNull();
    const exact = await push(c, '600.00'); // 400 + 600 = 1000: at the limit is fine
    expect(exact.status).toBe('PENDING');
    const over = await push(c, '0.01');
    expect(over.status).toBe('PENDING_CREDIT_APPROVAL');
    const overHold = ok(await t.gql(`query($id: ID!) { creditHold(id: $id) { ${HOLD} } }`, { id: await holdOfOrder(over.id) }, 'FINANCE')).creditHold;
    expect(overHold).toMatchObject({ reason: 'OVER_LIMIT', amount: '0.01', exposure: '1000.00', creditLimit: '1000.00', creditCurrency: 'EUR' });
    const usd = await push(c, '5.00', 'USD');
    expect(usd.status).toBe('PENDING_CREDIT_APPROVAL');
    const usdHold = ok(await t.gql(`query($id: ID!) { creditHold(id: $id) { reason currency amount } }`, { id: await holdOfOrder(usd.id) }, 'FINANCE')).creditHold;
    expect(usdHold).toEqual({ reason: 'CURRENCY_MISMATCH', currency: 'USD', amount: '5.00' });
    // prepaid orders are not credit-checked
    const prepaid = await push(c, '99999.00', 'EUR', 'PREPAID');
    expect(prepaid.status).toBe('PENDING');
    expect(await holdOfOrder(prepaid.id)).toBeNull();
    // held orders do not count: the exposure is still the two pending orders
    expect((await exposureOf(c)).creditExposure).toBe('1000.00');
  });
});

// ------------------------------------------------------------------------------------ exposure

describe('exposure', () => {
  it('is open receivables outstanding + unbilled ON_ACCOUNT orders, in the limit\'s currency (hand numbers)', async () => {
    const c = await newCustomer('Exposed Holdings');
    await assess(c, '10000', 'EUR');
    expect(await exposureOf(c)).toMatchObject({ creditLimit: '10000.00', creditExposure: '0.00', availableCredit: '10000.00' });

    await push(c, '1000.00'); // PENDING: counts 1000
    const confirmed = await push(c, '500.00'); // CONFIRMED: counts 500
    const move = `mutation($i: UpdateOrderStatusInput!) { updateOrderStatus(input: $i) { order { status } errors { code } } }`;
    expect(ok(await t.gql(move, { i: { id: confirmed.id, version: 1, status: 'CONFIRMED' } }, 'ADMIN')).updateOrderStatus.order.status).toBe('CONFIRMED');
    const cancelled = await push(c, '200.00'); // CANCELLED: does not count
    ok(await t.gql(move, { i: { id: cancelled.id, version: 1, status: 'CANCELLED' } }, 'ADMIN'));
    await push(c, '3000.00', 'EUR', 'PREPAID'); // PREPAID: does not count
    await push(c, '5.00', 'USD'); // another currency: held, does not count
    await receivable(c, '800.00', '300.00'); // counts 500
    await receivable(c, '250.00', '0.00', 'EUR', 'OVERDUE'); // counts 250
    await receivable(c, '400.00', '400.00', 'EUR', 'SETTLED'); // settled: does not count
    // (debts in another currency are converted at today's rate, or make the exposure unknown: test/exchange-rates.test.ts)
    // 1000 + 500 + 500 + 250
    expect(await exposureOf(c)).toMatchObject({ creditExposure: '2250.00', availableCredit: '7750.00' });

    // the check uses the same exposure: exactly the available credit goes through, one cent more is held
    expect((await push(c, '7750.00')).status).toBe('PENDING');
    const held = await push(c, '0.01');
    expect(held.status).toBe('PENDING_CREDIT_APPROVAL');
    const [hold] = await t.sql<{ exposure: string; reason: string }>('select exposure::text as exposure, reason from credit_hold where order_id = ?', [held.id]);
    expect(hold).toEqual({ exposure: '10000.00', reason: 'OVER_LIMIT' });
    expect(await exposureOf(c)).toMatchObject({ creditExposure: '10000.00', availableCredit: '0.00' });

    // approving the held order takes the customer over its limit: available credit goes negative
    const approved = ok(await t.gql(APPROVE, { i: { holdId: await holdOfOrder(held.id), version: 1 } }, 'FINANCE')).approveCredit;
    expect(approved.errors).toEqual([]);
    expect(await exposureOf(c)).toMatchObject({ creditExposure: '10000.01', availableCredit: '-0.01' });
  });

  it('is null for a customer without a limit', async () => {
    const c = await newCustomer('No Limit Inc');
    await push(c, '10.00');
    expect(await exposureOf(c)).toEqual({ id: c, creditLimit: null, creditCurrency: null, creditExposure: null, availableCredit: null });
  });
});

// ------------------------------------------------------------------------------------ decisions

describe('approveCredit and rejectCredit', () => {
  it('approve releases the order (PENDING), is audited, and cannot be decided twice', async () => {
    const c = await newCustomer('Approved Orders Oy');
    const o = await push(c, '250.00');
    const holdId = (await holdOfOrder(o.id))!;
    const res = ok(await t.gql(APPROVE, { i: { holdId, version: 1, note: 'Known customer, pays on time' } }, 'FINANCE')).approveCredit;
    expect(res.errors).toEqual([]);
    expect(res.creditHold).toMatchObject({
      id: holdId, status: 'APPROVED', version: 2, decisionNote: 'Known customer, pays on time',
      decidedBy: { email: 'finance@demo.crm' }, order: { id: o.id, status: 'PENDING' },
    });
    expect(Date.parse(res.creditHold.decidedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(await orderStatus(o.id)).toBe('PENDING');
    expect(await holdRow(holdId)).toEqual({ status: 'APPROVED', version: 2, decided_by: ids.finance });

    // twice: whatever the version, the hold is no longer pending
    for (const [m, v] of [[APPROVE, 2], [APPROVE, 1], [REJECT, 2]] as const) {
      const again = ok(await t.gql(m, { i: { holdId, version: v, note: 'again' } }, 'FINANCE'));
      const payload = again.approveCredit ?? again.rejectCredit;
      expect(errorsOf(payload)).toEqual([{ code: 'BUSINESS_RULE', field: ['input', 'holdId'] }]);
    }
    expect(await orderStatus(o.id)).toBe('PENDING');
    expect(await holdRow(holdId)).toMatchObject({ status: 'APPROVED', version: 2 });

    // the decision is in the customer's history
    const history = ok(await t.gql(`query($id: ID!) { customer(id: $id) { history(first: 50) { edges { node { action entityType entityId
      actor { email } changes { field oldValue newValue } } } } } }`, { id: c }, 'FINANCE')).customer.history.edges.map((e: any) => e.node);
    expect(history).toEqual(expect.arrayContaining([
      expect.objectContaining({ entityType: 'CreditHold', entityId: holdId, action: 'UPDATE', actor: { email: 'finance@demo.crm' },
        changes: expect.arrayContaining([{ field: 'status', oldValue: 'PENDING', newValue: 'APPROVED' }]) }),
      expect.objectContaining({ entityType: 'Order', entityId: o.id, action: 'UPDATE',
        changes: [{ field: 'status', oldValue: 'PENDING_CREDIT_APPROVAL', newValue: 'PENDING' }] }),
      expect.objectContaining({ entityType: 'CreditHold', entityId: holdId, action: 'CREATE' }),
    ]));
  });

  it('reject cancels the order and needs a note', async () => {
    const c = await newCustomer('Rejected Orders GmbH');
    const o = await push(c, '900.00');
    const holdId = (await holdOfOrder(o.id))!;
    const noNote = ok(await t.gql(REJECT, { i: { holdId, version: 1, note: '   ' } }, 'FINANCE')).rejectCredit;
    expect(errorsOf(noNote)).toEqual([{ code: 'VALIDATION', field: ['input', 'note'] }]);
    expect(await holdRow(holdId)).toMatchObject({ status: 'PENDING', version: 1 });
    const res = ok(await t.gql(REJECT, { i: { holdId, version: 1, note: 'Two invoices unpaid for 90 days' } }, 'FINANCE')).rejectCredit;
    expect(res.errors).toEqual([]);
    expect(res.creditHold).toMatchObject({ status: 'REJECTED', version: 2, decisionNote: 'Two invoices unpaid for 90 days', order: { status: 'CANCELLED' } });
    expect(await orderStatus(o.id)).toBe('CANCELLED');
    const [audit] = await t.sql<{ changes: unknown }>(`select changes from audit_event where entity_type = 'Order' and entity_id = ? and action = 'UPDATE'`, [o.id]);
    expect(JSON.stringify(audit.changes)).toContain('CANCELLED');
  });

  it('is refused to every role but FINANCE (FORBIDDEN), with a stale version (CONFLICT) and for an unknown hold (NOT_FOUND)', async () => {
    const c = await newCustomer('Contested Credit SARL');
    const o = await push(c, '300.00');
    const holdId = (await holdOfOrder(o.id))!;
    for (const who of ['ADMIN', 'SALES_MANAGER', 'SALES_REP', 'SERVICE_AGENT', 'PARTNER'] as const) {
      expect(codes(await t.gql(APPROVE, { i: { holdId, version: 1 } }, who))).toEqual(['FORBIDDEN']);
      expect(codes(await t.gql(REJECT, { i: { holdId, version: 1, note: 'no' } }, who))).toEqual(['FORBIDDEN']);
    }
    const stale = ok(await t.gql(APPROVE, { i: { holdId, version: 2 } }, 'FINANCE')).approveCredit;
    expect(stale.creditHold).toBeNull();
    expect(errorsOf(stale)).toEqual([{ code: 'CONFLICT', field: ['input', 'version'] }]);
    expect(errorsOf(ok(await t.gql(APPROVE, { i: { holdId: `crh_${'0'.repeat(32)}`, version: 1 } }, 'FINANCE')).approveCredit))
      .toEqual([{ code: 'NOT_FOUND', field: ['input', 'holdId'] }]);
    expect(errorsOf(ok(await t.gql(APPROVE, { i: { holdId: 'crh_x', version: 1 } }, 'FINANCE')).approveCredit))
      .toEqual([{ code: 'VALIDATION', field: ['input', 'holdId'] }]);
    expect(await holdRow(holdId)).toEqual({ status: 'PENDING', version: 1, decided_by: null });
    expect(await orderStatus(o.id)).toBe('PENDING_CREDIT_APPROVAL');
  });

  it('decides one hold once under concurrent decisions', async () => {
    const c = await newCustomer('Race Condition Ltd');
    const o = await push(c, '120.00');
    const holdId = (await holdOfOrder(o.id))!;
    const results = await Promise.all([
      t.gql(APPROVE, { i: { holdId, version: 1 } }, 'FINANCE'),
      t.gql(REJECT, { i: { holdId, version: 1, note: 'no' } }, 'FINANCE'),
      t.gql(APPROVE, { i: { holdId, version: 1 } }, 'FINANCE'),
    ]);
    const payloads = results.map((r) => { const d = ok(r); return d.approveCredit ?? d.rejectCredit; });
    expect(payloads.filter((p) => p.errors.length === 0)).toHaveLength(1);
    const winner = payloads.find((p) => p.errors.length === 0)!.creditHold.status;
    expect(await orderStatus(o.id)).toBe(winner === 'APPROVED' ? 'PENDING' : 'CANCELLED');
    expect(Number((await t.sql(`select count(*)::int as n from audit_event where entity_id = ? and action = 'UPDATE'`, [holdId]))[0].n)).toBe(1);
  });

  describe('contracts', () => {
    /** A contract held for credit approval (fixture by SQL: signing is the contracts domain's). */
    async function heldContract(customerId: string) {
      const contractId = `ctr_${hex()}`;
      const holdId = `crh_${hex()}`;
      await t.sql(`insert into contract (id, number, customer_id, title, value, currency, start_date, status, instalments, owner_id)
        values (?, ?, ?, 'Service agreement', 1000, 'EUR', current_date, 'PENDING_CREDIT_APPROVAL', ?::jsonb, ?)`,
      [contractId, `CT-T${hex().slice(0, 8)}`, customerId, JSON.stringify([{ dueDate: '2030-01-31', percent: null, invoiceDate: '2026-01-01' }, { dueDate: '2030-02-28', percent: null }]), ids.rep1]);
      await t.sql(`insert into credit_hold (id, customer_id, contract_id, amount, currency, exposure, reason) values (?, ?, ?, 1000, 'EUR', 0, 'NO_CREDIT_LIMIT')`,
        [holdId, customerId, contractId]);
      return { contractId, holdId };
    }
    const contractStatus = async (id: string) => (await t.sql<{ status: string }>('select status from contract where id = ?', [id]))[0].status;

    it('reject sends the contract back to DRAFT, audited', async () => {
      const c = await newCustomer('Contract Rejected AG');
      const { contractId, holdId } = await heldContract(c);
      const res = ok(await t.gql(REJECT, { i: { holdId, version: 1, note: 'Rating D' } }, 'FINANCE')).rejectCredit;
      expect(res.errors).toEqual([]);
      expect(res.creditHold).toMatchObject({ status: 'REJECTED', order: null });
      expect(await contractStatus(contractId)).toBe('DRAFT');
      const [audit] = await t.sql<{ changes: unknown }>(`select changes from audit_event where entity_type = 'Contract' and entity_id = ? and action = 'UPDATE'`, [contractId]);
      expect(audit.changes).toEqual([{ field: 'status', old: 'PENDING_CREDIT_APPROVAL', new: 'DRAFT' }]);
      expect(Number((await t.sql('select count(*)::int as n from receivable where contract_id = ?', [contractId]))[0].n)).toBe(0);
    });

    it('approve completes the signing: SIGNED, the instalment whose invoice date has come issued, the other scheduled', async () => {
      const c = await newCustomer('Contract Approved AG');
      const { contractId, holdId } = await heldContract(c);
      const res = ok(await t.gql(APPROVE, { i: { holdId, version: 1 } }, 'FINANCE')).approveCredit;
      expect(res.errors).toEqual([]);
      expect(res.creditHold.status).toBe('APPROVED');
      expect(await contractStatus(contractId)).toBe('SIGNED');
      const issued = await t.sql<{ amount: string }>('select amount::text as amount from receivable where contract_id = ? order by instalment', [contractId]);
      expect(issued.map((r) => r.amount)).toEqual(['500.00']); // the second is invoiced on 2030-01-29 (due − 30 days)
      // now the whole contract counts in the exposure: 500.00 through its receivable + 500.00 still scheduled (committed)
      await assess(c, '5000', 'EUR');
      expect((await exposureOf(c)).creditExposure).toBe('1000.00');
    });
  });
});

// ------------------------------------------------------------------------------------ creditHolds

describe('creditHolds', () => {
  let rep1Hold: string;
  let rep2Hold: string;
  beforeAll(async () => {
    const mine = await newCustomer('Rep One Holds', 'SALES_REP');
    const theirs = await newCustomer('Rep Two Holds', 'SALES_REP_2');
    rep1Hold = (await holdOfOrder((await push(mine, '11.00')).id))!;
    rep2Hold = (await holdOfOrder((await push(theirs, '22.00')).id))!;
  });

  it('lists PENDING first, oldest first, pages with cursors, and filters', async () => {
    const all = ok(await t.gql(HOLDS, { first: 100 }, 'FINANCE')).creditHolds;
    const [{ n }] = await t.sql<{ n: number }>('select count(*)::int as n from credit_hold');
    expect(all.totalCount).toBe(Number(n));
    const nodes = all.edges.map((e: any) => e.node);
    const firstDecided = nodes.findIndex((h: any) => h.status !== 'PENDING');
    expect(firstDecided).toBeGreaterThan(0);
    expect(nodes.slice(firstDecided).every((h: any) => h.status !== 'PENDING')).toBe(true);
    const pending = nodes.slice(0, firstDecided).map((h: any) => Date.parse(h.createdAt));
    expect(pending).toEqual([...pending].sort((a, b) => a - b));

    const page1 = ok(await t.gql(HOLDS, { first: 3 }, 'FINANCE')).creditHolds;
    const page2 = ok(await t.gql(HOLDS, { first: 3, after: page1.pageInfo.endCursor }, 'FINANCE')).creditHolds;
    expect([...page1.edges, ...page2.edges].map((e: any) => e.node.id)).toEqual(nodes.slice(0, 6).map((h: any) => h.id));

    const byAmount = ok(await t.gql(HOLDS, { first: 100, o: [{ field: 'AMOUNT', direction: 'DESC' }] }, 'FINANCE')).creditHolds.edges.map((e: any) => Number(e.node.amount));
    expect(byAmount).toEqual([...byAmount].sort((a, b) => b - a));

    const filtered = ok(await t.gql(HOLDS, { first: 100, f: { status: { eq: 'PENDING' }, reason: { eq: 'NO_CREDIT_LIMIT' }, orderId: { isNull: false } } }, 'FINANCE')).creditHolds;
    expect(filtered.edges.length).toBeGreaterThan(0);
    expect(filtered.edges.every((e: any) => e.node.status === 'PENDING' && e.node.reason === 'NO_CREDIT_LIMIT' && e.node.order)).toBe(true);
    const [{ n: pendingNoLimit }] = await t.sql<{ n: number }>(`select count(*)::int as n from credit_hold where status = 'PENDING' and reason = 'NO_CREDIT_LIMIT' and order_id is not null`);
    expect(filtered.totalCount).toBe(Number(pendingNoLimit));
    const since = ok(await t.gql(HOLDS, { first: 100, f: { createdAt: { gte: new Date(Date.now() + 60_000).toISOString() } } }, 'FINANCE')).creditHolds;
    expect(since.totalCount).toBe(0);
  });

  it('scopes holds: a rep sees those of their own customers; other holds are null by id', async () => {
    const list = `{ creditHolds(first: 100) { edges { node { id customerId amount status } } } }`;
    const ofRep = async (who: Who) => (ok(await t.gql(list, {}, who)).creditHolds.edges as any[]).map((e) => e.node.id);
    const rep1 = await ofRep('SALES_REP');
    expect(rep1).toContain(rep1Hold);
    expect(rep1).not.toContain(rep2Hold);
    const [{ n }] = await t.sql<{ n: number }>(`select count(*)::int as n from credit_hold h join customer c on c.id = h.customer_id
      where c.owner_id = ? and c.deleted_at is null`, [ids.rep1]);
    expect(rep1.length).toBe(Number(n));
    expect(await ofRep('SALES_REP_2')).toContain(rep2Hold);
    expect(await ofRep('SALES_MANAGER')).toEqual(expect.arrayContaining([rep1Hold, rep2Hold]));
    const one = `query($id: ID!) { creditHold(id: $id) { id amount } }`;
    expect(ok(await t.gql(one, { id: rep1Hold }, 'SALES_REP')).creditHold).toEqual({ id: rep1Hold, amount: '11.00' });
    expect(ok(await t.gql(one, { id: rep1Hold }, 'SALES_REP_2')).creditHold).toBeNull();
    const node = `query($id: ID!) { node(id: $id) { id ... on CreditHold { status } } }`;
    expect(ok(await t.gql(node, { id: rep2Hold }, 'SALES_REP_2')).node).toEqual({ id: rep2Hold, status: 'PENDING' });
    expect(ok(await t.gql(node, { id: rep2Hold }, 'SALES_REP')).node).toBeNull();
    for (const who of ['SERVICE_AGENT', 'MARKETING', 'ANALYST', 'PARTNER'] as const) {
      expect(codes(await t.gql(HOLDS, { first: 5 }, who))).toEqual(['FORBIDDEN']);
      expect(codes(await t.gql(one, { id: rep1Hold }, who))).toEqual(['FORBIDDEN']);
      expect(ok(await t.gql(node, { id: rep1Hold }, who)).node).toBeNull();
    }
    // a soft-deleted customer's holds disappear with it
    const [{ customer_id: customerId }] = await t.sql<{ customer_id: string }>('select customer_id from credit_hold where id = ?', [rep1Hold]);
    await t.sql('update customer set deleted_at = now() where id = ?', [customerId]);
    expect(ok(await t.gql(one, { id: rep1Hold }, 'FINANCE')).creditHold).toBeNull();
    await t.sql('update customer set deleted_at = null where id = ?', [customerId]);
  });

  it('shows the credit terms on a hold only to roles that see credit', async () => {
    const c = await newCustomer('Terms On Hold BV');
    await assess(c, '10', 'EUR');
    const holdId = (await holdOfOrder((await push(c, '20.00')).id))!;
    const q = `query($id: ID!) { creditHold(id: $id) { id reason exposure creditLimit creditCurrency } }`;
    expect(ok(await t.gql(q, { id: holdId }, 'SALES_MANAGER')).creditHold).toEqual({ id: holdId, reason: 'OVER_LIMIT', exposure: '0.00', creditLimit: '10.00', creditCurrency: 'EUR' });
    const rep = await t.gql(q, { id: holdId }, 'SALES_REP');
    expect(rep.body.data.creditHold).toEqual({ id: holdId, reason: 'OVER_LIMIT', exposure: null, creditLimit: null, creditCurrency: null });
    expect(errorsAt(rep).get('creditHold.exposure')).toBe('FORBIDDEN');
    expect(errorsAt(rep).get('creditHold.creditLimit')).toBe('FORBIDDEN');
    expect(errorsAt(rep).get('creditHold.creditCurrency')).toBe('FORBIDDEN');
  });
});

// ------------------------------------------------------------------------------------ field visibility

describe('who sees exposure and available credit', () => {
  it('FINANCE, SALES_MANAGER and ADMIN see them; a rep gets null + FORBIDDEN', async () => {
    const c = await newCustomer('Visible Exposure SpA');
    await assess(c, '700', 'EUR');
    await push(c, '100.00');
    for (const who of ['FINANCE', 'SALES_MANAGER', 'ADMIN'] as const) {
      expect(ok(await t.gql(CREDIT, { id: c }, who)).customer).toEqual({ id: c, creditLimit: '700.00', creditCurrency: 'EUR', creditExposure: '100.00', availableCredit: '600.00' });
    }
    const rep = await t.gql(`query($id: ID!) { customer(id: $id) { id creditExposure availableCredit } }`, { id: c }, 'SALES_REP');
    expect(rep.body.data.customer).toEqual({ id: c, creditExposure: null, availableCredit: null });
    expect(errorsAt(rep).get('customer.creditExposure')).toBe('FORBIDDEN');
    expect(errorsAt(rep).get('customer.availableCredit')).toBe('FORBIDDEN');
    const service = await t.gql(`query($id: ID!) { customer(id: $id) { id creditExposure } }`, { id: c }, 'SERVICE_AGENT');
    expect(errorsAt(service).get('customer.creditExposure')).toBe('FORBIDDEN');
  });

  it('a partner sees its own limit and exposure, not those of a customer it resells to', async () => {
    const resold = await newCustomer('Resold Shop');
    await t.sql('update customer set resold_by_id = ? where id = ?', [ids.partnerOwn, resold]);
    await assess(resold, '400', 'EUR');
    await assess(ids.partnerOwn, '30000', 'EUR');
    await push(ids.partnerOwn, '1234.50');
    const q = `query($id: ID!) { customer(id: $id) { id creditLimit creditExposure availableCredit } }`;
    const own = ok(await t.gql(q, { id: ids.partnerOwn }, 'PARTNER')).customer;
    const expected = await exposureOf(ids.partnerOwn);
    expect(own).toEqual({ id: ids.partnerOwn, creditLimit: '30000.00', creditExposure: expected.creditExposure, availableCredit: expected.availableCredit });
    expect(Number(own.creditExposure)).toBeGreaterThanOrEqual(1234.5);
    const other = await t.gql(q, { id: resold }, 'PARTNER');
    expect(other.body.data.customer).toEqual({ id: resold, creditLimit: null, creditExposure: null, availableCredit: null });
    for (const f of ['creditLimit', 'creditExposure', 'availableCredit']) expect(errorsAt(other).get(`customer.${f}`)).toBe('FORBIDDEN');
  });
});

// ------------------------------------------------------------------------------------ concurrency

describe('concurrent pushes around the limit', () => {
  it('lets exactly as many through as fit: limit 1000, five 300 orders at once → 3 PENDING, 2 held', async () => {
    const c = await newCustomer('Concurrent Buyer Ltd');
    await assess(c, '1000', 'EUR');
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => t.gql(PUSH, { i: {
      idempotencyKey: `race-${i}-${hex()}`, channel: 'web', currency: 'EUR', customer: { customerId: c }, paymentTerms: 'ON_ACCOUNT',
      lines: [{ sku: 'CRD-1', quantity: 1, unitPrice: '300.00' }],
    } }, 'ADMIN')));
    const statuses = results.map((r) => ok(r).pushOrder.order.status).sort();
    expect(statuses).toEqual(['PENDING', 'PENDING', 'PENDING', 'PENDING_CREDIT_APPROVAL', 'PENDING_CREDIT_APPROVAL']);
    const holds = await t.sql<{ reason: string; exposure: string }>(`select reason, exposure::text as exposure from credit_hold where customer_id = ?`, [c]);
    expect(holds).toEqual([{ reason: 'OVER_LIMIT', exposure: '900.00' }, { reason: 'OVER_LIMIT', exposure: '900.00' }]);
    expect(await exposureOf(c)).toMatchObject({ creditExposure: '900.00', availableCredit: '100.00' });
  });
});

// ------------------------------------------------------------------------------------ N+1

describe('statement counts', () => {
  beforeAll(async () => {
    // every visible customer gets an assessment and an ON_ACCOUNT order
    for (const { id } of await t.sql<{ id: string }>('select id from customer where deleted_at is null order by created_at desc limit 12')) {
      await assess(id, '5000', 'EUR', 'C');
      await push(id, '10.00');
    }
  });

  it('Customer { creditExposure availableCredit creditAssessments } costs the same for 2 and 12 customers', async () => {
    const q = `query($n: Int) { customers(first: $n) { edges { node { id creditLimit creditExposure availableCredit
      creditAssessments(first: 2) { totalCount edges { node { id rating limit assessedBy { name } customer { id } } } } } } } }`;
    let small: any;
    let large: any;
    const few = await t.countQueries(async () => { small = ok(await t.gql(q, { n: 2 }, 'FINANCE')); });
    const many = await t.countQueries(async () => { large = ok(await t.gql(q, { n: 12 }, 'FINANCE')); });
    expect(small.customers.edges).toHaveLength(2);
    expect(large.customers.edges).toHaveLength(12);
    for (const e of large.customers.edges) {
      expect(e.node.creditExposure).not.toBeNull();
      expect(e.node.creditAssessments.totalCount).toBeGreaterThan(0);
      expect(e.node.creditAssessments.edges[0].node.customer.id).toBe(e.node.id);
    }
    expect(many).toBe(few);
  });

  it('creditHolds { customer order decidedBy } costs the same for 2 and 12 holds', async () => {
    // decided first, so both pages have decided holds (a page without any would skip the users' statement)
    const q = `query($n: Int) { creditHolds(first: $n, filter: { orderId: { isNull: false } }, orderBy: [{ field: STATUS, direction: DESC }]) {
      totalCount edges { node { id status customer { name } order { status } decidedBy { name } } } } }`;
    let small: any;
    let large: any;
    const few = await t.countQueries(async () => { small = ok(await t.gql(q, { n: 2 }, 'FINANCE')); });
    const many = await t.countQueries(async () => { large = ok(await t.gql(q, { n: 12 }, 'FINANCE')); });
    expect(small.creditHolds.edges.every((e: any) => e.node.decidedBy && e.node.order && e.node.customer)).toBe(true);
    expect(large.creditHolds.edges).toHaveLength(12);
    expect(large.creditHolds.edges.some((e: any) => e.node.status === 'PENDING' && e.node.order.status === 'PENDING_CREDIT_APPROVAL')).toBe(true);
    expect(many).toBe(few);
  });
});
