import Redis from 'ioredis';
import { addressKey } from '../src/http/client-address';
import { codes, ok, startTestApp, USERS, type GqlResult, type TestApp } from './helpers';
import { limitedApp, shape, uniquePrefix, type LimitedApp } from './support/limited-app';

/**
 * Login throttling (issue 9, items 12 and 20): per e-mail a growing delay, then a lock that an ADMIN can
 * lift; per client address a cap over all e-mails; unknown e-mails behave exactly like real ones; one
 * `login` per operation. Each scenario runs on its own API instance over the test database, with small
 * limits, so the counters live in that database's store (PostgreSQL, or memory for the embedded one).
 */

let t: TestApp;
const apps: LimitedApp[] = [];
/** Locks after 3 failures, no delay before: shared by the tests of the lock (each with its own e-mails). */
let locking: LimitedApp;
beforeAll(async () => {
  t = await startTestApp({ customers: 5 });
  locking = await start({ LOGIN_DELAY_AFTER_FAILURES: 1000, LOGIN_MAX_FAILURES: 3 });
});
afterAll(async () => {
  await Promise.all(apps.map((a) => a.stop()));
  await t.close();
});

async function start(overrides: Parameters<typeof limitedApp>[1]) {
  const app = await limitedApp(t, { LOGIN_LOCK_SECONDS: 60, ...overrides });
  apps.push(app);
  return app;
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const UNKNOWN = 'nobody-here@demo.crm';

const expectWrongPassword = (res: GqlResult) => {
  expect(res.status).toBe(401);
  expect(codes(res)).toEqual(['UNAUTHENTICATED']);
};
const expectRefused = (res: GqlResult, code: string, maxSeconds: number) => {
  expect(res.status).toBe(429);
  expect(codes(res)).toEqual([code]);
  expect(res.body.data?.login ?? null).toBeNull();
  const retryAfter = res.body.errors![0].extensions!.retryAfter as number;
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(maxSeconds);
  expect(res.headers['retry-after']).toBe(String(retryAfter));
  return retryAfter;
};

describe('per e-mail', () => {
  test('after a few failures each attempt must wait 1 s, then 2 s: the same for an unknown e-mail', async () => {
    const app = await start({ LOGIN_DELAY_AFTER_FAILURES: 2, LOGIN_MAX_FAILURES: 50 });
    const run = async (email: string) => {
      const seen: GqlResult[] = [];
      seen.push(await app.login(email, 'wrong-1'), await app.login(email, 'wrong-2'));
      // Too soon: refused before the password is checked, even the right one.
      seen.push(await app.login(email, 'demo1234'));
      await sleep(1100);
      seen.push(await app.login(email, 'wrong-3'));
      seen.push(await app.login(email, 'wrong-4'));
      return seen;
    };
    const [real, unknown] = await Promise.all([run(USERS.SALES_REP_2), run(UNKNOWN)]);
    for (const seen of [real, unknown]) {
      expectWrongPassword(seen[0]);
      expectWrongPassword(seen[1]);
      expect(expectRefused(seen[2], 'LOGIN_THROTTLED', 1)).toBe(1);
      expect(seen[2].body.errors![0].message).toMatch(/wait 1 s/);
      expectWrongPassword(seen[3]);
      expect(expectRefused(seen[4], 'LOGIN_THROTTLED', 2)).toBe(2);
    }
    expect(real.map(shape)).toEqual(unknown.map(shape));
    // Other e-mails are not affected.
    expect(ok(await app.login(USERS.SALES_REP, 'demo1234')).login.user.email).toBe(USERS.SALES_REP);
  });

  test('after N failures the e-mail is locked, even for the right password, exactly like an unknown e-mail; ADMIN unlocks', async () => {
    const app = locking;
    const run = async (email: string) => {
      const seen: GqlResult[] = [];
      for (let i = 0; i < 3; i++) seen.push(await app.login(email, `wrong-${i}`));
      seen.push(await app.login(email, 'demo1234'), await app.login(email, 'wrong-again'));
      return seen;
    };
    const [real, unknown] = await Promise.all([run(USERS.MARKETING), run(UNKNOWN.toUpperCase())]);
    for (const seen of [real, unknown]) {
      seen.slice(0, 3).forEach(expectWrongPassword);
      expect(expectRefused(seen[3], 'LOGIN_LOCKED', 60)).toBeGreaterThan(55);
      expect(seen[3].body.errors![0].message).toMatch(/locked for \d+ s/);
      expectRefused(seen[4], 'LOGIN_LOCKED', 60);
    }
    expect(real.map(shape)).toEqual(unknown.map(shape));

    // Only ADMIN may unlock.
    const marketing = await t.sql<{ id: string }>('select id from app_user where email = ?', [USERS.MARKETING]);
    const UNLOCK = 'mutation($i: UnlockUserInput!) { unlockUser(input: $i) { user { email } errors { code field } } }';
    const denied = await app.post(UNLOCK, { i: { id: marketing[0].id } }, { authorization: `Bearer ${await t.token('SALES_MANAGER')}` });
    expect(codes(denied)).toEqual(['FORBIDDEN']);
    expectRefused(await app.login(USERS.MARKETING, 'demo1234'), 'LOGIN_LOCKED', 60);
    const admin = { authorization: `Bearer ${await t.token('ADMIN')}` };
    expect(ok(await app.post(UNLOCK, { i: { id: 'usr_0000000000000000000000000000dead' } }, admin)).unlockUser.errors)
      .toEqual([{ code: 'NOT_FOUND', field: ['input', 'id'] }]);
    expect(ok(await app.post(UNLOCK, { i: { id: marketing[0].id } }, admin)).unlockUser).toEqual({ user: { email: USERS.MARKETING }, errors: [] });
    expect(ok(await app.login(USERS.MARKETING, 'demo1234')).login.user.email).toBe(USERS.MARKETING);
    // The unknown e-mail stays locked: nobody unlocked it.
    expectRefused(await app.login(UNKNOWN, 'demo1234'), 'LOGIN_LOCKED', 60);
  });

  test('a successful sign-in resets the e-mail\'s counter', async () => {
    const app = locking;
    const email = USERS.FINANCE;
    expectWrongPassword(await app.login(email, 'wrong'));
    expectWrongPassword(await app.login(email, 'wrong'));
    expect(ok(await app.login(email, 'demo1234')).login.user.email).toBe(email);
    // Without the reset the third failure in a row would already be a lock.
    for (let i = 0; i < 3; i++) expectWrongPassword(await app.login(email, 'wrong'));
    expectRefused(await app.login(email, 'demo1234'), 'LOGIN_LOCKED', 60);
  });
});

describe('per client address', () => {
  test('too many failures from one address (over any e-mails) refuse that address, not others', async () => {
    const app = await start({ LOGIN_DELAY_AFTER_FAILURES: 1000, LOGIN_MAX_FAILURES: 1000, LOGIN_MAX_FAILURES_PER_ADDRESS: 3, TRUST_PROXY: true });
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    for (const email of [USERS.ADMIN, USERS.ANALYST, UNKNOWN]) expectWrongPassword(await app.login(email, 'wrong', from('203.0.113.7')));
    const refused = await app.login(USERS.SALES_REP, 'demo1234', from('203.0.113.7'));
    expectRefused(refused, 'LOGIN_THROTTLED', 60);
    expect(refused.body.errors![0].message).toMatch(/from your address/);
    expect(ok(await app.login(USERS.SALES_REP, 'demo1234', from('203.0.113.8'))).login.user.email).toBe(USERS.SALES_REP);
    // An IPv6 host owns its /64: a new interface id is the same address.
    for (const suffix of ['1', '2', '3']) expectWrongPassword(await app.login(UNKNOWN, 'wrong', from(`2001:db8:7:9::${suffix}`)));
    expectRefused(await app.login(USERS.SALES_REP, 'demo1234', from('2001:db8:7:9:aaaa::1')), 'LOGIN_THROTTLED', 60);
  });

  test('addresses are keyed by IPv4, or by the IPv6 /64', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(addressKey('2001:db8:7:9::1')).toBe('2001:db8:7:9::/64');
    expect(addressKey('2001:0db8:0007:0009:ffff:1:2:3')).toBe('2001:db8:7:9::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
  });
});

describe('one login per operation', () => {
  const login = (email: string, alias: string) => `${alias}: login(input: { email: "${email}", password: "guess-${alias}" }) { token }`;

  test.each([
    ['15 aliases', USERS.ADMIN, (email: string) => `mutation { ${Array.from({ length: 15 }, (_, i) => login(email, `a${i}`)).join(' ')} }`],
    ['two aliases in fragments', USERS.ANALYST, (email: string) => `mutation { ...A ... on Mutation { ${login(email, 'b')} } } fragment A on Mutation { ${login(email, 'a')} }`],
  ])('%s are refused before anything runs', async (_name, email, query) => {
    const res = await locking.post(query(email));
    expect(res.status).toBe(400);
    expect(codes(res)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(res.body.errors![0].message).toMatch(/Only one `login` per request; this operation has (15|2)/);
    // Nothing was counted: the three failures the lock allows are all still there.
    for (let i = 0; i < 3; i++) expectWrongPassword(await locking.login(email, 'wrong'));
    expectRefused(await locking.login(email, 'demo1234'), 'LOGIN_LOCKED', 60);
  });

  test('one login, also repeated under the same key (it runs once), is fine', async () => {
    const res = await t.gql(`mutation { login(input: { email: "${USERS.ADMIN}", password: "demo1234" }) { token } ...L }
      fragment L on Mutation { login(input: { email: "${USERS.ADMIN}", password: "demo1234" }) { token } }`, {}, null);
    expect(ok(res).login.token).toEqual(expect.any(String));
  });
});

describe('shared counters', () => {
  test('two API instances on one PostgreSQL share the lock (the embedded database keeps counters per process)', async () => {
    // A second instance with the same limits and key prefix as `locking`.
    const prefix = locking.config.RATE_LIMIT_PREFIX;
    const [a, b] = [locking, await start({ LOGIN_DELAY_AFTER_FAILURES: 1000, LOGIN_MAX_FAILURES: 3, RATE_LIMIT_PREFIX: prefix })];
    expectWrongPassword(await a.login(USERS.SERVICE_AGENT, 'wrong'));
    expectWrongPassword(await b.login(USERS.SERVICE_AGENT, 'wrong'));
    expectWrongPassword(await a.login(USERS.SERVICE_AGENT, 'wrong'));
    const fourth = await b.login(USERS.SERVICE_AGENT, 'demo1234');
    const [stored] = await t.sql<{ n: number }>('select count(*)::int as n from rate_limit where key like ?', [`${prefix}:login-%`]);
    if (t.db.kind === 'postgresql') {
      expectRefused(fourth, 'LOGIN_LOCKED', 60);
      expect(stored.n).toBeGreaterThan(0);
    } else {
      expect(ok(fourth).login.user.email).toBe(USERS.SERVICE_AGENT);
      expect(stored.n).toBe(0);
    }
  });

  test('two API instances on one Redis share the lock', async () => {
    const prefix = uniquePrefix();
    const limits = { LOGIN_DELAY_AFTER_FAILURES: 1000, LOGIN_MAX_FAILURES: 2, RATE_LIMIT_PREFIX: prefix, REDIS_URL: 'redis://127.0.0.1:6379' };
    const [a, b] = [await start(limits), await start(limits)];
    expectWrongPassword(await a.login(UNKNOWN, 'wrong'));
    expectWrongPassword(await b.login(UNKNOWN, 'wrong'));
    expectRefused(await a.login(UNKNOWN, 'wrong'), 'LOGIN_LOCKED', 60);
    const redis = new Redis('redis://127.0.0.1:6379');
    try {
      const keys = await redis.keys(`${prefix}:*`);
      expect(keys.length).toBeGreaterThan(0);
      await redis.del(...keys);
    } finally {
      await redis.quit();
    }
    // The counters are gone from the shared store: both instances let the e-mail try again.
    expectWrongPassword(await b.login(UNKNOWN, 'wrong'));
  });
});
