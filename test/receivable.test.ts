import { randomUUID } from 'node:crypto';
import { codes, startTestApp, type Caller, type GqlResult, type TestApp, type Who } from './helpers';
import { insertCustomer, insertReceivable, type ReceivableFixture } from './support/finance-fixtures';

/**
 * Receivables through HTTP: the list (due-date order, filters incl. `open`, ordering, paging,
 * totalCount), one by id, node(id), Customer.receivables, field resolvers (outstanding, customer,
 * order of an ON_ACCOUNT order billed when FULFILLED, allocations), record scope (reps, manager,
 * partner's own account only), FORBIDDEN roles, and the statement count of nested lists.
 * Fixtures are inserted by SQL (receivables are only ever issued by contracts and orders).
 */

let t: TestApp;
let ids: Record<string, string>;
let rep1Cust: string;
let rep2Cust: string;
let partnerCust: string;
let resoldCust: string;
let integrationKey: Caller;
const r: Record<string, string> = {};

const ok = (res: GqlResult) => {
  if (res.body.errors) throw new Error(`unexpected errors: ${JSON.stringify(res.body.errors)}`);
  return res.body.data;
};
const hex = () => randomUUID().replace(/-/g, '');

const newCustomer = (owner: string, name: string, extra: { resoldBy?: string } = {}) => insertCustomer(t, owner, name, extra);
const newReceivable = (customerId: string, f: ReceivableFixture) => insertReceivable(t, customerId, ids.admin, f);

const FIELDS = 'id number description instalment currency amount paidAmount outstanding issuedOn dueDate status dunningStage overdueSince settledAt createdAt updatedAt version customerId contractId orderId';
const LIST = `query($f: ReceivableFilter, $o: [ReceivableOrderBy!], $first: Int, $after: String, $last: Int, $before: String) {
  receivables(filter: $f, orderBy: $o, first: $first, after: $after, last: $last, before: $before) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { ${FIELDS} } } } }`;
const ONE = `query($id: ID!) { receivable(id: $id) { ${FIELDS} customer { id } contract { id } order { id } } }`;

async function list(vars: Record<string, unknown>, who: Who | Caller = 'FINANCE') {
  return ok(await t.gql(LIST, vars, who)).receivables as { totalCount: number; pageInfo: any; edges: { cursor: string; node: any }[] };
}

beforeAll(async () => {
  t = await startTestApp({ customers: 6 });
  ids = {};
  for (const u of await t.sql<{ id: string; email: string }>('select id, email from app_user')) ids[u.email.split('@')[0]] = u.id;
  [{ id: partnerCust }] = await t.sql<{ id: string }>(`select partner_customer_id as id from app_user where email = 'partner@demo.crm'`);
  rep1Cust = await newCustomer(ids.rep1, 'Rep one customer');
  rep2Cust = await newCustomer(ids.rep2, 'Rep two customer');
  resoldCust = await newCustomer(ids.rep1, 'Resold by the partner', { resoldBy: partnerCust });
  // rep1's customer: four receivables in two currencies, one settled, one overdue and partly paid.
  r.jan = await newReceivable(rep1Cust, { amount: '1000.00', dueDate: '2026-01-10' });
  r.feb = await newReceivable(rep1Cust, { amount: '500.00', currency: 'USD', dueDate: '2026-02-10', paid: '200.00', status: 'OVERDUE', dunningStage: 'REMINDER' });
  r.mar = await newReceivable(rep1Cust, { amount: '300.00', dueDate: '2026-03-10', status: 'SETTLED' });
  r.apr = await newReceivable(rep1Cust, { amount: '0.10', dueDate: '2026-04-10', issuedOn: '2026-02-01' });
  r.rep2 = await newReceivable(rep2Cust, { amount: '700.00', dueDate: '2026-01-15' });
  r.partner = await newReceivable(partnerCust, { amount: '800.00', dueDate: '2026-01-20' });
  r.resold = await newReceivable(resoldCust, { amount: '900.00', dueDate: '2026-01-25' });
  const made = ok(await t.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`,
    { input: { name: 'shop', role: 'INTEGRATION', scopes: ['customers:read', 'orders:write'] } }, 'ADMIN')).createApiKey;
  integrationKey = { apiKey: made.secret };
});
afterAll(async () => { await t.close(); });

describe('receivables list', () => {
  it('lists by due date (oldest first) with exact amounts, outstanding and status', async () => {
    const page = await list({ f: { customerId: { eq: rep1Cust } } });
    expect(page.totalCount).toBe(4);
    expect(page.edges.map((e) => e.node.id)).toEqual([r.jan, r.feb, r.mar, r.apr]);
    expect(page.edges[1].node).toMatchObject({
      currency: 'USD', amount: '500.00', paidAmount: '200.00', outstanding: '300.00', status: 'OVERDUE', dunningStage: 'REMINDER',
      overdueSince: '2026-02-10', dueDate: '2026-02-10', issuedOn: '2026-01-01', instalment: 1, customerId: rep1Cust, orderId: null, version: 1, settledAt: null,
    });
    expect(page.edges[1].node.contractId).toMatch(/^ctr_/);
    expect(page.edges[2].node).toMatchObject({ status: 'SETTLED', paidAmount: '300.00', outstanding: '0.00' });
    expect(page.edges[2].node.settledAt).toMatch(/Z$/);
    expect(page.edges[3].node).toMatchObject({ amount: '0.10', outstanding: '0.10', issuedOn: '2026-02-01' });
  });

  it('filters: open, status, currency, amount, dates, dunning stage, ids, and/or/not', async () => {
    const only = async (f: Record<string, unknown>) => (await list({ f: { and: [{ customerId: { eq: rep1Cust } }, f] } })).edges.map((e) => e.node.id);
    expect(await only({ open: true })).toEqual([r.jan, r.feb, r.apr]);
    expect(await only({ open: false })).toEqual([r.mar]);
    expect(await only({ not: { open: true } })).toEqual([r.mar]);
    expect(await only({ status: { in: ['OVERDUE', 'SETTLED'] } })).toEqual([r.feb, r.mar]);
    expect(await only({ currency: { eq: 'USD' } })).toEqual([r.feb]);
    expect(await only({ amount: { gte: '300', lt: '1000' } })).toEqual([r.feb, r.mar]);
    expect(await only({ dueDate: { gte: '2026-02-10', lte: '2026-03-10' } })).toEqual([r.feb, r.mar]);
    expect(await only({ issuedOn: { gt: '2026-01-01' } })).toEqual([r.apr]);
    expect(await only({ dunningStage: { eq: 'REMINDER' } })).toEqual([r.feb]);
    expect(await only({ dunningStage: { isNull: true }, open: true })).toEqual([r.jan, r.apr]);
    expect(await only({ or: [{ id: { eq: r.apr } }, { contractId: { eq: (await t.sql('select contract_id from receivable where id = ?', [r.jan]))[0].contract_id } }] })).toEqual([r.jan, r.apr]);
    expect(await only({ orderId: { isNull: false } })).toEqual([]);
    const open = await list({ f: { customerId: { eq: rep1Cust }, open: true } });
    expect(open.totalCount).toBe(3);
  });

  it('orders by amount and creation time, and pages with stable cursors both ways', async () => {
    const f = { customerId: { eq: rep1Cust } };
    const byAmount = await list({ f, o: [{ field: 'AMOUNT', direction: 'DESC' }] });
    expect(byAmount.edges.map((e) => e.node.id)).toEqual([r.jan, r.feb, r.mar, r.apr]);
    const asc = await list({ f, o: [{ field: 'AMOUNT', direction: 'ASC' }] });
    expect(asc.edges.map((e) => e.node.id)).toEqual([r.apr, r.mar, r.feb, r.jan]);
    const created = await list({ f, o: [{ field: 'CREATED_AT', direction: 'DESC' }] });
    expect(created.edges.map((e) => e.node.id)).toEqual([r.apr, r.mar, r.feb, r.jan]);

    const first = await list({ f, first: 2 });
    expect(first.edges.map((e) => e.node.id)).toEqual([r.jan, r.feb]);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = await list({ f, first: 2, after: first.pageInfo.endCursor });
    expect(second.edges.map((e) => e.node.id)).toEqual([r.mar, r.apr]);
    expect(second.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const back = await list({ f, last: 2, before: second.pageInfo.startCursor });
    expect(back.edges.map((e) => e.node.id)).toEqual([r.jan, r.feb]);
    // a cursor of another order is refused
    const wrong = await t.gql(LIST, { f, o: [{ field: 'AMOUNT', direction: 'ASC' }], first: 2, after: first.pageInfo.endCursor }, 'FINANCE');
    expect(codes(wrong)).toEqual(['BAD_USER_INPUT']);
  });

  it('refuses a page larger than 100', async () => {
    expect(codes(await t.gql(LIST, { first: 101 }, 'FINANCE'))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('one receivable', () => {
  it('by id and through node(id), with its customer', async () => {
    const one = ok(await t.gql(ONE, { id: r.jan }, 'FINANCE')).receivable;
    expect(one).toMatchObject({ id: r.jan, amount: '1000.00', outstanding: '1000.00', status: 'OPEN', customer: { id: rep1Cust } });
    expect(one.number).toMatch(/^INV-F/);
    expect(one.contract).toEqual({ id: one.contractId });
    expect(one.order).toBeNull();
    const node = ok(await t.gql(`query($id: ID!) { node(id: $id) { id ... on Receivable { number outstanding customerId } } }`, { id: r.feb }, 'FINANCE')).node;
    expect(node).toMatchObject({ id: r.feb, outstanding: '300.00', customerId: rep1Cust });
    expect(ok(await t.gql(ONE, { id: `rcv_${hex()}` }, 'FINANCE')).receivable).toBeNull();
  });

  it('Customer.receivables lists the customer\'s own, filtered, with totalCount', async () => {
    const q = `query($id: ID!) { customer(id: $id) { receivables(filter: { open: true }) { totalCount edges { node { id customerId } } } } }`;
    const c = ok(await t.gql(q, { id: rep1Cust }, 'SALES_REP')).customer;
    expect(c.receivables.totalCount).toBe(3);
    expect(c.receivables.edges.map((e: any) => e.node.id)).toEqual([r.jan, r.feb, r.apr]);
  });

  it('an ON_ACCOUNT order fulfilled bills a receivable that links back to the order', async () => {
    const buyer = await newCustomer(ids.rep1, 'Buys on account');
    await t.sql(`update customer set credit_limit = '100000', credit_currency = 'EUR' where id = ?`, [buyer]);
    await t.sql(`insert into product (id, sku, name, category, list_price, options_schema) values (?, 'RCV-1', 'Thing', 'Things', 10, '{}')`, [`prd_${hex()}`]);
    const pushed = ok(await t.gql(`mutation($i: PushOrderInput!) { pushOrder(input: $i) { order { id status version } errors { code field } } }`, {
      i: { idempotencyKey: 'rcv-order-1', channel: 'web', currency: 'EUR', paymentTerms: 'ON_ACCOUNT', customer: { customerId: buyer },
        lines: [{ sku: 'RCV-1', quantity: 3, unitPrice: '41.50' }] },
    }, 'ADMIN')).pushOrder;
    expect(pushed.errors).toEqual([]);
    const STATUS = `mutation($i: UpdateOrderStatusInput!) { updateOrderStatus(input: $i) { order { version } errors { code } } }`;
    const confirmed = ok(await t.gql(STATUS, { i: { id: pushed.order.id, version: pushed.order.version, status: 'CONFIRMED' } }, 'ADMIN')).updateOrderStatus;
    expect(confirmed.errors).toEqual([]);
    ok(await t.gql(STATUS, { i: { id: pushed.order.id, version: confirmed.order.version, status: 'FULFILLED' } }, 'ADMIN'));
    const found = ok(await t.gql(`query($f: ReceivableFilter) { receivables(filter: $f) { edges { node {
        id number amount outstanding currency status orderId contractId instalment order { id status } customer { id } } } } }`,
    { f: { orderId: { eq: pushed.order.id } } }, 'SALES_REP')).receivables.edges;
    expect(found).toHaveLength(1);
    expect(found[0].node).toMatchObject({
      amount: '124.50', outstanding: '124.50', currency: 'EUR', status: 'OPEN', orderId: pushed.order.id, contractId: null, instalment: null,
      order: { id: pushed.order.id, status: 'FULFILLED' }, customer: { id: buyer },
    });
    expect(found[0].node.number).toMatch(/^INV-\d{6}$/);
    // billing is audited on the customer
    const [audit] = await t.sql<{ n: number }>(`select count(*)::int as n from audit_event where entity_type = 'Receivable' and entity_id = ? and action = 'CREATE' and customer_id = ?`, [found[0].node.id, buyer]);
    expect(Number(audit.n)).toBe(1);
  });
});

describe('who sees which receivables', () => {
  it('a rep sees their customers\' receivables only; another rep gets null; the manager sees both', async () => {
    const mine = await list({ first: 100 }, 'SALES_REP');
    const seen = mine.edges.map((e) => e.node.id);
    expect(seen).toEqual(expect.arrayContaining([r.jan, r.feb, r.mar, r.apr, r.resold]));
    expect(seen).not.toContain(r.rep2);
    const rep2 = await list({ first: 100 }, 'SALES_REP_2');
    expect(rep2.edges.map((e) => e.node.id)).toContain(r.rep2);
    expect(rep2.edges.map((e) => e.node.id)).not.toContain(r.jan);
    expect(ok(await t.gql(ONE, { id: r.jan }, 'SALES_REP_2')).receivable).toBeNull();
    expect(ok(await t.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: r.jan }, 'SALES_REP_2')).node).toBeNull();
    const counted = await list({ f: { customerId: { eq: rep1Cust } } }, 'SALES_REP_2');
    expect(counted.totalCount).toBe(0);
    const manager = (await list({ first: 100 }, 'SALES_MANAGER')).edges.map((e) => e.node.id);
    expect(manager).toEqual(expect.arrayContaining([r.jan, r.rep2]));
  });

  it('a partner sees its own account only, not the customers it resells to', async () => {
    const seen = await list({ first: 100 }, 'PARTNER');
    expect(seen.edges.map((e) => e.node.id)).toContain(r.partner);
    expect(seen.edges.every((e) => e.node.customerId === partnerCust)).toBe(true);
    expect(seen.totalCount).toBe(seen.edges.length);
    expect(ok(await t.gql(ONE, { id: r.resold }, 'PARTNER')).receivable).toBeNull();
    expect(ok(await t.gql(ONE, { id: r.jan }, 'PARTNER')).receivable).toBeNull();
    // through its resold customer's record: an empty list, not the resold customer's receivable
    const viaCustomer = ok(await t.gql(`query($id: ID!) { customer(id: $id) { id receivables { totalCount edges { node { id } } } } }`, { id: resoldCust }, 'PARTNER')).customer;
    expect(viaCustomer).toEqual({ id: resoldCust, receivables: { totalCount: 0, edges: [] } });
  });

  it('SERVICE_AGENT, MARKETING, ANALYST and integration keys are FORBIDDEN; Customer.receivables is null for them', async () => {
    for (const who of ['SERVICE_AGENT', 'MARKETING', 'ANALYST'] as const) {
      expect(codes(await t.gql(LIST, {}, who))).toEqual(['FORBIDDEN']);
      expect(codes(await t.gql(ONE, { id: r.jan }, who))).toEqual(['FORBIDDEN']);
    }
    expect(codes(await t.gql(LIST, {}, integrationKey))).toEqual(['FORBIDDEN']);
    for (const who of ['SERVICE_AGENT', integrationKey] as const) {
      const res = await t.gql(`query($id: ID!) { customer(id: $id) { id receivables { totalCount } payments { totalCount } } }`, { id: rep1Cust }, who);
      expect(res.body.data.customer).toEqual({ id: rep1Cust, receivables: null, payments: null });
      expect(codes(res)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
    }
    // node(id) does not leak them either
    expect(ok(await t.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: r.jan }, 'SERVICE_AGENT')).node).toBeNull();
  });
});

describe('statements per request', () => {
  it('Customer.receivables { allocations { payment } } costs the same for 2 and 10 customers', async () => {
    const made: string[] = [];
    for (let i = 0; i < 10; i += 1) {
      const c = await newCustomer(i % 2 ? ids.rep1 : ids.rep2, `N+1 customer ${i}`);
      made.push(c);
      for (let k = 0; k < 3; k += 1) await newReceivable(c, { amount: '100.00', dueDate: `2026-0${k + 1}-01` });
      const paid = ok(await t.gql(`mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { errors { code field } } }`,
        { i: { customerId: c, amount: '150.00', currency: 'EUR', receivedOn: '2026-02-01', method: 'BANK_TRANSFER' } }, 'FINANCE')).recordPayment;
      expect(paid.errors).toEqual([]);
    }
    const q = `query($ids: [ID!], $n: Int) { customers(first: $n, filter: { id: { in: $ids } }) { edges { node { id
      receivables(first: 3) { totalCount edges { node { id outstanding customer { id } allocations { amount receivableId payment { id amount recordedBy { id } } } } } } } } } }`;
    const small = await t.gql(q, { ids: made, n: 2 }, 'ADMIN');
    const data = ok(small).customers.edges;
    expect(data).toHaveLength(2);
    for (const e of data) {
      expect(e.node.receivables.totalCount).toBe(3);
      expect(e.node.receivables.edges.map((x: any) => x.node.outstanding)).toEqual(['0.00', '50.00', '100.00']);
      expect(e.node.receivables.edges[1].node.allocations).toHaveLength(1);
      expect(e.node.receivables.edges[1].node.allocations[0]).toMatchObject({ amount: '50.00', payment: { amount: '150.00' } });
      expect(e.node.receivables.edges[1].node.allocations[0].payment.recordedBy).toEqual({ id: ids.finance });
    }
    const few = await t.countQueries(() => t.gql(q, { ids: made, n: 2 }, 'ADMIN'));
    const many = await t.countQueries(() => t.gql(q, { ids: made, n: 10 }, 'ADMIN'));
    expect(few).toBeGreaterThan(3);
    expect(many).toBe(few);
  });
});
