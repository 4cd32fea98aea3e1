import type { EntityManager } from '@mikro-orm/postgresql';
import { loadConfig } from '../src/config';
import { runOverdueJob } from '../src/services/collection.service';
import { recordEvent } from '../src/services/outbox';
import { fail, inTransaction } from '../src/services/transaction';
import { userError } from '../src/services/errors';
import { rows, sql } from '../src/services/sql';
import { ok, startTestApp, type Caller, type TestApp } from './helpers';

/**
 * The business events of the webhooks, recorded where the change happens, in its transaction: each
 * mutation through HTTP (or the overdue job) writes exactly the outbox rows it should, with the actor,
 * the record and the `data` the README lists; a rolled-back change leaves none; an INTERNAL case note
 * is no event.
 */

let t: TestApp;
let rep1Customer: string;
let agentId: string;
let shop: Caller;
let mark = '0';

/** The events written since the last call, oldest first. */
async function newEvents() {
  const found = await t.sql<{ id: string; type: string; entity_type: string; entity_id: string; customer_id: string | null; actor_type: string; data: any }>(
    'select id::text as id, type, entity_type, entity_id, customer_id, actor_type, data from outbox_event e where e.id > ?::bigint order by e.id', [mark]);
  if (found.length) mark = found[found.length - 1].id;
  return found.map(({ id: _id, ...rest }) => rest);
}

beforeAll(async () => {
  t = await startTestApp({ customers: 4 });
  const users = await t.sql<{ id: string; email: string }>('select id, email from app_user');
  const rep1 = users.find((u) => u.email === 'rep1@demo.crm')!.id;
  agentId = users.find((u) => u.email === 'service@demo.crm')!.id;
  [{ id: rep1Customer }] = await t.sql<{ id: string }>('select id from customer where owner_id = ? and not is_partner order by created_at, id limit 1', [rep1]);
  await t.sql(`insert into product (id, sku, name, category, list_price, options_schema) values ('prd_${'4'.repeat(32)}', 'EVT-1', 'Event item', 'Test', 10, '{}')`);
  const key = ok(await t.gql(`mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret } }`,
    { i: { name: 'event shop', role: 'INTEGRATION', scopes: ['customers:read', 'orders:write'] } }, 'ADMIN')).createApiKey;
  shop = { apiKey: key.secret };
  await newEvents();
});
afterAll(async () => { await t.close(); });

it('orders: order.created, then order.status_changed with { from, to }', async () => {
  const pushed = ok(await t.gql(`mutation($i: PushOrderInput!) { pushOrder(input: $i) { order { id version status } errors { message } } }`, { i: {
    idempotencyKey: 'evt-1', channel: 'web', currency: 'EUR', customer: { customerId: rep1Customer }, lines: [{ sku: 'EVT-1', quantity: 1, unitPrice: '10.00' }],
  } }, shop)).pushOrder;
  expect(pushed.errors).toEqual([]);
  const order = pushed.order;
  expect(await newEvents()).toEqual([
    { type: 'order.created', entity_type: 'Order', entity_id: order.id, customer_id: rep1Customer, actor_type: 'API_KEY', data: { status: order.status } },
  ]);
  const moved = ok(await t.gql(`mutation($i: UpdateOrderStatusInput!) { updateOrderStatus(input: $i) { errors { message } } }`,
    { i: { id: order.id, version: order.version, status: 'CONFIRMED' } }, 'ADMIN')).updateOrderStatus;
  expect(moved.errors).toEqual([]);
  expect(await newEvents()).toEqual([
    { type: 'order.status_changed', entity_type: 'Order', entity_id: order.id, customer_id: rep1Customer, actor_type: 'USER', data: { from: order.status, to: 'CONFIRMED' } },
  ]);
});

it('contracts and credit: credit.decided, contract.signed and one receivable.issued per instalment, in the approving transaction', async () => {
  await t.sql('update customer set credit_limit = null, credit_currency = null where id = ?', [rep1Customer]);
  const contract = ok(await t.gql(`mutation($i: CreateContractInput!) { createContract(input: $i) { contract { id version } errors { message } } }`, { i: {
    customerId: rep1Customer, title: 'Events 2027', value: '100.00', currency: 'EUR', startDate: '2027-01-01', endDate: '2027-12-31',
    instalments: [{ dueDate: '2027-01-15', invoiceDate: '2026-01-01' }, { dueDate: '2027-04-15', invoiceDate: '2026-01-01' }],
  } }, 'SALES_REP')).createContract.contract;
  const signed = ok(await t.gql(`mutation($i: SignContractInput!) { signContract(input: $i) { contract { status } errors { message } } }`,
    { i: { id: contract.id, version: contract.version } }, 'SALES_REP')).signContract;
  expect(signed.contract.status).toBe('PENDING_CREDIT_APPROVAL');
  expect(await newEvents()).toEqual([]); // held: nothing signed yet
  const [hold] = await t.sql<{ id: string }>('select id from credit_hold where contract_id = ?', [contract.id]);
  const approved = ok(await t.gql(`mutation($i: ApproveCreditInput!) { approveCredit(input: $i) { errors { message } } }`, { i: { holdId: hold.id, version: 1 } }, 'FINANCE')).approveCredit;
  expect(approved.errors).toEqual([]);
  const events = await newEvents();
  const receivables = await t.sql<{ id: string }>('select id from receivable where contract_id = ? order by instalment', [contract.id]);
  expect(events).toEqual(expect.arrayContaining([
    { type: 'credit.decided', entity_type: 'CreditHold', entity_id: hold.id, customer_id: rep1Customer, actor_type: 'USER', data: { status: 'APPROVED', orderId: null, contractId: contract.id } },
    { type: 'contract.signed', entity_type: 'Contract', entity_id: contract.id, customer_id: rep1Customer, actor_type: 'USER', data: {} },
    ...receivables.map((r) => ({ type: 'receivable.issued', entity_type: 'Receivable', entity_id: r.id, customer_id: rep1Customer, actor_type: 'USER', data: {} })),
  ]));
  expect(events).toHaveLength(2 + receivables.length);

  // Paid down to zero: receivable.paid (a partial payment is no event).
  const pay = (amount: string) => t.gql(`mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { payment { id } errors { message } } }`,
    { i: { customerId: rep1Customer, amount, currency: 'EUR', receivedOn: '2026-03-01', method: 'BANK_TRANSFER' } }, 'FINANCE');
  expect(ok(await pay('10.00')).recordPayment.errors).toEqual([]);
  expect(await newEvents()).toEqual([]);
  const paid = ok(await pay('40.00')).recordPayment;
  expect(await newEvents()).toEqual([
    { type: 'receivable.paid', entity_type: 'Receivable', entity_id: receivables[0].id, customer_id: rep1Customer, actor_type: 'USER', data: { paymentId: paid.payment.id } },
  ]);
});

it('the overdue job writes receivable.overdue in its own SQL, as SYSTEM, once', async () => {
  const [{ id }] = await t.sql<{ id: string }>(`select id from receivable where customer_id = ? and status = 'OPEN' order by instalment desc limit 1`, [rep1Customer]);
  await t.sql(`update receivable set due_date = current_date - 3 where id = ?`, [id]);
  await runOverdueJob(t.db.orm.em.fork() as EntityManager, new Date());
  const events = await newEvents();
  expect(events).toEqual([{
    type: 'receivable.overdue', entity_type: 'Receivable', entity_id: id, customer_id: rep1Customer, actor_type: 'SYSTEM',
    data: { dunningStage: 'REMINDER', overdueSince: expect.stringMatching(/^\d{4}-\d\d-\d\d$/) },
  }]);
  await runOverdueJob(t.db.orm.em.fork() as EntityManager, new Date());
  expect(await newEvents()).toEqual([]);
});

it('cases: case.opened, case.replied for PUBLIC replies only, case.resolved', async () => {
  const made = ok(await t.gql(`mutation($i: CreateCaseInput!) { createCase(input: $i) { case { id version } errors { message } } }`, { i: {
    customerId: rep1Customer, type: 'TECH_SUPPORT', channel: 'PHONE', priority: 'P3', subject: 'Events', assigneeId: agentId,
  } }, 'SERVICE_AGENT')).createCase.case;
  // Assigned at opening: also case.assigned (for the assignee's live screen; webhooks do not offer it).
  expect((await newEvents()).map((e) => [e.type, e.entity_id])).toEqual([['case.assigned', made.id], ['case.opened', made.id]]);
  const comment = (visibility: string) => t.gql(`mutation($i: AddCaseCommentInput!) { addCaseComment(input: $i) { comment { id } errors { message } } }`,
    { i: { caseId: made.id, visibility, body: `A ${visibility} comment` } }, 'SERVICE_AGENT');
  // Every comment is an event with its visibility (live subscribers who may read internal notes get
  // them); webhooks send PUBLIC ones only (test/webhooks.test.ts).
  const internal = ok(await comment('INTERNAL')).addCaseComment;
  expect(await newEvents()).toEqual([{ type: 'case.replied', entity_type: 'ServiceCase', entity_id: made.id, customer_id: rep1Customer, actor_type: 'USER', data: { commentId: internal.comment.id, visibility: 'INTERNAL' } }]);
  const pub = ok(await comment('PUBLIC')).addCaseComment;
  expect(await newEvents()).toEqual([{ type: 'case.replied', entity_type: 'ServiceCase', entity_id: made.id, customer_id: rep1Customer, actor_type: 'USER', data: { commentId: pub.comment.id, visibility: 'PUBLIC' } }]);
  for (const status of ['IN_PROGRESS', 'RESOLVED']) {
    const [{ version: v }] = await t.sql<{ version: number }>('select version from service_case where id = ?', [made.id]);
    const res = ok(await t.gql(`mutation($i: ChangeCaseStatusInput!) { changeCaseStatus(input: $i) { errors { message } } }`, { i: { id: made.id, version: v, status } }, 'SERVICE_AGENT'));
    expect(res.changeCaseStatus.errors).toEqual([]);
  }
  expect((await newEvents()).map((e) => e.type)).toEqual(['case.resolved']);
});

it('customers: customer.created and customer.updated (no field names or values in data); an unchanged update is no event', async () => {
  const made = ok(await t.gql(`mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id version } errors { message } } }`,
    { i: { name: 'Evented GmbH', kind: 'BUSINESS' } }, 'ADMIN')).createCustomer.customer;
  const update = (name: string, version: number) => t.gql(`mutation($i: UpdateCustomerInput!) { updateCustomer(input: $i) { customer { version } errors { message } } }`,
    { i: { id: made.id, version, name } }, 'ADMIN');
  const v2 = ok(await update('Evented AG', made.version)).updateCustomer.customer.version;
  ok(await update('Evented AG', v2));
  expect(await newEvents()).toEqual([
    { type: 'customer.created', entity_type: 'Customer', entity_id: made.id, customer_id: made.id, actor_type: 'USER', data: {} },
    { type: 'customer.updated', entity_type: 'Customer', entity_id: made.id, customer_id: made.id, actor_type: 'USER', data: {} },
  ]);
});

it('loyalty: points.redeemed in the push, points.earned when the order is COMPLETED', async () => {
  const customer = ok(await t.gql(`mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } errors { message } } }`,
    { i: { name: 'Loyal Shopper', kind: 'INDIVIDUAL' } }, 'ADMIN')).createCustomer.customer.id;
  const enrolled = ok(await t.gql('mutation($i: EnrolMemberInput!) { enrolMember(input: $i) { membership { id pointsBalance } errors { message } } }', { i: { customerId: customer } }, 'ADMIN')).enrolMember;
  expect(enrolled.membership.pointsBalance).toBeGreaterThan(0);
  await newEvents();
  const order = ok(await t.gql(`mutation($i: PushOrderInput!) { pushOrder(input: $i) { order { id } errors { message } } }`, { i: {
    idempotencyKey: 'evt-points', channel: 'web', currency: 'EUR', customer: { customerId: customer }, lines: [{ sku: 'EVT-1', quantity: 5, unitPrice: '10.00' }],
    pointsToRedeem: enrolled.membership.pointsBalance,
  } }, shop)).pushOrder.order;
  const redeemed = (await newEvents()).filter((e) => e.type.startsWith('points.'));
  expect(redeemed).toEqual([{ type: 'points.redeemed', entity_type: 'Membership', entity_id: enrolled.membership.id, customer_id: customer, actor_type: 'API_KEY', data: { orderId: order.id, entryId: expect.stringMatching(/^pte_/) } }]);
  for (const status of ['CONFIRMED', 'FULFILLED', 'COMPLETED']) {
    const [{ version }] = await t.sql<{ version: number }>('select version from sales_order where id = ?', [order.id]);
    expect(ok(await t.gql(`mutation($i: UpdateOrderStatusInput!) { updateOrderStatus(input: $i) { errors { message } } }`, { i: { id: order.id, version, status } }, 'ADMIN')).updateOrderStatus.errors).toEqual([]);
  }
  const events = await newEvents();
  expect(events.filter((e) => e.type === 'order.status_changed').map((e) => e.data.to)).toEqual(['CONFIRMED', 'FULFILLED', 'COMPLETED']);
  expect(events.filter((e) => e.type.startsWith('points.'))).toEqual([
    { type: 'points.earned', entity_type: 'Membership', entity_id: enrolled.membership.id, customer_id: customer, actor_type: 'USER', data: { orderId: order.id, entryId: expect.stringMatching(/^pte_/) } },
  ]);
});

it('a rolled-back change leaves no event: the row was flushed in the transaction, and is gone with it', async () => {
  const em = t.db.orm.em.fork() as EntityManager;
  const outcome = await inTransaction({ em, principal: { type: 'USER', id: agentId, role: 'SERVICE_AGENT' as never, scopes: [], partnerCustomerId: null } }, async (tx) => {
    recordEvent(tx.em, tx.principal, { type: 'customer.updated', entityType: 'Customer', entityId: rep1Customer, customerId: rep1Customer });
    await tx.em.flush();
    const [{ n }] = await rows<{ n: number }>(tx.em, sql`select count(*)::int as n from outbox_event where id > ${mark}::bigint`);
    expect(Number(n)).toBe(1); // written, inside the transaction
    fail([userError('BUSINESS_RULE', 'changed my mind')]);
    return 'never';
  });
  expect(outcome.errors).toHaveLength(1);
  expect(await newEvents()).toEqual([]);
});

it('config: webhook settings and their defaults', () => {
  expect(loadConfig({ NODE_ENV: 'test' })).toMatchObject({ WEBHOOK_TIMEOUT_MS: 5000, WEBHOOK_MAX_FAILURES: 20, WEBHOOK_POLL_MS: 0, WEBHOOKS_ALLOW_PRIVATE: true });
  expect(loadConfig({ NODE_ENV: 'test', WEBHOOK_POLL_MS: '250', WEBHOOKS_ALLOW_PRIVATE: 'false' })).toMatchObject({ WEBHOOK_POLL_MS: 250, WEBHOOKS_ALLOW_PRIVATE: false });
  const prod = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), WEBHOOKS_ALLOW_PRIVATE: 'true' });
  expect(prod).toMatchObject({ WEBHOOK_POLL_MS: 5000, WEBHOOKS_ALLOW_PRIVATE: false });
  expect(() => loadConfig({ NODE_ENV: 'test', WEBHOOK_TIMEOUT_MS: '10' })).toThrow(/WEBHOOK_TIMEOUT_MS/);
});
