import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EntityManager } from '@mikro-orm/postgresql';
import { verifyWebhookSignature } from '../src/services/webhook-signature';
import { createLogger } from '../src/logger';
import { deliverWebhooks, startWebhookWorker } from '../src/webhooks';
import { codes, ok, startTestApp, type Caller, type TestApp, type Who } from './helpers';

/**
 * Webhooks through HTTP with a real receiver on 127.0.0.1 (a node:http server in this file) that
 * answers 200, fails with 500, holds a request past the timeout, redirects, or answers 410, and checks
 * the signature with the helper of src/services/webhook-signature.ts. The worker runs one pass at a
 * time (`deliverWebhooks`, the function the server's worker and the `webhooks` job run) at a chosen
 * `now`, so that backoff, leases and the 3-day window are tested without waiting.
 */

let t: TestApp;
let base: string;
type Behaviour = number | 'hold' | 'redirect';
/** What each receiver path answers next (the last entry repeats). */
const plans = new Map<string, Behaviour[]>();
const received: { path: string; signature: string; body: string }[] = [];
const held: http.ServerResponse[] = [];
let server: http.Server;
let pA: string; // the demo partner (partner@demo.crm)
let partnerKey: Caller;

const got = (path: string) => received.filter((r) => r.path === path);
const pass = (now = new Date(), signal?: AbortSignal) => deliverWebhooks(t.db.orm.em.fork() as EntityManager, now, { config: t.config, signal });
const later = (ms: number) => new Date(Date.now() + ms);

const SUB = 'id url events filter { customerIds } enabled disabledReason disabledAt consecutiveFailures ownerType ownerId';
const CREATE_SUB = `mutation($i: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $i) { subscription { ${SUB} } secret errors { code field message } } }`;
const UPDATE_SUB = `mutation($i: UpdateWebhookSubscriptionInput!) { updateWebhookSubscription(input: $i) { subscription { ${SUB} } errors { code field message } } }`;
const DELIVERY = 'id eventId eventType status attempts responseStatus durationMs lastError nextAttemptAt lastAttemptAt deliveredAt replayOf body';
const LOG = `query($s: ID!) { webhookDeliveries(subscriptionId: $s, first: 50) { totalCount edges { node { ${DELIVERY} } } } }`;

async function subscribe(path: string, events: string[], customerIds: string[] | null, who: Who | Caller = 'ADMIN') {
  plans.set(path, plans.get(path) ?? [200]);
  const res = ok(await t.gql(CREATE_SUB, { i: { url: `${base}${path}`, events, filter: customerIds ? { customerIds } : null } }, who)).createWebhookSubscription;
  expect(res.errors).toEqual([]);
  return { id: res.subscription.id as string, secret: res.secret as string, subscription: res.subscription };
}

async function newCustomer(input: Record<string, unknown> = {}) {
  const res = ok(await t.gql(`mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id version } errors { message } } }`,
    { i: { name: `Hook Customer ${Math.random().toString(36).slice(2, 8)}`, kind: 'BUSINESS', ...input } }, 'ADMIN')).createCustomer;
  expect(res.errors).toEqual([]);
  return res.customer.id as string;
}

/** An audited change of the customer (customer.updated). */
async function touch(customerId: string, name = `Renamed ${Math.random().toString(36).slice(2, 8)}`) {
  const [{ version }] = await t.sql<{ version: number }>('select version from customer where id = ?', [customerId]);
  const res = ok(await t.gql(`mutation($i: UpdateCustomerInput!) { updateCustomer(input: $i) { errors { message } } }`, { i: { id: customerId, version, name } }, 'ADMIN')).updateCustomer;
  expect(res.errors).toEqual([]);
}

async function deliveries(subscriptionId: string, who: Who | Caller = 'ADMIN') {
  return ok(await t.gql(LOG, { s: subscriptionId }, who)).webhookDeliveries.edges.map((e: { node: any }) => e.node).reverse();
}
const subscription = async (id: string) => (await t.sql<{ enabled: boolean; disabled_reason: string | null; consecutive_failures: number }>(
  'select enabled, disabled_reason, consecutive_failures from webhook_subscription where id = ?', [id]))[0];

beforeAll(async () => {
  t = await startTestApp({ customers: 6 });
  t.config.WEBHOOK_TIMEOUT_MS = 300;
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ path, signature: String(req.headers['x-crm-signature'] ?? ''), body });
      const plan = plans.get(path) ?? [404];
      const next = plan.length > 1 ? plan.shift()! : plan[0];
      if (next === 'hold') { held.push(res); return; }
      if (next === 'redirect') { res.writeHead(302, { location: `${base}/elsewhere` }).end(); return; }
      res.writeHead(next).end('thanks');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  [{ id: pA }] = await t.sql<{ id: string }>(`select partner_customer_id as id from app_user where email = 'partner@demo.crm'`);
  const key = ok(await t.gql(`mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret errors { message } } }`,
    { i: { name: 'dealer hooks', role: 'PARTNER', scopes: ['customers:read', 'orders:read', 'webhooks:manage'], partnerCustomerId: pA } }, 'ADMIN')).createApiKey;
  partnerKey = { apiKey: key.secret };
  await pass(); // fan out whatever the seed recorded, so each test starts from its own events
});

afterAll(async () => {
  held.forEach((res) => res.destroy());
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await t.close();
});

describe('delivery', () => {
  it('POSTs a signed envelope { id, type, occurredAt, data, record } that the helper verifies; the log shows status, code, duration, attempts', async () => {
    const customer = await newCustomer();
    const { id, secret } = await subscribe('/ok', ['customer.updated'], [customer]);
    await touch(customer, 'Signed Corp');
    const result = await pass();
    expect(result.succeeded).toBe(1);
    const [request] = got('/ok');
    expect(verifyWebhookSignature(secret, request.body, request.signature)).toBe(true);
    expect(request.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(secret, `${request.body} `, request.signature)).toBe(false);
    expect(verifyWebhookSignature('whsec_wrong', request.body, request.signature)).toBe(false);
    const envelope = JSON.parse(request.body);
    expect(envelope).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/), type: 'customer.updated', occurredAt: expect.stringMatching(/Z$/), data: {},
      record: expect.objectContaining({ __typename: 'Customer', id: customer, name: 'Signed Corp' }),
    });
    const [log] = await deliveries(id);
    expect(log).toMatchObject({ eventId: envelope.id, eventType: 'customer.updated', status: 'SUCCEEDED', attempts: 1, responseStatus: 200, lastError: null, nextAttemptAt: null, body: request.body });
    expect(log.durationMs).toBeGreaterThanOrEqual(0);
    expect(log.deliveredAt).toBeTruthy();
  });

  it('fails (500), times out, refuses a redirect, then recovers: retried with backoff, in order (the next waits for the earlier one)', async () => {
    const customer = await newCustomer();
    const { id } = await subscribe('/flaky', ['customer.updated'], [customer]);
    plans.set('/flaky', [500, 'hold', 'redirect', 200]);
    await touch(customer, 'First');
    await touch(customer, 'Second');
    const start = Date.now();
    await pass();
    expect(got('/flaky')).toHaveLength(1); // the second event waits behind the first
    let [first, second] = await deliveries(id);
    expect(first).toMatchObject({ status: 'PENDING', attempts: 1, responseStatus: 500, lastError: 'HTTP 500' });
    expect(second).toMatchObject({ status: 'PENDING', attempts: 0 });
    const wait = new Date(first.nextAttemptAt).getTime() - start;
    expect(wait).toBeGreaterThanOrEqual(0.75 * 30_000 - 1000);
    expect(wait).toBeLessThanOrEqual(1.25 * 30_000 + 5000);
    await pass(); // not due yet
    expect(got('/flaky')).toHaveLength(1);

    await pass(later(60_000)); // times out (held past WEBHOOK_TIMEOUT_MS)
    [first] = await deliveries(id);
    expect(first).toMatchObject({ status: 'PENDING', attempts: 2, responseStatus: null });
    expect(first.lastError).toMatch(/No answer within 300 ms/);
    expect(first.durationMs).toBeGreaterThanOrEqual(250);

    await pass(later(10 * 60_000)); // a redirect is a failure, not followed
    [first] = await deliveries(id);
    expect(first).toMatchObject({ status: 'PENDING', attempts: 3, responseStatus: 302 });
    expect(first.lastError).toMatch(/Redirect \(302\) not followed/);
    expect(got('/elsewhere')).toHaveLength(0);
    expect((await subscription(id)).consecutive_failures).toBe(3);

    await pass(later(60 * 60_000)); // recovers: the first, then the second in the same pass
    [first, second] = await deliveries(id);
    expect([first.status, second.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(first.attempts).toBe(4);
    // The first event four times (same id, same body), then the second; each body carries its record as rendered at fan-out.
    expect(got('/flaky').map((r) => JSON.parse(r.body).id)).toEqual([first.eventId, first.eventId, first.eventId, first.eventId, second.eventId]);
    expect(new Set(got('/flaky').slice(0, 4).map((r) => r.body)).size).toBe(1);
    expect((await subscription(id)).consecutive_failures).toBe(0);
  });

  it('gives up after 3 days (FAILED) and lets the next delivery go; replayWebhookDelivery sends the identical body again', async () => {
    const customer = await newCustomer();
    const { id } = await subscribe('/down', ['customer.updated'], [customer]);
    plans.set('/down', [503]);
    await touch(customer, 'Lost');
    await touch(customer, 'Next');
    await pass();
    await pass(later(3.5 * 24 * 3600_000));
    const [first, second] = await deliveries(id);
    expect(first).toMatchObject({ status: 'FAILED', attempts: 2, nextAttemptAt: null });
    // Given up, the first no longer holds the queue: the second was attempted in the same pass (and, 3.5 days on, given up too).
    expect(second).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect(got('/down').map((r) => JSON.parse(r.body).id)).toEqual([first.eventId, first.eventId, second.eventId]);

    plans.set('/down', [200]);
    const replayed = ok(await t.gql(`mutation($i: WebhookIdInput!) { replayWebhookDelivery(input: $i) { delivery { ${DELIVERY} } errors { code } } }`,
      { i: { id: first.id } }, 'ADMIN')).replayWebhookDelivery;
    expect(replayed.errors).toEqual([]);
    expect(replayed.delivery).toMatchObject({ replayOf: first.id, eventId: first.eventId, status: 'PENDING', attempts: 0, body: first.body });
    await pass(later(4 * 24 * 3600_000));
    const replay = (await deliveries(id))[2];
    expect(replay).toMatchObject({ id: replayed.delivery.id, status: 'SUCCEEDED', attempts: 1 });
    const bodies = got('/down').map((r) => r.body);
    expect(bodies[bodies.length - 1]).toBe(first.body); // the replay, byte for byte
  });

  it('a 410 disables the subscription at once with a notice; events meanwhile are not queued; re-enabling resumes', async () => {
    const customer = await newCustomer();
    const { id } = await subscribe('/gone', ['customer.updated'], [customer]);
    plans.set('/gone', [410]);
    await touch(customer);
    await pass();
    const [log] = await deliveries(id);
    expect(log).toMatchObject({ status: 'FAILED', responseStatus: 410 });
    const sub = ok(await t.gql(`{ webhookSubscriptions(first: 100) { edges { node { ${SUB} } } } }`, {}, 'ADMIN')).webhookSubscriptions.edges
      .map((e: any) => e.node).find((s: any) => s.id === id);
    expect(sub.enabled).toBe(false);
    expect(sub.disabledReason).toMatch(/410 Gone/);
    expect(sub.disabledAt).toBeTruthy();
    await touch(customer);
    await pass();
    expect(await deliveries(id)).toHaveLength(1);

    plans.set('/gone', [200]);
    const res = ok(await t.gql(UPDATE_SUB, { i: { id, enabled: true } }, 'ADMIN')).updateWebhookSubscription;
    expect(res.subscription).toMatchObject({ enabled: true, disabledReason: null, consecutiveFailures: 0 });
    await touch(customer);
    await pass();
    expect((await deliveries(id)).map((d: any) => d.status)).toEqual(['FAILED', 'SUCCEEDED']);
  });

  it('disables a subscription after WEBHOOK_MAX_FAILURES failures in a row', async () => {
    t.config.WEBHOOK_MAX_FAILURES = 2;
    try {
      const customer = await newCustomer();
      const { id } = await subscribe('/broken', ['customer.updated'], [customer]);
      plans.set('/broken', [500]);
      await touch(customer);
      await pass();
      expect((await subscription(id)).enabled).toBe(true);
      await pass(later(3600_000));
      const sub = await subscription(id);
      expect(sub).toMatchObject({ enabled: false, consecutive_failures: 2 });
      expect(sub.disabled_reason).toMatch(/after 2 failed deliveries in a row/);
      await pass(later(2 * 3600_000)); // disabled: no more attempts
      expect(got('/broken')).toHaveLength(2);
    } finally {
      t.config.WEBHOOK_MAX_FAILURES = 20;
    }
  });

  it('at-least-once: a worker killed mid-delivery leaves a lease; when it expires the event is delivered once more with the same id', async () => {
    const customer = await newCustomer();
    const { id } = await subscribe('/slow', ['customer.updated'], [customer]);
    plans.set('/slow', ['hold', 200]);
    await touch(customer);
    const killed = new AbortController();
    const running = pass(new Date(), killed.signal);
    for (let i = 0; i < 500 && !got('/slow').length; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(got('/slow')).toHaveLength(1);
    killed.abort(); // the process dies while the receiver still holds the request
    await running;
    let [log] = await deliveries(id);
    expect(log).toMatchObject({ status: 'PENDING', attempts: 1, responseStatus: null, lastError: null }); // nothing recorded
    const [{ lease }] = await t.sql<{ lease: Date }>('select lease_until as lease from webhook_delivery where id = ?', [log.id]);
    expect(new Date(lease).getTime()).toBeGreaterThan(Date.now());

    await pass(); // the lease still runs: no second worker sends it
    expect(got('/slow')).toHaveLength(1);
    await pass(later(60_000)); // the lease expired: sent again
    [log] = await deliveries(id);
    expect(log).toMatchObject({ status: 'SUCCEEDED', attempts: 2, responseStatus: 200 });
    const ids = got('/slow').map((r) => JSON.parse(r.body).id);
    expect(ids).toEqual([log.eventId, log.eventId]);
    expect(got('/slow')[0].body).toBe(got('/slow')[1].body);
  });

  it('two workers at once never send the same attempt twice (claims skip locked rows)', async () => {
    const customer = await newCustomer();
    const { id } = await subscribe('/twice', ['customer.updated'], [customer]);
    await touch(customer);
    await touch(customer);
    await Promise.all([pass(), pass()]);
    expect((await deliveries(id)).map((d: any) => [d.status, d.attempts])).toEqual([['SUCCEEDED', 1], ['SUCCEEDED', 1]]);
    expect(got('/twice')).toHaveLength(2);
  });
});

describe('the server\'s worker', () => {
  it('delivers without being asked: woken by the outbox notification on PostgreSQL (a long poll interval), by the poll on the embedded database', async () => {
    const customer = await newCustomer();
    const { id } = await subscribe('/live', ['customer.updated'], [customer]);
    const listens = Boolean(t.config.DATABASE_URL);
    const worker = startWebhookWorker({ db: t.db, config: { ...t.config, WEBHOOK_POLL_MS: listens ? 600_000 : 100 }, log: createLogger('silent') });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300)); // LISTEN is set up
      await touch(customer, 'Live Ltd');
      for (let i = 0; i < 300 && !got('/live').length; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(got('/live').map((r) => JSON.parse(r.body).record.name)).toEqual(['Live Ltd']);
    } finally {
      await worker.stop();
    }
    for (let i = 0; i < 100 && (await deliveries(id))[0]?.status !== 'SUCCEEDED'; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await deliveries(id))[0]).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
  });

  it('is off with WEBHOOK_POLL_MS=0 (the default under NODE_ENV=test)', async () => {
    const customer = await newCustomer();
    await subscribe('/off', ['customer.updated'], [customer]);
    const worker = startWebhookWorker({ db: t.db, config: { ...t.config, WEBHOOK_POLL_MS: 0 }, log: createLogger('silent') });
    await touch(customer);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await worker.stop();
    expect(got('/off')).toHaveLength(0);
  });
});

describe('scope and field rules of the owner', () => {
  it('a partner key receives events of its own account and resold customers only, rendered with its field rules', async () => {
    const resold = await newCustomer({ resoldById: pA });
    const direct = await newCustomer();
    await t.sql(`update customer set credit_limit = 5000, credit_currency = 'EUR' where id in (?, ?)`, [resold, direct]);
    const partner = await subscribe('/partner', ['customer.updated'], null, partnerKey);
    expect(partner.subscription).toMatchObject({ ownerType: 'API_KEY', enabled: true });
    const admin = await subscribe('/admin', ['customer.updated'], [resold, direct]);
    await touch(resold, 'Resold Ltd');
    await touch(direct, 'Direct Ltd');
    await pass();
    const partnerGot = got('/partner').map((r) => JSON.parse(r.body));
    expect(partnerGot.map((e) => e.record.id)).toEqual([resold]);
    expect(verifyWebhookSignature(partner.secret, got('/partner')[0].body, got('/partner')[0].signature)).toBe(true);
    const adminGot = got('/admin').map((r) => JSON.parse(r.body));
    expect(adminGot.map((e) => e.record.id)).toEqual([resold, direct]);
    // The same event: ADMIN reads the credit limit, the partner may not (creditVisible) and gets null.
    expect(adminGot[0].id).toBe(partnerGot[0].id);
    expect(adminGot[0].record.creditLimit).toBe('5000.00');
    expect(partnerGot[0].record.creditLimit).toBeNull();
    expect(partnerGot[0].record.name).toBe('Resold Ltd');
    // The partner sees its own subscriptions only, and not the admin's log.
    const mine = ok(await t.gql(`{ webhookSubscriptions { totalCount edges { node { id } } } }`, {}, partnerKey)).webhookSubscriptions;
    expect(mine.edges.map((e: any) => e.node.id)).toEqual([partner.id]);
    const foreign = await t.gql(LOG, { s: admin.id }, partnerKey);
    expect(codes(foreign)).toEqual(['NOT_FOUND']);
    expect((await deliveries(partner.id, partnerKey))).toHaveLength(1);
    const replay = ok(await t.gql(`mutation($i: WebhookIdInput!) { replayWebhookDelivery(input: $i) { delivery { id } errors { code field } } }`,
      { i: { id: (await deliveries(admin.id))[0].id } }, partnerKey)).replayWebhookDelivery;
    expect(replay.errors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'id'] }]);
    const del = ok(await t.gql(`mutation($i: WebhookIdInput!) { deleteWebhookSubscription(input: $i) { subscription { id } errors { code } } }`,
      { i: { id: admin.id } }, partnerKey)).deleteWebhookSubscription;
    expect(del.errors).toEqual([{ code: 'NOT_FOUND' }]);
  });

  it('case.replied goes out for PUBLIC replies only: an INTERNAL note (in the outbox for live screens) is never sent', async () => {
    const customer = await newCustomer();
    const hook = await subscribe('/replies', ['case.replied'], [customer]);
    const made = ok(await t.gql(`mutation($i: CreateCaseInput!) { createCase(input: $i) { case { id } errors { message } } }`,
      { i: { customerId: customer, type: 'TECH_SUPPORT', channel: 'PHONE', priority: 'P3', subject: 'Hooks' } }, 'ADMIN')).createCase.case;
    const comment = async (visibility: string) => ok(await t.gql(`mutation($i: AddCaseCommentInput!) { addCaseComment(input: $i) { comment { id } errors { message } } }`,
      { i: { caseId: made.id, visibility, body: `A ${visibility} comment` } }, 'ADMIN')).addCaseComment.comment.id as string;
    const internal = await comment('INTERNAL');
    const pub = await comment('PUBLIC');
    await pass();
    const sent = got('/replies').map((r) => JSON.parse(r.body));
    expect(sent.map((e) => [e.type, e.data.commentId])).toEqual([['case.replied', pub]]);
    expect(JSON.stringify(sent)).not.toContain(internal);
    expect(await deliveries(hook.id)).toHaveLength(1);
  });

  it('an owner that can no longer call (revoked key) gets nothing', async () => {
    const made = ok(await t.gql(`mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { apiKey { id } secret } }`,
      { i: { name: 'short-lived', role: 'INTEGRATION', scopes: ['customers:read', 'webhooks:manage'] } }, 'ADMIN')).createApiKey;
    const customer = await newCustomer();
    const sub = await subscribe('/revoked', ['customer.updated'], [customer], { apiKey: made.secret });
    ok(await t.gql(`mutation($i: ApiKeyIdInput!) { revokeApiKey(input: $i) { errors { message } } }`, { i: { id: made.apiKey.id } }, 'ADMIN'));
    await touch(customer);
    await pass();
    expect(got('/revoked')).toHaveLength(0);
    expect(await t.sql('select 1 from webhook_delivery where subscription_id = ?', [sub.id])).toHaveLength(0);
  });

  it('a user who is no longer ADMIN gets nothing from the subscriptions they made', async () => {
    const made = ok(await t.gql(`mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } errors { message } } }`,
      { i: { email: 'hook-admin@demo.crm', password: 'longenough', name: 'Hook Admin', role: 'ADMIN' } }, 'ADMIN')).createUser;
    const login = ok(await t.gql(`mutation($i: LoginInput!) { login(input: $i) { token } }`, { i: { email: 'hook-admin@demo.crm', password: 'longenough' } }, null)).login;
    const customer = await newCustomer();
    const sub = await subscribe('/demoted', ['customer.updated'], [customer], { token: login.token });
    expect(sub.subscription).toMatchObject({ ownerType: 'USER', ownerId: made.user.id });
    await t.sql(`update app_user set role = 'SALES_MANAGER' where id = ?`, [made.user.id]);
    await touch(customer);
    await pass();
    expect(got('/demoted')).toHaveLength(0);
  });
});

describe('subscriptions', () => {
  it('URL rules: https and public addresses only when private ones are not allowed (production), checked at creation and at delivery', async () => {
    const customer = await newCustomer();
    const { id } = await subscribe('/later-refused', ['customer.updated'], [customer]);
    const before = Number((await t.sql('select count(*)::int as n from webhook_subscription'))[0].n);
    t.config.WEBHOOKS_ALLOW_PRIVATE = false;
    try {
      const refused = async (url: string) => {
        const res = ok(await t.gql(CREATE_SUB, { i: { url, events: ['order.created'] } }, 'ADMIN')).createWebhookSubscription;
        expect(res.subscription).toBeNull();
        expect(res.errors.map((e: any) => [e.code, e.field])).toEqual([['VALIDATION', ['input', 'url']]]);
        return res.errors[0].message as string;
      };
      expect(await refused('http://hooks.example.com/x')).toMatch(/https/);
      expect(await refused('https://127.0.0.1/x')).toMatch(/loopback or private/);
      expect(await refused('https://10.1.2.3/x')).toMatch(/loopback or private/);
      expect(await refused('https://[::1]/x')).toMatch(/loopback or private/);
      expect(await refused('https://[fd00::1]/x')).toMatch(/loopback or private/);
      expect(await refused('https://169.254.169.254/latest/meta-data')).toMatch(/loopback or private/);
      expect(await refused('https://localhost/x')).toMatch(/loopback or private/);
      expect(await refused('not a url')).toMatch(/Not a URL/);
      // At delivery: the subscription made while private addresses were allowed is refused now, nothing sent.
      await touch(customer);
      await pass();
      const [log] = await deliveries(id);
      expect(log.status).toBe('PENDING');
      expect(log.lastError).toMatch(/https|loopback or private/);
      expect(got('/later-refused')).toHaveLength(0);
    } finally {
      t.config.WEBHOOKS_ALLOW_PRIVATE = true;
    }
    expect(Number((await t.sql('select count(*)::int as n from webhook_subscription'))[0].n)).toBe(before);
  });

  it('refuses unknown event types and malformed filters naming the field; ADMIN and keys only', async () => {
    const res = ok(await t.gql(CREATE_SUB, { i: { url: `${base}/x`, events: ['order.created', 'order.exploded'], filter: { customerIds: ['nope'] } } }, 'ADMIN')).createWebhookSubscription;
    expect(res.errors.map((e: any) => e.field)).toEqual(expect.arrayContaining([['input', 'events', '1'], ['input', 'filter', 'customerIds', '0']]));
    const none = ok(await t.gql(CREATE_SUB, { i: { url: `${base}/x`, events: [] } }, 'ADMIN')).createWebhookSubscription;
    expect(none.errors.map((e: any) => e.field)).toEqual([['input', 'events']]);
    for (const who of ['SALES_MANAGER', 'FINANCE', 'PARTNER'] as const) {
      expect(codes(await t.gql(CREATE_SUB, { i: { url: `${base}/x`, events: ['order.created'] } }, who))).toEqual(['FORBIDDEN']);
    }
    const del = ok(await t.gql(`mutation($i: WebhookIdInput!) { deleteWebhookSubscription(input: $i) { errors { code field } } }`, { i: { id: 'whs_x' } }, 'ADMIN'));
    expect(del.deleteWebhookSubscription.errors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'id'] }]);
  });

  it('the delivery log is a page of constant statement count', async () => {
    const customer = await newCustomer();
    const { id } = await subscribe('/many', ['customer.updated'], [customer]);
    await touch(customer);
    await pass();
    const one = await t.countQueries(() => deliveries(id));
    for (let i = 0; i < 4; i++) await touch(customer);
    await pass();
    const five = await t.countQueries(() => deliveries(id));
    expect(await deliveries(id)).toHaveLength(5);
    expect(five).toBe(one);
  });
});
