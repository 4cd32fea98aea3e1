import type { Pool } from 'pg';
import { intArg, parseArgs } from './args';
import { fail, fmt, loadAverage, postJson, printResults, printSetup, runApi, runMain, runRaw, withBench } from './scenario';

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

/** What a page holds: the entry ids in order and how many of each kind. */
interface Shape { ids: string[]; kinds: Record<string, number>; hasNextPage: boolean }

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

const kindsText = (kinds: Record<string, number>) => Object.entries(kinds).sort().map(([k, n]) => `${n} ${k}`).join(', ') || 'none';

async function main() {
  const args = parseArgs(process.argv.slice(2), ['duration', 'connections', 'warmup', 'page'], USAGE);
  const duration = intArg(args, 'duration', 10, 1, 600, USAGE);
  const connections = intArg(args, 'connections', 10, 1, 500, USAGE);
  const warmup = intArg(args, 'warmup', 2, 0, 60, USAGE);
  const page = intArg(args, 'page', 50, 1, 100, USAGE);

  await withBench('node dist/bench/timeline.js', duration, warmup, async (bench) => {
    const { pool } = bench;
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

    const { url, token } = await bench.startApi();
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
    printSetup(bench, duration, connections, warmup);

    if (warmup) await runApi(url, token, body, connections, warmup);
    const api = await runApi(url, token, body, connections, duration);
    await checkPage(url, token, body, expected);
    console.log(`  API done: ${fmt(api.requests)} requests`);

    const read = () => readRaw(pool, busiest.id, page);
    const empty: Shape = { ids: [], kinds: {}, hasNextPage: false };
    if (warmup) await runRaw(connections, warmup, read, empty);
    const raw = await runRaw(connections, duration, read, empty);
    if (!same(raw.shape, shape)) throw new Error(`Raw reads differ from the API page: ${kindsText(raw.shape.kinds)} vs ${kindsText(shape.kinds)}.`);
    console.log(`  raw done: ${fmt(raw.requests)} pages; load average after: ${loadAverage()}`);

    printResults('customer-timeline', { customers, activities, stageChanges, audits, entries: busiest.entries, page: expected },
      duration, connections, api, raw);
  });
}

runMain(main);
