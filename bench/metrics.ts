import type { EntityManager } from '@mikro-orm/postgresql';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { Pool } from 'pg';
import { refreshMetrics, refreshSql } from '../src/services/metrics-refresh';
import { intArg, parseArgs } from './args';
import { type Bench, fail, fmt, loadAverage, ms, percentile, postJson, printResults, printSetup, runApi, runMain, runRaw, withBench } from './scenario';

/**
 * Scenario "customer value metrics" (issue 12), two parts:
 * 1. **Refresh.** Times `refreshMetrics(em, now)` (services/metrics-refresh.ts: customer_metrics for every
 *    customer in one set-based statement) `--runs` times, each followed by the same statement (`refreshSql`)
 *    run raw with `pg`, while `--readers` loops read a page of `customer_metrics` sorted by CLV; reports the
 *    refresh times, customers/s, the ratio raw / service, the readers' latency before and during each refresh
 *    (max, p99), how often a backend was seen waiting on a lock (pg_locks polled every 50 ms) — "never
 *    blocks reads" is the claim under test — and the longest stall of this process's event loop (the
 *    refresh runs in the app's process: a stall there delays every request it serves).
 * 2. **A page of 50 customers sorted by historic CLV**, through the API (`customers(first: 50, orderBy:
 *    [{ field: CLV_HISTORIC, direction: DESC }])` with a few metric fields, as ADMIN) vs the same read with
 *    raw `pg` (one query on customer_metrics joined to customer and owner), as requests/s and the ratio.
 *    The query is validated first (metric fields the schema lacks are dropped): while the sort key or
 *    `Customer.metrics` is missing from the schema, the API side is skipped (and said so) and only the raw side runs.
 * Needs DATABASE_URL (PostgreSQL) with data from `npm run bench:seed` (orders included; older bench databases: plus `npm run bench:seed-orders`).
 */

const USAGE = `Usage: DATABASE_URL=postgres://… npm run bench:metrics -- [--runs N] [--readers N] [--duration S] [--connections N] [--warmup S]
    [--truncate 1] [--vacuum 0|1] [--skip-refresh 1] [--skip-page 1] [--refresh-budget S] [--explain 1]
  --runs            refreshes to time, each through the service then raw (default 2)
  --truncate        1: empty customer_metrics first, so the first refresh fills the table
  --vacuum          1 (default): VACUUM (ANALYZE) customer_metrics before each refresh, untimed, as autovacuum would; 0: never
  --readers         concurrent raw read loops on customer_metrics during each refresh (default 2; 0: none)
  --duration        seconds of measurement for each side of the page scenario (default 10)
  --connections     concurrent HTTP connections, and concurrent raw query loops (default 10)
  --warmup          seconds of unmeasured load before each side (default 2; 0 for none)
  --skip-refresh    1: do not refresh (the table must be filled already)
  --skip-page       1: only the refresh
  --explain         1: only print EXPLAIN (ANALYZE, BUFFERS) of the refresh statement (rolled back) and stop
  --refresh-budget  seconds the refreshes may take in all before the watchdog stops the run (default 1800)`;

const PAGE = 50;

/** The refresh's statement for `pg`: its `?` placeholders as `$n`. */
function numberedRefreshSql(now: Date): { text: string; params: unknown[] } {
  const { text, params } = refreshSql(now);
  let n = 0;
  const numbered = text.replace(/\?/g, () => `$${++n}`);
  if (n !== params.length) throw new Error(`refreshSql: ${n} placeholders for ${params.length} parameters (a literal "?" in the SQL?)`);
  return { text: numbered, params };
}

/** `--explain 1`: EXPLAIN (ANALYZE, BUFFERS) of the refresh statement in a transaction that is rolled back. */
async function explainRefresh(pool: Pool): Promise<void> {
  const { text, params } = numberedRefreshSql(new Date());
  const client = await pool.connect();
  try {
    await client.query('begin');
    const { rows } = await client.query(`explain (analyze, buffers) ${text}`, params);
    console.log(rows.map((r) => r['QUERY PLAN']).join('\n'));
  } finally {
    await client.query('rollback').catch(() => undefined);
    client.release();
  }
}

/** The refresh's statement run raw, in one transaction on one connection, as the service does. */
async function refreshRaw(pool: Pool, now: Date): Promise<{ customers: number }> {
  const { text: numbered, params } = numberedRefreshSql(now);
  const client = await pool.connect();
  try {
    await client.query('begin');
    const { rowCount } = await client.query(numbered, params);
    await client.query('commit');
    return { customers: rowCount ?? 0 };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** What the reader loops do during a refresh: the top of the CLV ranking (the index a CLV-sorted list walks). */
const READ_METRICS = `select m.customer_id, m.clv_historic::text as clv, m.pareto_class, m.churn_level from customer_metrics m
  order by m.clv_historic desc, m.customer_id desc limit ${PAGE}`;

interface ReaderStats { reads: number; p50: number; p99: number; max: number; failures: number; emptyPages: number }

/** `loops` concurrent reads of READ_METRICS until `until` settles; latencies of the reads only. */
async function readWhile(pool: Pool, loops: number, until: Promise<unknown>): Promise<ReaderStats> {
  let done = false;
  void until.finally(() => { done = true; });
  const latencies: number[] = [];
  let failures = 0;
  let emptyPages = 0;
  const loop = async () => {
    while (!done) {
      const t0 = performance.now();
      try {
        const { rowCount } = await pool.query(READ_METRICS);
        latencies.push(performance.now() - t0);
        if (!rowCount) emptyPages += 1;
      } catch (error) {
        failures += 1;
        if (failures === 1) console.error('  reader failed:', error);
      }
    }
  };
  await Promise.all([...Array.from({ length: loops }, loop), until]);
  const sorted = Float64Array.from(latencies).sort();
  return { reads: latencies.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.length ? sorted[sorted.length - 1] : 0, failures, emptyPages };
}

/** Polls pg_locks every 50 ms until `until` resolves: how many polls saw a backend other than `self` waiting for a lock. */
async function lockWaits(pool: Pool, until: Promise<unknown>): Promise<{ polls: number; waiting: number; relations: string[] }> {
  let done = false;
  void until.finally(() => { done = true; });
  let polls = 0;
  let waiting = 0;
  const relations = new Set<string>();
  while (!done) {
    const { rows } = await pool.query(`select l.relation::regclass::text as relation from pg_locks l
      join pg_stat_activity a on a.pid = l.pid where not l.granted and a.datname = current_database()`);
    polls += 1;
    if (rows.length) waiting += 1;
    for (const r of rows) if (r.relation) relations.add(r.relation);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { polls, waiting, relations: [...relations] };
}

const line = (label: string, s: ReaderStats) =>
  `${label}: ${fmt(s.reads)} reads, p50 ${ms(s.p50)}, p99 ${ms(s.p99)}, max ${ms(s.max)}${s.emptyPages ? `, ${s.emptyPages} EMPTY pages` : ''}${s.failures ? `, ${s.failures} failures` : ''}`;

/** One timed refresh (service or raw) with readers and the lock watch alongside; prints and returns its figures. */
async function timedRefresh(bench: Bench, label: string, readers: number, vacuum: boolean, run: () => Promise<{ customers: number }>): Promise<Record<string, unknown>> {
  const { pool } = bench;
  // Every refresh rewrites every row: without a vacuum in between, each run works on more dead rows than the last.
  if (vacuum) await pool.query(`vacuum (analyze) customer_metrics`);
  const { rows: [{ rows: before }] } = await pool.query(`select count(*)::int as rows from customer_metrics`);
  // Readers' baseline: the same loops for 3 s with no refresh running.
  const baseline = readers && before ? await readWhile(pool, readers, new Promise((resolve) => setTimeout(resolve, 3000))) : null;
  // The refresh runs in this process, as in the app: a stall of its event loop delays every request it serves.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const t0 = performance.now();
  const refreshing = run();
  const watched = refreshing.catch(() => undefined);
  const [result, during, locks] = await Promise.all([refreshing, readers ? readWhile(pool, readers, watched) : null, lockWaits(pool, watched)]);
  const seconds = (performance.now() - t0) / 1000;
  loopDelay.disable();
  const loopMax = loopDelay.max / 1e6;
  const { rows: [{ rows: after }] } = await pool.query(`select count(*)::int as rows from customer_metrics`);
  console.log(`  ${label} (table had ${fmt(before)} rows, now ${fmt(after)}): ${seconds.toFixed(1)} s for ${fmt(result.customers)} customers ` +
    `(${fmt(result.customers / seconds)} customers/s); load average ${loadAverage()}`);
  if (baseline) console.log(`    ${line('readers before', baseline)}`);
  if (during) console.log(`    ${line('readers during', during)}`);
  console.log(`    lock waits: ${locks.waiting} of ${locks.polls} polls saw a backend waiting${locks.relations.length ? ` (on ${locks.relations.join(', ')})` : ''}; ` +
    `this process's event loop stalled at most ${ms(loopMax)}`);
  return {
    label, before, after, seconds: +seconds.toFixed(2), customers: result.customers, customersPerSecond: Math.round(result.customers / seconds),
    readersBefore: baseline, readersDuring: during, lockWaitPolls: locks.waiting, polls: locks.polls, eventLoopMaxMs: +loopMax.toFixed(1),
  };
}

/**
 * Part 1: `runs` times the service's refresh, each followed by the same statement run raw (so every raw run
 * and every service run after the first update a full table, like for like; the first may fill it).
 */
async function refreshPart(bench: Bench, runs: number, readers: number, truncate: boolean, vacuum: boolean): Promise<Record<string, unknown>> {
  const { pool } = bench;
  if (truncate) await pool.query(`truncate customer_metrics`);
  const { rows: [{ autovacuum }] } = await pool.query(`select current_setting('autovacuum') as autovacuum`);
  console.log(`  autovacuum ${autovacuum}; ${vacuum ? 'VACUUM (ANALYZE) customer_metrics before each refresh (not timed)' : 'no vacuum between refreshes (--vacuum 0)'}`);
  const [{ customers, orders }] = (await pool.query(`select (select count(*)::int from customer where deleted_at is null) as customers,
    (select count(*)::int from sales_order where status = 'COMPLETED') as orders`)).rows;
  console.log(`  data: ${fmt(customers)} customers, ${fmt(orders)} COMPLETED orders`);
  const service: Record<string, unknown>[] = [];
  const raw: Record<string, unknown>[] = [];
  for (let run = 1; run <= runs; run++) {
    service.push(await timedRefresh(bench, `refreshMetrics ${run}/${runs}`, readers, vacuum,
      () => refreshMetrics(bench.db.orm.em.fork() as EntityManager, new Date())));
    raw.push(await timedRefresh(bench, `raw pg ${run}/${runs}`, readers, vacuum, () => refreshRaw(pool, new Date())));
  }
  // Like for like: service runs that updated a full table vs every raw run (all of them did).
  const updates = service.filter((r) => (r.before as number) > 0);
  const mean = (xs: Record<string, unknown>[]) => xs.reduce((sum, r) => sum + (r.seconds as number), 0) / xs.length;
  const ratio = updates.length ? mean(raw) / mean(updates) : null;
  if (ratio !== null) {
    console.log(`  refresh time: service ${mean(updates).toFixed(1)} s vs raw ${mean(raw).toFixed(1)} s (mean of full-table updates); ` +
      `ratio raw / service ${ratio.toFixed(2)} (throughput through the service as a share of raw)`);
  }
  return { autovacuum, vacuum, service, raw, ratio: ratio === null ? null : +ratio.toFixed(3) };
}

// ------------------------------------------------------------------------------- part 2: the page

/** The metric fields the page asks for, when the schema has them (GraphQL name → raw column). */
const METRIC_FIELDS: [selection: string, columns: string][] = [
  ['clvHistoric', 'm.clv_historic::text as "clvHistoric"'], ['clvPredicted12m', 'm.clv_predicted_12m::text as "clvPredicted12m"'],
  ['margin12m', 'm.margin_12m::text as "margin12m"'], ['revenue12m', 'm.revenue_12m::text as "revenue12m"'],
  ['paretoClass', 'm.pareto_class as "paretoClass"'], ['c3Segment', 'm.c3_segment as "c3Segment"'],
  ['rfm { scoreTotal }', 'm.rfm_total as "rfmTotal"'], ['churnRisk { level score }', 'm.churn_level as "churnLevel", m.churn_score as "churnScore"'],
];

const pageQuery = (fields: string[]) => `query CustomersByClv {
  customers(first: ${PAGE}, orderBy: [{ field: CLV_HISTORIC, direction: DESC }]) {
    edges { node { id name tier owner { name } metrics { ${fields.join(' ')} } } }
  }
}`;

/**
 * Which of METRIC_FIELDS the API serves, and whether it sorts customers by CLV_HISTORIC: the app runs with
 * NODE_ENV=production (no introspection), so this sends the page query and reads the validation errors,
 * dropping unknown metric fields until the query validates or something essential is missing.
 */
async function pageSchema(url: string, token: string): Promise<{ fields: string[]; why?: string }> {
  let fields = METRIC_FIELDS.map(([name]) => name);
  for (let attempt = 0; attempt <= METRIC_FIELDS.length; attempt++) {
    const response = await fetch(url, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: pageQuery(fields) }),
    });
    const json = await response.json() as { errors?: { message: string }[] };
    const messages = (json.errors ?? []).map((e) => e.message);
    if (response.status === 200 && !messages.length) break;
    if (messages.some((m) => m.includes('CLV_HISTORIC'))) return { fields, why: 'the sort key CLV_HISTORIC is not in the schema yet (branch `filters`)' };
    if (messages.some((m) => /Cannot query field "metrics" on type "Customer"/.test(m))) return { fields, why: '`Customer.metrics` is not in the schema yet' };
    const unknown = new Set(messages.map((m) => /Cannot query field "(\w+)"/.exec(m)?.[1]).filter((f): f is string => !!f));
    if (!unknown.size) throw new Error(`The CLV page query failed: ${JSON.stringify(json).slice(0, 500)}`);
    fields = fields.filter((f) => !unknown.has(f.split(' ')[0]));
  }
  if (!fields.includes('clvHistoric')) return { fields, why: '`CustomerMetrics.clvHistoric` is not readable through the API' };
  return { fields };
}

/**
 * The raw equivalent: the top of the CLV index joined to the customer and its owner. Every customer has a
 * metrics row after a refresh (one per customer), so walking customer_metrics is the same list as the
 * API's customers sorted by CLV (id desc breaks ties, as the API's last key follows the sort direction).
 */
const RAW_PAGE = `select c.id, c.name, c.tier, u.name as owner_name, ${METRIC_FIELDS.map(([, columns]) => columns).join(', ')}
  from customer_metrics m
  join customer c on c.id = m.customer_id and c.deleted_at is null
  join app_user u on u.id = c.owner_id
  order by m.clv_historic desc, m.customer_id desc
  limit ${PAGE}`;

type PageShape = { ids: string[]; clv: string[] };

async function readRaw(pool: Pool): Promise<PageShape> {
  const { rows } = await pool.query(RAW_PAGE);
  const page = rows.map((r) => ({ id: r.id, name: r.name, tier: r.tier, owner: { name: r.owner_name }, metrics: r }));
  return { ids: page.map((p) => p.id as string), clv: page.map((p) => p.metrics.clvHistoric as string) };
}

async function apiPage(url: string, token: string, query: string): Promise<PageShape> {
  const result = await postJson(url, { query }, token);
  if (result.errors?.length) throw new Error(`The query returned errors: ${JSON.stringify(result.errors).slice(0, 500)}`);
  const edges = result.data.customers.edges as { node: { id: string; metrics: { clvHistoric: string } | null } }[];
  return { ids: edges.map((e) => e.node.id), clv: edges.map((e) => e.node.metrics?.clvHistoric ?? '') };
}

function samePage(a: PageShape, b: PageShape): boolean {
  return a.ids.length === b.ids.length && a.ids.every((id, i) => id === b.ids[i] && a.clv[i] === b.clv[i]);
}

async function pagePart(bench: Bench, duration: number, connections: number, warmup: number): Promise<void> {
  const { pool } = bench;
  const { rows: [{ rows: metricsRows }] } = await pool.query(`select count(*)::int as rows from customer_metrics`);
  if (!metricsRows) fail('customer_metrics is empty: run the refresh part first (without --skip-refresh).');
  const { url, token } = await bench.startApi();
  const schema = await pageSchema(url, token);
  const reference = await readRaw(pool);
  console.log(`\nScenario: a page of ${PAGE} customers sorted by historic CLV, with owner and metric fields (as ADMIN)`);
  console.log(`  data: ${fmt(metricsRows)} customer_metrics rows; top CLV ${reference.clv[0]}, 50th ${reference.clv[reference.clv.length - 1]}`);
  printSetup(bench, duration, connections, warmup);

  const empty: PageShape = { ids: [], clv: [] };
  if (schema.why) {
    console.log(`  API side SKIPPED: ${schema.why}. Raw side only:`);
    if (warmup) await runRaw(connections, warmup, () => readRaw(pool), empty);
    const raw = await runRaw(connections, duration, () => readRaw(pool), empty);
    console.log(`  raw pg (1 query): ${fmt(raw.rate, 1)} pages/s, p50 ${ms(raw.p50)}, p99 ${ms(raw.p99)}, ${fmt(raw.requests)} pages, ${raw.failures} failures`);
    console.log(JSON.stringify({ scenario: 'customers-by-clv', api: null, why: schema.why, duration, connections,
      raw: { rps: +raw.rate.toFixed(1), p50: +raw.p50.toFixed(2), p99: +raw.p99.toFixed(2), requests: raw.requests, failures: raw.failures } }));
    if (raw.failures) process.exitCode = 1;
    return;
  }

  const query = pageQuery(schema.fields);
  const first = await apiPage(url, token, query);
  if (!samePage(first, reference)) {
    throw new Error(`The API page differs from the raw page:\n  API ${JSON.stringify(first).slice(0, 400)}\n  raw ${JSON.stringify(reference).slice(0, 400)}`);
  }
  console.log(`  metric fields: ${schema.fields.join(', ')}; the API page and the raw page agree (ids, order, clvHistoric)`);
  const body = JSON.stringify({ query });
  if (warmup) await runApi(url, token, body, connections, warmup);
  const api = await runApi(url, token, body, connections, duration);
  if (!samePage(await apiPage(url, token, query), reference)) throw new Error('The API page changed during the run.');
  console.log(`  API done: ${fmt(api.requests)} requests`);
  if (warmup) await runRaw(connections, warmup, () => readRaw(pool), empty);
  const raw = await runRaw(connections, duration, () => readRaw(pool), empty);
  if (!samePage(raw.shape, reference)) throw new Error('The raw page changed during the run.');
  console.log(`  raw done: ${fmt(raw.requests)} pages; load average after: ${loadAverage()}`);
  printResults('customers-by-clv', { customers: metricsRows, fields: schema.fields }, duration, connections, api, raw, 'raw pg (1 query)');
}

async function main() {
  const args = parseArgs(process.argv.slice(2), ['runs', 'readers', 'duration', 'connections', 'warmup', 'truncate', 'skip-refresh', 'skip-page', 'refresh-budget', 'explain', 'vacuum'], USAGE);
  const vacuum = intArg(args, 'vacuum', 1, 0, 1, USAGE) === 1;
  const explain = intArg(args, 'explain', 0, 0, 1, USAGE) === 1;
  const truncate = intArg(args, 'truncate', 0, 0, 1, USAGE) === 1;
  const runs = intArg(args, 'runs', 2, 1, 10, USAGE);
  const readers = intArg(args, 'readers', 2, 0, 50, USAGE);
  const duration = intArg(args, 'duration', 10, 1, 600, USAGE);
  const connections = intArg(args, 'connections', 10, 1, 500, USAGE);
  const warmup = intArg(args, 'warmup', 2, 0, 60, USAGE);
  const skipRefresh = intArg(args, 'skip-refresh', 0, 0, 1, USAGE) === 1;
  const skipPage = intArg(args, 'skip-page', 0, 0, 1, USAGE) === 1;
  const refreshBudget = intArg(args, 'refresh-budget', 1800, 10, 6 * 3600, USAGE);

  await withBench('npm run bench:metrics', duration, warmup, async (bench) => {
    const { rows: [{ customers, admin }] } = await bench.pool.query(`select (select count(*)::int from customer where deleted_at is null) as customers,
      (select count(*)::int from app_user where email = 'admin@demo.crm') as admin`);
    if (!admin || !customers) fail('No data: run `npm run bench:seed -- --customers 100000` against this database first (it seeds the order history the metrics read).');
    if (explain) return explainRefresh(bench.pool);
    if (!skipRefresh) {
      console.log(`Scenario: the metrics refresh (refreshMetrics, every customer) vs the same statement raw (refreshSql), ${runs} run(s) each, ` +
        `${readers} reader loop(s) on customer_metrics alongside`);
      const out = await refreshPart(bench, runs, readers, truncate, vacuum);
      console.log(JSON.stringify({ scenario: 'metrics-refresh', customers, ...out }));
    }
    if (!skipPage) await pagePart(bench, duration, connections, warmup);
  }, skipRefresh ? 0 : refreshBudget);
}

runMain(main);
