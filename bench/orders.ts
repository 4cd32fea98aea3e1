import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { intArg, parseArgs } from './args';
import { fail, fmt, loadAverage, percentile, postJson, printResults, printSetup, runMain, runRaw, type Side, withBench } from './scenario';
import { runUniqueLoad } from './unique-load';

/**
 * Scenario "order ingestion": an e-commerce site pushing orders (2 lines, an existing customer by id,
 * a fresh idempotency key and external reference per order), twice for the same time and concurrency:
 * 1. through the API: `pushOrder` (as admin@demo.crm) from a worker thread (bench/unique-load.ts) —
 *    every request gets new ids, so every request creates an order;
 * 2. raw `pg`: the same rows with plain INSERTs in one transaction per order — the idempotency key
 *    (claimed, then given its stored response), the order, its 2 lines and its audit entry.
 * Checks afterwards that the API created exactly one order per successful request (no error hides in
 * a 200). Prints orders per second for both, latency p50/p99 and the ratio API / raw. Needs
 * DATABASE_URL (PostgreSQL) with at least the demo users (`npm run bench:seed` or `npm start` once);
 * adds two products (BENCH-SKU-1/2) when missing. The orders it creates stay (tagged channel BENCH).
 */

const USAGE = `Usage: DATABASE_URL=postgres://… node dist/bench/orders.js [--duration S] [--connections N] [--warmup S]
  --duration     seconds of measurement for each side (default 10)
  --connections  concurrent HTTP connections, and concurrent raw insert loops (default 10)
  --warmup       seconds of unmeasured load before each side (default 2; 0 for none)`;

const PUSH = `mutation Push($input: PushOrderInput!) { pushOrder(input: $input) { order { id status total } errors { code message field } } }`;

const pushBody = (customerId: string, key: string) => JSON.stringify({
  query: PUSH,
  variables: {
    input: {
      idempotencyKey: key, externalRef: key, channel: 'BENCH', currency: 'EUR',
      customer: { customerId },
      lines: [
        { sku: 'BENCH-SKU-1', quantity: 2, unitPrice: '19.99' },
        { sku: 'BENCH-SKU-2', quantity: 1, unitPrice: '249.00', discount: '10.00', configuration: { colour: 'black' } },
      ],
    },
  },
});

/** The products the orders name (created once, kept). */
async function ensureProducts(pool: Pool): Promise<Map<string, string>> {
  await pool.query(`insert into product (id, sku, name, category, list_price, currency, active, options_schema)
    values ('prd_${'b'.repeat(31)}1', 'BENCH-SKU-1', 'Bench cable', 'accessories', 19.99, 'EUR', true, '{}'),
           ('prd_${'b'.repeat(31)}2', 'BENCH-SKU-2', 'Bench monitor', 'displays', 249.00, 'EUR', true, '{"colour":{"type":"enum","values":["black","white"]}}')
    on conflict (sku) do nothing`);
  const { rows } = await pool.query(`select id, sku from product where sku in ('BENCH-SKU-1', 'BENCH-SKU-2')`);
  return new Map(rows.map((r) => [r.sku as string, r.id as string]));
}

const hex = () => randomUUID().replace(/-/g, '');

/** One order with raw SQL: the same rows the API writes, in one transaction. */
async function insertRaw(pool: Pool, customerId: string, adminId: string, products: Map<string, string>): Promise<void> {
  const key = hex();
  const orderId = `ord_${hex()}`;
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(`insert into idempotency_key (key, owner, request_hash) values ($1, $2, $3) on conflict do nothing`, [key, adminId, key]);
    await client.query(`insert into sales_order (id, customer_id, bill_to_id, external_ref, channel, status, currency, subtotal, discount_total, total, created_by)
      values ($1, $2, $2, $3, 'BENCH', 'PENDING', 'EUR', 288.98, 10.00, 278.98, $4)`, [orderId, customerId, key, adminId]);
    await client.query(`insert into sales_order_line (id, order_id, position, product_id, sku, quantity, unit_price, discount, configuration, line_total) values
      ($1, $3, 1, $4, 'BENCH-SKU-1', 2, 19.99, 0, '{}', 39.98),
      ($2, $3, 2, $5, 'BENCH-SKU-2', 1, 249.00, 10.00, '{"colour":"black"}', 239.00)`,
    [`oln_${hex()}`, `oln_${hex()}`, orderId, products.get('BENCH-SKU-1'), products.get('BENCH-SKU-2')]);
    await client.query(`insert into audit_event (id, entity_type, entity_id, customer_id, action, actor_type, actor_id, at, changes)
      values ($1, 'Order', $2, $3, 'CREATE', 'USER', $4, now(), '[{"field":"status","old":null,"new":"PENDING"}]')`, [`aud_${hex()}`, orderId, customerId, adminId]);
    await client.query(`update idempotency_key set response = $1::jsonb, order_id = $2 where owner = $3 and key = $4`,
      [JSON.stringify({ order: { id: orderId }, errors: [] }), orderId, adminId, key]);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2), ['duration', 'connections', 'warmup'], USAGE);
  const duration = intArg(args, 'duration', 10, 1, 600, USAGE);
  const connections = intArg(args, 'connections', 10, 1, 500, USAGE);
  const warmup = intArg(args, 'warmup', 2, 0, 60, USAGE);

  await withBench('node dist/bench/orders.js', duration, warmup, async (bench) => {
    const { pool } = bench;
    const { rows: [admin] } = await pool.query(`select id from app_user where email = 'admin@demo.crm'`);
    const { rows: [customer] } = await pool.query(`select id from customer where deleted_at is null order by created_at, id limit 1`);
    if (!admin || !customer) fail('No data: run `npm run bench:seed` (or `npm start` once) against this database first.');
    const products = await ensureProducts(pool);
    const count = async () => (await pool.query(`select count(*)::int as n from sales_order where channel = 'BENCH'`)).rows[0].n as number;

    const { url, token } = await bench.startApi();
    // One push checked in full before the load: it must create a PENDING order with the expected total.
    const probe = await postJson(url, JSON.parse(pushBody(customer.id, hex())), token);
    const pushed = probe.data?.pushOrder;
    if (probe.errors?.length || pushed?.errors?.length || pushed?.order?.total !== '278.98') {
      throw new Error(`The push failed: ${JSON.stringify(probe).slice(0, 500)}`);
    }

    console.log('Scenario: order ingestion — pushOrder with 2 lines for an existing customer, a new idempotency key per order (as ADMIN)');
    printSetup(bench, duration, connections, warmup);

    const template = pushBody(customer.id, '__ID__');
    const load = async (seconds: number): Promise<Side> => {
      const r = await runUniqueLoad({ url, token, template, connections, seconds });
      if (r.firstFailure) console.error(`  first failure: ${r.firstFailure}`);
      const sorted = Float64Array.from(r.latencies).sort();
      return { requests: r.latencies.length, seconds: r.seconds, rate: r.latencies.length / r.seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99), failures: r.failures };
    };
    if (warmup) await load(warmup);
    const before = await count();
    const api = await load(duration);
    const created = (await count()) - before;
    // Every 2xx must be one new order (a GraphQL error would be a 200 without an order).
    if (created !== api.requests) throw new Error(`The API answered ${api.requests} pushes but created ${created} orders.`);
    console.log(`  API done: ${fmt(api.requests)} orders`);

    const write = () => insertRaw(pool, customer.id, admin.id, products);
    if (warmup) await runRaw(connections, warmup, write, undefined);
    const raw = await runRaw(connections, duration, write, undefined);
    console.log(`  raw done: ${fmt(raw.requests)} orders; load average after: ${loadAverage()}`);

    printResults('order-ingestion', { lines: 2 }, duration, connections, api, raw, 'raw pg (1 transaction)');
  });
}

runMain(main);
