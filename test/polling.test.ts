import { runOverdueJob } from '../src/services/collection.service';
import { codes, ok, startTestApp, type Caller, type TestApp, type Who } from './helpers';
import { insertCustomer, insertReceivable } from './support/finance-fixtures';

/**
 * Polling for changes (issue 9, item 8): `updatedAt: { gt: lastSeen }` ordered by UPDATED_AT ASC, paged
 * with cursors, returns what changed since the last poll — exactly once, also across records that share
 * a timestamp — on orders, receivables, cases and customers. The recipe of the README, through HTTP.
 */

let t: TestApp;
let shop: Caller;
let rep1: string;
let partnerCustomer: string;
let partnerKey: Caller;

const LISTS = {
  orders: { filter: 'OrderFilter', order: 'OrderOrderBy' },
  receivables: { filter: 'ReceivableFilter', order: 'ReceivableOrderBy' },
  cases: { filter: 'CaseFilter', order: 'CaseOrderBy' },
  customers: { filter: 'CustomerFilter', order: 'CustomerOrderBy' },
} as const;
type List = keyof typeof LISTS;

interface Seen { id: string; updatedAt: string }

/** One poll: every page after `lastSeen` (page size 2, to cross page borders), oldest change first. */
async function poll(list: List, lastSeen: string | null, who: Who | Caller): Promise<Seen[]> {
  const { filter, order } = LISTS[list];
  const query = `query($after: String, $filter: ${filter}, $orderBy: [${order}!]) {
    ${list}(first: 2, after: $after, filter: $filter, orderBy: $orderBy) { edges { node { id updatedAt } } pageInfo { hasNextPage endCursor } } }`;
  const seen: Seen[] = [];
  let after: string | null = null;
  for (let page = 0; page < 50; page += 1) {
    const vars: Record<string, unknown> = {
      after, filter: lastSeen ? { updatedAt: { gt: lastSeen } } : null, orderBy: [{ field: 'UPDATED_AT', direction: 'ASC' }],
    };
    const res: any = ok(await t.gql(query, vars, who))[list];
    seen.push(...res.edges.map((e: { node: Seen }) => e.node));
    if (!res.pageInfo.hasNextPage) return seen;
    after = res.pageInfo.endCursor;
  }
  throw new Error('too many pages');
}

/** Ids in the order a poller gets them, and the new `lastSeen`. */
const idsOf = (seen: Seen[]) => seen.map((s) => s.id);
const lastOf = (seen: Seen[], previous: string | null) => (seen.length ? seen[seen.length - 1].updatedAt : previous);
/** The database's clock moves past the last write before the next change (changes in the same millisecond tie). */
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

/** True when the sequence is sorted by (updatedAt, id) ascending: ties broken by id. */
function sortedByUpdateThenId(seen: Seen[]): boolean {
  return seen.every((s, i) => i === 0 || seen[i - 1].updatedAt < s.updatedAt || (seen[i - 1].updatedAt === s.updatedAt && seen[i - 1].id < s.id));
}

beforeAll(async () => {
  t = await startTestApp({ customers: 6 });
  rep1 = (await t.sql<{ id: string }>(`select id from app_user where email = 'rep1@demo.crm'`))[0].id;
  partnerCustomer = (await t.sql<{ id: string }>(`select partner_customer_id as id from app_user where email = 'partner@demo.crm'`))[0].id;
  const key = async (input: Record<string, unknown>) => {
    const made = ok(await t.gql('mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret errors { message } } }', { i: input }, 'ADMIN')).createApiKey;
    expect(made.errors).toEqual([]);
    return { apiKey: made.secret as string };
  };
  shop = await key({ name: 'poller shop', role: 'INTEGRATION', scopes: ['orders:write'] });
  partnerKey = await key({ name: 'poller dealer', role: 'PARTNER', scopes: ['cases:write'], partnerCustomerId: partnerCustomer });
  await t.sql(`insert into product (id, sku, name, category, list_price, options_schema) values ('prd_${'5'.repeat(32)}', 'POLL-1', 'Poll item', 'Test', 5.00, '{}')`);
});
afterAll(async () => { await t?.close(); });

describe('polling orders (a shop with an INTEGRATION key)', () => {
  const pushed: { id: string; version: number }[] = [];

  test('the first poll pages through every order in change order; ties are broken by id, each order exactly once', async () => {
    const [{ id: customerId }] = await t.sql<{ id: string }>('select id from customer where owner_id = ? and deleted_at is null limit 1', [rep1]);
    for (let i = 1; i <= 5; i += 1) {
      const res = ok(await t.gql(`mutation($i: PushOrderInput!) { pushOrder(input: $i) { order { id version } errors { message } } }`, {
        i: { idempotencyKey: `poll-${i}`, channel: 'web', currency: 'EUR', customer: { customerId }, lines: [{ sku: 'POLL-1', quantity: 1, unitPrice: '5.00' }] },
      }, shop)).pushOrder;
      expect(res.errors).toEqual([]);
      pushed.push(res.order);
    }
    // Three orders changed in the same millisecond: a page border (page size 2) falls inside the tie.
    await t.sql(`update sales_order set updated_at = '2026-01-01T10:00:00.000Z' where id in (?, ?, ?)`, pushed.slice(0, 3).map((o) => o.id));
    const first = await poll('orders', null, shop);
    expect(new Set(idsOf(first))).toEqual(new Set(pushed.map((o) => o.id)));
    expect(first).toHaveLength(5); // no order twice, none skipped
    expect(sortedByUpdateThenId(first)).toBe(true);
    expect(idsOf(first).slice(0, 3)).toEqual(pushed.slice(0, 3).map((o) => o.id).sort());

    // Polling from inside the tie: strictly after it, the other two.
    expect(idsOf(await poll('orders', '2026-01-01T10:00:00.000Z', shop))).toEqual(idsOf(first).slice(3));
  });

  test('after a status change the next poll returns exactly that order, then nothing', async () => {
    const lastSeen = lastOf(await poll('orders', null, shop), null);
    expect(await poll('orders', lastSeen, shop)).toEqual([]);
    await tick();
    const target = pushed[1];
    const changed = ok(await t.gql(`mutation($i: UpdateOrderStatusInput!) { updateOrderStatus(input: $i) { order { id status updatedAt } errors { message } } }`,
      { i: { id: target.id, version: target.version, status: 'CONFIRMED' } }, shop)).updateOrderStatus;
    expect(changed.errors).toEqual([]);
    const next = await poll('orders', lastSeen, shop);
    expect(next).toEqual([{ id: target.id, updatedAt: changed.order.updatedAt }]);
    expect(next[0].updatedAt > lastSeen!).toBe(true);
    expect(await poll('orders', lastOf(next, lastSeen), shop)).toEqual([]);
  });

  test('the filter takes the DateTime operators and refuses a malformed time naming the field', async () => {
    const all = await poll('orders', null, shop);
    const res = ok(await t.gql(`query($f: OrderFilter) { orders(first: 10, filter: $f) { totalCount } }`,
      { f: { updatedAt: { gte: all[0].updatedAt, lte: all[all.length - 1].updatedAt } } }, shop)).orders;
    expect(res.totalCount).toBe(all.length);
    const bad = await t.gql(`query($f: OrderFilter) { orders(first: 10, filter: $f) { totalCount } }`, { f: { updatedAt: { gt: 'yesterday' } } }, shop);
    expect(codes(bad)).toEqual(['BAD_USER_INPUT']);
    expect(JSON.stringify(bad.body.errors)).toContain('updatedAt');
  });
});

describe('polling receivables (FINANCE)', () => {
  test('a payment allocated to a receivable and the overdue job each make it the next poll\'s result', async () => {
    const customer = await insertCustomer(t, rep1, 'Polled payer');
    const paid = await insertReceivable(t, customer, rep1, { amount: '100.00', dueDate: '2099-12-31' });
    const late = await insertReceivable(t, customer, rep1, { amount: '50.00', dueDate: '2026-01-02' });
    let lastSeen = lastOf(await poll('receivables', null, 'FINANCE'), null);
    await tick();
    const payment = ok(await t.gql(`mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { errors { field message } } }`, {
      i: { customerId: customer, amount: '40.00', currency: 'EUR', receivedOn: new Date().toISOString().slice(0, 10), method: 'BANK_TRANSFER', allocations: [{ receivableId: paid, amount: '40.00' }] },
    }, 'FINANCE')).recordPayment;
    expect(payment.errors).toEqual([]);
    const afterPayment = await poll('receivables', lastSeen, 'FINANCE');
    expect(idsOf(afterPayment)).toEqual([paid]);
    lastSeen = lastOf(afterPayment, lastSeen);

    await tick();
    await runOverdueJob(t.db.orm.em.fork() as any, new Date());
    const afterJob = await poll('receivables', lastSeen, 'FINANCE');
    expect(idsOf(afterJob)).toContain(late);
    expect(idsOf(afterJob)).not.toContain(paid);
    const [{ status }] = await t.sql<{ status: string }>('select status from receivable where id = ?', [late]);
    expect(status).toBe('OVERDUE');
  });
});

describe('polling cases (a PARTNER key with cases:write)', () => {
  test('a PUBLIC reply makes the case the next poll\'s result; an INTERNAL note does not', async () => {
    const opened = ok(await t.gql(`mutation($i: CreateCaseInput!) { createCase(input: $i) { case { id version } errors { message } } }`,
      { i: { customerId: partnerCustomer, type: 'TECH_SUPPORT', channel: 'PHONE', priority: 'P3', subject: 'Polled case' } }, partnerKey)).createCase;
    expect(opened.errors).toEqual([]);
    const caseId = opened.case.id;
    const lastSeen = lastOf(await poll('cases', null, partnerKey), null);
    expect(await poll('cases', lastSeen, partnerKey)).toEqual([]);

    await tick();
    const note = ok(await t.gql(`mutation($i: AddCaseCommentInput!) { addCaseComment(input: $i) { errors { message } } }`,
      { i: { caseId, body: 'between us', visibility: 'INTERNAL' } }, 'SERVICE_AGENT')).addCaseComment;
    expect(note.errors).toEqual([]);
    expect(await poll('cases', lastSeen, partnerKey)).toEqual([]);

    await tick();
    const reply = ok(await t.gql(`mutation($i: AddCaseCommentInput!) { addCaseComment(input: $i) { errors { message } } }`,
      { i: { caseId, body: 'Any news?', visibility: 'PUBLIC' } }, partnerKey)).addCaseComment;
    expect(reply.errors).toEqual([]);
    const next = await poll('cases', lastSeen, partnerKey);
    expect(idsOf(next)).toEqual([caseId]);
    // A reply is no edit of the case: the version stays, so an agent's pending update still applies.
    const [{ version }] = await t.sql<{ version: number }>('select version from service_case where id = ?', [caseId]);
    expect(version).toBe(opened.case.version);
    expect(await poll('cases', lastOf(next, lastSeen), partnerKey)).toEqual([]);
  });
});

describe('polling customers (an INTEGRATION key with customers:write)', () => {
  test('an update of the customer makes it the next poll\'s result, exactly once', async () => {
    const writer = ok(await t.gql('mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret } }',
      { i: { name: 'crm sync', role: 'INTEGRATION', scopes: ['customers:write'] } }, 'ADMIN')).createApiKey.secret as string;
    const who = { apiKey: writer };
    const all = await poll('customers', null, who);
    expect(all.length).toBeGreaterThan(3);
    expect(sortedByUpdateThenId(all)).toBe(true);
    const lastSeen = lastOf(all, null);
    const target = all[0].id;
    const [{ version }] = await t.sql<{ version: number }>('select version from customer where id = ?', [target]);
    await tick();
    const updated = ok(await t.gql(`mutation($i: UpdateCustomerInput!) { updateCustomer(input: $i) { customer { id updatedAt } errors { message } } }`,
      { i: { id: target, version, industry: 'Polling' } }, who)).updateCustomer;
    expect(updated.errors).toEqual([]);
    expect(await poll('customers', lastSeen, who)).toEqual([{ id: target, updatedAt: updated.customer.updatedAt }]);
  });
});
