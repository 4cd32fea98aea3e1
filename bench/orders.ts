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
 * a 200). Prints orders per second for both, latency p50/p99 and the ratio API / raw.
 *
 * `--variant loyalty` (issue 11): the same orders also redeem 100 points (1.00 EUR) and apply the offer
 * BENCH10 (10 % off the order, unlimited, for everyone). Each connection pushes for its own member
 * customer (the first `connections` customers are enrolled with a large balance), as shoppers do; the
 * raw side writes the same extra rows per order: locks the membership, reads the balance, appends the
 * REDEEM entry, counts the offer's redemption (the row update that guards a quantity limit) and inserts
 * the redemption. Needs
 * DATABASE_URL (PostgreSQL) with at least the demo users (`npm run bench:seed` or `npm start` once);
 * adds two products (BENCH-SKU-1/2) when missing. The orders it creates stay (tagged channel BENCH).
 */

const USAGE = `Usage: DATABASE_URL=postgres://… node dist/bench/orders.js [--duration S] [--connections N] [--warmup S] [--variant plain|loyalty]
  --duration     seconds of measurement for each side (default 10)
  --connections  concurrent HTTP connections, and concurrent raw insert loops (default 10)
  --warmup       seconds of unmeasured load before each side (default 2; 0 for none)
  --variant      plain (default) or loyalty: each order also redeems 100 points and applies the offer BENCH10`;

const PUSH = `mutation Push($input: PushOrderInput!) { pushOrder(input: $input) { order { id status total } errors { code message field } } }`;

const LOYALTY = { pointsToRedeem: 100, offerCodes: ['BENCH10'] };
/** Expected totals: 2 × 19.99 + 249.00 − 10.00 = 278.98; loyalty: − 10 % (27.90) − 100 points (1.00) = 250.08. */
const TOTAL = { plain: '278.98', loyalty: '250.08' };

const pushBody = (customerId: string, key: string, loyalty = false) => JSON.stringify({
  query: PUSH,
  variables: {
    input: {
      idempotencyKey: key, externalRef: key, channel: 'BENCH', currency: 'EUR',
      customer: { customerId }, ...(loyalty ? LOYALTY : {}),
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

/** Loyalty variant: the offer, and the customers enrolled with a balance that lasts (10,000,000 points each). */
async function ensureLoyalty(pool: Pool, customerIds: string[]): Promise<void> {
  await pool.query(`insert into offer (id, code, name, discount_type, applies_to, percent, valid_from, valid_until, target, created_by)
    values ('ofr_${'b'.repeat(31)}1', 'BENCH10', 'Bench 10 % off', 'PERCENT', 'ORDER', 10, now() - interval '1 day', now() + interval '1 year', 'EVERYONE', 'bench')
    on conflict (code) do nothing`);
  for (const customerId of customerIds) {
    await pool.query(`insert into loyalty_membership (id, customer_id, number, created_by)
      values ('mem_' || replace(gen_random_uuid()::text, '-', ''), $1, 'B' || nextval('loyalty_member_number_seq'), 'bench') on conflict (customer_id) do nothing`, [customerId]);
    await pool.query(`insert into points_entry (id, membership_id, customer_id, kind, points, balance_after, expires_on, reason, created_by)
      select 'pte_' || replace(gen_random_uuid()::text, '-', ''), m.id, m.customer_id, 'ADJUST', 10000000,
        coalesce((select e.balance_after from points_entry e where e.membership_id = m.id order by e.seq desc limit 1), 0) + 10000000,
        current_date + 730, 'bench balance', 'bench'
      from loyalty_membership m where m.customer_id = $1
        and coalesce((select e.balance_after from points_entry e where e.membership_id = m.id order by e.seq desc limit 1), 0) < 1000000`, [customerId]);
  }
}

/** One order with raw SQL: the same rows the API writes, in one transaction (with `loyalty`, also the points and the offer). */
async function insertRaw(pool: Pool, customerId: string, adminId: string, products: Map<string, string>, loyalty: boolean): Promise<void> {
  const key = hex();
  const orderId = `ord_${hex()}`;
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(`insert into idempotency_key (key, owner, request_hash) values ($1, $2, $3) on conflict do nothing`, [key, adminId, key]);
    const m = loyalty ? (await client.query(`select id from loyalty_membership where customer_id = $1 for update`, [customerId])).rows[0] : null;
    const balance = loyalty ? (await client.query(`select balance_after from points_entry where membership_id = $1 order by seq desc limit 1`, [m.id])).rows[0].balance_after : 0;
    await client.query(`insert into sales_order (id, customer_id, bill_to_id, external_ref, channel, status, currency, subtotal, discount_total,
        offer_discount, points_redeemed, points_value, total, created_by)
      values ($1, $2, $2, $3, 'BENCH', 'PENDING', 'EUR', 288.98, 10.00, $5, $6, $7, $8, $4)`,
    [orderId, customerId, key, adminId, loyalty ? 27.90 : 0, loyalty ? 100 : 0, loyalty ? 1.00 : 0, loyalty ? TOTAL.loyalty : TOTAL.plain]);
    await client.query(`insert into sales_order_line (id, order_id, position, product_id, sku, quantity, unit_price, discount, configuration, line_total) values
      ($1, $3, 1, $4, 'BENCH-SKU-1', 2, 19.99, 0, '{}', 39.98),
      ($2, $3, 2, $5, 'BENCH-SKU-2', 1, 249.00, 10.00, '{"colour":"black"}', 239.00)`,
    [`oln_${hex()}`, `oln_${hex()}`, orderId, products.get('BENCH-SKU-1'), products.get('BENCH-SKU-2')]);
    await client.query(`insert into audit_event (id, entity_type, entity_id, customer_id, action, actor_type, actor_id, at, changes)
      values ($1, 'Order', $2, $3, 'CREATE', 'USER', $4, now(), '[{"field":"status","old":null,"new":"PENDING"}]')`, [`aud_${hex()}`, orderId, customerId, adminId]);
    if (loyalty) {
      await client.query(`update offer set redeemed_count = redeemed_count + 1 where code = 'BENCH10' and (quantity_limit is null or redeemed_count < quantity_limit)`);
      await client.query(`insert into offer_redemption (id, offer_id, customer_id, order_id, discount, currency) values ($1, 'ofr_${'b'.repeat(31)}1', $2, $3, 27.90, 'EUR')`,
        [`ofx_${hex()}`, customerId, orderId]);
      await client.query(`insert into points_entry (id, membership_id, customer_id, kind, points, balance_after, order_id, created_by) values ($1, $2, $3, 'REDEEM', -100, $4, $5, $6)`,
        [`pte_${hex()}`, m.id, customerId, balance - 100, orderId, adminId]);
    }
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
  const args = parseArgs(process.argv.slice(2), ['duration', 'connections', 'warmup', 'variant'], USAGE);
  const variant = (args.get('variant') ?? 'plain') as keyof typeof TOTAL;
  if (variant !== 'plain' && variant !== 'loyalty') fail(USAGE);
  const loyalty = variant === 'loyalty';
  const duration = intArg(args, 'duration', 10, 1, 600, USAGE);
  const connections = intArg(args, 'connections', 10, 1, 500, USAGE);
  const warmup = intArg(args, 'warmup', 2, 0, 60, USAGE);

  await withBench('node dist/bench/orders.js', duration, warmup, async (bench) => {
    const { pool } = bench;
    const { rows: [admin] } = await pool.query(`select id from app_user where email = 'admin@demo.crm'`);
    const { rows: customers } = await pool.query(`select id from customer where deleted_at is null order by created_at, id limit $1`, [loyalty ? connections : 1]);
    const customer = customers[0];
    if (!admin || !customer) fail('No data: run `npm run bench:seed` (or `npm start` once) against this database first.');
    const products = await ensureProducts(pool);
    if (loyalty) await ensureLoyalty(pool, customers.map((c) => c.id));
    const count = async () => (await pool.query(`select count(*)::int as n from sales_order where channel = 'BENCH'`)).rows[0].n as number;

    const { url, token } = await bench.startApi();
    // One push checked in full before the load: it must create a PENDING order with the expected total.
    const probe = await postJson(url, JSON.parse(pushBody(customer.id, hex(), loyalty)), token);
    const pushed = probe.data?.pushOrder;
    if (probe.errors?.length || pushed?.errors?.length || pushed?.order?.total !== TOTAL[variant]) {
      throw new Error(`The push failed: ${JSON.stringify(probe).slice(0, 500)}`);
    }

    console.log(`Scenario: order ingestion — pushOrder with 2 lines for an existing customer, a new idempotency key per order (as ADMIN)${
      loyalty ? '; each order redeems 100 points and applies offer BENCH10 (one member customer per connection)' : ''}`);
    printSetup(bench, duration, connections, warmup);

    const templates = customers.map((c) => pushBody(c.id, '__ID__', loyalty));
    const load = async (seconds: number): Promise<Side> => {
      const r = await runUniqueLoad({ url, token, template: templates[0], templates, connections, seconds });
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

    let next = 0;
    const write = () => insertRaw(pool, customers[(next += 1) % customers.length].id, admin.id, products, loyalty);
    if (warmup) await runRaw(connections, warmup, write, undefined);
    const raw = await runRaw(connections, duration, write, undefined);
    console.log(`  raw done: ${fmt(raw.requests)} orders; load average after: ${loadAverage()}`);

    printResults(loyalty ? 'order-ingestion-loyalty' : 'order-ingestion', { lines: 2, variant }, duration, connections, api, raw, 'raw pg (1 transaction)');
  });
}

runMain(main);
