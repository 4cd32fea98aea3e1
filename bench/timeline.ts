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
 * Scenario "a customer's timeline page": the newest 50 entries of one customer's timeline (activities,
 * opportunity stage changes and audit entries merged, newest first), twice for the same time and
 * concurrency:
 * 1. through the API: POST /graphql (as admin@demo.crm) with autocannon, the server in this process on
 *    127.0.0.1 and autocannon's client in a worker thread;
 * 2. the same reads with raw `pg` (a pool as large as the app's, as many concurrent loops as
 *    connections): the customer, then one statement merging the three sources (each cut at the page
 *    size on its own index) with what the page shows of each entry.
 * The customer is the one with the longest timeline, so the page is as full as the data allows. Prints
 * both rates, latency p50/p99 and the ratio API / raw. Needs DATABASE_URL (PostgreSQL) with data from
 * `npm run bench:seed`.
 */

const USAGE = `Usage: DATABASE_URL=postgres://… node dist/bench/timeline.js [--duration S] [--connections N] [--warmup S] [--page N]
  --duration     seconds of measurement for each side (default 10)
  --connections  concurrent HTTP connections, and concurrent raw query loops (default 10)
  --warmup       seconds of unmeasured load before each side (default 2; 0 for none)
  --page         timeline entries per page (default 50, at most 100)`;

/** The app's pool size (src/db/orm.ts): the raw side gets a pool of the same size. */
const APP_POOL_SIZE = 10;

const query = (page: number) => `query CustomerTimeline($id: ID!) {
  customer(id: $id) {
    id name
    timeline(first: ${page}) {
      edges {
        cursor kind at
        node {
          __typename
          ... on Activity { id type direction subject outcome durationMinutes occurredAt performedBy { name } }
          ... on OpportunityStageChange { id fromStage toStage probability at }
          ... on AuditEvent { id entityType action at changes { field oldValue newValue redacted } }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

/**
 * The raw equivalent of the page, in the API's order (time, then ACTIVITY > STAGE_CHANGE > AUDIT_EVENT
 * at the same instant, then id; all descending), with the API's visibility for an ADMIN: activities
 * not deleted, stage changes and audit entries of deals that are not deleted. One more row than the
 * page tells whether a next page exists, as the API does.
 */
const RAW_CUSTOMER = `select c.id, c.name from customer c where c.id = $1 and c.deleted_at is null`;
const rawTimeline = (take: number) => `select t.kind, t.id, t.at, t.data from (
    (select 'ACTIVITY' as kind, 3 as kind_rank, a.id, a.occurred_at as at,
        jsonb_build_object('type', a.type, 'direction', a.direction, 'subject', a.subject, 'outcome', a.outcome,
          'durationMinutes', a.duration_minutes, 'performedBy', u.name) as data
      from activity a join app_user u on u.id = a.performed_by_id
      where a.customer_id = $1 and a.deleted_at is null
      order by a.occurred_at desc, a.id desc limit ${take})
    union all
    (select 'STAGE_CHANGE', 2, s.id, s.at, jsonb_build_object('fromStage', s.from_stage, 'toStage', s.to_stage, 'probability', s.probability)
      from opportunity_stage_change s
      where s.customer_id = $1 and exists (select 1 from opportunity o where o.id = s.opportunity_id and o.deleted_at is null)
      order by s.at desc, s.id desc limit ${take})
    union all
    (select 'AUDIT_EVENT', 1, e.id, e.at, jsonb_build_object('entityType', e.entity_type, 'action', e.action, 'changes', e.changes)
      from audit_event e
      where e.customer_id = $1
        and (e.entity_type <> 'Opportunity' or exists (select 1 from opportunity o where o.id = e.entity_id and o.deleted_at is null))
      order by e.at desc, e.id desc limit ${take})
  ) t
  order by t.at desc, t.kind_rank desc, t.id desc
  limit ${take}`;

interface Side {
  requests: number;
  seconds: number;
  rate: number;
  p50: number;
  p99: number;
  failures: number;
}

/** What a page holds: the entry ids in order and how many of each kind. */
interface Shape { ids: string[]; kinds: Record<string, number>; hasNextPage: boolean }

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

const kindsOf = (kinds: string[]) => kinds.reduce<Record<string, number>>((acc, k) => ({ ...acc, [k]: (acc[k] ?? 0) + 1 }), {});

/** One request checked in full: no error hides in a 200, the page is as long as expected, every node has its fields. */
async function checkPage(url: string, token: string, body: string, expected: number): Promise<Shape> {
  const result = await postJson(url, JSON.parse(body), token);
  if (result.errors?.length) throw new Error(`The query returned errors: ${JSON.stringify(result.errors).slice(0, 500)}`);
  const timeline = result.data.customer?.timeline;
  if (!timeline) throw new Error('The customer or its timeline came back empty.');
  const edges = timeline.edges as { kind: string; node: { __typename: string; id: string } & Record<string, unknown> }[];
  if (edges.length !== expected) throw new Error(`Expected ${expected} timeline entries, got ${edges.length}.`);
  const typeOf: Record<string, string> = { ACTIVITY: 'Activity', STAGE_CHANGE: 'OpportunityStageChange', AUDIT_EVENT: 'AuditEvent' };
  for (const edge of edges) {
    if (typeOf[edge.kind] !== edge.node.__typename || !edge.node.id) throw new Error(`An entry does not match its kind: ${JSON.stringify(edge).slice(0, 300)}`);
  }
  return { ids: edges.map((e) => e.node.id), kinds: kindsOf(edges.map((e) => e.kind)), hasNextPage: timeline.pageInfo.hasNextPage };
}

function percentile(sorted: Float64Array, p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** One page with raw SQL: the customer, then the merged entries (one more than the page, for `hasNextPage`). */
async function readRaw(pool: Pool, customerId: string, page: number): Promise<Shape> {
  const customer = await pool.query(RAW_CUSTOMER, [customerId]);
  if (!customer.rows.length) throw new Error('customer not found');
  const entries = await pool.query(rawTimeline(page + 1), [customerId]);
  // What the API builds too: an edge per entry with its kind and time around the row.
  const edges = entries.rows.slice(0, page)
    .map((r) => ({ kind: r.kind as string, at: (r.at as Date).toISOString(), node: { id: r.id as string, ...r.data } }));
  return { ids: edges.map((e) => e.node.id), kinds: kindsOf(edges.map((e) => e.kind)), hasNextPage: entries.rows.length > page };
}

/** Raw reads: `loops` concurrent loops over one pool, each reading the customer and its merged page, for `seconds`. */
async function runRaw(pool: Pool, customerId: string, page: number, loops: number, seconds: number): Promise<Side & { shape: Shape }> {
  const latencies: number[] = [];
  let failures = 0;
  let shape: Shape = { ids: [], kinds: {}, hasNextPage: false };
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const loop = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        shape = await readRaw(pool, customerId, page);
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

async function runApi(url: string, token: string, body: string, connections: number, seconds: number): Promise<Side> {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
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
const kindsText = (kinds: Record<string, number>) => Object.entries(kinds).sort().map(([k, n]) => `${n} ${k}`).join(', ') || 'none';

async function main() {
  const args = parseArgs(process.argv.slice(2), ['duration', 'connections', 'warmup', 'page'], USAGE);
  const duration = intArg(args, 'duration', 10, 1, 600, USAGE);
  const connections = intArg(args, 'connections', 10, 1, 500, USAGE);
  const warmup = intArg(args, 'warmup', 2, 0, 60, USAGE);
  const page = intArg(args, 'page', 50, 1, 100, USAGE);

  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    fail('This benchmark needs PostgreSQL: set DATABASE_URL, e.g.\n' +
      '  DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench npm run bench:seed -- --customers 100000\n' +
      '  DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench node dist/bench/timeline.js');
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
    const [{ customers, activities, stageChanges, audits, admin }] = (await pool.query(`select
      (select count(*)::int from customer where deleted_at is null) as customers,
      (select count(*)::int from activity where deleted_at is null) as activities,
      (select count(*)::int from opportunity_stage_change) as "stageChanges",
      (select count(*)::int from audit_event) as audits,
      (select count(*)::int from app_user where email = 'admin@demo.crm') as admin`)).rows;
    if (!admin || !customers || !activities) fail('No data: run `npm run bench:seed -- --customers 100000` against this database first.');
    // The customer with the longest timeline (one scan of each source, once).
    const { rows: [busiest] } = await pool.query(`select x.customer_id as id, count(*)::int as entries from (
        select customer_id from activity where deleted_at is null
        union all select customer_id from opportunity_stage_change
        union all select customer_id from audit_event
      ) x join customer c on c.id = x.customer_id and c.deleted_at is null
      group by x.customer_id order by entries desc, x.customer_id limit 1`);
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
    const body = JSON.stringify({ query: query(page), variables: { id: busiest.id } });
    // The raw page first: it says how long the API page must be.
    const probe = await readRaw(pool, busiest.id, page);
    const expected = probe.ids.length;
    const shape = await checkPage(url, token, body, expected);
    const same = (a: Shape, b: Shape) => a.ids.join() === b.ids.join() && a.hasNextPage === b.hasNextPage;
    if (!same(shape, probe)) {
      throw new Error(`Raw reads differ from the API page (ids or order): API ${kindsText(shape.kinds)} vs raw ${kindsText(probe.kinds)}.`);
    }

    console.log(`Scenario: a page of ${page} timeline entries of one customer (activities, stage changes, audit entries; as ADMIN)`);
    console.log(`  data: ${fmt(customers)} customers, ${fmt(activities)} activities, ${fmt(stageChanges)} stage changes, ${fmt(audits)} audit entries`);
    console.log(`  customer ${busiest.id}: ${fmt(busiest.entries)} timeline entries; page = ${expected} (${kindsText(shape.kinds)})` +
      `${expected < page ? '  (WARNING: shorter than a page; seed with more --activities-per-customer)' : ''}`);
    console.log(`  PostgreSQL ${version} on ${dbHost}; Node ${process.version}; ${cpus().length} CPU(s); NODE_ENV=${config.NODE_ENV}`);
    console.log(`  ${duration} s per side, ${connections} connections, pool of ${APP_POOL_SIZE}, ${warmup} s warm-up each`);
    const busy = () => loadavg()[0] > cpus().length / 2;
    const load = () => loadavg()[0].toFixed(2);
    console.log(`  load average before: ${load()}${busy() ? '  (WARNING: the machine is busy; figures will be low and noisy)' : ''}`);

    if (warmup) await runApi(url, token, body, connections, warmup);
    const api = await runApi(url, token, body, connections, duration);
    await checkPage(url, token, body, expected);
    console.log(`  API done: ${fmt(api.requests)} requests`);

    if (warmup) await runRaw(pool, busiest.id, page, connections, warmup);
    const raw = await runRaw(pool, busiest.id, page, connections, duration);
    if (!same(raw.shape, shape)) throw new Error(`Raw reads differ from the API page: ${kindsText(raw.shape.kinds)} vs ${kindsText(shape.kinds)}.`);
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
      scenario: 'customer-timeline', customers, activities, stageChanges, audits, entries: busiest.entries, page: expected, duration, connections,
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
