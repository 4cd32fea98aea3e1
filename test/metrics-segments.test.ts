import { refreshMetrics } from '../src/services/metrics-refresh';
import { ok, startTestApp, type TestApp } from './helpers';

/**
 * The eight C3 segments, each populated by one customer built for it (issue 12). A product without cost
 * makes margin = revenue. Value: margins of 1000 (×4) and 10 (×4) → total 4040, 80 % = 3232: the four
 * 1000s are Pareto A (3000 before the last), the 10s B. Behaviour: "growing" customers have two orders
 * in the last 12 months and none before (frequency 2 ≥ the median 1.5); "falling" ones one order now and
 * a larger one 500 days ago. Attitude: latest NPS ≥ 9.
 */

let t: TestApp;
const NOW = new Date('2026-11-30T12:00:00Z');
const ago = (days: number) => new Date(NOW.getTime() - days * 86400_000).toISOString();

//                 name                  NPS    value   behaviour   expected segment
const PLAN: [string, number | null, number, 'growing' | 'falling', string][] = [
  ['champion', 10, 1000, 'growing', 'CHAMPION'],
  ['passive', 5, 1000, 'growing', 'PASSIVE_LOYAL'],
  ['advocate', 9, 1000, 'falling', 'AT_RISK_ADVOCATE'],
  ['valuable', null, 1000, 'falling', 'AT_RISK_VALUABLE'],
  ['fan', 9, 10, 'growing', 'RISING_FAN'],
  ['habitual', null, 10, 'growing', 'HABITUAL_BUYER'],
  ['friendly', 10, 10, 'falling', 'FRIENDLY_OCCASIONAL'],
  ['drifter', 3, 10, 'falling', 'DRIFTER'],
];

beforeAll(async () => {
  t = await startTestApp({ customers: 4 });
  const [{ id: rep1 }] = await t.sql<{ id: string }>(`select id from app_user where email = 'rep1@demo.crm'`);
  const [{ id: agent }] = await t.sql<{ id: string }>(`select id from app_user where email = 'service@demo.crm'`);
  await t.sql(`insert into product (id, sku, name, category, list_price, cost, currency) values (?, 'SEG-0', 'Free to make', 'Test', 1, 0, 'EUR')`, [`prd_${'0'.repeat(32)}`]);
  let n = 0;
  const order = async (customerId: string, daysAgo: number, total: number) => {
    n += 1;
    const orderId = `ord_${String(n).padStart(32, '0')}`;
    await t.sql(`insert into sales_order (id, customer_id, bill_to_id, channel, status, currency, subtotal, total, created_by, completed_at)
      values (?, ?, ?, 'WEB', 'COMPLETED', 'EUR', ?, ?, 'test', ?)`, [orderId, customerId, customerId, total, total, ago(daysAgo)]);
    await t.sql(`insert into sales_order_line (id, order_id, position, product_id, sku, quantity, unit_price, line_total) values (?, ?, 1, ?, 'SEG-0', 1, ?, ?)`,
      [`oln_${String(n).padStart(32, '0')}`, orderId, `prd_${'0'.repeat(32)}`, total, total]);
  };
  for (const [i, [name, nps, value, behaviour]] of PLAN.entries()) {
    const id = `cus_${String(i + 1).repeat(32)}`;
    await t.sql(`insert into customer (id, name, kind, sector, owner_id, created_by) values (?, ?, 'BUSINESS', 'OTHER', ?, ?)`, [id, `Segment ${name}`, rep1, rep1]);
    if (behaviour === 'growing') { await order(id, 20, value / 2); await order(id, 60, value / 2); } else { await order(id, 20, value); await order(id, 500, value * 2); }
    if (nps != null) {
      await t.sql(`insert into service_case (id, number, type, channel, priority, status, subject, customer_id, opened_by, first_response_due_at, resolution_due_at, resolved_at)
        values (?, ?, 'TECH_SUPPORT', 'PHONE', 'P3', 'RESOLVED', 'Survey case', ?, ?, now(), now(), now())`, [`cas_${String(i + 1).repeat(32)}`, `CS-S-${i}`, id, agent]);
      await t.sql(`insert into survey (id, case_id, customer_id, token, csat, nps, submitted_at) values (?, ?, ?, ?, 4, ?, ?)`,
        [`srv_${String(i + 1).repeat(32)}`, `cas_${String(i + 1).repeat(32)}`, id, `seg-${i}`, nps, ago(10)]);
    }
  }
  await refreshMetrics(t.db.orm.em.fork() as any, NOW);
});
afterAll(async () => { await t.close(); });

test('each of the eight segments has the customer built for it', async () => {
  const res = ok(await t.gql('{ customers(first: 50) { edges { node { name metrics { attitude behaviour paretoClass c3Segment margin12m } } } } }', {}, 'ADMIN'));
  const byName = new Map<string, any>(res.customers.edges.map((e: any) => [e.node.name, e.node.metrics]));
  for (const [name, nps, value, behaviour, segment] of PLAN) {
    expect([name, byName.get(`Segment ${name}`)]).toEqual([name, {
      attitude: nps != null && nps >= 9 ? 'HIGH' : 'LOW', behaviour: behaviour === 'growing' ? 'HIGH' : 'LOW',
      paretoClass: value === 1000 ? 'A' : 'B', c3Segment: segment, margin12m: `${value}.00`,
    }]);
  }
  // the seeded customers without orders have no segment
  expect(res.customers.edges.filter((e: any) => !e.node.name.startsWith('Segment ')).every((e: any) => e.node.metrics.c3Segment === null)).toBe(true);
});
