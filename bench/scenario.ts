import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { Pool } from 'pg';
import { createApp } from '../src/app';
import { type Config, loadConfig } from '../src/config';
import { POOL_SIZE, type Database, migrate, openDatabase } from '../src/db/orm';
import { DEMO_PASSWORD } from '../src/db/seed';
import { createLogger } from '../src/logger';

/**
 * What the API-vs-raw-SQL scenarios (`customers-page.ts`, `timeline.ts`) share: the database checks,
 * the in-process server and login, the two load loops, the watchdog and the results output. Each
 * scenario keeps its GraphQL query, its raw SQL, its shape checks and its extra output.
 */

/** The figures of one side (API or raw) of a measurement. */
export interface Side {
  requests: number;
  seconds: number;
  rate: number;
  p50: number;
  p99: number;
  failures: number;
}

/** What a scenario's body gets: the app's config and database, a raw pool, and a way to start the API. */
export interface Bench {
  config: Config;
  db: Database;
  pool: Pool;
  dbHost: string;
  version: string;
  startApi(): Promise<{ url: string; token: string }>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]', '']);

/** Prints the message and exits with code 1. */
export function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

/** POSTs JSON (with a bearer token if given) and returns the parsed body; throws on a non-200 status. */
export async function postJson(url: string, body: unknown, token?: string): Promise<any> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = await response.json();
  if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${JSON.stringify(json).slice(0, 500)}`);
  return json;
}

/** The p-th percentile of sorted latencies (nearest rank; 0 when empty). */
export function percentile(sorted: Float64Array, p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Formats milliseconds as `12.3 ms`. */
export const ms = (v: number) => `${v.toFixed(1)} ms`;
/** Formats a number with thousands separators and a fixed number of decimals. */
export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
/** The 1-minute load average, as printed. */
export const loadAverage = () => loadavg()[0].toFixed(2);

/** API side: autocannon POSTs `body` to `url` as the token's user, from a worker thread, for `seconds`. */
export async function runApi(url: string, token: string, body: string, connections: number, seconds: number): Promise<Side> {
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

/** Raw side: `loops` concurrent loops calling `read` for `seconds`; `shape` is the last result (`initial` if none). */
export async function runRaw<T>(loops: number, seconds: number, read: () => Promise<T>, initial: T): Promise<Side & { shape: T }> {
  const latencies: number[] = [];
  let failures = 0;
  let shape = initial;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const loop = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        shape = await read();
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

/**
 * DATABASE_URL, checked: set (else exits with a hint naming `runCommand`), a URL, on loopback. The
 * benchmarks load the machine hard and must never do that to a database elsewhere.
 */
export function requireLoopbackDatabase(runCommand: string): { databaseUrl: string; dbHost: string } {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    fail('This benchmark needs PostgreSQL: set DATABASE_URL, e.g.\n' +
      '  DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench npm run bench:seed -- --customers 100000\n' +
      `  DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench ${runCommand}`);
  }
  let dbHost: string;
  try {
    dbHost = new URL(databaseUrl).hostname;
  } catch {
    fail('DATABASE_URL is not a valid URL.');
  }
  if (!LOOPBACK.has(dbHost)) fail(`This benchmark only talks to 127.0.0.1: DATABASE_URL points at \`${dbHost}\`.`);
  return { databaseUrl, dbHost };
}

/**
 * Checks DATABASE_URL (set, on loopback), arms the watchdog, opens the app's database (migrated) and a
 * raw pool, runs `body`, then stops the server (if started) and closes everything. `runCommand` is
 * the command shown in the "set DATABASE_URL" hint; `extraSeconds` widens the watchdog for work that is
 * not a measured side (the metrics refresh).
 */
export async function withBench(runCommand: string, duration: number, warmup: number, body: (bench: Bench) => Promise<void>, extraSeconds = 0): Promise<void> {
  const { databaseUrl, dbHost } = requireLoopbackDatabase(runCommand);

  // A hard stop, whatever happens: both sides, their warm-ups, start-up and shutdown.
  const budget = (2 * (duration + warmup) + 120 + extraSeconds) * 1000;
  setTimeout(() => fail(`Benchmark did not finish within ${budget / 1000} s: stopped.`), budget).unref();

  const config = loadConfig({
    ...process.env,
    NODE_ENV: process.env.NODE_ENV ?? 'production',
    JWT_SECRET: process.env.JWT_SECRET ?? randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent',
    SEED_DEMO: 'false',
    // One token drives the whole load: the per-user request limit (600/min by default) would cap it.
    RATE_LIMIT_PER_MINUTE: process.env.RATE_LIMIT_PER_MINUTE ?? '0',
  });
  const db = await openDatabase(config);
  const pool = new Pool({ connectionString: databaseUrl, max: POOL_SIZE });
  let server: Server | null = null;
  let stopApp: (() => Promise<void>) | null = null;

  /** Starts the app on 127.0.0.1:<free port> and signs in as admin@demo.crm. */
  const startApi = async () => {
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
    return { url, token };
  };

  try {
    await migrate(db.orm);
    const { rows: [{ version }] } = await pool.query(`select current_setting('server_version') as version`);
    await body({ config, db, pool, dbHost, version, startApi });
  } finally {
    const running = server as Server | null;
    if (running) {
      const closing = new Promise<void>((resolve) => running.close(() => resolve()));
      running.closeAllConnections();
      await closing;
    }
    const stop = stopApp as (() => Promise<void>) | null;
    if (stop) await stop();
    await pool.end();
    await db.close();
  }
}

/** Prints the environment lines (PostgreSQL, Node, CPUs, run settings, load average with a busy warning). */
export function printSetup(bench: Bench, duration: number, connections: number, warmup: number): void {
  console.log(`  PostgreSQL ${bench.version} on ${bench.dbHost}; Node ${process.version}; ${cpus().length} CPU(s); NODE_ENV=${bench.config.NODE_ENV}`);
  console.log(`  ${duration} s per side, ${connections} connections, pool of ${POOL_SIZE}, ${warmup} s warm-up each`);
  const busy = loadavg()[0] > cpus().length / 2;
  console.log(`  load average before: ${loadAverage()}${busy ? '  (WARNING: the machine is busy; figures will be low and noisy)' : ''}`);
}

/**
 * Prints the results table, the ratio API / raw and one JSON line (`scenario`, then `fields`, then the
 * common figures); sets exit code 1 if any request failed.
 */
export function printResults(scenario: string, fields: Record<string, unknown>, duration: number, connections: number, api: Side, raw: Side, rawLabel = 'raw pg (2 queries)'): void {
  const rows = [
    ['', 'requests/s', 'p50', 'p99', 'requests', 'failures'],
    ['API (POST /graphql)', fmt(api.rate, 1), ms(api.p50), ms(api.p99), fmt(api.requests), String(api.failures)],
    [rawLabel, fmt(raw.rate, 1), ms(raw.p50), ms(raw.p99), fmt(raw.requests), String(raw.failures)],
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  console.log('');
  for (const r of rows) console.log(`  ${r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')}`);
  console.log(`\n  ratio API / raw: ${(api.rate / raw.rate).toFixed(2)} (${(100 * api.rate / raw.rate).toFixed(0)} % of raw throughput)`);
  console.log(JSON.stringify({
    scenario, ...fields, duration, connections,
    api: { rps: +api.rate.toFixed(1), p50: api.p50, p99: api.p99, requests: api.requests, failures: api.failures },
    raw: { rps: +raw.rate.toFixed(1), p50: +raw.p50.toFixed(2), p99: +raw.p99.toFixed(2), requests: raw.requests, failures: raw.failures },
    ratio: +(api.rate / raw.rate).toFixed(3),
  }));
  if (api.failures || raw.failures) process.exitCode = 1;
}

/** Runs a scenario's `main`, exiting 0 (or the exit code it set) when done, 1 with the message on error. */
export function runMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(process.exitCode ?? 0),
    (error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
