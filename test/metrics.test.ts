import { JOBS } from '../src/jobs';
import { refreshMetrics } from '../src/services/metrics-refresh';
import { ok, startTestApp, type TestApp } from './helpers';

/**
 * Customer value metrics (issue 12) through HTTP, against values computed by hand below. The data set:
 * products P1 (cost 60) and P2 (no cost: its lines count no margin); customers of rep1 —
 *   A: COMPLETED orders 10, 40 and 400 days before NOW: totals 1000, 500, 300 (P1 × 10, × 5, × 3: margins 400, 200, 120);
 *      surveys NPS 10 / CSAT 5; annual category budget 3000; it referred D and E.
 *   B: 100 days (P1 × 2, line 230, offer 20, points 10 → total 200, margin 230 − 120 − 30 = 80) and 500 days (P1 × 4 → 400, margin 160);
 *      surveys NPS 9 then 5 (CSAT 4, 2); one open COMPLAINT.
 *   C: 300, 700 and 1000 days (P2, 100 each: margin 0).   D: 5 days (P1 × 1 at 50: margin −10).
 *   G: 300 and 400 days (P2, 100 each).   E: no orders.   F: only a RETURNED order and a COMPLETED one in USD (neither counts).
 * RFM over A, B, C, D, G (customers with counted orders); see each expectation for its arithmetic.
 */

let t: TestApp;
const NOW = new Date('2026-11-30T12:00:00Z');
const ago = (days: number) => new Date(NOW.getTime() - days * 86400_000).toISOString();
const id = (c: string) => `cus_${c.repeat(32)}`;
const refresh = (now = NOW) => refreshMetrics(t.db.orm.em.fork() as any, now);
const METRICS = `metrics { computedAt currency ordersTotal firstOrderAt lastOrderAt rfm { recencyDays frequency monetary r f m score scoreTotal }
  revenue12m revenuePrevious12m trendPercent shareOfWallet npsLatest csatAverage attitude behaviour clvHistoric clvPredicted12m margin12m
  typicalIntervalDays openComplaints paretoClass c3Segment churnRisk { level score reasons { reason figure points } } lastFlaggedHighAt
  referralValue { customers revenue12m } }`;
const metricsOf = async (c: string, as: Parameters<TestApp['gql']>[2] = 'ADMIN') =>
  ok(await t.gql(`query($id: ID!) { customer(id: $id) { ${METRICS} } }`, { id: id(c) }, as)).customer.metrics;

let orderN = 0;
async function order(customer: string, daysAgo: number, lines: [product: string, quantity: number, lineTotal: number][],
  extra: { status?: string; currency?: string; offer?: number; points?: number } = {}) {
  orderN += 1;
  const orderId = `ord_${String(orderN).padStart(32, '0')}`;
  const gross = lines.reduce((s, [, , total]) => s + total, 0);
  const total = gross - (extra.offer ?? 0) - (extra.points ?? 0);
  await t.sql(`insert into sales_order (id, customer_id, bill_to_id, channel, status, currency, subtotal, discount_total, offer_discount, points_value, total, created_by, completed_at)
    values (?, ?, ?, 'WEB', ?, ?, ?, 0, ?, ?, ?, 'test', ?)`,
  [orderId, id(customer), id(customer), extra.status ?? 'COMPLETED', extra.currency ?? 'EUR', gross, extra.offer ?? 0, extra.points ?? 0, total, ago(daysAgo)]);
  for (const [i, [product, quantity, lineTotal]] of lines.entries()) {
    await t.sql(`insert into sales_order_line (id, order_id, position, product_id, sku, quantity, unit_price, line_total) values (?, ?, ?, ?, ?, ?, ?, ?)`,
      [`oln_${String(orderN * 10 + i).padStart(32, '0')}`, orderId, i + 1, `prd_${product.repeat(32)}`, `SKU-${product}`, quantity, lineTotal / quantity, lineTotal]);
  }
}
let caseN = 0;
async function survey(customer: string, daysAgo: number, nps: number, csat: number) {
  caseN += 1;
  const caseId = `cas_${String(caseN).padStart(32, '0')}`;
  await t.sql(`insert into service_case (id, number, type, channel, priority, status, subject, customer_id, opened_by, first_response_due_at, resolution_due_at, resolved_at)
    VALUES (?, ?, 'TECH_SUPPORT', 'PHONE', 'P3', 'RESOLVED', 'Metrics case', ?, (select id from app_user where email = 'service@demo.crm'), now(), now(), now())`, [caseId, `CS-M-${caseN}`, id(customer)]);
  await t.sql(`insert into survey (id, case_id, customer_id, token, csat, nps, submitted_at) values (?, ?, ?, ?, ?, ?, ?)`,
    [`srv_${String(caseN).padStart(32, '0')}`, caseId, id(customer), `token-${caseN}`, csat, nps, ago(daysAgo)]);
}

beforeAll(async () => {
  t = await startTestApp({ customers: 4 });
  const [{ id: rep1 }] = await t.sql<{ id: string }>(`select id from app_user where email = 'rep1@demo.crm'`);
  await t.sql(`insert into product (id, sku, name, category, list_price, cost, currency) values
    (?, 'SKU-1', 'P1', 'Test', 100, 60, 'EUR'), (?, 'SKU-2', 'P2', 'Test', 100, null, 'EUR')`, [`prd_${'1'.repeat(32)}`, `prd_${'2'.repeat(32)}`]);
  for (const c of ['a', 'b', 'c', 'd', 'e', 'f']) {
    await t.sql(`insert into customer (id, name, kind, sector, owner_id, created_by) values (?, ?, 'BUSINESS', 'OTHER', ?, ?)`, [id(c), `Metrics ${c}`, rep1, rep1]);
  }
  await t.sql(`insert into customer (id, name, kind, sector, owner_id, created_by) values (?, 'Metrics g', 'BUSINESS', 'OTHER', ?, ?)`, [`cus_${'9'.repeat(32)}`, rep1, rep1]);
  await t.sql(`update customer set annual_category_budget = 3000 where id = ?`, [id('a')]);
  await t.sql(`update customer set referred_by_id = ? where id in (?, ?)`, [id('a'), id('d'), id('e')]);
  await order('a', 10, [['1', 10, 1000]]);
  await order('a', 40, [['1', 5, 500]]);
  await order('a', 400, [['1', 3, 300]]);
  await order('b', 100, [['1', 2, 230]], { offer: 20, points: 10 });
  await order('b', 500, [['1', 4, 400]]);
  for (const days of [300, 700, 1000]) await order('c', days, [['2', 1, 100]]);
  await order('d', 5, [['1', 1, 50]]);
  await order('9', 300, [['2', 1, 100]]);
  await order('9', 400, [['2', 1, 100]]);
  await order('f', 20, [['1', 9, 999]], { status: 'RETURNED' });
  await order('f', 20, [['1', 1, 100]], { currency: 'USD' });
  await survey('a', 30, 10, 5);
  await survey('b', 200, 9, 4);
  await survey('b', 50, 5, 2);
  await t.sql(`insert into service_case (id, number, type, channel, priority, status, subject, customer_id, opened_by, first_response_due_at, resolution_due_at)
    values (?, 'CS-M-C', 'COMPLAINT', 'PHONE', 'P2', 'NEW', 'Unhappy', ?, (select id from app_user where email = 'service@demo.crm'), now(), now())`, [`cas_${'c'.repeat(32)}`, id('b')]);
  expect((await refresh()).customers).toBeGreaterThanOrEqual(11);
});
afterAll(async () => { await t.close(); });

describe('every metric against the hand computation', () => {
  test('A: RFM 4 5 5, trend +400 %, share of wallet 50 %, NPS 10 → HIGH attitude, CHAMPION, CLV, referrals', async () => {
    expect(await metricsOf('a')).toEqual({
      computedAt: NOW.toISOString(), currency: 'EUR', ordersTotal: 3, firstOrderAt: ago(400), lastOrderAt: ago(10),
      // recency 10 days: ranked 4th of 5 by recency (C and G 300, B 100, A 10, D 5) → percent_rank 3/4 → 1 + floor(3.75) = 4;
      // frequency 2 (the 10- and 40-day orders), the most → 5; monetary 1500, the most → 5
      rfm: { recencyDays: 10, frequency: 2, monetary: '1500.00', r: 4, f: 5, m: 5, score: '455', scoreTotal: 14 },
      revenue12m: '1500.00', revenuePrevious12m: '300.00', trendPercent: '400.00', shareOfWallet: '50.00', // (1500 − 300) / 300; 1500 / 3000
      npsLatest: 10, csatAverage: '5.00', attitude: 'HIGH',
      behaviour: 'HIGH', // 1500 > 300 and frequency 2 ≥ the median of [1, 1, 1, 1, 2] = 1
      clvHistoric: '720.00', margin12m: '600.00', // 400 + 200 + 120; 400 + 200
      clvPredicted12m: '449.23', // 720 / 3 = 240 per order × 365 / 195 (the interval) = 449.2307…
      typicalIntervalDays: '195.00', // (400 − 10) / 2
      openComplaints: 0,
      paretoClass: 'A', // margins 600 (A), 80 (B): total 680, 80 % = 544; nothing before A
      c3Segment: 'CHAMPION',
      churnRisk: { level: 'LOW', score: 0, reasons: [] },
      lastFlaggedHighAt: null,
      referralValue: { customers: 2, revenue12m: '50.00' }, // D (50) and E (0)
    });
  });

  test('B: falling trend, NPS drop and a complaint: MEDIUM churn with its three reasons; Pareto B; DRIFTER', async () => {
    expect(await metricsOf('b')).toMatchObject({
      ordersTotal: 2,
      // recency 100: 3rd of 5 → percent_rank 2/4 → 3; frequency 1 (tied lowest) → 1; monetary 200: 4th → 3/4 → 4
      rfm: { recencyDays: 100, frequency: 1, monetary: '200.00', r: 3, f: 1, m: 4, score: '314', scoreTotal: 8 },
      revenue12m: '200.00', revenuePrevious12m: '400.00', trendPercent: '-50.00', shareOfWallet: null,
      npsLatest: 5, csatAverage: '3.00', attitude: 'LOW', behaviour: 'LOW',
      clvHistoric: '240.00', margin12m: '80.00', // 230 − 2 × 60 − 20 (offer) − 10 (points) = 80; + 4 × (100 − 60) = 160
      clvPredicted12m: '109.50', // 240 / 2 = 120 × 365 / 400 = 109.5
      typicalIntervalDays: '400.00', openComplaints: 1,
      paretoClass: 'B', // 600 of A before it ≥ 544
      c3Segment: 'DRIFTER',
      churnRisk: { level: 'MEDIUM', score: 50, reasons: [ // 20 + 15 + 15; the overdue ratio 100 / 400 = 0.25 adds nothing
        { reason: 'FALLING_TREND', figure: '-50.00', points: 20 },
        { reason: 'NPS_DROPPED', figure: '4', points: 15 },
        { reason: 'OPEN_COMPLAINTS', figure: '1', points: 15 },
      ] },
    });
  });

  test('C, D, G, E, F: lowest scores, negative margin, overdue → HIGH, no orders, orders that do not count', async () => {
    expect(await metricsOf('c')).toMatchObject({
      rfm: { recencyDays: 300, frequency: 1, monetary: '100.00', r: 1, f: 1, m: 2, score: '112', scoreTotal: 4 },
      revenuePrevious12m: '100.00', trendPercent: '0.00', clvHistoric: '0.00', clvPredicted12m: '0.00', typicalIntervalDays: '350.00',
      paretoClass: 'C', c3Segment: 'DRIFTER', churnRisk: { level: 'LOW', score: 0, reasons: [] }, // 300 / 350 = 0.86
    });
    expect(await metricsOf('d')).toMatchObject({
      rfm: { recencyDays: 5, frequency: 1, monetary: '50.00', r: 5, f: 1, m: 1, score: '511', scoreTotal: 7 },
      revenuePrevious12m: '0.00', trendPercent: null, clvHistoric: '-10.00', margin12m: '-10.00',
      clvPredicted12m: '-10.00', // one order: its margin × 1 order in 12 months
      typicalIntervalDays: null, paretoClass: 'C', behaviour: 'HIGH', c3Segment: 'HABITUAL_BUYER', // 50 > 0, frequency 1 ≥ 1; NPS unknown → LOW attitude
    });
    const g = ok(await t.gql(`query($id: ID!) { customer(id: $id) { ${METRICS} } }`, { id: `cus_${'9'.repeat(32)}` }, 'ADMIN')).customer.metrics;
    expect(g).toMatchObject({
      rfm: { recencyDays: 300, r: 1, f: 1, m: 2, score: '112' }, typicalIntervalDays: '100.00',
      churnRisk: { level: 'HIGH', score: 60, reasons: [{ reason: 'OVERDUE_ORDER', figure: '3.00', points: 60 }] }, // 300 days against an interval of 100
      lastFlaggedHighAt: NOW.toISOString(),
    });
    for (const none of ['e', 'f']) {
      expect(await metricsOf(none)).toMatchObject({
        ordersTotal: 0, firstOrderAt: null, rfm: { recencyDays: null, frequency: 0, monetary: '0.00', r: null, score: null, scoreTotal: null },
        revenue12m: '0.00', clvHistoric: '0.00', clvPredicted12m: '0.00', paretoClass: 'C', c3Segment: null, attitude: 'LOW', behaviour: 'LOW',
        churnRisk: { level: 'LOW', score: 0, reasons: [] },
      });
    }
  });

  test('refreshing again gives the same figures; the HIGH flag is remembered after the risk falls', async () => {
    const before = await metricsOf('a');
    await refresh();
    expect(await metricsOf('a')).toEqual(before);
    // G orders again: no longer overdue; its last HIGH stays on record
    await order('9', 0, [['2', 1, 100]]);
    const later = new Date(NOW.getTime() + 3600_000);
    await refresh(later);
    const g = ok(await t.gql(`query($id: ID!) { customer(id: $id) { metrics { computedAt churnRisk { level } lastFlaggedHighAt } } }`, { id: `cus_${'9'.repeat(32)}` }, 'ADMIN')).customer.metrics;
    expect(g).toEqual({ computedAt: later.toISOString(), churnRisk: { level: 'LOW' }, lastFlaggedHighAt: NOW.toISOString() });
  });
});

describe('offers for a segment (issue 11)', () => {
  test('a SEGMENT offer reaches the customers in it as of the last refresh, and is refused to the others', async () => {
    const create = (input: Record<string, unknown>) => t.gql('mutation($i: CreateOfferInput!) { createOffer(input: $i) { offer { id target targetParetoClass targetC3Segment targetRfmMin } errors { code field } } }',
      { i: { name: 'Champions', discountType: 'PERCENT', appliesTo: 'ORDER', percent: '5', validFrom: '2026-01-01T00:00:00Z', validUntil: '2099-01-01T00:00:00Z', ...input } }, 'MARKETING');
    expect(ok(await create({ code: 'SEG-NONE', target: 'SEGMENT' })).createOffer.errors).toEqual([{ code: 'VALIDATION', field: ['input', 'targetParetoClass'] }]);
    expect(ok(await create({ code: 'SEG-BAD', target: 'SEGMENT', targetRfmMin: 12, targetRfmMax: 5 })).createOffer.errors).toEqual([{ code: 'VALIDATION', field: ['input', 'targetRfmMax'] }]);
    expect(ok(await create({ code: 'SEG-TIER', target: 'TIER', targetTier: 'GOLD', targetParetoClass: 'A' })).createOffer.errors).toEqual([{ code: 'VALIDATION', field: ['input', 'targetParetoClass'] }]);
    const made = ok(await create({ code: 'SEG-CHAMP', target: 'SEGMENT', targetParetoClass: 'A', targetC3Segment: 'CHAMPION', targetRfmMin: 12 })).createOffer;
    expect(made.errors).toEqual([]);
    const offersFor = async (c: string) => ok(await t.gql('query($id: ID!) { offersFor(customerId: $id) { code } }', { id: id(c) }, 'SALES_REP')).offersFor.map((o: any) => o.code);
    expect(await offersFor('a')).toContain('SEG-CHAMP'); // Pareto A, CHAMPION, RFM 3 + 4 + 5 = 12 ("345" since G's order above) ≥ 12
    expect(await offersFor('b')).not.toContain('SEG-CHAMP'); // Pareto B
    expect(await offersFor('e')).not.toContain('SEG-CHAMP'); // no orders: no segment
    await t.sql(`insert into product (id, sku, name, category, list_price, currency) values (?, 'SEG-SKU', 'Seg', 'Test', 10, 'EUR')`, [`prd_${'5'.repeat(32)}`]);
    const shop = { apiKey: ok(await t.gql('mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }',
      { input: { name: 'seg shop', role: 'INTEGRATION', scopes: ['orders:write', 'customers:read'] } }, 'ADMIN')).createApiKey.secret as string };
    const push = async (c: string) => ok(await t.gql('mutation($i: PushOrderInput!) { pushOrder(input: $i) { order { offerDiscount total } errors { code field } } }', { i: {
      idempotencyKey: `seg-${c}`, channel: 'WEB', currency: 'EUR', customer: { customerId: id(c) }, lines: [{ sku: 'SEG-SKU', quantity: 2, unitPrice: '10.00' }], offerCodes: ['seg-champ'],
    } }, shop)).pushOrder;
    expect((await push('a')).order).toEqual({ offerDiscount: '1.00', total: '19.00' }); // 5 % of 20.00
    expect((await push('b')).errors).toEqual([{ code: 'BUSINESS_RULE', field: ['input', 'offerCodes', '0'] }]);
  });
});

describe('who sees what', () => {
  test('reps their customers without margins and CLV; FINANCE and managers with them; PARTNER and keys nothing; refresh is ADMIN\'s', async () => {
    const Q = 'query($id: ID!) { customer(id: $id) { metrics { paretoClass rfm { score } clvHistoric margin12m } } }';
    const rep = await t.gql(Q, { id: id('a') }, 'SALES_REP');
    // (G ordered today in the test above: A is now 3rd of 5 by recency, r = 1 + floor(5 × 2/4) = 3)
    expect(rep.body.data.customer.metrics).toEqual({ paretoClass: 'A', rfm: { score: '345' }, clvHistoric: null, margin12m: null });
    expect(rep.body.errors?.map((e) => [e.extensions?.code, e.path?.join('.')])).toEqual([
      ['FORBIDDEN', 'customer.metrics.clvHistoric'], ['FORBIDDEN', 'customer.metrics.margin12m'],
    ]);
    for (const who of ['FINANCE', 'SALES_MANAGER', 'ADMIN'] as const) expect(ok(await t.gql(Q, { id: id('a') }, who)).customer.metrics.clvHistoric).toBe('720.00');
    for (const who of ['MARKETING', 'ANALYST', 'SERVICE_AGENT'] as const) {
      const res = await t.gql('query($id: ID!) { customer(id: $id) { metrics { c3Segment churnRisk { level } } } }', { id: id('a') }, who);
      expect(res.body.data.customer.metrics).toEqual({ c3Segment: 'CHAMPION', churnRisk: { level: 'LOW' } });
    }
    expect(ok(await t.gql(Q, { id: id('a') }, 'SALES_REP_2')).customer).toBeNull();
    const partner = await t.gql('query { viewer { partnerAccount { metrics { paretoClass } } } }', {}, 'PARTNER');
    expect(partner.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const refreshM = 'mutation { refreshCustomerMetrics { customers computedAt } }';
    expect((await t.gql(refreshM, {}, 'SALES_MANAGER')).body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  test('the metrics job (refresh, then vacuum) computes the same figures', async () => {
    const before = await metricsOf('a');
    const job = JOBS.find((j) => j.name === 'metrics')!;
    const later = new Date(NOW.getTime() + 7200_000);
    expect(await job.run(t.db.orm.em.fork() as any, later)).toEqual({ customers: expect.any(Number), computedAt: later });
    expect({ ...(await metricsOf('a')), computedAt: before.computedAt, rfm: before.rfm }).toEqual(before);
  });

  test('refreshes run beside reads and beside each other: reads never fail or wait for them, the figures come out the same', async () => {
    const before = await metricsOf('a');
    const Q = 'query($id: ID!) { customer(id: $id) { metrics { paretoClass clvHistoric } } }';
    const results = await Promise.all([refresh(), refresh(), ...Array.from({ length: 5 }, () => t.gql(Q, { id: id('a') }, 'ADMIN'))]);
    for (const r of results.slice(2) as Awaited<ReturnType<TestApp['gql']>>[]) expect(ok(r).customer.metrics).toEqual({ paretoClass: 'A', clvHistoric: '720.00' });
    expect({ ...(await metricsOf('a')), computedAt: before.computedAt }).toEqual(before);
  });

  test('metrics of a list cost one statement, whatever the number of customers', async () => {
    const Q = 'query($n: Int!) { customers(first: $n) { edges { node { id metrics { rfm { score } churnRisk { level reasons { reason } } referralValue { customers } } } } } }';
    const few = await t.countQueries(async () => ok(await t.gql(Q, { n: 2 }, 'ADMIN')));
    const many = await t.countQueries(async () => ok(await t.gql(Q, { n: 11 }, 'ADMIN')));
    expect(many).toBe(few);
  });
});
