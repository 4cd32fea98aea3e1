import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import { createApp, type App } from '../src/app';
import { createLogger } from '../src/logger';
import { startTestApp, type TestApp } from './helpers';
import { launchBrowser, type TestBrowser } from './support/browser';

/**
 * In a real headless Chromium (from @sparticuz/chromium, see support/browser.ts) with everything but
 * 127.0.0.1/localhost cut off: pages on other origins calling the API (CORS), and the explorer.
 * One browser for the file; a fresh context per test.
 */

let t: TestApp;
let browser: TestBrowser;
let listed: App; // the same API with CORS_ORIGINS set to the shop page's origin only
const servers: Server[] = [];
let api: string; // development defaults: any localhost origin
let listedApi: string;
let shop: string; // a page origin listed in CORS_ORIGINS (and localhost)
let stranger: string; // a page origin not listed
/** What reached each API server (method and origin), to tell what the browser actually sent. */
const arrived = { api: [] as { method: string; origin?: string }[], listed: [] as { method: string; origin?: string }[] };

async function listen(server: Server, host: string, log?: { method: string; origin?: string }[]): Promise<string> {
  servers.push(server);
  if (log) server.on('request', (req: IncomingMessage) => log.push({ method: req.method!, origin: req.headers.origin }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://${host}:${(server.address() as AddressInfo).port}`;
}

/** A web page of some other application, on its own origin. */
const pageServer = () => createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end('<!doctype html><title>Another app</title><p>Another app</p>');
});

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestApp({ customers: 5 }), launchBrowser()]);
  // Printed once so the cost is visible in CI logs.
  console.log(`Chromium ${browser.browser.version()}: unpacked in ${browser.unpackMs} ms, launched in ${browser.launchMs} ms`);
  shop = await listen(pageServer(), 'localhost');
  stranger = await listen(pageServer(), '127.0.0.1');
  api = `${await listen(createServer(t.app), '127.0.0.1', arrived.api)}/graphql`;
  listed = await createApp({ ...t.config, CORS_ORIGINS: [shop] }, t.db, createLogger('silent'));
  listedApi = `${await listen(createServer(listed.app), '127.0.0.1', arrived.listed)}/graphql`;
});

afterAll(async () => {
  await browser?.close();
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await listed?.stop();
  await t?.close();
});

let context: BrowserContext;
let blocked: string[];
afterEach(async () => {
  await context?.close();
  expect(blocked).toEqual([]); // nothing tried to leave the machine
});

/** Runs in the page: login, then `{ me { name } }` with the token, as a frontend would; errors as text. */
function loginAndMe(endpoint: string) {
  const post = (body: object, token?: string) => fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  }).then(async (res) => ({ status: res.status, body: (await res.json()) as any }));
  return (async () => {
    try {
      const login = await post({ query: 'mutation($i: LoginInput!) { login(input: $i) { token } }', variables: { i: { email: 'rep1@demo.crm', password: 'demo1234' } } });
      const me = await post({ query: '{ me { name } }' }, login.body.data.login.token);
      const badToken = await post({ query: '{ me { name } }' }, 'expired-or-forged');
      return { me, badToken };
    } catch (error) {
      return { failed: `${(error as Error).name}: ${(error as Error).message}` };
    }
  })();
}

async function openPage(url: string): Promise<Page> {
  const page = await context.newPage();
  const res = await page.goto(url);
  expect(res?.status()).toBe(200);
  return page;
}

describe('CORS in the browser', () => {
  // No request routing here: with it, Playwright would answer the preflights instead of the API.
  beforeEach(async () => { ({ context, blocked } = await browser.offlineContext({ route: false })); });

  test('even without routing, nothing outside this machine is reachable (host names or addresses)', async () => {
    const page = await openPage(shop);
    const remote = ['https://unpkg.com/graphiql/graphiql.min.js', 'http://example.com/', 'http://1.1.1.1/'];
    const outcomes = await page.evaluate((urls) => Promise.all(urls.map((url) => fetch(url, { mode: 'no-cors' }).then(() => 'reached', (e: Error) => e.name))), remote);
    expect(outcomes).toEqual(['TypeError', 'TypeError', 'TypeError']);
    expect(blocked).toEqual(remote); // seen leaving, and failed
    blocked.length = 0;
  });

  test('a page on another localhost origin signs in and reads me (development default)', async () => {
    const page = await openPage(shop);
    const result = await page.evaluate(loginAndMe, api);
    expect(result).toEqual({
      me: { status: 200, body: { data: { me: { name: 'Rita Rep' } } } },
      // The page can read the error of a bad token (the 401 carries the CORS headers), not just a network failure.
      badToken: { status: 401, body: { errors: [expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED' } })] } },
    });
  });

  test('with CORS_ORIGINS set, the listed origin can call the API and another cannot: fetch fails, nothing runs', async () => {
    const listedPage = await openPage(shop);
    expect(await listedPage.evaluate(loginAndMe, listedApi)).toMatchObject({ me: { status: 200, body: { data: { me: { name: 'Rita Rep' } } } } });

    arrived.listed.length = 0;
    const strangerPage = await openPage(stranger);
    expect(await strangerPage.evaluate(loginAndMe, listedApi)).toEqual({ failed: 'TypeError: Failed to fetch' });
    // The browser stopped at the refused preflight: the login itself was never sent.
    expect(arrived.listed).toEqual([{ method: 'OPTIONS', origin: stranger }]);
  });

  test('a simple cross-site form post reaches the API but CSRF prevention refuses it', async () => {
    const before = (await t.sql('select count(*)::int as n from customer'))[0].n;
    const page = await openPage(stranger);
    arrived.api.length = 0;
    // text/plain needs no preflight, so the browser sends it; the API must refuse to run it.
    const status = await page.evaluate((endpoint) => fetch(endpoint, {
      method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ query: 'mutation { createCustomer(input: { name: "Forged", kind: BUSINESS }) { customer { id } } }' }),
    }).then((res) => res.type), api);
    expect(status).toBe('opaque');
    expect(arrived.api).toEqual([{ method: 'POST', origin: stranger }]);
    expect((await t.sql('select count(*)::int as n from customer'))[0].n).toBe(before);
  });
});

describe('explorer in the browser', () => {
  beforeEach(async () => { ({ context, blocked } = await browser.offlineContext()); });

  // Functions passed to page.evaluate run in the page: `globalThis` is its window (this project's
  // TypeScript has no DOM types). GraphiQL's editors are CodeMirror 5: the element holds the editor.
  const resultText = (page: Page) => page.evaluate(() => (globalThis as any).document.querySelector('.result-window .CodeMirror').CodeMirror.getValue() as string);

  /** Runs one of the two pre-filled operations with the ▶ button and reads the result pane once it matches. */
  async function run(page: Page, operation: 'Login' | 'Me', expected: RegExp): Promise<any> {
    await page.click('.graphiql-execute-button'); // two operations: GraphiQL asks which one
    await page.getByRole('menuitem', { name: operation }).click();
    await page.waitForFunction((source) => new RegExp(source).test((globalThis as any).document.querySelector('.result-window .CodeMirror').CodeMirror.getValue()), expected.source);
    return JSON.parse(await resultText(page));
  }

  test('loads offline, signs in with the pre-filled login and runs { me { name } }', async () => {
    await context.addInitScript(() => {
      const page = globalThis as any;
      page.cspViolations = [];
      page.document.addEventListener('securitypolicyviolation', (e: any) => page.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    const page = await openPage(api);
    await page.waitForSelector('.graphiql-execute-button');

    // Before signing in, the API says so in the result pane.
    expect((await run(page, 'Me', /UNAUTHENTICATED/)).errors[0].extensions.code).toBe('UNAUTHENTICATED');

    const login = await run(page, 'Login', /"token"/);
    expect(login.data.login.user).toEqual({ name: 'Ada Admin', role: 'ADMIN' });

    // The header editor holds the commented-out example: enable Authorization with the token, as its text says.
    await page.evaluate((token) => {
      const editor = (globalThis as any).document.querySelector('section[aria-label="Headers"] .graphiql-editor:not(.hidden) .CodeMirror').CodeMirror;
      const text: string = editor.getValue();
      if (!text.includes('"// Authorization": "Bearer <token>"')) throw new Error(`unexpected headers: ${text}`);
      editor.setValue(text.replace('"// Authorization": "Bearer <token>"', `"Authorization": "Bearer ${token}"`));
    }, login.data.login.token);

    // The still commented-out x-api-key example is not sent (it would be an invalid header name).
    expect(await run(page, 'Me', /"me": \{/)).toEqual({ data: { me: { name: 'Ada Admin', role: 'ADMIN' } } });
    expect(await page.evaluate(() => (globalThis as any).cspViolations)).toEqual([]);
  });
});
