import type { Pool } from 'pg';
import { intArg, parseArgs } from './args';
import { ensureSerialProducts } from './seed-catalogue';
import { API_QUERY as QUERY, CASES, CONTACTS } from './scenarios/case-lookup';
import { fail, fmt, loadAverage, postJson, printResults, printSetup, runApi, runMain, runRaw, withBench } from './scenario';

/**
 * Scenario "an agent's first lookup": a customer calls the service desk and reads the service tag off
 * the product; the agent looks it up and sees the asset (warranty status, product) with the customer,
 * its phones, its contacts and its latest cases — one request. Twice for the same time and concurrency:
 * 1. through the API: POST /graphql `assetByServiceTag` (as admin@demo.crm) with autocannon, the server
 *    in this process on 127.0.0.1 and autocannon's client in a worker thread;
 * 2. the same reads with raw `pg` (a pool as large as the app's, as many concurrent loops as
 *    connections): the asset joined to its product and customer, then the customer's first 10 contacts
 *    and its newest 5 cases (two statements in parallel).
 * The bench database has no assets: the script adds `--assets` of them (tags BENCH-TAG-000001…) for the
 * oldest customers when missing, on a serialised product BENCH-SERIAL-1, and three cases per asset
 * (numbers BENCH-CS-…; one resolved, one in progress, one new). Everything it adds stays; running it
 * again adds nothing. The tag looked up is the one whose customer has the most contacts (at most 10
 * are read). Prints both rates, latency p50/p99 and the ratio API / raw. Needs DATABASE_URL
 * (PostgreSQL) with data from `npm run bench:seed`.
 */

const USAGE = `Usage: DATABASE_URL=postgres://… node dist/bench/case-lookup.js [--duration S] [--connections N] [--warmup S] [--assets N]
  --duration     seconds of measurement for each side (default 10)
  --connections  concurrent HTTP connections, and concurrent raw query loops (default 10)
  --warmup       seconds of unmeasured load before each side (default 2; 0 for none)
  --assets       bench assets to make sure exist, one per customer, oldest customers first (default 1000)`;

/**
 * Adds what the scenario reads when missing: the serialised product, one asset per customer for the
 * `count` oldest live customers (deterministic ids and tags), and three cases per bench asset.
 * Set-based, idempotent (`on conflict do nothing` on the unique tag and case number).
 */
async function ensureData(pool: Pool, count: number): Promise<{ assets: number; cases: number }> {
  const [product] = await ensureSerialProducts(async (text, params) => (await pool.query(text, params)).rows, 1);
  // Purchases spread over the last ~4 years: about half of the warranties (24 months) have expired; every fifth asset has none.
  await pool.query(`insert into asset (id, service_tag, product_id, customer_id, purchase_date, warranty_end, notes, created_by)
    select 'ast_' || md5(c.id || ':bench-asset'), 'BENCH-TAG-' || lpad(c.rn::text, 6, '0'), $1, c.id,
      current_date - (c.rn % 1460)::int,
      case when c.rn % 5 = 0 then null else (current_date - (c.rn % 1460)::int + interval '24 months')::date end,
      'bench', 'bench'
    from (select c.id, row_number() over (order by c.created_at, c.id) as rn from customer c where c.deleted_at is null
          order by c.created_at, c.id limit $2) c
    on conflict (service_tag) do nothing`, [product.id, count]);
  const { rows: [admin] } = await pool.query(`select id from app_user where email = 'admin@demo.crm'`);
  await pool.query(`insert into service_case (id, number, type, channel, priority, status, subject, description, customer_id, asset_id, opened_by,
      first_response_due_at, resolution_due_at, first_responded_at, resolved_at, created_at, updated_at)
    select 'cas_' || md5(a.id || ':bench-case:' || k), 'BENCH-CS-' || substr(a.service_tag, 11) || '-' || k,
      (array['TECH_SUPPORT', 'REPAIR', 'COMPLAINT'])[k], 'PHONE', (array['P2', 'P3', 'P4'])[k],
      (array['RESOLVED', 'IN_PROGRESS', 'NEW'])[k],
      'Bench case ' || k || ' on ' || a.service_tag, 'Created by bench/case-lookup.ts', a.customer_id, a.id, $1,
      o.at + interval '8 hours', o.at + interval '3 days',
      case when k < 3 then o.at + interval '2 hours' end,
      case when k = 1 then o.at + interval '1 day' end,
      o.at, o.at
    from asset a cross join generate_series(1, 3) k
      cross join lateral (select now() - ((4 - k) * interval '40 days') - (substr(a.service_tag, 11)::int * interval '1 minute') as at) o
    where a.service_tag like 'BENCH-TAG-%'
    on conflict (number) do nothing`, [admin.id]);
  const { rows: [counts] } = await pool.query(`select (select count(*)::int from asset where service_tag like 'BENCH-TAG-%') as assets,
    (select count(*)::int from service_case where number like 'BENCH-CS-%') as cases`);
  return counts;
}

const RAW_ASSET = `select a.id, a.service_tag, a.purchase_date::text as purchase_date, a.warranty_end::text as warranty_end,
    case when a.warranty_end is null then 'NO_WARRANTY' when a.warranty_end >= (now() at time zone 'UTC')::date then 'IN_WARRANTY' else 'EXPIRED' end as warranty_status,
    p.id as product_id, p.name as product_name, c.id as customer_id, c.name as customer_name, c.phones
  from asset a join product p on p.id = a.product_id join customer c on c.id = a.customer_id and c.deleted_at is null
  where a.service_tag = upper($1)`;
const RAW_CONTACTS = `select k.id, k.first_name, k.last_name, k.title, k.phones, k.emails from contact k
  where k.customer_id = $1 and k.deleted_at is null
  order by k.last_name, k.first_name, k.id limit ${CONTACTS}`;
const RAW_CASES = `select s.id, s.number, s.subject, s.status, s.priority, s.created_at from service_case s
  where s.customer_id = $1
  order by s.created_at desc, s.id desc limit ${CASES}`;

/** What a lookup shows, reduced to what both sides must agree on. */
interface Shape { tag: string; customerId: string; contacts: string[]; cases: string[] }

/** One request checked in full: no error hides in a 200, the asset, its customer, contacts and cases are there. */
async function checkLookup(url: string, token: string, body: string): Promise<Shape> {
  const result = await postJson(url, JSON.parse(body), token);
  if (result.errors?.length) throw new Error(`The query returned errors: ${JSON.stringify(result.errors).slice(0, 500)}`);
  const asset = result.data?.assetByServiceTag;
  if (!asset?.customer || !asset.product || !asset.warrantyStatus) throw new Error(`The asset came back incomplete: ${JSON.stringify(asset).slice(0, 300)}`);
  const contacts = asset.customer.contacts.edges.map((e: { node: { id: string } }) => e.node.id);
  const cases = asset.customer.cases.edges.map((e: { node: { id: string } }) => e.node.id);
  if (!cases.length) throw new Error('The customer came back without cases.');
  return { tag: asset.serviceTag, customerId: asset.customer.id, contacts, cases };
}

/** One lookup with raw SQL: the asset with product and customer, then contacts and cases in parallel, nested as the API does. */
async function readRaw(pool: Pool, tag: string): Promise<Shape> {
  const { rows: [asset] } = await pool.query(RAW_ASSET, [tag]);
  if (!asset) throw new Error('asset not found');
  const [contacts, cases] = await Promise.all([pool.query(RAW_CONTACTS, [asset.customer_id]), pool.query(RAW_CASES, [asset.customer_id])]);
  const lookup = {
    ...asset,
    customer: { id: asset.customer_id, name: asset.customer_name, phones: asset.phones, contacts: contacts.rows, cases: cases.rows },
  };
  return {
    tag: lookup.service_tag, customerId: lookup.customer.id,
    contacts: lookup.customer.contacts.map((r: { id: string }) => r.id), cases: lookup.customer.cases.map((r: { id: string }) => r.id),
  };
}

const same = (a: Shape, b: Shape) => a.tag === b.tag && a.customerId === b.customerId && a.contacts.join() === b.contacts.join() && a.cases.join() === b.cases.join();

async function main() {
  const args = parseArgs(process.argv.slice(2), ['duration', 'connections', 'warmup', 'assets'], USAGE);
  const duration = intArg(args, 'duration', 10, 1, 600, USAGE);
  const connections = intArg(args, 'connections', 10, 1, 500, USAGE);
  const warmup = intArg(args, 'warmup', 2, 0, 60, USAGE);
  const assetCount = intArg(args, 'assets', 1000, 1, 100_000, USAGE);

  await withBench('node dist/bench/case-lookup.js', duration, warmup, async (bench) => {
    const { pool } = bench;
    const [{ customers, contacts, admin }] = (await pool.query(`select
      (select count(*)::int from customer where deleted_at is null) as customers,
      (select count(*)::int from contact where deleted_at is null) as contacts,
      (select count(*)::int from app_user where email = 'admin@demo.crm') as admin`)).rows;
    if (!admin || !customers) fail('No data: run `npm run bench:seed -- --customers 5000` against this database first.');
    const data = await ensureData(pool, assetCount);
    // The bench asset whose customer has the most contacts: the fullest lookup the data allows.
    const { rows: [pick] } = await pool.query(`select a.service_tag as tag, count(k.id)::int as contacts
      from asset a join customer c on c.id = a.customer_id and c.deleted_at is null
      left join contact k on k.customer_id = c.id and k.deleted_at is null
      where a.service_tag like 'BENCH-TAG-%'
      group by a.service_tag order by contacts desc, a.service_tag limit 1`);
    if (!pick) fail('No bench asset of a live customer: check the data.');

    const { url, token } = await bench.startApi();
    // The agent types the tag as read off the label: lower case works too.
    const body = JSON.stringify({ query: QUERY, variables: { tag: pick.tag.toLowerCase() } });
    const probe = await readRaw(pool, pick.tag.toLowerCase());
    const shape = await checkLookup(url, token, body);
    if (!same(shape, probe)) throw new Error(`Raw reads differ from the API lookup: API ${JSON.stringify(shape)} vs raw ${JSON.stringify(probe)}.`);

    console.log(`Scenario: an agent's first lookup — assetByServiceTag with product, customer, phones, ${CONTACTS} contacts and ${CASES} latest cases (as ADMIN)`);
    console.log(`  data: ${fmt(customers)} customers, ${fmt(contacts)} contacts, ${fmt(data.assets)} bench assets, ${fmt(data.cases)} bench cases`);
    console.log(`  tag ${pick.tag}: customer with ${pick.contacts} contacts; lookup shows ${shape.contacts.length} contacts and ${shape.cases.length} cases`);
    printSetup(bench, duration, connections, warmup);

    if (warmup) await runApi(url, token, body, connections, warmup);
    const api = await runApi(url, token, body, connections, duration);
    await checkLookup(url, token, body);
    console.log(`  API done: ${fmt(api.requests)} requests`);

    const read = () => readRaw(pool, pick.tag.toLowerCase());
    const empty: Shape = { tag: '', customerId: '', contacts: [], cases: [] };
    if (warmup) await runRaw(connections, warmup, read, empty);
    const raw = await runRaw(connections, duration, read, empty);
    if (!same(raw.shape, shape)) throw new Error(`Raw reads differ from the API lookup: ${JSON.stringify(raw.shape)} vs ${JSON.stringify(shape)}.`);
    console.log(`  raw done: ${fmt(raw.requests)} lookups; load average after: ${loadAverage()}`);

    printResults('case-lookup', { customers, contacts, assets: data.assets, cases: data.cases, tag: pick.tag, lookupContacts: shape.contacts.length,
      lookupCases: shape.cases.length }, duration, connections, api, raw, 'raw pg (3 queries)');
  });
}

runMain(main);
