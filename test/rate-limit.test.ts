import Redis from 'ioredis';
import { loadConfig } from '../src/config';
import { codes, ok, startTestApp, type GqlResult, type TestApp } from './helpers';
import { limitedApp, uniquePrefix, type LimitedApp } from './support/limited-app';

/**
 * Request limits (issue 9, item 12): per user or API key, per address for anonymous callers and for
 * bad credentials; RateLimit-* headers; HTTP 429 with a GraphQL-shaped body; counters shared by API
 * instances through PostgreSQL or Redis. Each scenario runs on its own instance with small limits.
 */

let t: TestApp;
let apiKey: string;
const apps: LimitedApp[] = [];
beforeAll(async () => {
  t = await startTestApp({ customers: 5 });
  const created = ok(await t.gql('mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret errors { message } } }',
    { i: { name: 'rate limit test', role: 'INTEGRATION', scopes: ['customers:read'] } }, 'ADMIN')).createApiKey;
  expect(created.errors).toEqual([]);
  apiKey = created.secret;
});
afterAll(async () => {
  await Promise.all(apps.map((a) => a.stop()));
  await t.close();
});

async function start(overrides: Parameters<typeof limitedApp>[1]) {
  const app = await limitedApp(t, overrides);
  apps.push(app);
  return app;
}
const bearer = async (who: 'ADMIN' | 'SALES_REP' | 'ANALYST') => ({ authorization: `Bearer ${await t.token(who)}` });
const ME = '{ me { email } }';
const TYPENAME = '{ __typename }';

const limitHeaders = (res: GqlResult) => ({
  limit: res.headers['ratelimit-limit'],
  remaining: res.headers['ratelimit-remaining'],
  reset: Number(res.headers['ratelimit-reset']),
});

/** A 429 as documented: JSON GraphQL error RATE_LIMITED with retryAfter, Retry-After and RateLimit-* headers, no data. */
function expectRateLimited(res: GqlResult, limit: number) {
  expect(res.status).toBe(429);
  expect(res.headers['content-type']).toMatch(/application\/json/);
  expect(res.body.data).toBeUndefined();
  expect(codes(res)).toEqual(['RATE_LIMITED']);
  const retryAfter = res.body.errors![0].extensions!.retryAfter as number;
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(res.body.errors![0].message).toMatch(new RegExp(`at most ${limit} per minute.*Retry in ${retryAfter} s`));
  expect(res.headers['retry-after']).toBe(String(retryAfter));
  expect(limitHeaders(res)).toEqual({ limit: String(limit), remaining: '0', reset: retryAfter });
}

describe('per user and per API key', () => {
  test('a user gets RATE_LIMIT_PER_MINUTE requests with RateLimit-* headers, then 429; others are not affected', async () => {
    const app = await start({ RATE_LIMIT_PER_MINUTE: 3 });
    const rep = await bearer('SALES_REP');
    const seen: GqlResult[] = [];
    for (let i = 0; i < 3; i++) seen.push(await app.post(ME, {}, rep));
    seen.forEach((res, i) => {
      expect(ok(res).me.email).toBe('rep1@demo.crm');
      const h = limitHeaders(res);
      expect(h).toEqual({ limit: '3', remaining: String(2 - i), reset: expect.any(Number) });
      expect(h.reset).toBeGreaterThanOrEqual(1);
      expect(h.reset).toBeLessThanOrEqual(60);
      expect(res.headers['ratelimit-policy']).toBe('3;w=60');
    });
    const refused = await app.post(ME, {}, rep);
    expectRateLimited(refused, 3);
    expect(refused.body.errors![0].message).toMatch(/per user/);
    // Another user, and the same user's next request still refused.
    expect(ok(await app.post(ME, {}, await bearer('ANALYST'))).me.email).toBe('analyst@demo.crm');
    expectRateLimited(await app.post(ME, {}, rep), 3);
  });

  test('an API key is limited by itself', async () => {
    const app = await start({ RATE_LIMIT_PER_MINUTE: 2 });
    const key = { 'x-api-key': apiKey };
    for (let i = 0; i < 2; i++) expect(ok(await app.post('{ customers(first: 1) { totalCount } }', {}, key)).customers.totalCount).toBeGreaterThan(0);
    const refused = await app.post('{ customers(first: 1) { totalCount } }', {}, key);
    expectRateLimited(refused, 2);
    expect(refused.body.errors![0].message).toMatch(/per API key/);
  });

  test('0 turns the limit off (no headers)', async () => {
    const app = await start({ RATE_LIMIT_PER_MINUTE: 0 });
    const res = await app.post(ME, {}, await bearer('ADMIN'));
    expect(ok(res).me.email).toBe('admin@demo.crm');
    expect(res.headers['ratelimit-limit']).toBeUndefined();
  });
});

describe('per address: anonymous callers and bad credentials', () => {
  const from = (ip: string, extra: Record<string, string> = {}) => ({ 'x-forwarded-for': ip, ...extra });

  test('anonymous requests are counted per address; a signed-in user from there has their own budget', async () => {
    const app = await start({ RATE_LIMIT_ANONYMOUS_PER_MINUTE: 2, TRUST_PROXY: true });
    for (let i = 0; i < 2; i++) expect(limitHeaders(await app.post(TYPENAME, {}, from('198.51.100.1')))).toMatchObject({ limit: '2', remaining: String(1 - i) });
    const refused = await app.post(TYPENAME, {}, from('198.51.100.1'));
    expectRateLimited(refused, 2);
    expect(refused.body.errors![0].message).toMatch(/from your address/);
    expect(ok(await app.post(TYPENAME, {}, from('198.51.100.2'))).__typename).toBe('Query');
    expect(ok(await app.post(ME, {}, from('198.51.100.1', await bearer('ADMIN')))).me.email).toBe('admin@demo.crm');
  });

  test('bad tokens and bad API keys do not escape: they are charged to the address, 401 until it is over, then 429', async () => {
    const app = await start({ RATE_LIMIT_ANONYMOUS_PER_MINUTE: 3, TRUST_PROXY: true });
    const first = await app.post(ME, {}, from('198.51.100.9', { authorization: 'Bearer not-a-jwt' }));
    expect(first.status).toBe(401);
    expect(codes(first)).toEqual(['UNAUTHENTICATED']);
    expect(limitHeaders(first)).toMatchObject({ limit: '3', remaining: '2' });
    expect((await app.post(ME, {}, from('198.51.100.9', { 'x-api-key': 'crm_guess_guess' }))).status).toBe(401);
    expect((await app.post(ME, {}, from('198.51.100.9', { authorization: 'Bearer another.guess.here' }))).status).toBe(401);
    expectRateLimited(await app.post(ME, {}, from('198.51.100.9', { 'x-api-key': 'crm_guess_again' })), 3);
    expectRateLimited(await app.post(TYPENAME, {}, from('198.51.100.9')), 3);
  });
});

describe('shared counters', () => {
  test('two API instances on one PostgreSQL share the counter (the embedded database keeps it per process)', async () => {
    const prefix = uniquePrefix();
    const [a, b] = [await start({ RATE_LIMIT_PER_MINUTE: 3, RATE_LIMIT_PREFIX: prefix }), await start({ RATE_LIMIT_PER_MINUTE: 3, RATE_LIMIT_PREFIX: prefix })];
    const admin = await bearer('ADMIN');
    expect(limitHeaders(await a.post(ME, {}, admin)).remaining).toBe('2');
    expect(limitHeaders(await b.post(ME, {}, admin)).remaining).toBe(t.db.kind === 'postgresql' ? '1' : '2');
    expect(limitHeaders(await a.post(ME, {}, admin)).remaining).toBe(t.db.kind === 'postgresql' ? '0' : '1');
    const [stored] = await t.sql<{ n: number }>('select count(*)::int as n from rate_limit where key like ?', [`${prefix}:requests:%`]);
    expect(stored.n).toBe(t.db.kind === 'postgresql' ? 1 : 0);
    if (t.db.kind === 'postgresql') expectRateLimited(await b.post(ME, {}, admin), 3);
  });

  test('two API instances on one Redis share the counter; stopping them closes their connections', async () => {
    const prefix = uniquePrefix();
    const limits = { RATE_LIMIT_PER_MINUTE: 2, RATE_LIMIT_PREFIX: prefix, REDIS_URL: 'redis://127.0.0.1:6379' };
    const a = await limitedApp(t, limits);
    const b = await limitedApp(t, limits);
    const redis = new Redis('redis://127.0.0.1:6379');
    // Each instance holds one connection, named after its key prefix.
    const connections = async () => (await redis.client('LIST') as string).split('\n').filter((line) => line.includes(`name=crm-api:${prefix} `)).length;
    try {
      expect(await connections()).toBe(2);
      const rep = await bearer('SALES_REP');
      expect(limitHeaders(await a.post(ME, {}, rep)).remaining).toBe('1');
      expect(limitHeaders(await b.post(ME, {}, rep)).remaining).toBe('0');
      expectRateLimited(await a.post(ME, {}, rep), 2);
      expect(await redis.keys(`${prefix}:requests:*`)).toHaveLength(1);
      await a.stop();
      await b.stop();
      expect(await connections()).toBe(0);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
    } finally {
      await redis.quit();
    }
  });

  test('an unreachable REDIS_URL stops start-up with a clear error', async () => {
    await expect(limitedApp(t, { REDIS_URL: 'redis://127.0.0.1:1' })).rejects.toThrow(/REDIS_URL is set but Redis cannot be reached/);
  });
});

describe('configuration', () => {
  test('defaults: generous in production and development, never throttling under NODE_ENV=test; explicit values win', () => {
    const prod = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) });
    expect(prod).toMatchObject({ RATE_LIMIT_PER_MINUTE: 600, RATE_LIMIT_ANONYMOUS_PER_MINUTE: 120, LOGIN_MAX_FAILURES: 10,
      LOGIN_DELAY_AFTER_FAILURES: 3, LOGIN_MAX_FAILURES_PER_ADDRESS: 100, LOGIN_LOCK_SECONDS: 900, RATE_LIMIT_PREFIX: 'crm', TRUST_PROXY: false });
    expect(prod.REDIS_URL).toBeUndefined();
    expect(loadConfig({ NODE_ENV: 'test' }).RATE_LIMIT_PER_MINUTE).toBeGreaterThanOrEqual(1_000_000);
    const set = loadConfig({ NODE_ENV: 'test', RATE_LIMIT_PER_MINUTE: '0', LOGIN_MAX_FAILURES: '5', TRUST_PROXY: '1', REDIS_URL: 'redis://cache:6379' });
    expect(set).toMatchObject({ RATE_LIMIT_PER_MINUTE: 0, LOGIN_MAX_FAILURES: 5, TRUST_PROXY: 1, REDIS_URL: 'redis://cache:6379' });
    expect(loadConfig({ NODE_ENV: 'test', TRUST_PROXY: 'loopback, 10.0.0.0/8' }).TRUST_PROXY).toBe('loopback, 10.0.0.0/8');
    expect(() => loadConfig({ NODE_ENV: 'test', RATE_LIMIT_PER_MINUTE: '-1' })).toThrow(/RATE_LIMIT_PER_MINUTE/);
    expect(() => loadConfig({ NODE_ENV: 'test', LOGIN_MAX_FAILURES: '0' })).toThrow(/LOGIN_MAX_FAILURES/);
    expect(() => loadConfig({ NODE_ENV: 'test', RATE_LIMIT_PREFIX: 'has space' })).toThrow(/RATE_LIMIT_PREFIX/);
    expect(() => loadConfig({ NODE_ENV: 'test', REDIS_URL: 'not a url' })).toThrow(/REDIS_URL/);
  });
});
