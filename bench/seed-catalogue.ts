/**
 * What several bench scripts make sure exists, written once: the bench catalogue orders are made of
 * (bench:seed, bench:seed-orders), the serialised products assets are made of (bench:seed,
 * bench:cases), and the service queues cases sit in. Idempotent (`on conflict do nothing` on the
 * unique SKU and queue name). `$n` placeholders, each used once and in order, so the same text also runs
 * through the ORM's connection (the embedded database) with `?` in their place.
 */

/** Runs one statement and returns its rows: `pg` with `$n`, or an adapter for the ORM. */
export type Query = <T = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>;

/**
 * A uniform number in [0, 1) from 52 bits of md5(label): deterministic, independent of row order and
 * parallel plans, and inlined by the planner (a plain SQL function).
 */
export const HASH_FUNCTION = `create or replace function pg_temp.bv_u(text) returns double precision language sql immutable parallel safe as
  $$ select ('x' || substr(md5($1), 1, 13))::bit(52)::bigint / 4503599627370496.0 $$`;

/** The value catalogue BENCH-VAL-0001…: list price 5–2,000 EUR (log-uniform), cost 50–85 % of it. Needs HASH_FUNCTION. */
export const PRODUCTS_SQL = `insert into product (id, sku, name, category, list_price, cost, currency, active)
  select 'prd_' || md5('bv-product:' || g), 'BENCH-VAL-' || lpad(g::text, 4, '0'), 'Bench value product ' || g,
    (array['accessories', 'displays', 'computers', 'printing', 'networking', 'services'])[1 + (g % 6)],
    p.price, round(p.price * (0.5 + 0.35 * pg_temp.bv_u('bv-cost:' || g))::numeric, 2), 'EUR', true
  from generate_series(1, $1::int) g,
    lateral (select round((5 * power(400, pg_temp.bv_u('bv-price:' || g)))::numeric, 2) as price) p
  on conflict (sku) do nothing`;

/** The first `count` products of the value catalogue (created when missing), prices in cents. */
export async function ensureValueProducts(query: Query, count: number): Promise<{ id: string; sku: string; cents: number }[]> {
  await query(HASH_FUNCTION);
  await query(PRODUCTS_SQL, [count]);
  const rows = await query<{ id: string; sku: string; cents: string | number }>(
    `select id, sku, (list_price * 100)::bigint::text as cents from product where sku like 'BENCH-VAL-%' and sku <= $1 order by sku`,
    [`BENCH-VAL-${String(count).padStart(4, '0')}`]);
  return rows.map((r) => ({ id: r.id, sku: r.sku, cents: Number(r.cents) }));
}

/** The serialised product of the case-lookup scenario (its id is fixed so the scenario finds it in any bench database). */
export const BENCH_SERIAL_PRODUCT = `prd_${'c'.repeat(31)}1`;

const SERIAL_PRODUCTS: [id: string, sku: string, name: string, category: string, price: string, warrantyMonths: number][] = [
  [BENCH_SERIAL_PRODUCT, 'BENCH-SERIAL-1', 'Bench notebook', 'notebooks', '999.00', 24],
  [`prd_${'c'.repeat(31)}2`, 'BENCH-SERIAL-2', 'Bench office printer', 'printing', '449.00', 12],
  [`prd_${'c'.repeat(31)}3`, 'BENCH-SERIAL-3', 'Bench 27" display', 'displays', '329.00', 36],
  [`prd_${'c'.repeat(31)}4`, 'BENCH-SERIAL-4', 'Bench POS terminal', 'retail', '1490.00', 0],
];

/**
 * Serialised products BENCH-SERIAL-1…`count` (warranty 24, 12, 36 and 0 months), created when missing.
 * bench:cases uses the first; bench:seed spreads assets over all.
 */
export async function ensureSerialProducts(query: Query, count = SERIAL_PRODUCTS.length): Promise<{ id: string; warrantyMonths: number }[]> {
  for (const [id, sku, name, category, price, months] of SERIAL_PRODUCTS.slice(0, count)) {
    await query(`insert into product (id, sku, name, category, list_price, currency, active, options_schema, serialised, warranty_months)
      values ($1, $2, $3, $4, $5::numeric, 'EUR', true, '{}', true, $6::int) on conflict (sku) do nothing`, [id, sku, name, category, price, months]);
  }
  const skus = SERIAL_PRODUCTS.slice(0, count).map(([, sku]) => sku);
  const rows = await query<{ id: string; warranty_months: number }>(
    `select id, warranty_months from product where sku in (${skus.map((s) => `'${s}'`).join(', ')}) order by sku`);
  return rows.map((r) => ({ id: r.id, warrantyMonths: Number(r.warranty_months) }));
}

/**
 * Two service queues for bench cases: "Bench: service desk" managed by the service agent (so the agent's
 * scope has unassigned open cases of a queue it manages to find) and "Bench: repairs" managed by the admin.
 * Returns their ids, the agent's queue first.
 */
export async function ensureBenchQueues(query: Query, agentId: string, adminId: string): Promise<string[]> {
  const queues: [id: string, name: string, description: string, manager: string][] = [
    [`que_${'b'.repeat(31)}1`, 'Bench: service desk', 'Cases made by bench:seed; managed by the service agent.', agentId],
    [`que_${'b'.repeat(31)}2`, 'Bench: repairs', 'Repair cases made by bench:seed.', adminId],
  ];
  for (const [id, name, description, manager] of queues) {
    await query(`insert into service_queue (id, name, description, manager_id, escalation) values ($1, $2, $3, $4, false)
      on conflict (name) do nothing`, [id, name, description, manager]);
  }
  const rows = await query<{ id: string }>(`select id from service_queue where name in ('Bench: service desk', 'Bench: repairs') order by name desc`);
  return rows.map((r) => r.id);
}
