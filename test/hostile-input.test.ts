/**
 * Hostile input is refused before it reaches a resolver or the database (issue 9, items 13 and 16–20):
 * NUL characters, invalid Unicode, out-of-range dates, deep filters and JSON, too many invalid
 * variables, `__typename` aliases, limit wording, suggestions in production, no SQL in any message.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApp, LIMITS, type App } from '../src/app';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { isMultiStatement } from '../src/db/pglite-semicolons';
import { INPUT_LIMITS } from '../src/schema/input-guards';
import { codes, ok, startTestApp, type GqlResult, type TestApp } from './helpers';

let t: TestApp;
beforeAll(async () => { t = await startTestApp({ customers: 10 }); });
afterAll(async () => { await t.close(); });

const asResult = (res: request.Response): GqlResult => ({ status: res.status, body: res.body, headers: res.headers as Record<string, string> });

/** POSTs a body given as JSON text: deep variables that JSON.stringify itself could not write. */
async function postRaw(app: App['app'], query: string, variablesJson: string, token?: string): Promise<GqlResult> {
  let req = request(app).post('/graphql').set('content-type', 'application/json');
  if (token) req = req.set('authorization', `Bearer ${token}`);
  return asResult(await req.send(`{"query":${JSON.stringify(query)},"variables":${variablesJson}}`));
}

/** A refusal before execution: HTTP 400, one BAD_USER_INPUT error naming `field`, no data. */
function expectRefused(res: GqlResult, field: string | RegExp) {
  expect(res.status).toBe(400);
  expect(codes(res)).toEqual(['BAD_USER_INPUT']);
  expect(res.body.data).toBeUndefined();
  const named = res.body.errors![0].extensions!.field as string;
  if (typeof field === 'string') expect(named).toBe(field);
  else expect(named).toMatch(field);
  expect(res.body.errors![0].message).toContain(`\`${named}\``);
}

const customerId = async () => (await t.sql<{ id: string }>('select id from customer order by id limit 1'))[0].id;
const userCount = async () => (await t.sql<{ n: number }>('select count(*)::int as n from app_user'))[0].n;

const CREATE_USER = 'mutation($i: CreateUserInput!) { createUser(input: $i) { user { id name } errors { code field message } } }';
const newUser = (name: string) => ({ email: `u${Math.floor(Math.random() * 1e9)}@example.com`, password: 'a-long-password-1', name, role: 'SALES_REP' });

describe('NUL characters (item 16)', () => {
  test('anonymously through login: 400 naming input.email, before any lookup', async () => {
    const queries = await t.countQueries(async () => {
      const res = await t.gql('mutation($i: LoginInput!) { login(input: $i) { token } }', { i: { email: 'admin@demo.crm\u0000', password: 'x' } }, null);
      expectRefused(res, 'input.email');
      expect(res.body.errors![0].message).toMatch(/NUL/);
      expect(res.body.errors![0].message).toContain('$i.email');
    });
    expect(queries).toBe(0);
  });

  test.each([
    ['customers(search:) as a literal', '{ customers(search: "ab\\u0000cd") { totalCount } }', {}, 'search'],
    ['a name filter', 'query($f: CustomerFilter) { customers(filter: $f) { totalCount } }', { f: { or: [{ name: { contains: 'a\u0000' } }] } }, 'filter.or.0.name.contains'],
    ['a list filter item', 'query($f: CustomerFilter) { customers(filter: $f) { totalCount } }', { f: { name: { in: ['ok', 'b\u0000'] } } }, 'filter.name.in.1'],
    ['productBySku', 'query($s: String!) { productBySku(sku: $s) { id } }', { s: 'SKU\u0000' }, 'sku'],
    ['a variable inside a literal input', 'mutation($n: String!) { createCustomer(input: { name: $n, kind: BUSINESS }) { customer { id } } }', { n: 'Acme\u0000' }, 'input.name'],
    ['a JSON key', 'mutation($a: JSONObject) { createCustomer(input: { name: "Acme", kind: BUSINESS, customAttributes: $a }) { customer { id } } }', { a: { 'k\u0000': 1 } }, 'input.customAttributes.k\u0000'],
  ])('%s: 400 BAD_USER_INPUT naming the field', async (_name, query, variables, field) => {
    expectRefused(await t.gql(query, variables, 'ADMIN'), field);
  });

  test('createUser with a NUL in the name is refused and stores nothing', async () => {
    const before = await userCount();
    const res = await t.gql(CREATE_USER, { i: newUser('Eve\u0000') }, 'ADMIN');
    expectRefused(res, 'input.name');
    expect(await userCount()).toBe(before);
  });
});

describe('no SQL or bound values in any error message (item 16)', () => {
  let dev: App;
  beforeAll(async () => {
    const config = loadConfig({ NODE_ENV: 'development', JWT_SECRET: 'd'.repeat(40), LOG_LEVEL: 'silent', DATA_DIR: join(tmpdir(), 'crm-dev-unused') });
    dev = await createApp(config, t.db, createLogger('silent'));
  });
  afterAll(async () => { await dev.stop(); });

  const devToken = async () => {
    const res = await request(dev.app).post('/graphql').set('content-type', 'application/json')
      .send({ query: 'mutation { login(input: { email: "admin@demo.crm", password: "demo1234" }) { token } }' });
    return res.body.data.login.token as string;
  };

  test('in development, a database failure in createUser shows neither the SQL nor the password hash', async () => {
    // A constraint the service does not expect: the insert fails in the database, as a NUL once did.
    await t.sql(`alter table app_user add constraint hostile_probe check (name <> 'Leak Probe')`);
    try {
      const res = await postRaw(dev.app, CREATE_USER, JSON.stringify({ i: newUser('Leak Probe') }), await devToken());
      expect(codes(res)).toEqual(['INTERNAL_SERVER_ERROR']);
      expect(res.body.errors![0].message).toBe('Internal server error.');
      const text = JSON.stringify(res.body);
      expect(text).not.toMatch(/argon2|insert into|app_user|hostile_probe|Leak Probe|a-long-password/i);
      // Development still gets the stack frames (no message lines) to find the bug.
      const stack = res.body.errors![0].extensions!.stacktrace as string[];
      expect(stack.length).toBeGreaterThan(0);
      for (const line of stack) expect(line).toMatch(/^\s*at /);
    } finally {
      await t.sql('alter table app_user drop constraint hostile_probe');
    }
  });

  test('in development, the NUL that once leaked the hash is a plain BAD_USER_INPUT', async () => {
    const res = await postRaw(dev.app, CREATE_USER, JSON.stringify({ i: newUser('Eve\u0000') }), await devToken());
    expectRefused(res, 'input.name');
    expect(JSON.stringify(res.body)).not.toMatch(/argon2|insert into|a-long-password/i);
  });
});

describe('found by the fuzz test', () => {
  test('createCustomer with sector: null gets the default sector (it was a NOT NULL violation, a 500)', async () => {
    const data = ok(await t.gql('mutation { createCustomer(input: { name: "Null Sector Ltd", kind: BUSINESS, sector: null, employeeCount: 500 }) { customer { sector } errors { code } } }', {}, 'ADMIN'));
    expect(data.createCustomer).toEqual({ customer: { sector: 'ENTERPRISE' }, errors: [] });
  });

  // On the embedded database, any SQL text with a `;` went to PGlite's multi-statement exec.
  test('ORM lookups by an id with a semicolon answer NOT_FOUND, not a 500', async () => {
    const revoke = ok(await t.gql('mutation { revokeApiKey(input: { id: "key_a;b" }) { errors { code field } } }', {}, 'ADMIN'));
    expect(revoke.revokeApiKey.errors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'id'] }]);
    const users = await userCount();
    const sneaky = ok(await t.gql(`mutation { revokeApiKey(input: { id: "x'; delete from app_user; --" }) { errors { code } } }`, {}, 'ADMIN'));
    expect(sneaky.revokeApiKey.errors).toEqual([{ code: 'NOT_FOUND' }]);
    expect(await userCount()).toBe(users);
  });

  test('text with semicolons, quotes and backslashes is stored and found as sent', async () => {
    const name = String.raw`Semi; Colon \'; Co`;
    const created = ok(await t.gql('mutation($n: String!) { createCustomer(input: { name: $n, kind: BUSINESS }) { customer { id name } errors { code } } }', { n: name }, 'ADMIN'));
    expect(created.createCustomer.customer.name).toBe(name);
    const found = ok(await t.gql('query($s: String) { customers(search: $s) { edges { node { id } } } }', { s: name }, 'ADMIN'));
    expect(found.customers.edges).toEqual([{ node: { id: created.createCustomer.customer.id } }]);
    const byId = ok(await t.gql('query($id: ID!) { customer(id: $id) { name } }', { id: created.createCustomer.customer.id }, 'ADMIN'));
    expect(byId.customer.name).toBe(name);
  });

  test.each([
    ['select 1', false],
    ['select 1;', false],
    ["select 'a;b'", false],
    ["select E'a\\';b' ; ", false],
    ['select "odd;name" from t', false],
    ['select $$a;b$$, $tag$;$tag$', false],
    ['select 1 -- a; comment\n', false],
    ['select /* a; b */ 1', false],
    ['select $1; select 2', true],
    ["create table a (x text); insert into a values ('b;c')", true],
    ["select E'\\\\'; select 2", true],
  ])('isMultiStatement(%j) is %s', (sql, expected) => {
    expect(isMultiStatement(sql)).toBe(expected);
  });
});

describe('invalid Unicode (item 17)', () => {
  const UPDATE = 'mutation($i: UpdateCustomerInput!) { updateCustomer(input: $i) { customer { name } errors { code } } }';

  test('a lone surrogate in an audited field is refused and nothing changes', async () => {
    const id = await customerId();
    const [before] = await t.sql<{ name: string; version: number }>('select name, version from customer where id = ?', [id]);
    // JSON "\ud800" parses into a lone surrogate: written here as raw JSON text, as a client would send it.
    const res = await postRaw(t.app, UPDATE, `{"i":{"id":"${id}","version":${before.version},"name":"Bad \\ud800 name"}}`, await t.token('ADMIN'));
    expectRefused(res, 'input.name');
    expect(res.body.errors![0].message).toMatch(/Unicode/);
    expect((await t.sql('select name, version from customer where id = ?', [id]))[0]).toEqual(before);
  });

  test.each([
    ['a lone low surrogate', 'x\udc00', 'input.name'],
    ['a high surrogate at the end', 'x\ud83d', 'input.name'],
  ])('%s in createUser is refused', async (_name, name, field) => {
    const before = await userCount();
    expectRefused(await t.gql(CREATE_USER, { i: newUser(name) }, 'ADMIN'), field);
    expect(await userCount()).toBe(before);
  });

  test('a lone surrogate inside JSON (custom attributes) is refused', async () => {
    const res = await postRaw(t.app, 'mutation($a: JSONObject) { createCustomer(input: { name: "Acme", kind: BUSINESS, customAttributes: $a }) { customer { id } } }',
      '{"a":{"note":"\\udfff"}}', await t.token('ADMIN'));
    expectRefused(res, 'input.customAttributes.note');
  });

  test('well-formed text outside the BMP (a surrogate pair) is stored as sent', async () => {
    const data = ok(await t.gql(CREATE_USER, { i: newUser('Zoë 😀 Test') }, 'ADMIN'));
    expect(data.createUser.errors).toEqual([]);
    expect(data.createUser.user.name).toBe('Zoë 😀 Test');
  });
});

describe('dates out of range (item 18)', () => {
  test.each([
    ['a DateTime filter, year 0000', 'query($d: DateTime) { customers(filter: { createdAt: { gte: $d } }) { totalCount } }', { d: '0000-01-01T00:00:00Z' }],
    ['a DateTime that is year 10000 in UTC', 'query($d: DateTime) { customers(filter: { createdAt: { lt: $d } }) { totalCount } }', { d: '9999-12-31T23:30:00-05:00' }],
    ['a DateTime in 1899', 'query($d: DateTime) { customers(filter: { createdAt: { gte: $d } }) { totalCount } }', { d: '1899-12-31T23:59:59Z' }],
    ['agingReport(asOf:)', 'query($d: LocalDate) { agingReport(asOf: $d) { currency } }', { d: '0000-06-30' }],
  ])('%s: BAD_USER_INPUT naming the range', async (_name, query, variables) => {
    const res = await t.gql(query, variables, 'ADMIN');
    expect(res.status).toBe(400);
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.body.errors![0].message).toMatch(/1900–9999/);
  });

  test('as literals, out-of-range dates are invalid documents (like any invalid literal), with the same words', async () => {
    const id = await customerId();
    const statement = await t.gql('query($c: ID!) { accountStatement(customerId: $c, from: "0000-01-01", to: "0000-12-31") { currency } }', { c: id }, 'ADMIN');
    expect(statement.status).toBe(400);
    expect(new Set(codes(statement))).toEqual(new Set(['GRAPHQL_VALIDATION_FAILED']));
    expect(statement.body.errors![0].message).toMatch(/LocalDate must lie in the years 1900–9999/);
    expect(statement.body.data).toBeUndefined();
  });

  test('a mutation input with year 0000 is refused before running', async () => {
    const id = await customerId();
    const activity = await t.gql('mutation($i: LogActivityInput!) { logActivity(input: $i) { activity { id } } }',
      { i: { customerId: id, type: 'NOTE', subject: 'x', occurredAt: '0000-01-01T00:00:00Z' } }, 'ADMIN');
    expect(activity.status).toBe(400);
    expect(codes(activity)).toEqual(['BAD_USER_INPUT']);
    // graphql-js names the variable's path.
    expect(activity.body.errors![0].message).toMatch(/"i\.occurredAt"; A DateTime \(in UTC\) must lie in the years 1900–9999/);
  });

  test('forecast(startMonth: "0000-01") is BAD_USER_INPUT on startMonth', async () => {
    const res = await t.gql('{ forecast(months: 2, startMonth: "0000-01") { currency } }', {}, 'ADMIN');
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.body.errors![0].extensions!.field).toBe('startMonth');
  });

  test('the edges of the range work', async () => {
    ok(await t.gql('{ agingReport(asOf: "9999-12-31") { currency } }', {}, 'ADMIN'));
    ok(await t.gql('{ forecast(months: 1, startMonth: "1900-01") { currency } }', {}, 'ADMIN'));
    const res = ok(await t.gql('query($a: DateTime, $b: DateTime) { customers(filter: { createdAt: { gte: $a, lte: $b } }) { totalCount } }',
      { a: '1900-01-01T00:00:00Z', b: '9999-12-31T23:59:59Z' }, 'ADMIN'));
    expect(res.customers.totalCount).toBeGreaterThan(0);
  });
});

describe('deep nesting (item 19)', () => {
  const CUSTOMERS = 'query($f: CustomerFilter) { customers(filter: $f) { totalCount } }';
  const nested = (levels: number, inner = '{"name":{"contains":"a"}}') => `${'{"and":['.repeat(levels)}${inner}${']}'.repeat(levels)}`;

  test('a filter nested 5,000 deep in variables is refused before anything recursive runs', async () => {
    const res = await postRaw(t.app, CUSTOMERS, `{"f":${nested(5000)}}`, await t.token('ADMIN'));
    expectRefused(res, /^filter(\.and\.0)+$/);
    expect(res.body.errors![0].message).toMatch(new RegExp(`more than ${INPUT_LIMITS.maxFilterDepth} levels`));
  });

  test('`not` nested 5,000 deep too', async () => {
    const res = await postRaw(t.app, CUSTOMERS, `{"f":${'{"not":'.repeat(5000)}{}${'}'.repeat(5000)}}`, await t.token('ADMIN'));
    expectRefused(res, /^filter(\.not)+$/);
  });

  test(`${INPUT_LIMITS.maxFilterDepth} levels of and/or/not work, one more is refused (variables and literals)`, async () => {
    const max = INPUT_LIMITS.maxFilterDepth;
    const fine = await postRaw(t.app, CUSTOMERS, `{"f":${nested(max)}}`, await t.token('ADMIN'));
    expect(fine.body.errors).toBeUndefined();
    expect(typeof fine.body.data.customers.totalCount).toBe('number');
    expectRefused(await postRaw(t.app, CUSTOMERS, `{"f":${nested(max + 1)}}`, await t.token('ADMIN')), /^filter/);
    const literal = `{ customers(filter: ${'{ or: ['.repeat(max + 1)}{ vip: { eq: true } }${'] }'.repeat(max + 1)}) { totalCount } }`;
    expectRefused(await t.gql(literal, {}, 'ADMIN'), /^filter(\.or\.0)+$/);
  });

  const PUSH = 'mutation($c: JSONObject) { pushOrder(input: { idempotencyKey: "deep-json", channel: "web", currency: "EUR", customer: { email: "deep@example.com", name: "Deep" }, lines: [{ sku: "NONE", quantity: 1, unitPrice: "1.00", configuration: $c }] }) { errors { code field } } }';
  const deepJson = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

  test('an order line configuration nested 3,000 deep is refused naming the line', async () => {
    const res = await postRaw(t.app, PUSH, `{"c":${deepJson(3000)}}`, await t.token('ADMIN'));
    expectRefused(res, /^input\.lines\.0\.configuration(\.a)+$/);
    expect(res.body.errors![0].message).toMatch(new RegExp(`more than ${INPUT_LIMITS.maxJsonDepth} levels`));
  });

  test(`JSON ${INPUT_LIMITS.maxJsonDepth} levels deep passes the guard, one more does not`, async () => {
    const fine = await postRaw(t.app, PUSH, `{"c":${deepJson(INPUT_LIMITS.maxJsonDepth)}}`, await t.token('ADMIN'));
    expect(fine.status).toBe(200);
    expect(fine.body.errors).toBeUndefined();
    expect(fine.body.data.pushOrder.errors.length).toBeGreaterThan(0); // the unknown SKU, not the depth
    expectRefused(await postRaw(t.app, PUSH, `{"c":${deepJson(INPUT_LIMITS.maxJsonDepth + 1)}}`, await t.token('ADMIN')), /configuration/);
  });

  test('more than 50 invalid variable values are BAD_USER_INPUT, not a server error', async () => {
    const res = await t.gql('query($x: [ID!]!) { nodes(ids: $x) { id } }', { x: Array.from({ length: 60 }, () => ({ bad: true })) }, 'ADMIN');
    expect(res.status).toBe(400);
    expect(new Set(codes(res))).toEqual(new Set(['BAD_USER_INPUT']));
    expect(res.body.errors!.at(-1)!.message).toMatch(/More than 50 variable values are invalid/);
  });
});

describe('limits that count, in plain words (items 20 and 13)', () => {
  const typenames = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `t${i}: __typename`).join(' ')} }`;

  test('101 `__typename` aliases are refused like any other aliases', async () => {
    const res = await t.gql(typenames(101), {}, 'ADMIN');
    expect(res.status).toBe(400);
    expect(codes(res)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(res.body.errors![0].extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'maxAliases', max: LIMITS.maxAliases, actual: 101 });
    expect(res.body.data).toBeUndefined();
    expect(Object.keys(ok(await t.gql(typenames(LIMITS.maxAliases), {}, 'ADMIN')))).toHaveLength(LIMITS.maxAliases);
  });

  test('a too deep query names the limit and the figure, without "Syntax Error"', async () => {
    const res = await t.gql(`{ customers(first: 1) { edges { node { ${'referredBy { '.repeat(12)}id${' }'.repeat(12)} } } } }`, {}, 'ADMIN');
    expect(res.status).toBe(400);
    const [error] = res.body.errors!;
    expect(error.message).not.toMatch(/syntax/i);
    expect(error.message).toMatch(/16 levels deep; the limit \(maxDepth\) is 10/);
    expect(error.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'maxDepth', max: LIMITS.maxDepth, actual: 16 });
  });

  test('too many tokens names the limit', async () => {
    const res = await t.gql(`{ me { ${'id '.repeat(LIMITS.maxTokens)} } }`, {}, 'ADMIN');
    expect(res.status).toBe(400);
    expect(res.body.errors![0].message).not.toMatch(/syntax/i);
    expect(res.body.errors![0].extensions).toEqual({ code: 'GRAPHQL_PARSE_FAILED', limit: 'maxTokens', max: LIMITS.maxTokens });
  });

  const PAGE = `query($n: Int, $m: Int) { customers(first: $n) { totalCount edges { cursor node { id name kind tier vip sector status
    owner { name } contacts(first: $m) { edges { node { id firstName lastName title emails { address } phones { number } } } } } } } }`;

  test('the cost counts `first` given as a variable: 100 customers × 100 contacts are refused', async () => {
    const res = await t.gql(PAGE, { n: 100, m: 100 }, 'ADMIN');
    expect(res.status).toBe(400);
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'maxCost', max: LIMITS.maxCost });
    expect(res.body.errors![0].extensions!.actual).toBeGreaterThan(LIMITS.maxCost);
    expect(res.body.data).toBeUndefined();
    // The same with literals is refused the same way.
    const literal = await t.gql(PAGE.replace('($n: Int, $m: Int)', '').replace('$n', '100').replace('$m', '100'), {}, 'ADMIN');
    expect(literal.body.errors![0].extensions).toEqual(res.body.errors![0].extensions);
  });

  test('a page of 100 customers with 10 contacts each is within the cost limit', async () => {
    const res = await t.gql(PAGE, { n: 100, m: 10 }, 'ADMIN');
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.customers.edges.length).toBe(res.body.data.customers.totalCount);
  });

  test('one document checked again with each new value: passes, is refused, passes, is refused (the checks are remembered per document and value)', async () => {
    for (const [m, refused] of [[10, false], [100, true], [10, false], [100, true]] as const) {
      const res = await t.gql(PAGE, { n: 100, m }, 'ADMIN');
      expect(res.body.errors?.[0]?.extensions?.limit).toBe(refused ? 'maxCost' : undefined);
    }
    // A literal refused once is refused again (only documents that passed are remembered).
    for (let i = 0; i < 2; i++) {
      const res = await t.gql('{ customers(first: 10, filter: { name: { contains: "\\u0000" } }) { totalCount } }', {}, 'ADMIN');
      expect(res.status).toBe(400);
      expect(res.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    }
  });

  describe('in production', () => {
    let prod: App;
    beforeAll(async () => {
      prod = await createApp(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(40), LOG_LEVEL: 'silent' }), t.db, createLogger('silent'));
    });
    afterAll(async () => { await prod.stop(); });

    test('enum value suggestions are hidden (literal and variable), outside production they stay', async () => {
      const login = await request(prod.app).post('/graphql').set('content-type', 'application/json')
        .send({ query: 'mutation { login(input: { email: "admin@demo.crm", password: "demo1234" }) { token } }' });
      const token = login.body.data.login.token as string;
      const literal = await postRaw(prod.app, '{ customers(filter: { tier: { eq: KE } }) { totalCount } }', '{}', token);
      const variable = await postRaw(prod.app, 'query($f: CustomerFilter) { customers(filter: $f) { totalCount } }', '{"f":{"tier":{"eq":"KE"}}}', token);
      for (const res of [literal, variable]) {
        expect(res.status).toBe(400);
        expect(res.body.errors!.length).toBeGreaterThan(0);
        expect(JSON.stringify(res.body)).not.toMatch(/did you mean/i);
        expect(JSON.stringify(res.body)).not.toContain('KEY');
      }
      const dev = await t.gql('{ customers(filter: { tier: { eq: KE } }) { totalCount } }', {}, 'ADMIN');
      expect(dev.body.errors![0].message).toMatch(/Did you mean the enum value "KEY"/);
    });
  });

  test('the README states the limits the server enforces', () => {
    const readme = readFileSync(join(__dirname, '../README.md'), 'utf8');
    const n = (x: number) => x.toLocaleString('en-US');
    expect(readme).toContain(`depth ${LIMITS.maxDepth}, ${LIMITS.maxAliases} aliases, ${n(LIMITS.maxTokens)} tokens, ${LIMITS.maxDirectives} directives or a cost of ${n(LIMITS.maxCost)}`);
    expect(readme).toMatch(/ADMIN_PASSWORD[^\n]*at least 12 characters/);
  });

  test('create-admin refuses an ADMIN_PASSWORD under 12 characters before touching a database', () => {
    const dataDir = join(tmpdir(), `crm-admin-${process.pid}-${Date.now()}`);
    const run = spawnSync(process.execPath, ['-r', join(__dirname, 'support/register-swc.js'), join(__dirname, '../src/db/cli.ts'), 'create-admin', 'root@example.com', 'Root'], {
      env: { PATH: process.env.PATH, ADMIN_PASSWORD: 'short-pw', DATA_DIR: dataDir, NODE_ENV: 'development' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/ADMIN_PASSWORD must be at least 12 characters/);
    expect(existsSync(dataDir)).toBe(false);
  });
});
