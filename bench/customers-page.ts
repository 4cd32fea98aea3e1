import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { Pool } from 'pg';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { migrate, openDatabase } from '../src/db/orm';
import { DEMO_PASSWORD } from '../src/db/seed';
import { createLogger } from '../src/logger';
import { intArg, parseArgs } from './args';

/**
 * Scenario "a page of 50 customers with their contacts", twice for the same time and concurrency:
 * 1. through the API: POST /graphql (as admin@demo.crm) with autocannon, the server in this process
 *    on 127.0.0.1 and autocannon's client in a worker thread;
 * 2. the same reads with raw `pg` (a pool as large as the app's, the same number of concurrent loops):
 *    one query for the page of customers with their owners, one for up to 10 contacts of each.
 * Prints both rates, latency p50/p99 and the ratio API / raw. Needs DATABASE_URL (PostgreSQL) with data
 * from `npm run bench:seed`.
 */

const USAGE = `Usage: DATABASE_URL=postgres://… npm run bench -- [--duration S] [--connections N] [--warmup S]
  --duration     seconds of measurement for each side (default 10)
  --connections  concurrent HTTP connections, and concurrent raw query loops (default 10)
  --warmup       seconds of unmeasured load before each side (default 2; 0 for none)`;

/** The app's pool size (src/db/orm.ts): the raw side gets a pool of the same size. */
const APP_POOL_SIZE = 10;
const PAGE = 50;
const CONTACTS_PER_CUSTOMER = 10;

const QUERY = `query CustomersPage {
  customers(first: ${PAGE}) {
    edges { node {
      id name tier sector status annualRevenue
      owner { name }
      contacts(first: ${CONTACTS_PER_CUSTOMER}) { edges { node { id firstName lastName title emails { address } phones { number } } } }
    } }
  }
}`;

/** The raw equivalent: the API's default order (newest first, id breaks ties) and contacts by name. */
const RAW_CUSTOMERS = `select c.id, c.name, c.tier, c.sector, c.status, c.annual_revenue::text as annual_revenue, u.name as owner_name
  from customer c join app_user u on u.id = c.owner_id
  where c.deleted_at is null
  order by c.created_at desc, c.id desc
  limit ${PAGE}`;
const RAW_CONTACTS = `select p.id, p.customer_id, p.first_name, p.last_name, p.title, p.emails, p.phones from (
    select k.id, k.customer_id, k.first_name, k.last_name, k.title, k.emails, k.phones,
      row_number() over (partition by k.customer_id order by k.last_name, k.first_name, k.id) as rn
    from contact k
    where k.customer_id = any($1::text[]) and k.deleted_at is null
  ) p
  where p.rn <= ${CONTACTS_PER_CUSTOMER}
  order by p.customer_id, p.rn`;

interface Side {
  requests: number;
  seconds: number;
  rate: number;
  p50: number;
  p99: number;
  failures: number;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]', '']);

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

async function postJson(url: string, body: unknown, token?: string): Promise<any> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = await response.json();
  if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${JSON.stringify(json).slice(0, 500)}`);
  return json;
}

/** One request checked in full: the page has rows, contacts come along, and no error hides in a 200. */
async function checkPage(url: string, token: string, expected: number): Promise<{ customers: number; contacts: number }> {
  const result = await postJson(url, { query: QUERY }, token);
  if (result.errors?.length) throw new Error(`The query returned errors: ${JSON.stringify(result.errors).slice(0, 500)}`);
  const edges = result.data.customers.edges as any[];
  if (edges.length !== expected) throw new Error(`Expected ${expected} customers, got ${edges.length}.`);
  const contacts = edges.reduce((n, e) => n + e.node.contacts.edges.length, 0);
  if (!contacts) throw new Error('The page came back without contacts.');
  return { customers: edges.length, contacts };
}

function percentile(sorted: Float64Array, p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Raw reads: `loops` concurrent loops over one pool, each fetching a page then its contacts, for `seconds`. */
async function runRaw(pool: Pool, loops: number, seconds: number): Promise<Side & { shape: { customers: number; contacts: number } }> {
  const latencies: number[] = [];
  let failures = 0;
  let shape = { customers: 0, contacts: 0 };
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const loop = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        const customers = await pool.query(RAW_CUSTOMERS);
        const ids = customers.rows.map((r) => r.id as string);
        const contacts = await pool.query(RAW_CONTACTS, [ids]);
        // The nesting the API does too: contacts under their customer.
        const byCustomer = new Map<string, unknown[]>(ids.map((id) => [id, []]));
        for (const row of contacts.rows) byCustomer.get(row.customer_id)!.push(row);
        const page = customers.rows.map((r) => ({ ...r, contacts: byCustomer.get(r.id) }));
        shape = { customers: page.length, contacts: contacts.rows.length };
        latencies.push(performance.now() - t0);
      } catch (error) {
        failures += 1;
        if (failures === 1) console.error('raw query failed:', error);
      }
    }
  };
  await Promise.all(Array.from({ length: loops }, loop));
  const secondsTaken = (performance.now() - started) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: latencies.length, seconds: secondsTaken, rate: latencies.length / secondsTaken,
    p50: percentile(sorted, 50), p99: percentile(sorted, 99), failures, shape,
  };
}

async function runApi(url: string, token: string, connections: number, seconds: number): Promise<Side> {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: QUERY }),
    connections,
    duration: seconds,
    // The load generator runs in a worker thread so it does not share the server's event loop.
    workers: 1,
    timeout: 30,
  });
  const ok = result['2xx'];
  return {
    requests: ok, seconds: result.duration, rate: ok / result.duration,
    p50: result.latency.p50, p99: result.latency.p99, failures: result.errors + result.timeouts + result.non2xx,
  };
}

const ms = (v: number) => `${v.toFixed(1)} ms`;
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

async function main() {
  const args = parseArgs(process.argv.slice(2), ['duration', 'connections', 'warmup'], USAGE);
  const duration = intArg(args, 'duration', 10, 1, 600, USAGE);
  const connections = intArg(args, 'connections', 10, 1, 500, USAGE);
  const warmup = intArg(args, 'warmup', 2, 0, 60, USAGE);

  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    fail('This benchmark needs PostgreSQL: set DATABASE_URL, e.g.\n' +
      '  DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench npm run bench:seed -- --customers 100000\n' +
      '  DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench npm run bench');
  }
  let dbHost: string;
  try {
    dbHost = new URL(databaseUrl).hostname;
  } catch {
    fail('DATABASE_URL is not a valid URL.');
  }
  if (!LOOPBACK.has(dbHost)) fail(`This benchmark only talks to 127.0.0.1: DATABASE_URL points at \`${dbHost}\`.`);

  // A hard stop, whatever happens: both sides, their warm-ups, start-up and shutdown.
  const budget = (2 * (duration + warmup) + 120) * 1000;
  setTimeout(() => fail(`Benchmark did not finish within ${budget / 1000} s: stopped.`), budget).unref();

  const config = loadConfig({
    ...process.env,
    NODE_ENV: process.env.NODE_ENV ?? 'production',
    JWT_SECRET: process.env.JWT_SECRET ?? randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent',
    SEED_DEMO: 'false',
  });
  const db = await openDatabase(config);
  const pool = new Pool({ connectionString: databaseUrl, max: APP_POOL_SIZE });
  let server: Server | null = null;
  let stopApp: (() => Promise<void>) | null = null;
  try {
    await migrate(db.orm);
    const [{ customers, contacts, admin }] = (await pool.query(`select
      (select count(*)::int from customer where deleted_at is null) as customers,
      (select count(*)::int from contact where deleted_at is null) as contacts,
      (select count(*)::int from app_user where email = 'admin@demo.crm') as admin`)).rows;
    if (!admin || !customers) fail('No data: run `npm run bench:seed -- --customers 100000` against this database first.');
    const { rows: [{ version }] } = await pool.query(`select current_setting('server_version') as version`);

    const app = await createApp(config, db, createLogger('silent'));
    stopApp = app.stop;
    const listening = app.app.listen(0, '127.0.0.1');
    server = listening;
    await new Promise<void>((resolve, reject) => {
      listening.once('listening', () => resolve());
      listening.once('error', reject);
    });
    const url = `http://127.0.0.1:${(listening.address() as AddressInfo).port}/graphql`;

    const login = await postJson(url, {
      query: 'mutation($input: LoginInput!) { login(input: $input) { token } }',
      variables: { input: { email: 'admin@demo.crm', password: DEMO_PASSWORD } },
    });
    const token = login.data?.login?.token as string | undefined;
    if (!token) throw new Error(`Login as admin@demo.crm failed: ${JSON.stringify(login).slice(0, 500)}`);
    const shape = await checkPage(url, token, Math.min(PAGE, customers));

    console.log(`Scenario: a page of ${PAGE} customers with owner and up to ${CONTACTS_PER_CUSTOMER} contacts each (as ADMIN)`);
    console.log(`  data: ${fmt(customers)} customers, ${fmt(contacts)} contacts; page = ${shape.customers} customers, ${shape.contacts} contacts`);
    console.log(`  PostgreSQL ${version} on ${dbHost}; Node ${process.version}; ${cpus().length} CPU(s); NODE_ENV=${config.NODE_ENV}`);
    console.log(`  ${duration} s per side, ${connections} connections, pool of ${APP_POOL_SIZE}, ${warmup} s warm-up each`);
    const busy = () => loadavg()[0] > cpus().length / 2;
    const load = () => loadavg()[0].toFixed(2);
    console.log(`  load average before: ${load()}${busy() ? '  (WARNING: the machine is busy; figures will be low and noisy)' : ''}`);

    if (warmup) await runApi(url, token, connections, warmup);
    const api = await runApi(url, token, connections, duration);
    await checkPage(url, token, Math.min(PAGE, customers));
    console.log(`  API done: ${fmt(api.requests)} requests`);

    if (warmup) await runRaw(pool, connections, warmup);
    const raw = await runRaw(pool, connections, duration);
    if (raw.shape.customers !== shape.customers || raw.shape.contacts !== shape.contacts) {
      throw new Error(`Raw reads differ from the API page: ${JSON.stringify(raw.shape)} vs ${JSON.stringify(shape)}.`);
    }
    console.log(`  raw done: ${fmt(raw.requests)} pages; load average after: ${load()}`);

    const rows = [
      ['', 'requests/s', 'p50', 'p99', 'requests', 'failures'],
      ['API (POST /graphql)', fmt(api.rate, 1), ms(api.p50), ms(api.p99), fmt(api.requests), String(api.failures)],
      ['raw pg (2 queries)', fmt(raw.rate, 1), ms(raw.p50), ms(raw.p99), fmt(raw.requests), String(raw.failures)],
    ];
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    console.log('');
    for (const r of rows) console.log(`  ${r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')}`);
    console.log(`\n  ratio API / raw: ${(api.rate / raw.rate).toFixed(2)} (${(100 * api.rate / raw.rate).toFixed(0)} % of raw throughput)`);
    console.log(JSON.stringify({
      scenario: 'customers-page', customers, contacts, duration, connections,
      api: { rps: +api.rate.toFixed(1), p50: api.p50, p99: api.p99, requests: api.requests, failures: api.failures },
      raw: { rps: +raw.rate.toFixed(1), p50: +raw.p50.toFixed(2), p99: +raw.p99.toFixed(2), requests: raw.requests, failures: raw.failures },
      ratio: +(api.rate / raw.rate).toFixed(3),
    }));
    if (api.failures || raw.failures) process.exitCode = 1;
  } finally {
    if (server) {
      const closing = new Promise<void>((resolve) => server!.close(() => resolve()));
      server.closeAllConnections();
      await closing;
    }
    if (stopApp) await stopApp();
    await pool.end();
    await db.close();
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
