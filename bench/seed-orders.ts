import { Pool, type PoolClient } from 'pg';
import { intArg, parseArgs } from './args';
import { HASH_FUNCTION, PRODUCTS_SQL } from './seed-catalogue';

/**
 * Order history at scale for the value metrics (issue 12): `npm run bench:seed-orders -- [--orders-per-customer MEAN]
 * [--months M] [--products N] [--batch CUSTOMERS] [--seed N]`, after `npm run bench:seed`. For every customer
 * without seeded orders yet it adds, set-based in PostgreSQL (one transaction per batch of customers):
 * - orders in EUR (the loyalty programme's currency): a geometric number per customer (mean `MEAN`), completed at
 *   uniform times over the last `M` months (not before the customer was created, not after it churned); 90 %
 *   COMPLETED, 5 % RETURNED (after completion), 5 % CANCELLED (never completed); 1–4 lines each on a bench
 *   catalogue whose products all have a cost (50–85 % of the list price); quantities grow with the sector;
 * - a fifth of the customers stop ordering part-way ("lapsed"), so recency and churn risk have something to find;
 * - service cases: 20 % of customers get 1–2 closed cases with a submitted survey (NPS 0–10, CSAT 1–5; each
 *   customer leans to a promoter, passive or detractor), 3 % an open COMPLAINT case;
 * - `churned_at` for CHURNED customers (between their creation and now) and `annual_category_budget` for a
 *   third of the business customers (share of wallet). Referrals come from `bench:seed` (5 % referred).
 * Every value is a hash of the customer id, `--seed` and a label (no `random()`), so the same customers give the
 * same orders whatever the batch size or plan; running it again skips customers that already have seeded orders
 * (their `external_ref` starts with `BV-`), so an interrupted run resumes (every id is derived the same way, and rows that exist are skipped). PostgreSQL only (DATABASE_URL).
 */

const USAGE = `Usage: DATABASE_URL=postgres://… npm run bench:seed-orders -- [--orders-per-customer MEAN] [--months M] [--products N]
    [--batch CUSTOMERS] [--seed N]
  --orders-per-customer  mean orders per customer, geometric (default 2)
  --months               orders complete over the last M months (default 30)
  --products             bench catalogue size, SKUs BENCH-VAL-0001… (default 200)
  --batch                customers per transaction (default 5000)
  --seed                 seed of the hashes behind every value (default 1)`;

const SURVEY_TYPES = ['TECH_SUPPORT', 'DELIVERY', 'REPAIR', 'INSTALLATION', 'RETURN', 'PRE_SALES'];

/** Customer-level facts of one batch (`$1` < id ≤ `$2`): how many orders, over which window. */
const BATCH_CUSTOMERS_SQL = `create temp table bv_customer on commit drop as
  select c.id, c.sector, w.from_at,
    -- a lapsed customer's window ends 20–90 % of the way through; a churned one's at churned_at
    case when pg_temp.bv_u($3 || ':lapse:' || c.id) < 0.2 and c.churned_at is null
      then w.from_at + (w.to_at - w.from_at) * (0.2 + 0.7 * pg_temp.bv_u($3 || ':lapse-at:' || c.id)) else w.to_at end as to_at,
    -- geometric with mean $4: floor of an exponential with mean 1 / ln(1 + 1 / $4), at most 60
    least(60, floor(-ln(greatest(pg_temp.bv_u($3 || ':n:' || c.id), 1e-12)) / ln(1 + 1 / $4::float8)))::int as orders,
    case c.sector when 'CONSUMER' then 1 when 'ENTERPRISE' then 2 + floor(8 * pg_temp.bv_u($3 || ':size:' || c.id))
      else 1 + floor(2 * pg_temp.bv_u($3 || ':size:' || c.id)) end::int as size
  from customer c
  cross join lateral (select greatest(c.created_at, $5::timestamptz - make_interval(months => $6::int)) as from_at,
    least(coalesce(c.churned_at, $5::timestamptz), $5::timestamptz) as to_at) w
  where c.id > $1 and c.id <= $2 and c.deleted_at is null and w.to_at > w.from_at
    and not exists (select 1 from sales_order o where o.customer_id = c.id and o.external_ref like 'BV-%')`;

/** The orders of the batch: id, status, completion time (null when cancelled). */
const BATCH_ORDERS_SQL = `create temp table bv_order on commit drop as
  select o.id, c.id as customer_id, c.size, o.status, o.at,
    (array['WEB', 'WEB', 'WEB', 'STORE', 'STORE', 'PHONE'])[1 + floor(6 * pg_temp.bv_u(o.id || ':channel'))::int] as channel
  from bv_customer c
  cross join lateral generate_series(1, c.orders) k
  cross join lateral (select 'ord_' || md5($1 || ':order:' || c.id || ':' || k) as id) i
  cross join lateral (select i.id,
    case when pg_temp.bv_u(i.id || ':status') < 0.05 then 'CANCELLED' when pg_temp.bv_u(i.id || ':status') < 0.10 then 'RETURNED' else 'COMPLETED' end as status,
    c.from_at + (c.to_at - c.from_at) * pg_temp.bv_u(i.id || ':at') as at) o`;

/** 1–4 lines per order on a random product, quantity 1–3 × the customer's size (1 for consumers, 1–2 for businesses, 2–9 for enterprises), a 5 % discount on one line in five. */
const BATCH_LINES_SQL = `create temp table bv_line on commit drop as
  select 'oln_' || md5(o.id || ':' || pos) as id, o.id as order_id, pos, p.id as product_id, p.sku, q.quantity, p.list_price as unit_price,
    case when pg_temp.bv_u(o.id || ':disc:' || pos) < 0.2 then round(q.quantity * p.list_price * 0.05, 2) else 0 end as discount
  from bv_order o
  cross join lateral generate_series(1, 1 + floor(4 * pg_temp.bv_u(o.id || ':lines'))::int) pos
  cross join lateral (select (1 + floor(3 * pg_temp.bv_u(o.id || ':qty:' || pos))::int) * o.size as quantity) q
  join bv_product p on p.rn = 1 + floor($1::int * pg_temp.bv_u(o.id || ':product:' || pos))::int`;

const INSERT_ORDERS_SQL = `insert into sales_order (id, customer_id, bill_to_id, external_ref, channel, status, currency, subtotal, discount_total,
    total, created_by, created_at, updated_at, completed_at)
  select o.id, o.customer_id, o.customer_id, 'BV-' || substr(o.id, 5, 20), o.channel, o.status, 'EUR', l.subtotal, l.discount,
    l.subtotal - l.discount, $1, o.at - interval '2 days', o.at + case o.status when 'RETURNED' then interval '12 days' else interval '0' end,
    case when o.status <> 'CANCELLED' then o.at end
  from bv_order o
  join (select order_id, sum(quantity * unit_price) as subtotal, sum(discount) as discount from bv_line group by order_id) l on l.order_id = o.id
  on conflict do nothing`;

const INSERT_LINES_SQL = `insert into sales_order_line (id, order_id, position, product_id, sku, quantity, unit_price, discount, line_total, price_source)
  select id, order_id, pos, product_id, sku, quantity, unit_price, discount, quantity * unit_price - discount, 'LIST' from bv_line
  on conflict do nothing`;

/**
 * Cases of the batch: 20 % of customers get 1–2 closed cases (each with a submitted survey), 3 % an open
 * COMPLAINT. A customer's surveys lean one way: 40 % promoters (NPS 8–10), 35 % passives (6–9), 25 % detractors (0–6).
 */
const BATCH_CASES_SQL = `create temp table bv_case on commit drop as
  select 'cas_' || md5($1 || ':case:' || c.id || ':' || k) as id, c.id as customer_id, k, false as open,
    (array[${SURVEY_TYPES.map((t) => `'${t}'`).join(', ')}])[1 + floor(${SURVEY_TYPES.length} * pg_temp.bv_u($1 || ':ctype:' || c.id || ':' || k))::int] as type,
    c.from_at + (c.to_at - c.from_at) * pg_temp.bv_u($1 || ':cat:' || c.id || ':' || k) as at,
    pg_temp.bv_u($1 || ':lean:' || c.id) as lean
  from bv_customer c cross join lateral generate_series(1, 1 + floor(2 * pg_temp.bv_u($1 || ':ncases:' || c.id))::int) k
  where pg_temp.bv_u($1 || ':cases:' || c.id) < 0.2
  union all
  select 'cas_' || md5($1 || ':complaint:' || c.id), c.id, 0, true, 'COMPLAINT',
    $2::timestamptz - interval '1 day' * (1 + floor(40 * pg_temp.bv_u($1 || ':cmpat:' || c.id))), 0
  from bv_customer c where pg_temp.bv_u($1 || ':complaint:' || c.id) < 0.03`;

const INSERT_CASES_SQL = `insert into service_case (id, number, type, channel, priority, status, subject, customer_id, opened_by,
    first_response_due_at, resolution_due_at, first_responded_at, resolved_at, closed_at, created_at, updated_at)
  select k.id, 'CS-' || lpad(nextval('service_case_number_seq')::text, 6, '0'), k.type, 'PHONE', 'P3',
    case when k.open then 'IN_PROGRESS' else 'CLOSED' end,
    case when k.open then 'Complaint about a delivery' else 'Bench case' end, k.customer_id, $1,
    k.at + interval '8 hours', k.at + interval '3 days', k.at + interval '2 hours',
    case when k.open then null else k.at + interval '1 day' end, case when k.open then null else k.at + interval '2 days' end,
    k.at, case when k.open then k.at + interval '2 hours' else k.at + interval '2 days' end
  from bv_case k
  on conflict do nothing`;

const INSERT_SURVEYS_SQL = `insert into survey (id, case_id, customer_id, token, csat, nps, created_at, submitted_at)
  select 'srv_' || substr(k.id, 5), k.id, k.customer_id, md5('bv-token:' || k.id),
    1 + least(4, floor(s.tone * 5))::int,
    case when k.lean < 0.4 then 8 + floor(3 * s.u) when k.lean < 0.75 then 6 + floor(4 * s.u) else floor(7 * s.u) end::int,
    k.at + interval '2 days', k.at + interval '3 days'
  from bv_case k
  cross join lateral (select pg_temp.bv_u(k.id || ':nps') as u,
    -- CSAT follows the lean: promoters mostly 4–5, detractors mostly 1–3
    least(0.999, greatest(0, (1 - k.lean) * 0.7 + 0.5 * pg_temp.bv_u(k.id || ':csat') - 0.1)) as tone) s
  where not k.open
  on conflict do nothing`;

const CHURNED_AT_SQL = `update customer c set churned_at = c.created_at + ($3::timestamptz - c.created_at) * (0.3 + 0.7 * pg_temp.bv_u($4 || ':churned:' || c.id))
  where c.id > $1 and c.id <= $2 and c.status = 'CHURNED' and c.churned_at is null`;

const BUDGET_SQL = `update customer c set annual_category_budget = round((2000 * power(500, pg_temp.bv_u($3 || ':budget:' || c.id)))::numeric, -2)
  where c.id > $1 and c.id <= $2 and c.kind = 'BUSINESS' and c.annual_category_budget is null and pg_temp.bv_u($3 || ':has-budget:' || c.id) < 0.33`;

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function main() {
  const args = parseArgs(process.argv.slice(2), ['orders-per-customer', 'months', 'products', 'batch', 'seed'], USAGE);
  const mean = intArg(args, 'orders-per-customer', 2, 1, 50, USAGE);
  const months = intArg(args, 'months', 30, 1, 120, USAGE);
  const productCount = intArg(args, 'products', 200, 1, 9999, USAGE);
  const batch = intArg(args, 'batch', 5000, 100, 200_000, USAGE);
  const seed = String(intArg(args, 'seed', 1, 0, 2 ** 31, USAGE));
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error(`This script writes set-based SQL to PostgreSQL: set DATABASE_URL (after \`npm run bench:seed\`).\n${USAGE}`);
    process.exit(1);
  }

  const pool = new Pool({ connectionString: url, max: 1 });
  const client: PoolClient = await pool.connect();
  try {
    const { rows: [check] } = await client.query(`select to_regclass('customer_metrics') is not null as migrated,
      (select id from app_user where email = 'admin@demo.crm') as admin, (select count(*)::int from customer where deleted_at is null) as customers`);
    if (!check.migrated || !check.admin || !check.customers) {
      throw new Error('No bench data (or not migrated): run `npm run bench:seed -- --customers 100000` against this database first.');
    }
    const adminId = check.admin as string;
    // bench:seed writes the same kind of history itself (orders BS-…, cases, surveys, churned_at, budgets): adding this on top would double it.
    const { rows: [fromSeed] } = await client.query(`select exists (select 1 from sales_order where external_ref like 'BS-%') as yes`);
    if (fromSeed.yes) {
      console.log('This database already has the order history of bench:seed (orders BS-…; see --orders-per-customer): nothing to add. ' +
        'bench:seed-orders is for databases seeded with `--orders-per-customer 0 --cases-per-customer 0`.');
      return;
    }
    await client.query(HASH_FUNCTION);
    // One "now" for the whole run, so batches agree on the windows.
    const { rows: [{ now }] } = await client.query(`select date_trunc('second', now()) as now`);
    await client.query(PRODUCTS_SQL, [productCount]);
    console.log(`seeding orders for ${fmt(check.customers)} customers: mean ${mean} per customer over ${months} months, EUR, ` +
      `${productCount} bench products, ${fmt(batch)} customers per transaction, seed ${seed}`);

    const started = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
    const totals = { customers: 0, orders: 0, lines: 0, cases: 0, surveys: 0 };
    let lastReport = -2;
    // Time per statement kind, printed at the end: where a batch spends its time.
    const spent = new Map<string, number>();
    const timed = async (label: string, text: string, params: unknown[] = []) => {
      const t0 = process.hrtime.bigint();
      const result = await client.query(text, params);
      spent.set(label, (spent.get(label) ?? 0) + Number(process.hrtime.bigint() - t0) / 1e9);
      return result;
    };
    let lo = '';
    for (;;) {
      // The batch is a range of ids (random, so each range spreads over every creation time).
      const { rows: [{ hi, n }] } = await client.query(
        `select max(id) as hi, count(*)::int as n from (select id from customer where id > $1 order by id limit $2) s`, [lo, batch]);
      if (!n) break;
      await client.query('begin');
      try {
        await timed('churned_at', CHURNED_AT_SQL, [lo, hi, now, seed]);
        await timed('budgets', BUDGET_SQL, [lo, hi, seed]);
        await timed('products', `create temp table bv_product on commit drop as
          select id, sku, list_price, row_number() over (order by sku)::int as rn from product where sku like 'BENCH-VAL-%' and sku <= $1`,
        [`BENCH-VAL-${String(productCount).padStart(4, '0')}`]);
        await timed('customers', BATCH_CUSTOMERS_SQL, [lo, hi, seed, mean, now, months]);
        await timed('orders (generate)', BATCH_ORDERS_SQL, [seed]);
        await timed('lines (generate)', BATCH_LINES_SQL, [productCount]);
        const orders = await timed('orders (insert)', INSERT_ORDERS_SQL, [adminId]);
        const lines = await timed('lines (insert)', INSERT_LINES_SQL);
        await timed('cases (generate)', BATCH_CASES_SQL, [seed, now]);
        const cases = await timed('cases (insert)', INSERT_CASES_SQL, [adminId]);
        const surveys = await timed('surveys (insert)', INSERT_SURVEYS_SQL);
        await timed('commit', 'commit');
        totals.customers += n;
        totals.orders += orders.rowCount ?? 0;
        totals.lines += lines.rowCount ?? 0;
        totals.cases += cases.rowCount ?? 0;
        totals.surveys += surveys.rowCount ?? 0;
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      }
      lo = hi;
      const t = elapsed();
      if (t - lastReport >= 2) {
        lastReport = t;
        console.log(`  ${fmt(totals.customers)}/${fmt(check.customers)} customers: ${fmt(totals.orders)} orders, ${fmt(totals.lines)} lines, ` +
          `${fmt(totals.cases)} cases, ${fmt(totals.surveys)} surveys — ${t.toFixed(1)} s (${fmt(totals.customers / t)} customers/s, ` +
          `${fmt((totals.orders + totals.lines) / t)} order rows/s)`);
      }
    }
    const insertSeconds = elapsed();
    if (spent.size) console.log(`time per step: ${[...spent].map(([label, seconds]) => `${label} ${seconds.toFixed(1)} s`).join(', ')}`);
    const analyzeStart = process.hrtime.bigint();
    for (const table of ['customer', 'product', 'sales_order', 'sales_order_line', 'service_case', 'survey']) await client.query(`analyze ${table}`);
    const analyzeSeconds = Number(process.hrtime.bigint() - analyzeStart) / 1e9;
    const { rows: [db] } = await client.query(`select
      (select count(*)::int from customer where deleted_at is null) as customers,
      (select count(*)::int from sales_order where external_ref like 'BV-%') as orders,
      (select count(*)::int from sales_order where external_ref like 'BV-%' and status = 'COMPLETED') as completed,
      (select count(distinct customer_id)::int from sales_order where external_ref like 'BV-%' and status = 'COMPLETED') as buyers,
      (select count(*)::int from survey where submitted_at is not null) as surveys,
      (select count(*)::int from service_case where type = 'COMPLAINT' and status not in ('RESOLVED', 'CLOSED')) as complaints,
      (select count(*)::int from customer where churned_at is not null) as churned,
      (select count(*)::int from customer where referred_by_id is not null) as referred,
      (select count(*)::int from customer where annual_category_budget is not null) as budgets`);
    console.log(`done: ${fmt(totals.customers)} customers → ${fmt(totals.orders)} orders + ${fmt(totals.lines)} lines + ${fmt(totals.cases)} cases + ` +
      `${fmt(totals.surveys)} surveys in ${insertSeconds.toFixed(1)} s (${fmt(totals.customers / Math.max(insertSeconds, 0.001))} customers/s); ` +
      `analyze ${analyzeSeconds.toFixed(1)} s`);
    console.log(`database now holds ${fmt(db.customers)} customers; seeded orders ${fmt(db.orders)} (${fmt(db.completed)} COMPLETED, ` +
      `${fmt(db.buyers)} customers with one), ${fmt(db.surveys)} submitted surveys, ${fmt(db.complaints)} open complaints, ` +
      `${fmt(db.churned)} churned customers with churned_at, ${fmt(db.referred)} referred customers, ${fmt(db.budgets)} category budgets`);
  } finally {
    client.release();
    await pool.end();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
