import request from 'supertest';
import { signUserToken } from '../src/auth/jwt';
import { codes, startTestApp, USERS, type GqlResult, type TestApp, type Who } from './helpers';

let t: TestApp;
beforeAll(async () => { t = await startTestApp(); });
afterAll(async () => { await t.close(); });

const LOGIN = 'mutation($i: LoginInput!) { login(input: $i) { token expiresAt user { id email role } } }';
const CREATE_KEY = `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) {
  secret apiKey { id name prefix role scopes expiresAt revokedAt } errors { code message field } } }`;
const REVOKE_KEY = 'mutation($id: ID!) { revokeApiKey(input: { id: $id }) { apiKey { id revokedAt } errors { code field } } }';
const CUSTOMERS = '{ customers(first: 100) { totalCount edges { node { id name phones { number } emails { address } } } } }';
const CREATE_CUSTOMER = `mutation($i: CreateCustomerInput!) { createCustomer(input: $i) {
  customer { id name phones { number } emails { address } } errors { code field message } } }`;

const userId = async (email: string) => (await t.sql<{ id: string }>('select id from app_user where email = ?', [email]))[0].id;

/** Creates an API key as ADMIN and returns the id and the secret (fails the test when refused). */
async function createKey(input: Record<string, unknown>): Promise<{ id: string; secret: string }> {
  const res = await t.gql(CREATE_KEY, { i: { name: 'test key', ...input } }, 'ADMIN');
  expect(res.body.errors).toBeUndefined();
  expect(res.body.data.createApiKey.errors).toEqual([]);
  return { id: res.body.data.createApiKey.apiKey.id, secret: res.body.data.createApiKey.secret };
}

/** A raw POST with the given headers (no helper-added credentials). */
async function rawPost(headers: Record<string, string>, query = '{ me { id } }'): Promise<GqlResult> {
  let req = request(t.app).post('/graphql').set('content-type', 'application/json');
  for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
  const res = await req.send({ query });
  return { status: res.status, body: res.body, headers: res.headers as Record<string, string> };
}

const expect401 = (res: GqlResult) => {
  expect(res.status).toBe(401);
  expect(codes(res)).toEqual(['UNAUTHENTICATED']);
  expect(res.body.data ?? null).toBeNull();
};

async function dealerId(): Promise<string> {
  const res = await t.gql('{ me { partnerCustomer { id } } }', {}, 'PARTNER');
  expect(res.body.errors).toBeUndefined();
  return res.body.data.me.partnerCustomer.id;
}

describe('login', () => {
  test.each(Object.keys(USERS) as Who[])('%s signs in and gets a token, its expiry and the user', async (who) => {
    const res = await t.gql(LOGIN, { i: { email: USERS[who], password: 'demo1234' } }, null);
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    const login = res.body.data.login;
    expect(login.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(new Date(login.expiresAt).getTime()).toBeGreaterThan(Date.now());
    expect(login.user.email).toBe(USERS[who]);
    expect(login.user.id).toBe(await userId(USERS[who]));
    const expectedRole = who === 'SALES_REP_2' ? 'SALES_REP' : who;
    expect(login.user.role).toBe(expectedRole);
    // The token works.
    const me = await t.gql('{ me { id email } }', {}, { token: login.token });
    expect(me.body.data.me).toEqual({ id: login.user.id, email: USERS[who] });
  });

  test('the e-mail is case-insensitive', async () => {
    const res = await t.gql(LOGIN, { i: { email: '  ADMIN@Demo.CRM ', password: 'demo1234' } }, null);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.login.user.email).toBe('admin@demo.crm');
  });

  test('a wrong password and an unknown e-mail give the same UNAUTHENTICATED error', async () => {
    const wrong = await t.gql(LOGIN, { i: { email: USERS.ADMIN, password: 'wrong-password' } }, null);
    const unknown = await t.gql(LOGIN, { i: { email: 'nobody@demo.crm', password: 'demo1234' } }, null);
    for (const res of [wrong, unknown]) {
      expect(codes(res)).toEqual(['UNAUTHENTICATED']);
      expect(res.body.data?.login ?? null).toBeNull();
    }
    expect(wrong.body.errors![0].message).toBe(unknown.body.errors![0].message);
    expect(wrong.status).toBe(unknown.status);
    // Nothing in the message tells which of the two was wrong.
    expect(wrong.body.errors![0].message).not.toMatch(/unknown|not found|no such/i);
  });

  test('a deactivated user cannot sign in, with the same error', async () => {
    const wrong = await t.gql(LOGIN, { i: { email: USERS.ADMIN, password: 'wrong-password' } }, null);
    await t.sql('update app_user set active = false where email = ?', [USERS.MARKETING]);
    try {
      const res = await t.gql(LOGIN, { i: { email: USERS.MARKETING, password: 'demo1234' } }, null);
      expect(codes(res)).toEqual(['UNAUTHENTICATED']);
      expect(res.body.data?.login ?? null).toBeNull();
      expect(res.body.errors![0].message).toBe(wrong.body.errors![0].message);
    } finally {
      await t.sql('update app_user set active = true where email = ?', [USERS.MARKETING]);
    }
  });
});

describe('me and anonymous callers', () => {
  test('me returns the caller', async () => {
    const res = await t.gql('{ me { id email role partnerCustomer { id } } }', {}, 'SALES_REP');
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.me).toEqual({ id: await userId(USERS.SALES_REP), email: USERS.SALES_REP, role: 'SALES_REP', partnerCustomer: null });
  });

  test('a PARTNER user sees its partner customer', async () => {
    const res = await t.gql('{ me { role partnerCustomer { id isPartner } } }', {}, 'PARTNER');
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.me.role).toBe('PARTNER');
    expect(res.body.data.me.partnerCustomer).toEqual({ id: expect.stringMatching(/^cus_/), isPartner: true });
  });

  test('anonymous me and customers are UNAUTHENTICATED', async () => {
    const me = await t.gql('{ me { id } }', {}, null);
    expect(codes(me)).toEqual(['UNAUTHENTICATED']);
    expect(me.body.data ?? null).toBeNull();
    const customers = await t.gql('{ customers(first: 5) { totalCount edges { node { id name } } } }', {}, null);
    expect(codes(customers)).toEqual(['UNAUTHENTICATED']);
    expect(customers.body.data ?? null).toBeNull();
  });

  test('anonymous createApiKey is UNAUTHENTICATED', async () => {
    const res = await t.gql(CREATE_KEY, { i: { name: 'x', role: 'INTEGRATION', scopes: ['customers:read'] } }, null);
    expect(codes(res)).toEqual(['UNAUTHENTICATED']);
    expect(res.body.data?.createApiKey ?? null).toBeNull();
    expect(await t.sql("select id from api_key where name = 'x'")).toHaveLength(0);
  });
});

describe('tokens', () => {
  test('an expired token is refused with 401', async () => {
    const { token } = await signUserToken(await userId(USERS.ADMIN), t.config.jwtSecret, -10);
    expect401(await t.gql('{ me { id } }', {}, { token }));
  });

  test('a tampered token is refused with 401', async () => {
    const good = await t.token('SALES_REP');
    const [header, payload, signature] = good.split('.');
    // Claim to be the admin with the rep's signature.
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    claims.sub = await userId(USERS.ADMIN);
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    expect401(await t.gql('{ me { id } }', {}, { token: forged }));
    // One character of the signature changed.
    const flipped = signature[5] === 'A' ? 'B' : 'A';
    const badSig = `${header}.${payload}.${signature.slice(0, 5)}${flipped}${signature.slice(6)}`;
    expect401(await t.gql('{ me { id } }', {}, { token: badSig }));
    // The untouched token still works.
    const ok = await t.gql('{ me { email } }', {}, { token: good });
    expect(ok.body.data.me.email).toBe(USERS.SALES_REP);
  });

  test('a token signed with another secret is refused with 401', async () => {
    const other = new TextEncoder().encode('another-secret-that-is-long-enough-1234567');
    const { token } = await signUserToken(await userId(USERS.ADMIN), other, 3600);
    expect401(await t.gql('{ me { id } }', {}, { token }));
  });

  test('an unsigned (alg none) token is refused with 401', async () => {
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const token = `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ sub: await userId(USERS.ADMIN), iss: 'crm-api', aud: 'crm-api', iat: now, exp: now + 3600 })}.`;
    expect401(await t.gql('{ me { id } }', {}, { token }));
  });

  test('a token of a user deactivated afterwards is refused with 401', async () => {
    const token = await t.token('ANALYST');
    expect((await t.gql('{ me { email } }', {}, { token })).body.data.me.email).toBe(USERS.ANALYST);
    await t.sql('update app_user set active = false where email = ?', [USERS.ANALYST]);
    try {
      expect401(await t.gql('{ me { id } }', {}, { token }));
      expect401(await t.gql('{ customers(first: 1) { totalCount } }', {}, { token }));
    } finally {
      await t.sql('update app_user set active = true where email = ?', [USERS.ANALYST]);
    }
  });

  test('a token of a user that no longer exists is refused with 401', async () => {
    const { token } = await signUserToken('usr_doesnotexist', t.config.jwtSecret, 3600);
    expect401(await t.gql('{ me { id } }', {}, { token }));
  });

  test.each([
    ['no scheme', (tok: string) => tok],
    ['Basic scheme', () => `Basic ${Buffer.from('admin@demo.crm:demo1234').toString('base64')}`],
    ['Bearer without token', () => 'Bearer'],
    ['Bearer with garbage', () => 'Bearer not-a-jwt'],
    ['lower-case scheme', (tok: string) => `bearer ${tok}`],
  ])('a malformed Authorization header (%s) is refused with 401', async (_name, header) => {
    const res = await rawPost({ authorization: header(await t.token('ADMIN')) });
    expect401(res);
  });

  test('a bad token fails the whole request, even login', async () => {
    const res = await rawPost({ authorization: 'Bearer not-a-jwt' }, 'mutation { login(input: { email: "admin@demo.crm", password: "demo1234" }) { token } }');
    expect401(res);
  });
});

describe('API keys', () => {
  test('ADMIN creates a key: the secret is shown once and only its hash is stored', async () => {
    const res = await t.gql(CREATE_KEY, { i: { name: 'Web shop EU', role: 'INTEGRATION', scopes: ['customers:read', 'customers:read'] } }, 'ADMIN');
    expect(res.body.errors).toBeUndefined();
    const { secret, apiKey, errors } = res.body.data.createApiKey;
    expect(errors).toEqual([]);
    expect(secret).toMatch(/^crm_[0-9a-f]{12}_[\w-]{43}$/);
    expect(apiKey).toMatchObject({ id: expect.stringMatching(/^key_/), name: 'Web shop EU', role: 'INTEGRATION', scopes: ['customers:read'], expiresAt: null, revokedAt: null });
    expect(secret.startsWith(`crm_${apiKey.prefix}_`)).toBe(true);

    const [row] = await t.sql<{ secret_hash: string; prefix: string }>('select secret_hash, prefix from api_key where id = ?', [apiKey.id]);
    const secretPart = secret.slice(`crm_${apiKey.prefix}_`.length);
    expect(row.prefix).toBe(apiKey.prefix);
    expect(row.secret_hash).not.toContain(secretPart);
    expect(row.secret_hash).not.toContain(secret);
    expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    // No column of the row holds the secret.
    const [full] = await t.sql('select * from api_key where id = ?', [apiKey.id]);
    expect(JSON.stringify(full)).not.toContain(secretPart);
  });

  test('the key list never exposes the secret', async () => {
    const { id, secret } = await createKey({ role: 'INTEGRATION', scopes: ['products:read'] });
    const res = await t.gql('{ apiKeys(first: 100) { totalCount edges { node { id name prefix role scopes createdAt expiresAt revokedAt } } } }', {}, 'ADMIN');
    expect(res.body.errors).toBeUndefined();
    const listed = res.body.data.apiKeys.edges.map((e: any) => e.node);
    expect(listed.map((k: any) => k.id)).toContain(id);
    expect(res.body.data.apiKeys.totalCount).toBe(listed.length);
    // Timestamps are UTC ISO strings on both databases.
    const mine = listed.find((k: any) => k.id === id);
    expect(mine.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Math.abs(new Date(mine.createdAt).getTime() - Date.now())).toBeLessThan(10 * 60_000);
    expect(JSON.stringify(res.body)).not.toContain(secret.slice('crm_'.length + 12 + 1));
    // The ApiKey type has no field for the secret or its hash.
    const bad = await t.gql('{ apiKeys(first: 1) { edges { node { secret } } } }', {}, 'ADMIN');
    expect(bad.status).toBe(400);
    expect(codes(bad)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    const badHash = await t.gql('{ apiKeys(first: 1) { edges { node { secretHash } } } }', {}, 'ADMIN');
    expect(codes(badHash)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  test.each(['SALES_MANAGER', 'FINANCE', 'PARTNER'] as Who[])('%s may not create, list or revoke keys (FORBIDDEN)', async (who) => {
    const before = (await t.sql('select count(*)::int as n from api_key'))[0].n;
    const create = await t.gql(CREATE_KEY, { i: { name: 'sneaky', role: 'INTEGRATION', scopes: ['customers:read'] } }, who);
    expect(codes(create)).toEqual(['FORBIDDEN']);
    expect(create.body.data?.createApiKey ?? null).toBeNull();
    expect((await t.sql('select count(*)::int as n from api_key'))[0].n).toBe(before);

    const list = await t.gql('{ apiKeys(first: 5) { totalCount } }', {}, who);
    expect(codes(list)).toEqual(['FORBIDDEN']);
    expect(list.body.data?.apiKeys ?? null).toBeNull();

    const { id } = await createKey({ role: 'INTEGRATION', scopes: ['products:read'] });
    const revoke = await t.gql(REVOKE_KEY, { id }, who);
    expect(codes(revoke)).toEqual(['FORBIDDEN']);
    expect((await t.sql('select revoked_at from api_key where id = ?', [id]))[0].revoked_at).toBeNull();
  });

  test('an INTEGRATION key with customers:read lists customers, without PII of customers it did not create', async () => {
    const { secret } = await createKey({ role: 'INTEGRATION', scopes: ['customers:read'] });
    const res = await t.gql(CUSTOMERS, {}, { apiKey: secret });
    expect(res.status).toBe(200);
    const { totalCount, edges } = res.body.data.customers;
    expect(totalCount).toBe(40);
    expect(edges).toHaveLength(40);
    for (const { node } of edges) {
      expect(node.id).toMatch(/^cus_/);
      expect(node.phones).toBeNull();
      expect(node.emails).toBeNull();
    }
    const errors = res.body.errors ?? [];
    expect(new Set(errors.map((e) => e.extensions?.code))).toEqual(new Set(['FORBIDDEN']));
    const byField = (f: string) => errors.filter((e) => e.path!.at(-1) === f).length;
    // phones and emails of all 40, and the person name of the 8 INDIVIDUAL customers.
    expect([byField('phones'), byField('emails'), byField('name'), errors.length]).toEqual([40, 40, 8, 88]);
    // Business names are visible, person names (INDIVIDUAL customers) are not.
    const named = edges.filter((e: any) => e.node.name !== null).length;
    expect(named).toBe(32);
  });

  test('an INTEGRATION key searches only what it may read: business names and people it created', async () => {
    const { secret } = await createKey({ role: 'INTEGRATION', scopes: ['customers:write'] });
    const [person] = await t.sql("select c.name, k.last_name, k.phones->0->>'number' as phone from customer c join contact k on k.customer_id = c.id where c.kind = 'INDIVIDUAL' limit 1");
    const [business] = await t.sql("select name from customer where kind = 'BUSINESS' limit 1");
    const search = (q: string, term: string) => t.gql(q, { s: term }, { apiKey: secret });
    const CUST = 'query($s: String) { customers(search: $s) { totalCount } }';
    const CONT = 'query($s: String) { contacts(search: $s) { totalCount } }';
    // Someone else's individual customer, their contact's name and phone: invisible to the search.
    expect((await search(CUST, person.name)).body.data.customers.totalCount).toBe(0);
    expect((await search(CUST, person.phone)).body.data.customers.totalCount).toBe(0);
    expect((await search(CONT, person.last_name)).body.data.contacts.totalCount).toBe(0);
    // A business name is found.
    expect((await search(CUST, business.name)).body.data.customers.totalCount).toBeGreaterThanOrEqual(1);
    // An individual the key created itself is found by name, and so is the contact it created.
    const ownerId = await userId(USERS.SALES_REP);
    const created = await t.gql(CREATE_CUSTOMER, { i: { name: 'Zelda Quasimodo', kind: 'INDIVIDUAL', ownerId } }, { apiKey: secret });
    const customerId = created.body.data.createCustomer.customer.id;
    await t.gql('mutation($i: CreateContactInput!) { createContact(input: $i) { errors { code } } }', { i: { customerId, firstName: 'Zelda', lastName: 'Quasimodo' } }, { apiKey: secret });
    expect((await search(CUST, 'quasimodo')).body.data.customers.totalCount).toBe(1);
    expect((await search(CONT, 'quasimodo')).body.data.contacts.totalCount).toBe(1);
  });

  test('an INTEGRATION key with customers:read may not create customers', async () => {
    const { secret } = await createKey({ role: 'INTEGRATION', scopes: ['customers:read'] });
    const res = await t.gql(CREATE_CUSTOMER, { i: { name: 'Nope Ltd', kind: 'BUSINESS', ownerId: await userId(USERS.SALES_REP) } }, { apiKey: secret });
    expect(codes(res)).toEqual(['FORBIDDEN']);
    expect(res.body.data?.createCustomer ?? null).toBeNull();
    expect(await t.sql("select id from customer where name = 'Nope Ltd'")).toHaveLength(0);
  });

  test('an INTEGRATION key with customers:write creates a customer (naming the owner) and sees its contact details', async () => {
    const { id: keyId, secret } = await createKey({ role: 'INTEGRATION', scopes: ['customers:write'] });
    const input = { name: 'Keyed Shop GmbH', kind: 'BUSINESS', phones: [{ label: 'main', number: '+49 30 1234567' }], emails: [{ label: 'info', address: 'info@keyed.example' }] };

    const missing = await t.gql(CREATE_CUSTOMER, { i: input }, { apiKey: secret });
    expect(missing.body.errors).toBeUndefined();
    expect(missing.body.data.createCustomer.customer).toBeNull();
    expect(missing.body.data.createCustomer.errors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'ownerId'] })]);

    const ownerId = await userId(USERS.SALES_REP);
    const res = await t.gql(CREATE_CUSTOMER, { i: { ...input, ownerId } }, { apiKey: secret });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.createCustomer.errors).toEqual([]);
    const created = res.body.data.createCustomer.customer;
    expect(created).toEqual({ id: expect.stringMatching(/^cus_/), name: 'Keyed Shop GmbH', phones: [{ number: '+49 30 1234567' }], emails: [{ address: 'info@keyed.example' }] });
    const [row] = await t.sql('select created_by, owner_id from customer where id = ?', [created.id]);
    expect(row).toEqual({ created_by: keyId, owner_id: ownerId });

    // In the list it sees the contact details of its own customer only.
    const list = await t.gql(CUSTOMERS, {}, { apiKey: secret });
    const nodes = list.body.data.customers.edges.map((e: any) => e.node);
    const own = nodes.find((n: any) => n.id === created.id);
    expect(own.phones).toEqual([{ number: '+49 30 1234567' }]);
    expect(own.emails).toEqual([{ address: 'info@keyed.example' }]);
    expect(nodes.filter((n: any) => n.phones !== null)).toHaveLength(1);
    expect(list.body.errors!.every((e) => e.extensions?.code === 'FORBIDDEN' && e.path![2] !== nodes.indexOf(own))).toBe(true);

    // Another key with the same scope did not create it: no contact details.
    const other = await createKey({ role: 'INTEGRATION', scopes: ['customers:read'] });
    const seen = await t.gql('query($id: ID!) { customer(id: $id) { id phones { number } } }', { id: created.id }, { apiKey: other.secret });
    expect(seen.body.data.customer).toEqual({ id: created.id, phones: null });
    expect(codes(seen)).toEqual(['FORBIDDEN']);
    expect(seen.body.errors![0].path).toEqual(['customer', 'phones']);
  });

  test('a key with only orders:write may not read or create customers', async () => {
    const { secret } = await createKey({ role: 'INTEGRATION', scopes: ['orders:write'] });
    // The permission map lets only keys with a customers scope call `customers`.
    const list = await t.gql('{ customers(first: 10) { totalCount edges { node { id } } } }', {}, { apiKey: secret });
    expect(list.status).toBe(200);
    expect(codes(list)).toEqual(['FORBIDDEN']);
    expect(list.body.data?.customers ?? null).toBeNull();
    const one = await t.gql('query($id: ID!) { customer(id: $id) { id } }', { id: await dealerId() }, { apiKey: secret });
    expect(codes(one)).toEqual(['FORBIDDEN']);
    const create = await t.gql(CREATE_CUSTOMER, { i: { name: 'Orders Only Ltd', kind: 'BUSINESS', ownerId: await userId(USERS.SALES_REP) } }, { apiKey: secret });
    expect(codes(create)).toEqual(['FORBIDDEN']);
    expect(create.body.data?.createCustomer ?? null).toBeNull();
    expect(await t.sql("select id from customer where name = 'Orders Only Ltd'")).toHaveLength(0);
  });

  test('a revoked key gets 401 at once', async () => {
    const { id, secret } = await createKey({ role: 'INTEGRATION', scopes: ['customers:read'] });
    expect((await t.gql('{ customers(first: 1) { totalCount } }', {}, { apiKey: secret })).body.data.customers.totalCount).toBeGreaterThan(0);
    const res = await t.gql(REVOKE_KEY, { id }, 'ADMIN');
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.revokeApiKey.errors).toEqual([]);
    expect(res.body.data.revokeApiKey.apiKey.id).toBe(id);
    expect(new Date(res.body.data.revokeApiKey.apiKey.revokedAt).getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    expect401(await t.gql('{ customers(first: 1) { totalCount } }', {}, { apiKey: secret }));
  });

  test('revoking an unknown key is a NOT_FOUND payload error', async () => {
    const res = await t.gql(REVOKE_KEY, { id: 'key_doesnotexist' }, 'ADMIN');
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.revokeApiKey).toEqual({ apiKey: null, errors: [{ code: 'NOT_FOUND', field: ['input', 'id'] }] });
  });

  test('an expired key gets 401', async () => {
    const { id, secret } = await createKey({ role: 'INTEGRATION', scopes: ['customers:read'], expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect((await t.gql('{ customers(first: 1) { totalCount } }', {}, { apiKey: secret })).status).toBe(200);
    await t.sql("update api_key set expires_at = now() - interval '1 minute' where id = ?", [id]);
    expect401(await t.gql('{ customers(first: 1) { totalCount } }', {}, { apiKey: secret }));
  });

  test('garbage and forged keys get 401', async () => {
    const { secret } = await createKey({ role: 'INTEGRATION', scopes: ['customers:read'] });
    const prefix = secret.slice(4, 16);
    const body = secret.slice(17);
    const wrongSecret = `crm_${prefix}_${body[0] === 'A' ? 'B' : 'A'}${body.slice(1)}`;
    const unknownPrefix = `crm_000000000000_${body}`;
    for (const apiKey of ['garbage', 'crm_', `crm_${prefix}_short`, wrongSecret, unknownPrefix]) {
      expect401(await t.gql('{ customers(first: 1) { totalCount } }', {}, { apiKey }));
    }
  });

  test('createApiKey validation errors name the field', async () => {
    const dealer = await dealerId();
    const [nonPartner] = await t.sql<{ id: string }>('select id from customer where is_partner = false limit 1');
    const cases: [Record<string, unknown>, string[]][] = [
      [{ role: 'INTEGRATION', scopes: ['customers:delete'] }, ['input', 'scopes', '0']],
      [{ role: 'INTEGRATION', scopes: [] }, ['input', 'scopes']],
      [{ role: 'ADMIN', scopes: ['customers:read'] }, ['input', 'role']],
      [{ role: 'PARTNER', scopes: ['customers:read'] }, ['input', 'partnerCustomerId']],
      [{ role: 'INTEGRATION', scopes: ['customers:read'], partnerCustomerId: dealer }, ['input', 'partnerCustomerId']],
      [{ role: 'PARTNER', scopes: ['customers:read'], partnerCustomerId: nonPartner.id }, ['input', 'partnerCustomerId']],
      [{ role: 'PARTNER', scopes: ['customers:read'], partnerCustomerId: 'cus_doesnotexist' }, ['input', 'partnerCustomerId']],
      [{ role: 'INTEGRATION', scopes: ['customers:read'], expiresAt: new Date(Date.now() - 60_000).toISOString() }, ['input', 'expiresAt']],
    ];
    const before = (await t.sql('select count(*)::int as n from api_key'))[0].n;
    for (const [input, field] of cases) {
      const res = await t.gql(CREATE_KEY, { i: { name: 'invalid', ...input } }, 'ADMIN');
      expect(res.body.errors).toBeUndefined();
      const payload = res.body.data.createApiKey;
      expect(payload.apiKey).toBeNull();
      expect(payload.secret).toBeNull();
      expect(payload.errors).toEqual([expect.objectContaining({ code: 'VALIDATION', field })]);
    }
    expect((await t.sql('select count(*)::int as n from api_key'))[0].n).toBe(before);
  });

  test('me with an API key is UNAUTHENTICATED (keys are not users)', async () => {
    const { secret } = await createKey({ role: 'INTEGRATION', scopes: ['customers:read'] });
    const res = await t.gql('{ me { id } }', {}, { apiKey: secret });
    expect(codes(res)).toEqual(['UNAUTHENTICATED']);
    expect(res.body.data ?? null).toBeNull();
  });
});

describe('PARTNER keys', () => {
  test('a PARTNER key sees exactly its own customer record, with its credit limit (with `finance:read`)', async () => {
    const dealer = await dealerId();
    const { apiKey: created } = (await t.gql(CREATE_KEY, { i: { name: 'Dealer portal', role: 'PARTNER', scopes: ['customers:read'], partnerCustomerId: dealer } }, 'ADMIN')).body.data.createApiKey;
    expect(created.role).toBe('PARTNER');
    const { secret } = (await t.gql(CREATE_KEY, { i: { name: 'Dealer portal 2', role: 'PARTNER', scopes: ['customers:read', 'finance:read'], partnerCustomerId: dealer } }, 'ADMIN')).body.data.createApiKey;
    // without `finance:read` the credit terms are refused, naming the scope
    const readOnly = await createKey({ role: 'PARTNER', scopes: ['customers:read'], partnerCustomerId: dealer });
    const noFinance = await t.gql('query($id: ID!) { customer(id: $id) { id creditLimit } }', { id: dealer }, { apiKey: readOnly.secret });
    expect(noFinance.body.data.customer).toEqual({ id: dealer, creditLimit: null });
    expect(noFinance.body.errors?.map((e) => e.message)).toEqual(['`Customer.creditLimit` needs the API-key scope `finance:read` on a PARTNER key (its own record only).']);
    const [row] = await t.sql<{ credit_limit: string }>('select credit_limit from customer where id = ?', [dealer]);
    expect(row.credit_limit).not.toBeNull();

    const res = await t.gql('{ customers(first: 100) { totalCount edges { node { id isPartner creditLimit } } } }', {}, { apiKey: secret });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.customers.totalCount).toBe(1);
    expect(res.body.data.customers.edges).toEqual([{ node: { id: dealer, isPartner: true, creditLimit: expect.anything() } }]);
    expect(Number(res.body.data.customers.edges[0].node.creditLimit)).toBe(Number(row.credit_limit));

    const own = await t.gql('query($id: ID!) { customer(id: $id) { id creditLimit } }', { id: dealer }, { apiKey: secret });
    expect(own.body.errors).toBeUndefined();
    expect(own.body.data.customer.id).toBe(dealer);

    const [other] = await t.sql<{ id: string }>('select id from customer where id <> ? limit 1', [dealer]);
    const notMine = await t.gql('query($id: ID!) { customer(id: $id) { id name } }', { id: other.id }, { apiKey: secret });
    expect(codes(notMine)).toEqual([]);
    expect(notMine.body.data).toEqual({ customer: null });
  });

  test('a PARTNER key may not read customAttributes or history of its own record', async () => {
    const dealer = await dealerId();
    const { secret } = await createKey({ role: 'PARTNER', scopes: ['customers:read'], partnerCustomerId: dealer });
    const res = await t.gql('query($id: ID!) { customer(id: $id) { id customAttributes } }', { id: dealer }, { apiKey: secret });
    expect(res.body.data.customer).toEqual({ id: dealer, customAttributes: null });
    expect(codes(res)).toEqual(['FORBIDDEN']);
  });

  test('me with a PARTNER key is UNAUTHENTICATED', async () => {
    const { secret } = await createKey({ role: 'PARTNER', scopes: ['customers:read'], partnerCustomerId: await dealerId() });
    const res = await t.gql('{ me { id } }', {}, { apiKey: secret });
    expect(codes(res)).toEqual(['UNAUTHENTICATED']);
  });
});
