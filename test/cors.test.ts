import request from 'supertest';
import { createApp, type App } from '../src/app';
import { loadConfig } from '../src/config';
import { CORS_ALLOWED_HEADERS } from '../src/http/cors';
import { DEFAULT_HEADERS, DEFAULT_QUERY } from '../src/http/explorer-page';
import { createLogger } from '../src/logger';
import { startTestApp, type TestApp } from './helpers';

/**
 * CORS and the explorer at the HTTP level (the same in a real browser: test/browser.test.ts). The test app
 * runs with the development defaults (any localhost origin, explorer on); two more apps on the same
 * database show production: with nothing set, and with CORS_ORIGINS and EXPLORER=true.
 */
let t: TestApp;
let production: App;
let configured: App;
const SHOP = 'https://shop.example.com';
beforeAll(async () => {
  t = await startTestApp({ customers: 5 });
  const log = createLogger('silent');
  const secret = { JWT_SECRET: 'p'.repeat(40), LOG_LEVEL: 'silent' } as const;
  production = await createApp(loadConfig({ NODE_ENV: 'production', ...secret }), t.db, log);
  configured = await createApp(loadConfig({ NODE_ENV: 'production', ...secret, CORS_ORIGINS: ` ${SHOP}, http://localhost:5173 `, EXPLORER: 'true' }), t.db, log);
});
afterAll(async () => {
  await production?.stop();
  await configured?.stop();
  await t.close();
});

const LOCAL = 'http://localhost:5173';
const ME = { query: '{ me { email } }' };
const preflight = (app: App['app'], origin: string, headers = 'authorization, content-type') => request(app).options('/graphql')
  .set('origin', origin)
  .set('access-control-request-method', 'POST')
  .set('access-control-request-headers', headers);
const headerList = (value: string | undefined) => (value ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);

describe('CORS (development defaults)', () => {
  test('a preflight from a localhost origin is answered 204 with the allowed methods and headers, no credentials', async () => {
    for (const origin of [LOCAL, 'http://127.0.0.1:3000', 'https://localhost', 'http://[::1]:8080']) {
      const res = await preflight(t.app, origin, 'authorization, content-type, x-api-key, apollo-require-preflight');
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe(origin);
      expect(headerList(res.headers['access-control-allow-methods']).sort()).toEqual(['get', 'post']);
      expect(headerList(res.headers['access-control-allow-headers'])).toEqual(expect.arrayContaining(['authorization', 'content-type', 'x-api-key', 'apollo-require-preflight']));
      expect(headerList(res.headers['access-control-allow-headers']).sort()).toEqual([...CORS_ALLOWED_HEADERS].sort());
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
      expect(Number(res.headers['access-control-max-age'])).toBeGreaterThan(0);
      expect(headerList(res.headers.vary)).toContain('origin');
      expect(res.text).toBe('');
    }
  });

  test('a preflight from any other origin gets no CORS headers (the browser refuses the call)', async () => {
    for (const origin of [SHOP, 'http://localhost.evil.com', 'http://127.0.0.1.nip.io:4000', 'null', 'http://localhost:5173/']) {
      const res = await preflight(t.app, origin);
      expect(res.status).toBe(403);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(res.headers['access-control-allow-headers']).toBeUndefined();
      expect(res.body.errors[0].message).toContain('CORS_ORIGINS');
    }
  });

  test('an allowed origin reads answers, errors included: 200, 401 for a bad token, 400 for a broken body', async () => {
    const good = await request(t.app).post('/graphql').set('origin', LOCAL).set('authorization', `Bearer ${await t.token('ADMIN')}`).send(ME);
    expect(good.status).toBe(200);
    expect(good.body).toEqual({ data: { me: { email: 'admin@demo.crm' } } });
    expect(good.headers['access-control-allow-origin']).toBe(LOCAL);
    expect(headerList(good.headers['access-control-expose-headers'])).toEqual(expect.arrayContaining(['ratelimit-remaining', 'retry-after']));
    expect(good.headers['access-control-allow-credentials']).toBeUndefined();

    const badToken = await request(t.app).post('/graphql').set('origin', LOCAL).set('authorization', 'Bearer not-a-token').send(ME);
    expect(badToken.status).toBe(401);
    expect(badToken.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(badToken.headers['access-control-allow-origin']).toBe(LOCAL);

    const broken = await request(t.app).post('/graphql').set('origin', LOCAL).set('content-type', 'application/json').send('{"query":');
    expect(broken.status).toBe(400);
    expect(broken.headers['access-control-allow-origin']).toBe(LOCAL);
  });

  test('an answer to another origin carries no Access-Control-Allow-Origin', async () => {
    const res = await request(t.app).post('/graphql').set('origin', SHOP).send({ query: '{ __typename }' });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(headerList(res.headers.vary)).toContain('origin');
  });

  test('CSRF prevention still refuses simple cross-site requests, before running them', async () => {
    // A form or <img> can send these without a preflight: text/plain or form bodies, GET without a custom header.
    const before = (await t.sql('select count(*)::int as n from customer'))[0].n;
    const mutation = JSON.stringify({ query: 'mutation { createCustomer(input: { name: "Forged Ltd", kind: BUSINESS }) { customer { id } } }' });
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await request(t.app).post('/graphql').set('origin', LOCAL).set('content-type', contentType).send(mutation);
      expect(res.status).toBe(400);
      expect(res.text).toMatch(/CSRF/);
    }
    const get = await request(t.app).get('/graphql').set('origin', SHOP).query({ query: '{ __typename }' });
    expect(get.status).toBe(400);
    expect(get.text).toMatch(/CSRF/);
    expect(get.text).not.toContain('"data"');
    expect((await t.sql('select count(*)::int as n from customer'))[0].n).toBe(before);
  });
});

describe('CORS in production', () => {
  test('with CORS_ORIGINS unset no origin is allowed, not even localhost', async () => {
    for (const origin of [LOCAL, SHOP]) {
      const res = await preflight(production.app, origin);
      expect(res.status).toBe(403);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    }
    const post = await request(production.app).post('/graphql').set('origin', LOCAL).send({ query: '{ __typename }' });
    expect(post.status).toBe(200); // a server-side caller is unaffected; only browsers enforce CORS
    expect(post.headers['access-control-allow-origin']).toBeUndefined();
  });

  test('CORS_ORIGINS allows exactly the origins it lists', async () => {
    for (const origin of [SHOP, LOCAL]) {
      const res = await preflight(configured.app, origin);
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe(origin);
    }
    for (const origin of ['https://shop.example.com:8443', 'http://shop.example.com', 'https://other.example.com', 'http://localhost:3000']) {
      const res = await preflight(configured.app, origin);
      expect(res.status).toBe(403);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  test('a CORS_ORIGINS entry that is not an origin stops start-up with a clear message', () => {
    for (const bad of ['https://shop.example.com/', 'shop.example.com', 'https://shop.example.com/app', 'ftp://files.example.com', '*']) {
      expect(() => loadConfig({ NODE_ENV: 'test', CORS_ORIGINS: `${SHOP},${bad}` })).toThrow(/CORS_ORIGINS: .*not an origin/);
    }
    expect(loadConfig({ NODE_ENV: 'test', CORS_ORIGINS: `${SHOP}, ${LOCAL}` }).CORS_ORIGINS).toEqual([SHOP, LOCAL]);
    expect(loadConfig({ NODE_ENV: 'test', CORS_ORIGINS: '' }).CORS_ORIGINS).toBeUndefined();
  });
});

/** The explorer page and the URLs of its assets. */
async function explorerPage(app: App['app']) {
  const res = await request(app).get('/graphql').set('accept', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8');
  const assets = [...res.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
  return { res, assets };
}

describe('explorer', () => {
  test('a browser opening /graphql gets GraphiQL with a strict Content-Security-Policy, loading nothing from elsewhere', async () => {
    const { res, assets } = await explorerPage(t.app);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('<div id="graphiql">');
    const csp = res.headers['content-security-policy'];
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/connect-src 'self'(;|$)/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    // No inline script, no third-party address anywhere in the page.
    expect(res.text).not.toMatch(/<script>|<script(?![^>]*\ssrc=)[^>]*>|<style/);
    expect(res.text).not.toMatch(/https?:\/\//);
    expect(assets.map((a) => a.replace(/^\/explorer\/[0-9a-f]{12}\//, '/explorer/v/'))).toEqual([
      '/explorer/v/graphiql.min.css', '/explorer/v/explorer.css',
      '/explorer/v/react.production.min.js', '/explorer/v/react-dom.production.min.js', '/explorer/v/graphiql.min.js', '/explorer/v/explorer.js',
    ]);
  });

  test('its assets come from the installed packages, cached for a year under a versioned path', async () => {
    const { assets } = await explorerPage(t.app);
    const expected: Record<string, [RegExp, RegExp]> = {
      'graphiql.min.js': [/javascript/, /window\.GraphiQL = /],
      'graphiql.min.css': [/text\/css/, /\.graphiql-container/],
      'react.production.min.js': [/javascript/, /"18\.3\.1"/],
      'react-dom.production.min.js': [/javascript/, /"18\.3\.1"/],
      'explorer.js': [/javascript/, /GraphiQL\.createFetcher/],
      'explorer.css': [/text\/css/, /#graphiql/],
    };
    for (const path of assets) {
      const name = path.split('/').pop()!;
      const res = await request(t.app).get(path).buffer(true).parse((r, done) => {
        let text = '';
        r.setEncoding('utf8');
        r.on('data', (chunk: string) => { text += chunk; });
        r.on('end', () => done(null, text));
      });
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-type']).toMatch(expected[name][0]);
      expect(res.body).toMatch(expected[name][1]);
    }
    const folder = assets[0].slice(0, assets[0].lastIndexOf('/'));
    expect((await request(t.app).get(`${folder}/package.json`)).status).toBe(404);
    expect((await request(t.app).get(`${folder}/..%2f..%2fpackage.json`)).status).toBe(404);
    expect((await request(t.app).get(`${folder}/__proto__`)).status).toBe(404);
    expect((await request(t.app).get('/explorer/0123456789ab/graphiql.min.js')).status).toBe(404);
  });

  test('the pre-filled operations are valid against the schema and log in with the demo user', async () => {
    const login = await request(t.app).post('/graphql').send({ query: DEFAULT_QUERY, operationName: 'Login' });
    expect(login.body.errors).toBeUndefined();
    expect(login.body.data.login.user).toEqual({ name: 'Ada Admin', role: 'ADMIN' });
    const me = await request(t.app).post('/graphql').set('authorization', `Bearer ${login.body.data.login.token}`).send({ query: DEFAULT_QUERY, operationName: 'Me' });
    expect(me.body).toEqual({ data: { me: { name: 'Ada Admin', role: 'ADMIN' } } });
    // The header editor's text is JSON (GraphiQL parses it), its examples commented out by their names.
    expect(Object.keys(JSON.parse(DEFAULT_HEADERS))).toEqual(['// Authorization', '// x-api-key']);
  });

  test('GraphQL over GET still works next to it, and clients that do not prefer HTML never get the page', async () => {
    const token = await t.token('ADMIN');
    const html = 'text/html,application/xhtml+xml,*/*;q=0.8';
    const query = await request(t.app).get('/graphql').set('accept', html).set('apollo-require-preflight', 'true').set('authorization', `Bearer ${token}`).query(ME);
    expect(query.status).toBe(200);
    expect(query.body).toEqual({ data: { me: { email: 'admin@demo.crm' } } });
    const mutation = await request(t.app).get('/graphql').set('accept', html).set('apollo-require-preflight', 'true').set('authorization', `Bearer ${token}`)
      .query({ query: 'mutation { login(input: { email: "admin@demo.crm", password: "demo1234" }) { token } }' });
    expect(mutation.status).toBe(405);
    for (const accept of ['*/*', 'application/json', 'application/json, text/html']) {
      const res = await request(t.app).get('/graphql').set('accept', accept);
      expect(res.headers['content-type']).not.toMatch(/html/);
      expect(res.text).not.toContain('graphiql');
    }
  });

  test("Apollo's own landing page (Sandbox or its production page, from a CDN) is gone", async () => {
    // Requests the explorer leaves to Apollo: Apollo would answer them with its landing page.
    for (const app of [t.app, production.app, configured.app]) {
      const res = await request(app).get('/graphql').set('accept', 'text/html').query({ query: '{ __typename }' });
      expect(res.headers['content-type']).not.toMatch(/html/);
      expect(res.text).not.toMatch(/sandbox|embeddable|cdn|<html/i);
    }
    const { res } = await explorerPage(t.app);
    expect(res.text).not.toMatch(/apollo|sandbox|embeddable|cdn/i);
  });

  test('in production it is absent unless EXPLORER=true', async () => {
    const { res } = await explorerPage(production.app);
    expect(res.status).toBe(404);
    expect(res.text).toMatch(/EXPLORER=true/);
    expect(res.text).not.toMatch(/graphiql/i);
    const { assets } = await explorerPage(t.app);
    for (const path of assets) expect((await request(production.app).get(path)).status).toBe(404);

    const on = await explorerPage(configured.app);
    expect(on.res.status).toBe(200);
    expect(on.res.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(on.assets).toEqual(assets); // same packages, same versioned folder
    expect((await request(configured.app).get(on.assets[4])).status).toBe(200);
  });
});
