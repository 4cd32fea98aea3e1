import type { Pool } from 'pg';
import { intArg, parseArgs } from './args';
import { fail, fmt, loadAverage, postJson, printResults, printSetup, runApi, runMain, runRaw, withBench } from './scenario';

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

/** One page with raw SQL: the customers with their owners, then up to 10 contacts of each, nested. */
async function readRaw(pool: Pool): Promise<{ customers: number; contacts: number }> {
  const customers = await pool.query(RAW_CUSTOMERS);
  const ids = customers.rows.map((r) => r.id as string);
  const contacts = await pool.query(RAW_CONTACTS, [ids]);
  // The nesting the API does too: contacts under their customer.
  const byCustomer = new Map<string, unknown[]>(ids.map((id) => [id, []]));
  for (const row of contacts.rows) byCustomer.get(row.customer_id)!.push(row);
  const page = customers.rows.map((r) => ({ ...r, contacts: byCustomer.get(r.id) }));
  return { customers: page.length, contacts: contacts.rows.length };
}

async function main() {
  const args = parseArgs(process.argv.slice(2), ['duration', 'connections', 'warmup'], USAGE);
  const duration = intArg(args, 'duration', 10, 1, 600, USAGE);
  const connections = intArg(args, 'connections', 10, 1, 500, USAGE);
  const warmup = intArg(args, 'warmup', 2, 0, 60, USAGE);

  await withBench('npm run bench', duration, warmup, async (bench) => {
    const { pool } = bench;
    const [{ customers, contacts, admin }] = (await pool.query(`select
      (select count(*)::int from customer where deleted_at is null) as customers,
      (select count(*)::int from contact where deleted_at is null) as contacts,
      (select count(*)::int from app_user where email = 'admin@demo.crm') as admin`)).rows;
    if (!admin || !customers) fail('No data: run `npm run bench:seed -- --customers 100000` against this database first.');

    const { url, token } = await bench.startApi();
    const body = JSON.stringify({ query: QUERY });
    const shape = await checkPage(url, token, Math.min(PAGE, customers));

    console.log(`Scenario: a page of ${PAGE} customers with owner and up to ${CONTACTS_PER_CUSTOMER} contacts each (as ADMIN)`);
    console.log(`  data: ${fmt(customers)} customers, ${fmt(contacts)} contacts; page = ${shape.customers} customers, ${shape.contacts} contacts`);
    printSetup(bench, duration, connections, warmup);

    if (warmup) await runApi(url, token, body, connections, warmup);
    const api = await runApi(url, token, body, connections, duration);
    await checkPage(url, token, Math.min(PAGE, customers));
    console.log(`  API done: ${fmt(api.requests)} requests`);

    const empty = { customers: 0, contacts: 0 };
    if (warmup) await runRaw(connections, warmup, () => readRaw(pool), empty);
    const raw = await runRaw(connections, duration, () => readRaw(pool), empty);
    if (raw.shape.customers !== shape.customers || raw.shape.contacts !== shape.contacts) {
      throw new Error(`Raw reads differ from the API page: ${JSON.stringify(raw.shape)} vs ${JSON.stringify(shape)}.`);
    }
    console.log(`  raw done: ${fmt(raw.requests)} pages; load average after: ${loadAverage()}`);

    printResults('customers-page', { customers, contacts }, duration, connections, api, raw);
  });
}

runMain(main);
