import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { createClient, type Client } from 'graphql-ws';
import Redis from 'ioredis';
import WebSocket from 'ws';
import { createApp, type App } from '../src/app';
import { openDatabase, type Database } from '../src/db/orm';
import { createLogger } from '../src/logger';
import { announceDueTasks } from '../src/services/task-due';
import { ok, startTestApp, USERS, type TestApp, type Who } from './helpers';

/**
 * Live updates through a real graphql-ws client (`createClient` over `ws`) against a real listening
 * server: every event is triggered by a mutation over HTTP, committed, heard through the database's
 * LISTEN/NOTIFY (PostgreSQL) or PGlite's listen, and filtered per subscriber. "Does not receive" is proven
 * by order: each subscriber's FIRST event must be the one meant for it, after events it must not get.
 */

let t: TestApp;
let server: Server;
let url: string;
let agentId: string;
let adminId: string;
let rep1Customer: string;
let rep2Customer: string;
let partnerCustomer: string;
const clients: Client[] = [];

beforeAll(async () => {
  t = await startTestApp({ customers: 6 });
  t.config.LIVE_RECHECK_MS = 250;
  server = await new Promise<Server>((resolve) => { const s = t.app.listen(0, () => resolve(s)); });
  await t.live.attach(server);
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  const users = await t.sql<{ id: string; email: string }>('select id, email from app_user');
  const user = (email: string) => users.find((u) => u.email === email)!.id;
  agentId = user(USERS.SERVICE_AGENT);
  adminId = user(USERS.ADMIN);
  const firstOf = async (owner: string) =>
    (await t.sql<{ id: string }>('select id from customer where owner_id = ? and not is_partner order by created_at, id limit 1', [owner]))[0].id;
  rep1Customer = await firstOf(user(USERS.SALES_REP));
  rep2Customer = await firstOf(user(USERS.SALES_REP_2));
  partnerCustomer = (await t.sql<{ id: string }>(`select partner_customer_id as id from app_user where email = ?`, [USERS.PARTNER]))[0].id;
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  await t.close(); // closes the WebSockets (live.close) before the HTTP server can finish closing
  await closed;
});

// ------------------------------------------------------------------------------------------ helpers

interface Connection {
  client: Client;
  /** Resolves with the close event when the server closes the socket. */
  closed: Promise<{ code: number; reason: string }>;
}

function connect(params: Record<string, unknown> | undefined): Connection {
  let onClosed!: (e: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => { onClosed = resolve; });
  const client = createClient({
    url, webSocketImpl: WebSocket, connectionParams: params, retryAttempts: 0, lazy: false,
    onNonLazyError: () => undefined,
    on: { closed: (e) => onClosed(e as { code: number; reason: string }) },
  });
  clients.push(client);
  return { client, closed };
}

const as = async (who: Who) => connect({ authorization: `Bearer ${await t.token(who)}` });

async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms = 5000) {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A subscription's messages, in order; `next()` waits for the next one. */
function subscribe(c: Connection, query: string, variables?: Record<string, unknown>) {
  const items: any[] = [];
  const waiting: ((v: any) => void)[] = [];
  const push = (item: any) => (waiting.length ? waiting.shift()!(item) : items.push(item));
  const before = t.live.activeSubscriptions();
  const dispose = c.client.subscribe({ query, variables }, {
    next: (value) => push(value),
    error: (error) => push({ error }),
    complete: () => push({ complete: true }),
  });
  return {
    dispose,
    /** Resolves once the server listens for this subscription's events (or it failed). */
    ready: () => waitFor('the subscription to listen', () => t.live.activeSubscriptions() > before || items.length > 0),
    next: (ms = 5000) => new Promise<any>((resolve, reject) => {
      if (items.length) return resolve(items.shift());
      const timer = setTimeout(() => reject(new Error(`no message within ${ms} ms`)), ms);
      waiting.push((v) => { clearTimeout(timer); resolve(v); });
    }),
  };
}

const CASE_FIELDS = 'id number status customerId assigneeId version';
const CREATE_CASE = `mutation($i: CreateCaseInput!) { createCase(input: $i) { case { ${CASE_FIELDS} } errors { code field } } }`;
const ASSIGN = `mutation($i: AssignCaseInput!) { assignCase(input: $i) { case { ${CASE_FIELDS} } errors { code field } } }`;
const COMMENT = 'mutation($i: AddCaseCommentInput!) { addCaseComment(input: $i) { comment { id } errors { code field } } }';
const ORDER_STATUS = 'mutation($i: UpdateOrderStatusInput!) { updateOrderStatus(input: $i) { order { id status version } errors { code field } } }';

async function openCase(extra: Record<string, unknown> = {}, who: Who = 'SERVICE_AGENT') {
  const input = { customerId: rep1Customer, type: 'TECH_SUPPORT', priority: 'P3', subject: 'Printer jams', ...(who === 'PARTNER' ? {} : { channel: 'PHONE' }), ...extra };
  const res = ok(await t.gql(CREATE_CASE, { i: input }, who)).createCase;
  expect(res.errors).toEqual([]);
  return res.case as { id: string; version: number };
}

async function comment(caseId: string, visibility: 'PUBLIC' | 'INTERNAL', body: string, who: Who = 'SERVICE_AGENT') {
  const res = ok(await t.gql(COMMENT, { i: { caseId, visibility, body } }, who)).addCaseComment;
  expect(res.errors).toEqual([]);
  return res.comment.id as string;
}

let orderSeq = 0;
/** A PENDING order of `customerId` (fixture rows; the status change under test goes through HTTP). */
async function orderOf(customerId: string): Promise<string> {
  orderSeq += 1;
  const id = `ord_${String(orderSeq).padStart(32, '0')}`;
  await t.sql(`insert into sales_order (id, customer_id, bill_to_id, channel, currency, subtotal, total, created_by)
    values (?, ?, ?, 'web', 'EUR', 10, 10, ?)`, [id, customerId, customerId, adminId]);
  return id;
}

async function setOrderStatus(id: string, status: string) {
  const [{ version }] = await t.sql<{ version: number }>('select version from sales_order where id = ?', [id]);
  const res = ok(await t.gql(ORDER_STATUS, { i: { id, version, status } }, 'ADMIN')).updateOrderStatus;
  expect(res.errors).toEqual([]);
}

async function freshLogin(who: Who): Promise<string> {
  return ok(await t.gql('mutation($i: LoginInput!) { login(input: $i) { token } }', { i: { email: USERS[who], password: 'demo1234' } })).login.token;
}

// ------------------------------------------------------------------------------------------ tests

describe('connecting', () => {
  it('refuses a connection without credentials, or with a bad token or key, with 4401', async () => {
    for (const params of [undefined, { authorization: 'Bearer not-a-token' }, { authorization: 'Basic abc' }, { 'x-api-key': 'crm_000000000000_nope' }]) {
      const c = connect(params);
      const closed = await c.closed;
      expect(closed.code).toBe(4401);
      expect(closed.reason).toMatch(/^Unauthorized/);
    }
  });

  it('refuses a subscription the permission map denies (FORBIDDEN), serves only subscriptions, at most 25 per connection', async () => {
    const c = await as('FINANCE');
    const denied = subscribe(c, 'subscription { caseAssigned { eventId } }');
    const msg = await denied.next();
    expect(msg.errors?.[0]?.extensions?.code ?? msg.error?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const query = subscribe(c, '{ me { id } }');
    const refused = await query.next();
    expect(refused.error[0].message).toMatch(/Only subscriptions/);
    // At most 25 open subscriptions per connection.
    const before = t.live.activeSubscriptions();
    const open = Array.from({ length: 25 }, () => subscribe(c, 'subscription { taskDue { eventId } }'));
    await waitFor('25 subscriptions', () => t.live.activeSubscriptions() === before + 25);
    const extra = await subscribe(c, 'subscription { taskDue { eventId } }').next();
    expect(extra.error[0]).toMatchObject({ message: expect.stringMatching(/At most 25 subscriptions per connection/), extensions: { code: 'BAD_REQUEST' } });
    open.forEach((s) => s.dispose());
  });

  it('answers a subscription sent over HTTP with an error pointing to WebSocket', async () => {
    const res = await t.gql('subscription { taskDue { eventId } }', {}, 'SALES_REP');
    expect(res.status).toBe(400);
    expect(res.body.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([['BAD_REQUEST', expect.stringMatching(/served over WebSocket at \/graphql/)]]);
  });
});

describe('caseAssigned', () => {
  it('reaches the assignee, and the queue manager for an unassigned case in the queue; nobody else', async () => {
    const agent = subscribe(await as('SERVICE_AGENT'), 'subscription { caseAssigned { eventId occurredAt reason case { id status assigneeId } } }');
    const admin = subscribe(await as('ADMIN'), 'subscription { caseAssigned { reason case { id assigneeId } } }');
    await agent.ready();
    await admin.ready();

    const mine = await openCase({ assigneeId: agentId }, 'ADMIN');
    const first = await agent.next();
    expect(first.errors).toBeUndefined();
    expect(first.data.caseAssigned).toMatchObject({ reason: 'ASSIGNED_TO_YOU', case: { id: mine.id, status: 'ASSIGNED', assigneeId: agentId } });
    expect(first.data.caseAssigned.eventId).toMatch(/^[0-9a-f-]{36}$/);

    const queue = ok(await t.gql('mutation($i: CreateServiceQueueInput!) { createServiceQueue(input: $i) { serviceQueue { id } } }',
      { i: { name: 'Live queue', managerId: agentId } }, 'ADMIN')).createServiceQueue.serviceQueue.id;
    const queued = await openCase({ queueId: queue });
    expect((await agent.next()).data.caseAssigned).toMatchObject({ reason: 'YOUR_QUEUE', case: { id: queued.id, assigneeId: null } });

    // The admin heard neither of those: its first event is the case assigned to it.
    const res = ok(await t.gql(ASSIGN, { i: { id: queued.id, version: queued.version, assigneeId: adminId } }, 'SERVICE_AGENT')).assignCase;
    expect(res.errors).toEqual([]);
    expect((await admin.next()).data.caseAssigned).toEqual({ reason: 'ASSIGNED_TO_YOU', case: { id: queued.id, assigneeId: adminId } });
  });
});

describe('caseReplied', () => {
  it('sends a partner the public replies on a case it opened, never internal notes, and applies the field rules', async () => {
    const partner = subscribe(await as('PARTNER'), 'subscription { caseReplied { case { id queue { id } } comment { id visibility body } } }');
    const admin = subscribe(await as('ADMIN'), 'subscription($c: ID) { caseReplied(caseId: $c) { case { id } comment { id visibility body } } }');
    await partner.ready();
    const theirs = await openCase({ customerId: partnerCustomer }, 'PARTNER');
    // The admin follows the case explicitly (caseId) and is subscribed after the case exists.
    const adminOnCase = subscribe(await as('ADMIN'), 'subscription($c: ID) { caseReplied(caseId: $c) { comment { id visibility } } }', { c: theirs.id });
    await adminOnCase.ready();
    await admin.ready();

    const note = await comment(theirs.id, 'INTERNAL', 'Customer is difficult');
    const reply = await comment(theirs.id, 'PUBLIC', 'We are on it');

    const got = await partner.next();
    // Its first event is the public reply: the internal note never reached it.
    expect(got.data.caseReplied.comment).toEqual({ id: reply, visibility: 'PUBLIC', body: 'We are on it' });
    expect(got.data.caseReplied.case.id).toBe(theirs.id);
    // ServiceCase.queue is denied to partners: null with FORBIDDEN, exactly as in a query.
    expect(got.data.caseReplied.case.queue).toBeNull();
    expect(got.errors.map((e: any) => [e.path.join('.'), e.extensions.code])).toEqual([['caseReplied.case.queue', 'FORBIDDEN']]);

    // Staff who follow the case get both, in order.
    expect((await adminOnCase.next()).data.caseReplied.comment).toEqual({ id: note, visibility: 'INTERNAL' });
    expect((await adminOnCase.next()).data.caseReplied.comment).toEqual({ id: reply, visibility: 'PUBLIC' });
    // Without caseId the admin follows only its own cases (assigned, opened, commented): not this one.
    const own = await openCase({}, 'ADMIN');
    const partnerReply = await comment(own.id, 'PUBLIC', 'A reply on the admin\'s case');
    expect((await admin.next()).data.caseReplied.comment).toEqual({ id: partnerReply, visibility: 'PUBLIC', body: 'A reply on the admin\'s case' });
  });

  it('refuses to follow a case the caller cannot see (NOT_FOUND) or a malformed id (BAD_USER_INPUT)', async () => {
    const other = await openCase({ customerId: rep2Customer });
    const rep1 = subscribe(await as('SALES_REP'), 'subscription($c: ID) { caseReplied(caseId: $c) { comment { id } } }', { c: other.id });
    const msg = await rep1.next();
    expect(msg.error?.[0]?.extensions?.code ?? msg.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // Errors are formatted as over HTTP: a malformed id is BAD_USER_INPUT naming the argument.
    const bad = await subscribe(await as('SALES_REP'), 'subscription { caseReplied(caseId: "nope") { comment { id } } }').next();
    expect(bad.errors).toEqual([expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'caseId' } })]);
  });
});

describe('orderStatusChanged', () => {
  it('reaches only subscribers who can read the order (record scope)', async () => {
    const rep1 = subscribe(await as('SALES_REP'), 'subscription { orderStatusChanged { from to order { id status customerId } } }');
    const rep2 = subscribe(await as('SALES_REP_2'), 'subscription { orderStatusChanged { from to order { id status } } }');
    await rep1.ready();
    await rep2.ready();
    const order1 = await orderOf(rep1Customer);
    const order2 = await orderOf(rep2Customer);

    await setOrderStatus(order1, 'CONFIRMED');
    await setOrderStatus(order2, 'CANCELLED');
    expect((await rep1.next()).data.orderStatusChanged).toEqual({ from: 'PENDING', to: 'CONFIRMED', order: { id: order1, status: 'CONFIRMED', customerId: rep1Customer } });
    expect((await rep2.next()).data.orderStatusChanged).toEqual({ from: 'PENDING', to: 'CANCELLED', order: { id: order2, status: 'CANCELLED' } });
    await setOrderStatus(order1, 'FULFILLED');
    expect((await rep1.next()).data.orderStatusChanged).toMatchObject({ from: 'CONFIRMED', to: 'FULFILLED' });
  });
});

describe('taskDue', () => {
  it('announces my task when it falls due, once, to me only', async () => {
    const rep1 = subscribe(await as('SALES_REP'), 'subscription { taskDue { eventId task { id title dueAt } } }');
    const rep2 = subscribe(await as('SALES_REP_2'), 'subscription { taskDue { task { id title } } }');
    await rep1.ready();
    await rep2.ready();
    const create = 'mutation($i: CreateTaskInput!) { createTask(input: $i) { task { id } errors { code field } } }';
    const due = new Date(Date.now() + 300).toISOString();
    const mine = ok(await t.gql(create, { i: { title: 'Call back', type: 'CALL', dueAt: due } }, 'SALES_REP')).createTask.task.id;
    const theirs = ok(await t.gql(create, { i: { title: 'Rep 2 call', type: 'CALL', dueAt: new Date(Date.now() + 600).toISOString() } }, 'SALES_REP_2')).createTask.task.id;

    // The taskDue job (every 30 s in a server; run here by hand) once both are due, and once more: nothing twice.
    await new Promise((r) => setTimeout(r, 700));
    await announceDueTasks(t.db.orm.em.fork() as EntityManager);
    expect((await rep1.next()).data.taskDue.task).toEqual({ id: mine, title: 'Call back', dueAt: due });
    expect((await rep2.next()).data.taskDue.task).toEqual({ id: theirs, title: 'Rep 2 call' });
    expect(await announceDueTasks(t.db.orm.em.fork() as EntityManager)).toEqual({ announced: 0 });
    const events = await t.sql<{ n: number }>(`select count(*)::int as n from outbox_event where type = 'task.due' and entity_id = ?`, [mine]);
    expect(events[0].n).toBe(1);
  });
});

describe('closing connections', () => {
  it('closes the connection when the token expires (4403)', async () => {
    const ttl = t.config.JWT_TTL_SECONDS;
    t.config.JWT_TTL_SECONDS = 1;
    const token = await freshLogin('ANALYST');
    t.config.JWT_TTL_SECONDS = ttl;
    const c = connect({ authorization: `Bearer ${token}` });
    const s = subscribe(c, 'subscription { taskDue { eventId } }');
    await s.ready();
    const started = Date.now();
    const closed = await c.closed;
    expect(closed.code).toBe(4403);
    expect(closed.reason).toMatch(/expired/i);
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('closes the connection when the user\'s sessions end (password change, deactivation) or the API key is revoked (4403)', async () => {
    const token = await freshLogin('MARKETING');
    const user = connect({ authorization: `Bearer ${token}` });
    await subscribe(user, 'subscription { taskDue { eventId } }').ready();
    const changed = ok(await t.gql('mutation($i: ChangePasswordInput!) { changePassword(input: $i) { errors { code } } }',
      { i: { currentPassword: 'demo1234', newPassword: 'demo1234-new' } }, { token })).changePassword;
    expect(changed.errors).toEqual([]);
    expect((await user.closed).code).toBe(4403);

    const finance = connect({ authorization: `Bearer ${await freshLogin('FINANCE')}` });
    await subscribe(finance, 'subscription { orderStatusChanged { eventId } }').ready();
    const [{ id: financeId }] = await t.sql<{ id: string }>('select id from app_user where email = ?', [USERS.FINANCE]);
    expect(ok(await t.gql('mutation($i: UpdateUserInput!) { updateUser(input: $i) { errors { code } } }', { i: { id: financeId, active: false } }, 'ADMIN')).updateUser.errors).toEqual([]);
    expect((await finance.closed).code).toBe(4403);

    const created = ok(await t.gql('mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { apiKey { id } secret } }',
      { i: { name: 'live partner', role: 'PARTNER', scopes: ['cases:read'], partnerCustomerId: partnerCustomer } }, 'ADMIN')).createApiKey;
    const key = connect({ 'x-api-key': created.secret });
    await subscribe(key, 'subscription { caseReplied { comment { id } } }').ready();
    ok(await t.gql('mutation($i: ApiKeyIdInput!) { revokeApiKey(input: $i) { errors { code } } }', { i: { id: created.apiKey.id } }, 'ADMIN'));
    const closed = await key.closed;
    expect(closed.code).toBe(4403);
    expect(closed.reason).toMatch(/Session ended/);
  });
});

/** A second (or third) app on the test's database, serving WebSockets on a port of its own. */
async function instance(config: TestApp['config']) {
  // On PostgreSQL each instance opens its own pool and its own LISTEN connection; the embedded database
  // is one process, so the instances share it (and hear it through PGlite's listen).
  const db: Database = t.db.kind === 'postgresql' ? await openDatabase(config) : t.db;
  const app: App = await createApp(config, db, createLogger('silent'));
  const http = await new Promise<Server>((resolve) => { const x = app.app.listen(0, () => resolve(x)); });
  await app.live.attach(http);
  return {
    app,
    url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`,
    async close() {
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      await app.stop();
      await closed;
      if (db !== t.db) await db.close();
    },
  };
}

describe('two instances on one database', () => {
  it('an event committed through instance A reaches a subscriber connected to instance B', async () => {
    const b = await instance(t.config);
    try {
      const onB = createClient({ url: b.url, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${await t.token('SALES_REP')}` } });
      clients.push(onB);
      const received = new Promise<any>((resolve, reject) => {
        onB.subscribe({ query: 'subscription { orderStatusChanged { to order { id } } }' }, { next: resolve, error: reject, complete: () => undefined });
      });
      await waitFor('the subscription on B', () => b.app.live.activeSubscriptions() > 0);
      const order = await orderOf(rep1Customer);
      await setOrderStatus(order, 'CONFIRMED'); // through A's HTTP API
      expect((await received).data.orderStatusChanged).toEqual({ to: 'CONFIRMED', order: { id: order } });
    } finally {
      await b.close();
    }
  });
});

describe('fan-out through Redis (REDIS_URL)', () => {
  it('relays each event once, through one instance, to subscribers on every instance', async () => {
    const prefix = `crm-live-${randomBytes(4).toString('hex')}`;
    const config = { ...t.config, REDIS_URL: 'redis://127.0.0.1:6379', RATE_LIMIT_PREFIX: prefix };
    const spy = new Redis(config.REDIS_URL);
    const published: string[] = [];
    spy.on('message', (_channel: string, message: string) => published.push(JSON.parse(message).eventId));
    await spy.subscribe(`${prefix}:outbox`);
    const b = await instance(config);
    const c = await instance(config);
    try {
      const heard = await Promise.all([b, c].map(async (i) => {
        const client = createClient({ url: i.url, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${await t.token('SALES_REP')}` } });
        clients.push(client);
        const event = new Promise<any>((resolve, reject) => {
          client.subscribe({ query: 'subscription { orderStatusChanged { eventId to order { id } } }' }, { next: resolve, error: reject, complete: () => undefined });
        });
        await waitFor('the subscription', () => i.app.live.activeSubscriptions() > 0);
        return { event }; // wrapped: an async function returning the promise itself would wait for the event
      }));
      const order = await orderOf(rep1Customer);
      await setOrderStatus(order, 'CONFIRMED'); // through instance A's HTTP API
      const [onB, onC] = (await Promise.all(heard.map((h) => h.event))).map((e) => e.data.orderStatusChanged);
      expect(onB).toEqual({ eventId: expect.any(String), to: 'CONFIRMED', order: { id: order } });
      expect(onC).toEqual(onB);
      if (t.db.kind === 'postgresql') {
        // B and C both listen for outbox events, yet the advisory lock lets only one publish: once on Redis.
        await new Promise((r) => setTimeout(r, 200));
        expect(published).toEqual([onB.eventId]);
      }
    } finally {
      await Promise.all([b.close(), c.close()]);
      await spy.quit();
    }
  });
});
