import request from 'supertest';
import { createApp, LIMITS, type App } from '../src/app';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { codes, startTestApp, type GqlResult, type TestApp } from './helpers';

let t: TestApp;
beforeAll(async () => { t = await startTestApp(); });
afterAll(async () => { await t.close(); });

const auth = async () => `Bearer ${await t.token('ADMIN')}`;

const asResult = (res: request.Response): GqlResult => ({ status: res.status, body: res.body, headers: res.headers as Record<string, string> });

/** Every error of a response carries no stack trace, in any place a client could read it. */
function expectNoStacktrace(res: { body: unknown; text?: string }) {
  const text = res.text ?? JSON.stringify(res.body);
  expect(text).not.toMatch(/stacktrace/i);
  expect(text).not.toMatch(/\bat .+\.(ts|js):\d+/);
  expect(text).not.toMatch(/node_modules/);
}

/** A customer chain `referredBy { … }` nested `n` levels below `customer`. */
const referredByChain = (n: number) => `${'referredBy { '.repeat(n)}id${' }'.repeat(n)}`;

describe('GraphQL over HTTP', () => {
  test('a query over GET works with a preflight header', async () => {
    const res = await request(t.app).get('/graphql')
      .query({ query: '{ me { email role } }' })
      .set('apollo-require-preflight', 'true')
      .set('authorization', await auth());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { me: { email: 'admin@demo.crm', role: 'ADMIN' } } });
  });

  test('a query over GET with variables works', async () => {
    const res = await request(t.app).get('/graphql')
      .query({ query: 'query($n: Int) { customers(first: $n) { edges { node { id } } } }', variables: JSON.stringify({ n: 3 }) })
      .set('content-type', 'application/json')
      .set('authorization', await auth());
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.customers.edges).toHaveLength(3);
  });

  test('a mutation over GET is refused with 405 and not executed', async () => {
    const before = (await t.sql('select count(*)::int as n from api_key'))[0].n;
    const res = await request(t.app).get('/graphql')
      .query({ query: 'mutation { createApiKey(input: { name: "via get", role: INTEGRATION, scopes: ["customers:read"] }) { secret } }' })
      .set('apollo-require-preflight', 'true')
      .set('authorization', await auth());
    expect(res.status).toBe(405);
    expect(res.headers.allow).toMatch(/POST/);
    expect(res.body.data ?? null).toBeNull();
    expect((await t.sql('select count(*)::int as n from api_key'))[0].n).toBe(before);
  });

  test('a GET without a preflight header is blocked by CSRF prevention', async () => {
    const res = await request(t.app).get('/graphql')
      .query({ query: '{ me { email } }' })
      .set('authorization', await auth());
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/CSRF/i);
    expect(res.text).not.toContain('admin@demo.crm');
  });

  test('a simple (form) POST is blocked by CSRF prevention', async () => {
    const res = await request(t.app).post('/graphql')
      .set('content-type', 'text/plain')
      .set('authorization', await auth())
      .send(JSON.stringify({ query: '{ me { email } }' }));
    expect(res.status).toBe(400);
    expect(res.text).not.toContain('admin@demo.crm');
  });

  test('a malformed JSON body is a 400 without a stack trace', async () => {
    const res = await request(t.app).post('/graphql')
      .set('content-type', 'application/json')
      .set('authorization', await auth())
      .send('{"query": "{ me { id } }"');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ errors: [{ message: expect.stringMatching(/JSON/), extensions: { code: 'BAD_REQUEST' } }] });
    expectNoStacktrace(res);
  });

  test('a body over 1 MB is a 413 JSON error', async () => {
    const res = await request(t.app).post('/graphql')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ query: `# ${'x'.repeat(1_100_000)}\n{ me { id } }` }));
    expect(res.status).toBe(413);
    expect(res.body.errors[0].extensions.code).toBe('BAD_REQUEST');
    expectNoStacktrace(res);
  });

  test('a body without a query is a 400', async () => {
    const res = await request(t.app).post('/graphql')
      .set('content-type', 'application/json')
      .set('authorization', await auth())
      .send({ variables: { a: 1 } });
    expect(res.status).toBe(400);
    expect(res.body.data ?? null).toBeNull();
    expect(res.text).toMatch(/query/i);
  });

  test('a non-string query is a 400', async () => {
    const res = await request(t.app).post('/graphql')
      .set('content-type', 'application/json')
      .set('authorization', await auth())
      .send({ query: { me: true } });
    expect(res.status).toBe(400);
    expect(res.body.data ?? null).toBeNull();
  });

  test('Accept: application/graphql-response+json gets that content type back', async () => {
    const res = await request(t.app).post('/graphql')
      .set('content-type', 'application/json')
      .set('accept', 'application/graphql-response+json')
      .set('authorization', await auth())
      .send({ query: '{ me { email } }' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/graphql-response\+json/);
    expect(JSON.parse(res.text)).toEqual({ data: { me: { email: 'admin@demo.crm' } } });
  });

  test('Accept: application/json gets application/json back', async () => {
    const res = await request(t.app).post('/graphql')
      .set('content-type', 'application/json')
      .set('accept', 'application/json')
      .set('authorization', await auth())
      .send({ query: '{ me { email } }' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });

  test('a syntax error is a 400 GRAPHQL_PARSE_FAILED', async () => {
    const res = await t.gql('{ me { email }', {}, 'ADMIN');
    expect(res.status).toBe(400);
    expect(codes(res)).toEqual(['GRAPHQL_PARSE_FAILED']);
    expect(res.body.data).toBeUndefined();
    expectNoStacktrace(res);
  });

  test('an unknown field is a 400 GRAPHQL_VALIDATION_FAILED', async () => {
    const res = await t.gql('{ me { email shoeSize } }', {}, 'ADMIN');
    expect(res.status).toBe(400);
    expect(codes(res)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(res.body.errors![0].message).toMatch(/shoeSize/);
    expect(res.body.data).toBeUndefined();
    expectNoStacktrace(res);
  });

  test('a variable of the wrong type is a 400 BAD_USER_INPUT', async () => {
    const res = await t.gql('query($n: Int) { customers(first: $n) { totalCount } }', { n: 'many' }, 'ADMIN');
    expect(res.status).toBe(400);
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.body.data).toBeUndefined();
  });

  test('HTTP batching (an array body) is refused and nothing runs', async () => {
    const before = (await t.sql('select count(*)::int as n from api_key'))[0].n;
    const create = (name: string) => ({ query: `mutation { createApiKey(input: { name: "${name}", role: INTEGRATION, scopes: ["customers:read"] }) { secret } }` });
    const res = await request(t.app).post('/graphql')
      .set('content-type', 'application/json')
      .set('authorization', await auth())
      .send([create('batch one'), create('batch two')]);
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/batch/i);
    expect(res.text).not.toContain('crm_');
    expect((await t.sql('select count(*)::int as n from api_key'))[0].n).toBe(before);
  });

  test('an array body with a single operation is refused too', async () => {
    const res = await request(t.app).post('/graphql')
      .set('content-type', 'application/json')
      .set('authorization', await auth())
      .send([{ query: '{ me { email } }' }]);
    expect(res.status).toBe(400);
    expect(res.text).not.toContain('admin@demo.crm');
  });

  test('/health answers 200 ok', async () => {
    const res = await request(t.app).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  test('the server does not announce Express', async () => {
    const res = await request(t.app).get('/health');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});

describe('abuse limits (refused before execution)', () => {
  test(`a query nested deeper than ${LIMITS.maxDepth} is refused without running`, async () => {
    const deep = `query($id: ID!) { customer(id: $id) { ${referredByChain(LIMITS.maxDepth + 2)} } }`;
    const [customer] = await t.sql<{ id: string }>('select id from customer limit 1');
    const queries = await t.countQueries(async () => {
      const res = await t.gql(deep, { id: customer.id }, 'ADMIN');
      expect(res.status).toBe(400);
      expect(codes(res)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      expect(res.body.errors![0].message).toMatch(/depth/i);
      expect(res.body.data).toBeUndefined();
    });
    // Authentication reads the user; nothing else runs.
    expect(queries).toBeLessThanOrEqual(1);
  });

  test('a query within the depth limit runs', async () => {
    const [customer] = await t.sql<{ id: string }>('select id from customer limit 1');
    const res = await t.gql(`query($id: ID!) { customer(id: $id) { ${referredByChain(LIMITS.maxDepth - 2)} } }`, { id: customer.id }, 'ADMIN');
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.customer).toHaveProperty('referredBy');
  });

  test('a deep contacts → customer → contacts cycle is refused', async () => {
    let inner = 'id';
    for (let i = 0; i < 6; i++) inner = `contacts(first: 2) { edges { node { customer { ${inner} } } } }`;
    const res = await t.gql(`{ customers(first: 2) { edges { node { ${inner} } } } }`, {}, 'ADMIN');
    expect(res.status).toBe(400);
    expect(codes(res).length).toBeGreaterThan(0);
    expect(new Set(codes(res))).toEqual(new Set(['GRAPHQL_VALIDATION_FAILED']));
    expect(res.body.errors!.some((e) => /depth/i.test(e.message))).toBe(true);
    expect(res.body.data).toBeUndefined();
  });

  test('100 aliases are refused', async () => {
    const aliases = Array.from({ length: 100 }, (_, i) => `a${i}: me { id }`).join(' ');
    const res = await t.gql(`{ ${aliases} }`, {}, 'ADMIN');
    expect(res.status).toBe(400);
    expect(codes(res)).toContain('GRAPHQL_VALIDATION_FAILED');
    expect(res.body.errors![0].message).toMatch(/alias/i);
    expect(res.body.data).toBeUndefined();
  });

  test(`${LIMITS.maxAliases} aliases are fine`, async () => {
    const aliases = Array.from({ length: LIMITS.maxAliases }, (_, i) => `a${i}: me { id }`).join(' ');
    const res = await t.gql(`{ ${aliases} }`, {}, 'ADMIN');
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(Object.keys(res.body.data)).toHaveLength(LIMITS.maxAliases);
  });

  test.each([
    ['first: 1000', '{ customers(first: 1000) { totalCount } }'],
    ['last: 101', '{ customers(last: 101) { totalCount } }'],
    ['first: -1', '{ customers(first: -1) { totalCount } }'],
    ['apiKeys(first: 1000)', '{ apiKeys(first: 1000) { totalCount } }'],
  ])('%s is BAD_USER_INPUT', async (_name, query) => {
    const res = await t.gql(query, {}, 'ADMIN');
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.body.data?.customers ?? res.body.data?.apiKeys ?? null).toBeNull();
  });

  test('first: 100 is allowed', async () => {
    const res = await t.gql('{ customers(first: 100) { totalCount edges { node { id } } } }', {}, 'ADMIN');
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.customers.edges.length).toBe(res.body.data.customers.totalCount);
  });

  test('a document with a huge token count is refused', async () => {
    const fields = Array.from({ length: LIMITS.maxTokens }, () => 'id').join(' ');
    const res = await t.gql(`{ me { ${fields} } }`, {}, 'ADMIN');
    expect(res.status).toBe(400);
    expect(codes(res)).toContain('GRAPHQL_PARSE_FAILED');
    expect(res.body.errors![0].message).toMatch(/token/i);
    expect(res.body.data).toBeUndefined();
  });

  test('too many directives are refused', async () => {
    const directives = Array.from({ length: LIMITS.maxDirectives + 5 }, () => '@include(if: true)').join(' ');
    const res = await t.gql(`{ me { id ${directives} } }`, {}, 'ADMIN');
    expect(res.status).toBe(400);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors![0].message).toMatch(/directive/i);
  });

  test('a costly (wide and nested) query is refused', async () => {
    // Within the depth, alias and token limits, but many nested object fields.
    const contact = 'phones { number } emails { address } addresses { city } customer { owner { manager { manager { id } } } }';
    const customer = `owner { manager { id } } referredBy { owner { id } } contacts(first: 100) { edges { node { ${contact} } } }`;
    const res = await t.gql(`{ customers(first: 100) { edges { node { ${customer} } } } contacts(first: 100) { edges { node { ${contact} } } } }`, {}, 'ADMIN');
    expect(res.status).toBe(400);
    expect(res.body.errors![0].message).toMatch(/cost/i);
    expect(res.body.data).toBeUndefined();
  });
});

describe('error hygiene', () => {
  test('NODE_ENV=test errors never carry stack traces', async () => {
    const responses = [
      await t.gql('{ me { email }', {}, 'ADMIN'), // parse
      await t.gql('{ me { shoeSize } }', {}, 'ADMIN'), // validation
      await t.gql('{ customers(first: 1000) { totalCount } }', {}, 'ADMIN'), // bad input
      // not found (single-record lookups answer null; a report on a missing record is still NOT_FOUND)
      await t.gql('query($id: ID!) { accountStatement(customerId: $id, from: "2025-01-01", to: "2025-01-31") { currency } }', { id: 'cus_doesnotexist' }, 'ADMIN'),
      await t.gql('{ apiKeys(first: 1) { totalCount } }', {}, 'SALES_REP'), // forbidden
      await t.gql('{ me { id } }', {}, null), // unauthenticated
      await t.gql('{ me { id } }', {}, { token: 'not-a-jwt' }), // 401
    ];
    for (const res of responses) {
      expect(res.body.errors?.length).toBeGreaterThan(0);
      for (const e of res.body.errors!) expect(e.extensions?.stacktrace).toBeUndefined();
      expectNoStacktrace(res);
    }
  });
});

describe('production mode', () => {
  let prod: App;
  const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), LOG_LEVEL: 'silent' });
  beforeAll(async () => { prod = await createApp(config, t.db, createLogger('silent')); });
  afterAll(async () => { await prod.stop(); });

  const post = async (query: string, token?: string) => {
    let req = request(prod.app).post('/graphql').set('content-type', 'application/json');
    if (token) req = req.set('authorization', `Bearer ${token}`);
    return asResult(await req.send({ query }));
  };
  const login = async () => {
    const res = await post('mutation { login(input: { email: "admin@demo.crm", password: "demo1234" }) { token } }');
    expect(res.body.errors).toBeUndefined();
    return res.body.data.login.token as string;
  };

  test('works, with its own secret (test tokens are refused)', async () => {
    const token = await login();
    const me = await post('{ me { email } }', token);
    expect(me.body).toEqual({ data: { me: { email: 'admin@demo.crm' } } });
    const foreign = await post('{ me { email } }', await t.token('ADMIN'));
    expect(foreign.status).toBe(401);
    expect(codes(foreign)).toEqual(['UNAUTHENTICATED']);
  });

  test('introspection is refused', async () => {
    const token = await login();
    for (const query of ['{ __schema { types { name } } }', '{ __type(name: "Customer") { fields { name } } }']) {
      const res = await post(query, token);
      expect(res.status).toBe(400);
      expect(codes(res)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      expect(res.body.errors![0].message).toMatch(/introspection/i);
      expect(res.body.data).toBeUndefined();
      expect(JSON.stringify(res.body)).not.toContain('creditLimit');
    }
    // Outside production it is allowed.
    const dev = await t.gql('{ __schema { types { name } } }', {}, 'ADMIN');
    expect(dev.body.errors).toBeUndefined();
    expect(dev.body.data.__schema.types.map((x: { name: string }) => x.name)).toContain('Customer');
  });

  test('a misspelled field gives no "Did you mean" suggestion', async () => {
    const token = await login();
    const res = await post('{ me { emial } customrs(first: 1) { totalCount } }', token);
    expect(res.status).toBe(400);
    expect(res.body.errors!.length).toBeGreaterThan(0);
    expect(JSON.stringify(res.body)).not.toMatch(/did you mean/i);
    expect(JSON.stringify(res.body)).not.toMatch(/"email"|customers/);
    // Outside production the suggestion is there.
    const dev = await t.gql('{ me { emial } }', {}, 'ADMIN');
    expect(JSON.stringify(dev.body)).toMatch(/did you mean/i);
  });

  test('errors carry no stack traces', async () => {
    const token = await login();
    const responses = [
      await post('{ me { email }', token),
      await post('{ me { shoeSize } }', token),
      await post('{ customers(first: 1000) { totalCount } }', token),
      await post('{ accountStatement(customerId: "cus_doesnotexist", from: "2025-01-01", to: "2025-01-31") { currency } }', token),
      await post('{ me { id } }'),
      await post('{ me { id } }', 'not-a-jwt'),
      await post('mutation { login(input: { email: "admin@demo.crm", password: "nope" }) { token } }'),
    ];
    for (const res of responses) {
      expect(res.body.errors?.length).toBeGreaterThan(0);
      for (const e of res.body.errors!) expect(e.extensions?.stacktrace).toBeUndefined();
      expectNoStacktrace(res);
    }
    const malformed = await request(prod.app).post('/graphql').set('content-type', 'application/json').send('{"query":');
    expect(malformed.status).toBe(400);
    expectNoStacktrace(malformed);
  });

  test('/health answers 200 ok', async () => {
    const res = await request(prod.app).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });
});
