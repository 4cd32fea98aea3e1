import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { Pool } from 'pg';
import { POOL_SIZE } from '../src/db/orm';
import { DEMO_PASSWORD } from '../src/db/seed';
import { intArg, parseArgs } from './args';
import { CLK_TCK, postgresDelta, postgresSnapshot, processTicks, ticksToMs } from './proc-cpu';
import { fail, fmt, postJson, requireLoopbackDatabase, runMain, runRaw, type Side } from './scenario';
import { SCENARIOS } from './scenarios';
import { smokeScenario } from './scenarios/smoke';
import type { Canonical, GraphQLSide, RawQuery, ReadScenario } from './scenarios/types';

/**
 * Issue 13's side-by-side run: each read scenario (bench/scenarios/) answered by this API, by PostGraphile 4
 * over the same tables (bench/peers/) and by raw `pg`, after proving that all three return the same rows.
 * The API and PostGraphile run as child processes, so that the CPU each spends serving can be read from
 * /proc; the load generator (one for all sides) and the raw side run in this process.
 */

const USAGE = `Usage: DATABASE_URL=postgres://… npm run bench:compare -- [options]
  --scenario         a scenario name, several separated by commas, or all (default all; \`smoke\` is the self-check)
  --rounds           interleaved rounds; each round measures every side once, in rotated order (default 3)
  --seconds          seconds of load per side per round (default 10)
  --connections      concurrent request loops per side (default 10)
  --count            inputs per scenario, cycled through by the load (default 20)
  --size             page size where a scenario has one (default 50)
  --p99-connections  concurrency of the p50/p99 phase, API and PostGraphile only (default 50; 0: skip it)
  --node-options     NODE_OPTIONS of both servers (default: the API's production setting, --max-semi-space-size=64)
  --warmup           seconds of unmeasured load per side before the first round (default 2; 0: none)
  --pg-cpu           PostgreSQL CPU in the totals and ratios: db = the bench database's backends (default),
                     all = every postgres process (also other databases' work on a shared machine)
  --json             also write the results to this file`;

const ROOT = resolve(__dirname, '..', '..');
const PEERS = join(ROOT, 'bench', 'peers');
const SIDES = ['api', 'postgraphile', 'raw'] as const;
type SideName = typeof SIDES[number];
const LABEL: Record<SideName, string> = { api: 'API', postgraphile: 'PostGraphile 4', raw: 'raw pg' };
const SHORT: Record<SideName, string> = { api: 'API', postgraphile: 'PG4', raw: 'raw' };
type PgCpu = 'db' | 'all';

// ---------------------------------------------------------------------------------------------------
// Child processes: the API and PostGraphile, stopped with SIGTERM whatever way this process ends.

interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  /** The last lines it wrote (stdout and stderr), shown when it fails. */
  tail: string[];
  exited: Promise<void>;
}

const children: Child[] = [];

// A child that outlives the runner would keep loading the machine: signal every one still running, also
// on fail() and on the watchdog (both end with process.exit, which runs 'exit' handlers synchronously).
process.on('exit', () => {
  for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGTERM');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));

function startChild(name: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Child {
  const proc = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (!proc.pid) throw new Error(`${name} did not start.`);
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    tail.push(...chunk.toString().split('\n').filter(Boolean));
    tail.splice(0, Math.max(0, tail.length - 30));
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const exited = new Promise<void>((done) => proc.once('exit', () => done()));
  const child = { name, proc, pid: proc.pid, tail, exited };
  children.push(child);
  return child;
}

/** Resolves when `ready()` does; rejects when the child exits first or `seconds` pass. */
async function waitReady(child: Child, ready: () => Promise<boolean>, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) {
      throw new Error(`${child.name} exited (${child.proc.exitCode ?? child.proc.signalCode}) before it was ready:\n  ${child.tail.join('\n  ')}`);
    }
    if (await ready().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${child.name} was not ready within ${seconds} s:\n  ${child.tail.join('\n  ')}`);
}

async function stopChild(child: Child): Promise<void> {
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) return;
  child.proc.kill('SIGTERM');
  const force = setTimeout(() => child.proc.kill('SIGKILL'), 15_000);
  await child.exited;
  clearTimeout(force);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

/** bench/peers is its own package, not installed by the API's `npm ci`: install it on first use. */
function ensurePeersInstalled(): void {
  if (existsSync(join(PEERS, 'node_modules', 'postgraphile', 'package.json'))) return;
  console.log('Installing bench/peers (PostGraphile 4), once: npm ci --prefix bench/peers');
  const result = spawnSync('npm', ['ci', '--prefix', PEERS, '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (result.status !== 0) fail('`npm ci --prefix bench/peers` failed.');
}

/** VmRSS of a process in MB, or null. */
function rssMb(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------------
// Load: the same loops (runRaw from bench/scenario.ts) for every side; HTTP over keep-alive connections.

/** One POST; rejects on a status other than 200 or on GraphQL errors in the body. */
function post(agent: http.Agent, url: URL, headers: Record<string, string>, body: string): Promise<void> {
  return new Promise((done, reject) => {
    const req = http.request({
      agent, hostname: url.hostname, port: url.port, path: url.pathname, method: 'POST',
      headers: { ...headers, 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const payload = Buffer.concat(chunks);
        // `"errors":` can only be the key: inside a JSON string its quotes would be escaped.
        if (res.statusCode !== 200 || payload.includes('"errors":')) {
          reject(new Error(`HTTP ${res.statusCode}: ${payload.toString('utf8', 0, 500)}`));
        } else {
          done();
        }
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface Target {
  /** Runs the load for `seconds` with `connections` loops, cycling over the inputs. */
  run(connections: number, seconds: number): Promise<Side>;
  /** The process whose CPU counts as "Node CPU" (null: this one). */
  pid: number | null;
}

function httpTarget<V>(url: string, token: string | undefined, side: GraphQLSide<V>, inputs: V[], pid: number): Target {
  const bodies = inputs.map((input) => JSON.stringify({ query: side.query, variables: side.variables(input) }));
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const target = new URL(url);
  return {
    pid,
    async run(connections, seconds) {
      const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
      let next = 0;
      try {
        return await runRaw(connections, seconds, () => post(agent, target, headers, bodies[next++ % bodies.length]), undefined);
      } finally {
        agent.destroy();
      }
    },
  };
}

function rawTarget<V>(scenario: ReadScenario<V>, query: RawQuery, inputs: V[]): Target {
  return {
    pid: null,
    async run(connections, seconds) {
      let next = 0;
      return runRaw(connections, seconds, () => scenario.raw(query, inputs[next++ % inputs.length]), undefined as Canonical);
    },
  };
}

/** The figures of one side in one round. Per request = per successful request. */
interface Round {
  rps: number; p50: number; p99: number; requests: number; failures: number; seconds: number;
  /** 1-minute load average when the round started. */
  load: number;
  /** CPU of the serving process (for raw: this process, load generator included) per request. */
  nodeCpuMs: number;
  /** CPU of every `postgres` process per request (the whole server: other databases' work included). */
  pgCpuMs: number;
  /** CPU of the backends connected to the bench database per request (part of pgCpuMs). */
  pgOwnDbCpuMs: number;
  /** nodeCpuMs + pgOwnDbCpuMs, or + pgCpuMs with `--pg-cpu all`. */
  totalCpuMs: number;
}

async function measure(target: Target, connections: number, seconds: number, database: string, pgCpu: PgCpu): Promise<Round> {
  const load = loadavg()[0];
  const pgBefore = postgresSnapshot(database);
  const ownBefore = process.cpuUsage();
  const childBefore = target.pid === null ? 0 : processTicks(target.pid);
  const side = await target.run(connections, seconds);
  const nodeMs = target.pid === null
    ? (() => { const u = process.cpuUsage(ownBefore); return (u.user + u.system) / 1000; })()
    : ticksToMs((processTicks(target.pid) ?? NaN) - (childBefore ?? NaN));
  const pg = postgresDelta(pgBefore, postgresSnapshot(database));
  const per = (ms: number) => (side.requests ? ms / side.requests : NaN);
  const nodeCpuMs = per(nodeMs);
  const pgCpuMs = per(ticksToMs(pg.all));
  const pgOwnDbCpuMs = per(ticksToMs(pg.ownDb));
  return {
    rps: side.rate, p50: side.p50, p99: side.p99, requests: side.requests, failures: side.failures, seconds: side.seconds,
    load, nodeCpuMs, pgCpuMs, pgOwnDbCpuMs, totalCpuMs: nodeCpuMs + (pgCpu === 'all' ? pgCpuMs : pgOwnDbCpuMs),
  };
}

// ---------------------------------------------------------------------------------------------------
// The equality check.

/** The first place where two canonical values differ (`$[3].contacts[0].emails`), or null when deep-equal. */
function firstDifference(a: unknown, b: unknown, path = '$'): string | null {
  const show = (v: unknown) => (v === undefined ? 'undefined' : JSON.stringify(v).slice(0, 200));
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return `${path}: ${show(a)} vs ${show(b)}`;
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return a.length === b.length ? null : `${path}: ${a.length} items vs ${b.length}`;
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const key of keys) {
      if (!(key in a) || !(key in b)) return `${path}.${key}: ${key in a ? 'present' : 'missing'} vs ${key in b ? 'present' : 'missing'}`;
      const d = firstDifference((a as any)[key], (b as any)[key], `${path}.${key}`);
      if (d) return d;
    }
    return null;
  }
  return Object.is(a, b) ? null : `${path}: ${show(a)} vs ${show(b)}`;
}

async function graphqlData<V>(url: string, token: string | undefined, side: GraphQLSide<V>, input: V, who: string): Promise<any> {
  const result = await postJson(url, { query: side.query, variables: side.variables(input) }, token);
  if (result.errors?.length) throw new Error(`${who} answered with errors: ${JSON.stringify(result.errors).slice(0, 800)}`);
  return result.data;
}

/** Runs every input once on every side and stops at the first difference; returns the rows per input. */
async function proveEqual<V>(scenario: ReadScenario<V>, inputs: V[], api: { url: string; token: string }, pgUrl: string, query: RawQuery): Promise<number[]> {
  const sizes: number[] = [];
  for (const [i, input] of inputs.entries()) {
    const raw = await scenario.raw(query, input);
    const fromApi = scenario.api.canonical(await graphqlData(api.url, api.token, scenario.api, input, 'The API'));
    const fromPg = scenario.postgraphile.canonical(await graphqlData(pgUrl, undefined, scenario.postgraphile, input, 'PostGraphile'));
    for (const [who, rows] of [['API', fromApi], ['PostGraphile', fromPg]] as const) {
      const d = firstDifference(rows, raw);
      if (d) throw new Error(`${scenario.name}: input #${i} ${JSON.stringify(input)}: ${who} and raw pg differ at ${d} (${who} first).`);
    }
    sizes.push(Array.isArray(raw) ? raw.length : raw === null || raw === undefined ? 0 : 1);
  }
  return sizes;
}

// ---------------------------------------------------------------------------------------------------
// Report.

const median = (values: number[]) => {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((x, y) => x - y);
  if (!sorted.length) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const num = (v: number, digits = 1) => (Number.isFinite(v) ? fmt(v, digits) : '–');
const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? (a / b).toFixed(2) : '–');

function table(rows: string[][], leftColumns = 1): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => `  ${r.map((cell, i) => (i < leftColumns ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')}`).join('\n');
}

type Medians = Omit<Round, 'requests' | 'seconds'> & { requests: number };

function medians(rounds: Round[]): Medians {
  const m = (k: keyof Round) => median(rounds.map((r) => r[k]));
  return {
    rps: m('rps'), p50: m('p50'), p99: m('p99'), requests: m('requests'), failures: rounds.reduce((n, r) => n + r.failures, 0),
    load: m('load'), nodeCpuMs: m('nodeCpuMs'), pgCpuMs: m('pgCpuMs'), pgOwnDbCpuMs: m('pgOwnDbCpuMs'), totalCpuMs: m('totalCpuMs'),
  };
}

interface ScenarioResult {
  name: string; title: string; inputs: number; rowsPerInput: number[];
  rounds: Record<SideName, Round[]>;
  medians: Record<SideName, Medians>;
  ratios: { rpsApiToPostgraphile: number; rpsApiToRaw: number; cpuApiToPostgraphile: number; cpuApiToRaw: number };
  loadPerRound: number[][];
  highConcurrency: { connections: number; api: Round; postgraphile: Round } | null;
}

function printScenario(r: ScenarioResult): void {
  const rows = [['', 'req/s', 'p50 ms', 'p99 ms', 'failures', 'Node CPU ms/req', 'PG CPU ms/req: all', 'this db', 'total CPU ms/req']];
  for (const side of SIDES) {
    const m = r.medians[side];
    rows.push([side === 'raw' ? 'raw pg (Node CPU incl. load generator)' : LABEL[side], num(m.rps), num(m.p50, 2), num(m.p99, 2), String(m.failures),
      num(m.nodeCpuMs, 2), num(m.pgCpuMs, 2), num(m.pgOwnDbCpuMs, 2), num(m.totalCpuMs, 2)]);
  }
  console.log(`\n${r.name}: ${r.title} — medians of ${r.rounds.api.length} round(s)`);
  console.log(table(rows));
  console.log(`  API / PostGraphile: ${ratio(r.medians.api.rps, r.medians.postgraphile.rps)}× the requests/s, ${ratio(r.medians.api.totalCpuMs, r.medians.postgraphile.totalCpuMs)}× the CPU per request`);
  console.log(`  API / raw pg:       ${ratio(r.medians.api.rps, r.medians.raw.rps)}× the requests/s, ${ratio(r.medians.api.totalCpuMs, r.medians.raw.totalCpuMs)}× the CPU per request`);
  console.log(`  load average at the start of each side, per round: ${r.loadPerRound.map((l, i) => `#${i + 1} ${l.map((v) => v.toFixed(2)).join('/')}`).join(', ')}`);
  if (r.highConcurrency) {
    const { connections, api, postgraphile } = r.highConcurrency;
    console.log(`  at ${connections} connections: API ${num(api.rps)} req/s, p50 ${num(api.p50, 1)} ms, p99 ${num(api.p99, 1)} ms, ${api.failures} failures; ` +
      `PostGraphile ${num(postgraphile.rps)} req/s, p50 ${num(postgraphile.p50, 1)} ms, p99 ${num(postgraphile.p99, 1)} ms, ${postgraphile.failures} failures`);
  }
}

function printSummary(results: ScenarioResult[], pgCpu: PgCpu): void {
  const rows = [['scenario', 'API rps', 'PG4 rps', 'raw rps', 'API/PG4', 'API/raw', 'CPU ms/req API', 'PG4', 'raw']];
  for (const r of results) {
    const m = r.medians;
    rows.push([r.name, num(m.api.rps), num(m.postgraphile.rps), num(m.raw.rps), ratio(m.api.rps, m.postgraphile.rps), ratio(m.api.rps, m.raw.rps),
      num(m.api.totalCpuMs, 2), num(m.postgraphile.totalCpuMs, 2), num(m.raw.totalCpuMs, 2)]);
  }
  console.log(`\nSummary (medians; CPU per request = Node + ${pgCpu === 'all' ? 'every PostgreSQL process' : 'the PostgreSQL backends of this database'})`);
  console.log(table(rows));
}

// ---------------------------------------------------------------------------------------------------

async function main() {
  const args = parseArgs(process.argv.slice(2), ['scenario', 'rounds', 'seconds', 'connections', 'count', 'size', 'p99-connections', 'warmup', 'json', 'pg-cpu', 'node-options'], USAGE);
  const rounds = intArg(args, 'rounds', 3, 1, 20, USAGE);
  const seconds = intArg(args, 'seconds', 10, 1, 600, USAGE);
  const connections = intArg(args, 'connections', 10, 1, 500, USAGE);
  const count = intArg(args, 'count', 20, 1, 10_000, USAGE);
  const size = intArg(args, 'size', 50, 1, 100, USAGE);
  const p99Connections = intArg(args, 'p99-connections', 50, 0, 1000, USAGE);
  const warmup = intArg(args, 'warmup', 2, 0, 60, USAGE);
  const jsonFile = args.get('json');
  const pgCpu = (args.get('pg-cpu') ?? 'db') as PgCpu;
  // Both servers run on the same Node settings: by default the API's production one (Dockerfile, npm start):
  // a larger young generation, so that what a request allocates dies young instead of being promoted
  // (measured: the old space filled by ~165 MB every 3 s under the page load, then a full collection).
  const nodeOptions = args.get('node-options') ?? '--max-semi-space-size=64';
  if (pgCpu !== 'db' && pgCpu !== 'all') fail(`\`--pg-cpu\` is db or all.\n${USAGE}`);

  const known = new Map([...SCENARIOS, smokeScenario].map((s) => [s.name, s]));
  const wanted = args.get('scenario') ?? 'all';
  const scenarios = wanted === 'all'
    ? SCENARIOS
    : wanted.split(',').map((name) => known.get(name.trim()) ?? fail(`Unknown scenario \`${name}\`: one of ${[...known.keys()].join(', ')}, or all.`));
  if (!scenarios.length) fail('No scenario is registered in bench/scenarios/index.ts yet: try `--scenario smoke`.');

  const { databaseUrl, dbHost } = requireLoopbackDatabase('npm run bench:compare');
  const database = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  if (!existsSync(join(ROOT, 'dist', 'src', 'server.js'))) fail('dist/src/server.js is missing: run `npm run build` (npm run bench:compare does).');

  // A hard stop, whatever happens: start-up, the checks, every round, the p99 phase and shutdown.
  const perScenario = 3 * rounds * seconds + 3 * warmup + (p99Connections ? 2 * seconds : 0) + 60 + count * 3;
  const budget = (scenarios.length * perScenario + 240) * 1000;
  setTimeout(() => fail(`bench:compare did not finish within ${budget / 1000} s: stopped.`), budget).unref();

  ensurePeersInstalled();
  const pool = new Pool({ connectionString: databaseUrl, max: POOL_SIZE });
  const rawQuery: RawQuery = async (text, params) => (await pool.query(text, params)).rows;
  let api: Child | null = null;
  let peer: Child | null = null;
  try {
    const [{ version, customers, contacts, admin }] = await rawQuery(`select current_setting('server_version') as version,
      (select count(*)::int from customer where deleted_at is null) as customers,
      (select count(*)::int from contact where deleted_at is null) as contacts,
      (select count(*)::int from app_user where email = 'admin@demo.crm') as admin`, []);
    if (!admin || !customers) fail('No data: run `npm run bench:seed -- --customers 100000` against this database first.');

    // The API as production runs it, minus what would distort a read benchmark: no demo seeding, no
    // background jobs (they write), no per-user request limit (one token drives all the load), no logs.
    const apiPort = await freePort();
    api = startChild('the API', ['dist/src/server.js'], {
      ...process.env, NODE_ENV: 'production', PORT: String(apiPort), DATABASE_URL: databaseUrl,
      JWT_SECRET: randomBytes(32).toString('hex'), LOG_LEVEL: 'silent', SEED_DEMO: 'false', JOBS_INTERVAL_MS: '0',
      RATE_LIMIT_PER_MINUTE: '0', EXPLORER: 'false', NODE_OPTIONS: nodeOptions,
    }, ROOT);
    const pgPort = await freePort();
    peer = startChild('PostGraphile', ['postgraphile.js'], {
      ...process.env, NODE_ENV: 'production', PORT: String(pgPort), DATABASE_URL: databaseUrl, POOL_SIZE: String(POOL_SIZE),
      NODE_OPTIONS: nodeOptions,
    }, PEERS);
    const apiUrl = `http://127.0.0.1:${apiPort}/graphql`;
    const pgUrl = `http://127.0.0.1:${pgPort}/graphql`;
    await waitReady(api, async () => (await fetch(`http://127.0.0.1:${apiPort}/health`)).ok, 120);
    const pgChild = peer;
    await waitReady(peer, async () => pgChild.tail.some((line) => line.startsWith('ready')), 120);

    const login = await postJson(apiUrl, {
      query: 'mutation($input: LoginInput!) { login(input: $input) { token } }',
      variables: { input: { email: 'admin@demo.crm', password: DEMO_PASSWORD } },
    });
    const token = login.data?.login?.token as string | undefined;
    if (!token) throw new Error(`Login as admin@demo.crm failed: ${JSON.stringify(login).slice(0, 500)}`);

    console.log(`bench:compare — API vs PostGraphile 4 vs raw pg, ${scenarios.map((s) => s.name).join(', ')}`);
    console.log(`  PostgreSQL ${version} on ${dbHost} (database ${database}: ${fmt(customers)} customers, ${fmt(contacts)} contacts); Node ${process.version}; ${cpus().length} CPU(s)`);
    console.log(`  ${rounds} round(s) × ${seconds} s per side, ${connections} connections, pools of ${POOL_SIZE}, ${count} inputs, size ${size}, warm-up ${warmup} s per side; clock ticks ${CLK_TCK}/s; PostgreSQL CPU in totals: ${pgCpu === 'db' ? 'this database' : 'all processes'}`);
    console.log(`  load average before: ${loadavg()[0].toFixed(2)}${loadavg()[0] > cpus().length / 2 ? '  (WARNING: the machine is busy; figures will be low and noisy)' : ''}`);

    const results: ScenarioResult[] = [];
    for (const scenario of scenarios) {
      const inputs = await scenario.inputs(rawQuery, { size, count });
      if (!inputs.length) throw new Error(`${scenario.name}: inputs() found nothing in this database.`);
      const rowsPerInput = await proveEqual(scenario, inputs, { url: apiUrl, token }, pgUrl, rawQuery);
      console.log(`\n${scenario.name}: ${inputs.length} inputs, the same rows on all three sides (top-level rows per input: ${[...new Set(rowsPerInput)].join(', ')})`);
      if (rowsPerInput.some((n) => n === 0)) console.log('  WARNING: some inputs return nothing: equal, but they prove little.');

      const targets: Record<SideName, Target> = {
        api: httpTarget(apiUrl, token, scenario.api, inputs, api.pid),
        postgraphile: httpTarget(pgUrl, undefined, scenario.postgraphile, inputs, peer.pid),
        raw: rawTarget(scenario, rawQuery, inputs),
      };
      if (warmup) for (const side of SIDES) await targets[side].run(connections, warmup);

      const perSide: Record<SideName, Round[]> = { api: [], postgraphile: [], raw: [] };
      const loadPerRound: number[][] = [];
      for (let round = 0; round < rounds; round++) {
        const order = SIDES.map((_, i) => SIDES[(i + round) % SIDES.length]);
        const loads: number[] = [];
        for (const side of order) {
          const figures = await measure(targets[side], connections, seconds, database, pgCpu);
          perSide[side].push(figures);
          loads.push(figures.load);
        }
        loadPerRound.push(loads);
        console.log(`  round ${round + 1}: ${order.map((s) => `${SHORT[s]} ${num(perSide[s][round].rps)}/s`).join(', ')} (load ${loads.map((l) => l.toFixed(2)).join('/')})`);
      }

      let highConcurrency: ScenarioResult['highConcurrency'] = null;
      if (p99Connections) {
        highConcurrency = {
          connections: p99Connections,
          api: await measure(targets.api, p99Connections, seconds, database, pgCpu),
          postgraphile: await measure(targets.postgraphile, p99Connections, seconds, database, pgCpu),
        };
      }

      const m = { api: medians(perSide.api), postgraphile: medians(perSide.postgraphile), raw: medians(perSide.raw) };
      const result: ScenarioResult = {
        name: scenario.name, title: scenario.title, inputs: inputs.length, rowsPerInput, rounds: perSide, medians: m,
        ratios: {
          rpsApiToPostgraphile: m.api.rps / m.postgraphile.rps, rpsApiToRaw: m.api.rps / m.raw.rps,
          cpuApiToPostgraphile: m.api.totalCpuMs / m.postgraphile.totalCpuMs, cpuApiToRaw: m.api.totalCpuMs / m.raw.totalCpuMs,
        },
        loadPerRound, highConcurrency,
      };
      results.push(result);
      printScenario(result);
    }

    const rss = { apiMb: rssMb(api.pid), postgraphileMb: rssMb(peer.pid) };
    printSummary(results, pgCpu);
    console.log(`\nRSS after all load: API ${rss.apiMb === null ? '–' : `${rss.apiMb.toFixed(0)} MB`}, PostGraphile ${rss.postgraphileMb === null ? '–' : `${rss.postgraphileMb.toFixed(0)} MB`} (VmRSS)`);
    const failures = results.reduce((n, r) => n + SIDES.reduce((k, s) => k + r.medians[s].failures, 0) + (r.highConcurrency ? r.highConcurrency.api.failures + r.highConcurrency.postgraphile.failures : 0), 0);
    if (failures) {
      console.log(`\n${failures} request(s) failed: see the first error of each side above.`);
      process.exitCode = 1;
    }
    if (jsonFile) {
      writeFileSync(jsonFile, `${JSON.stringify({
        settings: { rounds, seconds, connections, count, size, p99Connections, warmup, pgCpu, poolSize: POOL_SIZE, clockTicks: CLK_TCK },
        environment: { postgres: version, node: process.version, cpus: cpus().length, database, customers, contacts },
        scenarios: results, rss,
      }, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
      console.log(`Results written to ${jsonFile}`);
    }
  } finally {
    await Promise.all([api, peer].filter((c): c is Child => c !== null).map(stopChild));
    await pool.end();
  }
}

runMain(main);
