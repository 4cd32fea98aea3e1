import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/orm';
import { createLogger } from '../src/logger';
import { startServer } from '../src/server';
import { freshPostgres } from './helpers';

/** Start-up (migrate + idempotent demo seed) and graceful shutdown on the persistent database. */
let dataDir: string;
let pg: Awaited<ReturnType<typeof freshPostgres>> | null = null;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'crm-server-'));
  if (process.env.DATABASE_URL) pg = await freshPostgres(process.env.DATABASE_URL);
});
afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  await pg?.drop();
});

const config = () => loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PORT: '0', DATA_DIR: dataDir, ...(pg ? { DATABASE_URL: pg.url } : {}) });

async function post(url: string, query: string, variables: object, token?: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as any };
}

test('a write in flight when shutdown starts completes, is answered, and is on disk after a restart', async () => {
  const running = await startServer(config(), createLogger('silent'));
  const login = await post(running.url, 'mutation($i: LoginInput!) { login(input: $i) { token } }', { i: { email: 'rep1@demo.crm', password: 'demo1234' } });
  const token = login.body.data.login.token;

  const arrived = new Promise((resolve) => running.server.once('request', resolve));
  const write = post(running.url, 'mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } errors { message } } }',
    { i: { name: 'Written During Shutdown Ltd', kind: 'BUSINESS' } }, token);
  await arrived; // the write is in flight: received, not yet answered
  const stopped = running.shutdown('SIGTERM');
  const answer = await write;
  await stopped;

  expect(answer.status).toBe(200);
  expect(answer.body.data.createCustomer.errors).toEqual([]);
  const id = answer.body.data.createCustomer.customer.id;

  // The server no longer accepts connections.
  await expect(fetch(running.url, { method: 'POST' })).rejects.toThrow();

  const db = await openDatabase(config());
  const rows = await db.orm.em.fork().getConnection().execute('select name from customer where id = ?', [id]);
  expect(rows).toEqual([{ name: 'Written During Shutdown Ltd' }]);
  await db.close();
});

test('starting again on the same database migrates nothing new and does not seed twice', async () => {
  const running = await startServer(config(), createLogger('silent'));
  try {
    const login = await post(running.url, 'mutation($i: LoginInput!) { login(input: $i) { token } }', { i: { email: 'admin@demo.crm', password: 'demo1234' } });
    const users = await post(running.url, '{ users(first: 100) { totalCount } customers { totalCount } }', {}, login.body.data.login.token);
    expect(users.body.data.users.totalCount).toBe(9);
    expect(users.body.data.customers.totalCount).toBe(201); // 200 demo customers + the one written above
  } finally {
    await running.shutdown('test');
  }
});
