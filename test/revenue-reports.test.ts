import { newId } from '../src/entities/ids';
import { codes, ok, startTestApp, type TestApp, type Who } from './helpers';
import { salesTeam } from './support/sales-team';

/**
 * Revenue from orders (`revenueBy`) and campaign ROI (`campaignRoi`) through HTTP, on a small FIXED set of
 * orders, deals, leads and campaigns inserted with SQL, against values computed by hand from the tables
 * below (never with SQL). Scopes: the manager's team is R1 and R2 (customers K1, K2), R3 is outside it; K4
 * (R1's) is soft-deleted. Revenue counts CONFIRMED, FULFILLED and COMPLETED orders by `createdAt`.
 *
 * Products: P1 "Laptop A" (Laptops), P2 "Laptop B" (Laptops), P3 "Dock" (Accessories).
 *
 *  order cust created (UTC)            status     channel     cur  lines (product qty × price − discount = lineTotal)
 *  O1    K1   2026-03-05               CONFIRMED  WEB         EUR  P1 2 × 1000 − 100 = 1900.00; P3 1 × 150 = 150.00
 *  O2    K1   2026-03-10               COMPLETED  PARTNER     EUR  P2 1 × 1200 = 1200.00
 *  O3    K2   2026-03-31 23:59:59      FULFILLED  WEB         EUR  P3 4 × 150 − 20 = 580.00
 *  O4    K2   2026-03-12               PENDING    WEB         EUR  P1 1 × 1000                    (not counted: pending)
 *  O5    K3   2026-03-15               COMPLETED  MARKETPLACE EUR  P1 1 × 1000 = 1000.00
 *  O6    K3   2026-03-16               CANCELLED  WEB         EUR  P2 5 × 1200                    (not counted)
 *  O7    K1   2026-03-17               RETURNED   WEB         EUR  P1 1 × 1000                    (not counted)
 *  O8    K1   2026-04-01 00:00:00      CONFIRMED  WEB         EUR  P3 1 × 150 = 150.00            (after the period)
 *  O9    K1   2026-03-20               CONFIRMED  WEB         USD  P3 1 × 160 = 160.00            (USD)
 *  O10   K4   2026-03-20               COMPLETED  WEB         EUR  P1 3 × 1000                    (customer deleted)
 *  O11   K1   2026-02-20               CONFIRMED  WEB         EUR  P3 1 × 150 = 150.00            (before the period)
 *
 * March 2026, EUR, everyone: by product P1 2900.00 (O1, O5; 3 units), P2 1200.00 (O2; 1), P3 730.00 (O1, O3; 5);
 * by category Laptops 4100.00 (O1, O2, O5; 4), Accessories 730.00 (O1, O3; 5); by channel WEB 2630.00 (O1, O3; 7),
 * PARTNER 1200.00 (1; 1), MARKETPLACE 1000.00 (1; 1). Total 4830.00, 4 orders, 9 units.
 *
 * Campaigns:  C1 EUR budget 1000.00, 2026-01-01..01-31   C2 EUR 5000.00, 2026-02-01..02-28
 *             C3 USD no budget, 2026-03-01..03-31        C4 EUR 2000.00, 2025-06-01..06-30
 * Leads: L1 (C1, QUALIFIED); L2 (C2) converted into K1 on 2026-03-01; L3 (C1) into K1 on 2026-03-12; L4 (C3) into K3 on 2026-03-01.
 * Deals: D1 WON 1500 EUR campaign C1 (R1, K1); D2 WON 700 EUR no campaign, lead L1 → C1 (R3, K3); D3 WON 300 EUR campaign C2 and
 *        lead L1 → C2, its own (R2, K2); D4 WON 200 USD campaign C1 (R1, K1); D5 NEGOTIATION 999 C1; D6 WON 400 C1 deleted;
 *        D7 WON 250 USD campaign C3 (R2, K2).
 * Orders by the latest conversion of their customer before them: O1, O2 → C2 (L2; O1 2050.00 = 2150 − 100); O8, O9 → C1 (L3;
 * O9 in USD); O5 → C3 (L4; in EUR, not the campaign's currency); O11 before any conversion; O7 returned.
 *
 * Everyone:  C1 won 2200.00 (2, other 1), orders 150.00 (1, other 1), attributed 2350.00, roi (2350 − 1000) / 1000 = 1.35
 *            C2 won 300.00 (1), orders 3250.00 (2), attributed 3550.00, roi (3550 − 5000) / 5000 = −0.29
 *            C3 won 250.00 (1), orders 0.00 (0, other 1), attributed 250.00, roi null (no budget)
 *            C4 nothing, roi (0 − 2000) / 2000 = −1
 * Manager (deals of R1/R2, orders of K1/K2): C1 won 1500.00 (1, other 1), orders 150.00 → 1650.00, roi 0.65; C2, C3, C4 as above,
 * except C3's EUR order of K3 (not theirs): other 0.
*
 * Reporting currency (`in`). Rates USD→EUR: 0.95 from 2026-01-01, 0.90 from 03-01, 0.80 from 03-18 (no EUR→USD: its inverse,
 * round(1 / rate, 10): 1.0526315789, 1.1111111111, 1.25). Each line converted at its day's rate and rounded to the cent:
 * - revenueBy PRODUCT in EUR: O9's 160.00 USD on 03-20 × 0.80 = 128.00 → P3 858.00 (3 orders, 6 units); total 4958.00, 5, 10.
 * - revenueBy PRODUCT in USD: O1 (03-05) 1900 × 1.1111111111 = 2111.11, 150 → 166.67; O2 (03-10) 1200 → 1333.33; O3 (03-31) 580 × 1.25
 *   = 725.00; O5 (03-15) 1000 → 1111.11; O9 160.00 as is. P1 3222.22, P2 1333.33, P3 1051.67; total 5607.22.
 * - campaignRoi in EUR (budgets at today's rate): C1 won 1500 + 700 + D4 200 USD on 02-15 × 0.95 = 190.00 → 2390.00 (3), orders O8 150.00
 *   + O9 128.00 = 278.00 (2), attributed 2668.00, roi 1.668; C3 won 250 × 0.95 = 237.50, order O5 1000.00 → 1237.50, no budget.
 * - campaignRoi of C1 in USD: budget 1000 × 1.25 = 1250.00; won 1500 × 1.0526315789 = 1578.95, 700 → 736.84, 200 USD → 2515.79;
 *   orders O8 150 × 1.25 = 187.50, O9 160.00 → 347.50; attributed 2863.29; roi (2863.29 − 1250) / 1250 = 1.2906.
 */

let t: TestApp;
const U = { M: '', R1: '', R2: '', R3: '', MKT: '' };
const K = { K1: '', K2: '', K3: '', K4: '' };
const P = { P1: '', P2: '', P3: '' };
const C = { C1: '', C2: '', C3: '', C4: '' };

const nameOf = (id: string, names: Record<string, string>) => Object.keys(names).find((k) => names[k] === id) ?? id;

beforeAll(async () => {
  t = await startTestApp({ customers: 4 });
  const team = await salesTeam(t, 'Revenue', '2026-04-01T00:00:00Z');
  Object.assign(U, team.U);
  Object.assign(K, team.K);
  const products: [keyof typeof P, string, string][] = [['P1', 'Laptop A', 'Laptops'], ['P2', 'Laptop B', 'Laptops'], ['P3', 'Dock', 'Accessories']];
  for (const [key, name, category] of products) {
    P[key] = newId('Product');
    await t.sql(`insert into product (id, sku, name, category, list_price, currency) values (?, ?, ?, ?, 1000, 'EUR')`, [P[key], `REV-${key}`, name, category]);
  }
  const order = async (customer: keyof typeof K, created: string, status: string, channel: string, currency: string,
    lines: [keyof typeof P, number, string, string][]) => {
    const id = newId('Order');
    const subtotal = lines.reduce((s, [, q, price]) => s + q * Number(price), 0).toFixed(2);
    const discount = lines.reduce((s, [, , , d]) => s + Number(d), 0).toFixed(2);
    const total = (Number(subtotal) - Number(discount)).toFixed(2);
    await t.sql(`insert into sales_order (id, customer_id, bill_to_id, channel, status, currency, subtotal, discount_total, total, created_by, created_at, updated_at,
        completed_at) values (?, ?, ?, ?, ?, ?, ?::numeric, ?::numeric, ?::numeric, 'fixture', ?, ?, ?)`,
    [id, K[customer], K[customer], channel, status, currency, subtotal, discount, total, created, created, status === 'COMPLETED' ? created : null]);
    for (const [i, [product, qty, price, disc]] of lines.entries()) {
      await t.sql(`insert into sales_order_line (id, order_id, position, product_id, sku, quantity, unit_price, discount, line_total)
        values (?, ?, ?, ?, ?, ?, ?::numeric, ?::numeric, ?::numeric)`,
      [newId('OrderLine'), id, i + 1, P[product], `REV-${product}`, qty, price, disc, (qty * Number(price) - Number(disc)).toFixed(2)]);
    }
  };
  await order('K1', '2026-03-05T10:00:00Z', 'CONFIRMED', 'WEB', 'EUR', [['P1', 2, '1000.00', '100.00'], ['P3', 1, '150.00', '0.00']]);
  await order('K1', '2026-03-10T10:00:00Z', 'COMPLETED', 'PARTNER', 'EUR', [['P2', 1, '1200.00', '0.00']]);
  await order('K2', '2026-03-31T23:59:59Z', 'FULFILLED', 'WEB', 'EUR', [['P3', 4, '150.00', '20.00']]);
  await order('K2', '2026-03-12T10:00:00Z', 'PENDING', 'WEB', 'EUR', [['P1', 1, '1000.00', '0.00']]);
  await order('K3', '2026-03-15T10:00:00Z', 'COMPLETED', 'MARKETPLACE', 'EUR', [['P1', 1, '1000.00', '0.00']]);
  await order('K3', '2026-03-16T10:00:00Z', 'CANCELLED', 'WEB', 'EUR', [['P2', 5, '1200.00', '0.00']]);
  await order('K1', '2026-03-17T10:00:00Z', 'RETURNED', 'WEB', 'EUR', [['P1', 1, '1000.00', '0.00']]);
  await order('K1', '2026-04-01T00:00:00Z', 'CONFIRMED', 'WEB', 'EUR', [['P3', 1, '150.00', '0.00']]);
  await order('K1', '2026-03-20T10:00:00Z', 'CONFIRMED', 'WEB', 'USD', [['P3', 1, '160.00', '0.00']]);
  await order('K4', '2026-03-20T10:00:00Z', 'COMPLETED', 'WEB', 'EUR', [['P1', 3, '1000.00', '0.00']]);
  await order('K1', '2026-02-20T10:00:00Z', 'CONFIRMED', 'WEB', 'EUR', [['P3', 1, '150.00', '0.00']]);

  const campaigns: [keyof typeof C, string, string | null, string, string][] = [
    ['C1', 'EUR', '1000.00', '2026-01-01', '2026-01-31'], ['C2', 'EUR', '5000.00', '2026-02-01', '2026-02-28'],
    ['C3', 'USD', null, '2026-03-01', '2026-03-31'], ['C4', 'EUR', '2000.00', '2025-06-01', '2025-06-30'],
  ];
  for (const [key, currency, budget, starts, ends] of campaigns) {
    C[key] = newId('Campaign');
    await t.sql(`insert into campaign (id, name, channel, budget, currency, starts_on, ends_on, owner_id) values (?, ?, 'WEB', ?::numeric, ?, ?::date, ?::date, ?)`,
      [C[key], `Campaign ${key}`, budget, currency, starts, ends, U.MKT]);
  }
  const lead = async (campaign: keyof typeof C, convertedInto: keyof typeof K | null, at: string | null) => {
    const id = newId('Lead');
    await t.sql(`insert into lead (id, first_name, last_name, source, campaign_id, owner_id, status, converted_customer_id, converted_at)
      values (?, 'Lea', 'Lead', 'CAMPAIGN', ?, ?, ?, ?, ?)`, [id, C[campaign], U.R1, convertedInto ? 'CONVERTED' : 'QUALIFIED', convertedInto ? K[convertedInto] : null, at]);
    return id;
  };
  const L1 = await lead('C1', null, null);
  await lead('C2', 'K1', '2026-03-01T00:00:00Z');
  await lead('C1', 'K1', '2026-03-12T00:00:00Z');
  await lead('C3', 'K3', '2026-03-01T00:00:00Z');
  const deal = (owner: keyof typeof U, customer: keyof typeof K, amount: string, currency: string,
    opts: { campaign?: keyof typeof C; lead?: string; stage?: string; deleted?: boolean }) =>
    t.sql(`insert into opportunity (id, customer_id, name, amount, currency, stage, probability, expected_close_date, owner_id, closed_at, campaign_id, lead_id,
        created_at, updated_at, deleted_at)
      values (?, ?, 'ROI deal', ?::numeric, ?, ?, 50, '2026-06-30', ?, ?, ?, ?, '2026-01-15T00:00:00Z', '2026-02-15T00:00:00Z', ?)`,
    [newId('Opportunity'), K[customer], amount, currency, opts.stage ?? 'WON', U[owner], (opts.stage ?? 'WON') === 'WON' ? '2026-02-15T00:00:00Z' : null,
      opts.campaign ? C[opts.campaign] : null, opts.lead ?? null, opts.deleted ? '2026-03-01T00:00:00Z' : null]);
  await deal('R1', 'K1', '1500.00', 'EUR', { campaign: 'C1' });
  await deal('R3', 'K3', '700.00', 'EUR', { lead: L1 });
  await deal('R2', 'K2', '300.00', 'EUR', { campaign: 'C2', lead: L1 });
  await deal('R1', 'K1', '200.00', 'USD', { campaign: 'C1' });
  await deal('R1', 'K1', '999.00', 'EUR', { campaign: 'C1', stage: 'NEGOTIATION' });
  await deal('R1', 'K1', '400.00', 'EUR', { campaign: 'C1', deleted: true });
  await deal('R2', 'K2', '250.00', 'USD', { campaign: 'C3' });
  for (const [on, rate] of [['2026-01-01', '0.95'], ['2026-03-01', '0.90'], ['2026-03-18', '0.80']]) {
    await t.sql(`insert into exchange_rate (from_currency, to_currency, valid_on, rate) values ('USD', 'EUR', ?::date, ?::numeric)`, [on, rate]);
  }
});
afterAll(async () => { await t.close(); });

// ------------------------------------------------------------------------------------- revenueBy

const REVENUE = `query($groupBy: RevenueGroupBy!, $from: DateTime!, $to: DateTime!, $currency: String! = "EUR", $limit: Int! = 50) {
  revenueBy(groupBy: $groupBy, from: $from, to: $to, currency: $currency, limit: $limit) {
    from to groupBy currency rows { key revenue orderCount quantity } total { revenue orderCount quantity } } }`;
const MARCH = { from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z' };

const revenue = async (who: Who, vars: Record<string, unknown>) => ok(await t.gql(REVENUE, { ...MARCH, ...vars }, who)).revenueBy;
const compact = (report: any) => ({
  rows: report.rows.map((r: any) => [nameOf(r.key, P), r.revenue, r.orderCount, r.quantity]),
  total: [report.total.revenue, report.total.orderCount, report.total.quantity],
});

describe('revenueBy', () => {
  test('by product, category and channel: hand-computed, largest first, the same total', async () => {
    for (const who of ['ADMIN', 'FINANCE', 'ANALYST'] as Who[]) {
      expect(compact(await revenue(who, { groupBy: 'PRODUCT' }))).toEqual({
        rows: [['P1', '2900.00', 2, 3], ['P2', '1200.00', 1, 1], ['P3', '730.00', 2, 5]], total: ['4830.00', 4, 9],
      });
    }
    expect(compact(await revenue('ADMIN', { groupBy: 'CATEGORY' }))).toEqual({
      rows: [['Laptops', '4100.00', 3, 4], ['Accessories', '730.00', 2, 5]], total: ['4830.00', 4, 9],
    });
    const channel = await revenue('ADMIN', { groupBy: 'CHANNEL' });
    expect(compact(channel)).toEqual({
      rows: [['WEB', '2630.00', 2, 7], ['PARTNER', '1200.00', 1, 1], ['MARKETPLACE', '1000.00', 1, 1]], total: ['4830.00', 4, 9],
    });
    expect([channel.from, channel.to, channel.groupBy, channel.currency]).toEqual(['2026-03-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z', 'CHANNEL', 'EUR']);
  });

  test('limit keeps the largest groups; the total stays over all of them', async () => {
    expect(compact(await revenue('ADMIN', { groupBy: 'PRODUCT', limit: 1 }))).toEqual({ rows: [['P1', '2900.00', 2, 3]], total: ['4830.00', 4, 9] });
  });

  test('another currency, an empty period', async () => {
    expect(compact(await revenue('ADMIN', { groupBy: 'PRODUCT', currency: 'USD' }))).toEqual({ rows: [['P3', '160.00', 1, 1]], total: ['160.00', 1, 1] });
    expect(compact(await revenue('ADMIN', { groupBy: 'PRODUCT', from: '2025-01-01T00:00:00Z', to: '2025-02-01T00:00:00Z' })))
      .toEqual({ rows: [], total: ['0.00', 0, 0] });
  });

  test('the manager counts their team\'s customers\' orders, a rep their own customers\'', async () => {
    expect(compact(await revenue('SALES_MANAGER', { groupBy: 'PRODUCT' }))).toEqual({
      rows: [['P1', '1900.00', 1, 2], ['P2', '1200.00', 1, 1], ['P3', '730.00', 2, 5]], total: ['3830.00', 3, 8],
    });
    expect(compact(await revenue('SALES_REP', { groupBy: 'CHANNEL' }))).toEqual({
      rows: [['WEB', '2050.00', 1, 3], ['PARTNER', '1200.00', 1, 1]], total: ['3250.00', 2, 4],
    });
  });

  test('SERVICE_AGENT, MARKETING and PARTNER are refused', async () => {
    for (const who of ['SERVICE_AGENT', 'MARKETING', 'PARTNER'] as Who[]) {
      expect(codes(await t.gql(REVENUE, { ...MARCH, groupBy: 'PRODUCT' }, who))).toEqual(['FORBIDDEN']);
    }
  });

  test('bad arguments are BAD_USER_INPUT naming them', async () => {
    const bad = async (vars: Record<string, unknown>) => {
      const res = await t.gql(REVENUE, { ...MARCH, groupBy: 'PRODUCT', ...vars }, 'ADMIN');
      return [codes(res), res.body.errors?.[0]?.extensions?.field];
    };
    expect(await bad({ to: MARCH.from })).toEqual([['BAD_USER_INPUT'], 'to']);
    expect(await bad({ currency: 'EURO' })).toEqual([['BAD_USER_INPUT'], 'currency']);
    expect(await bad({ limit: 0 })).toEqual([['BAD_USER_INPUT'], 'limit']);
    expect(await bad({ limit: 501 })).toEqual([['BAD_USER_INPUT'], 'limit']);
  });

  test('in a reporting currency: every currency counted, each line converted at its day\'s rate, the rates listed', async () => {
    const query = `query($in: String) { revenueBy(groupBy: PRODUCT, from: "2026-03-01T00:00:00Z", to: "2026-04-01T00:00:00Z", in: $in) {
      currency rows { key revenue orderCount quantity rates { from to rate validOn inverse } } total { revenue orderCount quantity rates { rate } } } }`;
    const eur = ok(await t.gql(query, { in: 'EUR' }, 'FINANCE')).revenueBy;
    expect(eur.currency).toBe('EUR');
    expect(eur.rows.map((r: any) => [nameOf(r.key, P), r.revenue, r.orderCount, r.quantity, r.rates])).toEqual([
      ['P1', '2900.00', 2, 3, []], ['P2', '1200.00', 1, 1, []],
      ['P3', '858.00', 3, 6, [{ from: 'USD', to: 'EUR', rate: '0.8000000000', validOn: '2026-03-18', inverse: false }]],
    ]);
    expect(eur.total).toEqual({ revenue: '4958.00', orderCount: 5, quantity: 10, rates: [{ rate: '0.8000000000' }] });
    const usd = ok(await t.gql(query, { in: 'USD' }, 'FINANCE')).revenueBy;
    expect(usd.rows.map((r: any) => [nameOf(r.key, P), r.revenue, r.rates.map((x: any) => `${x.from}>${x.to} ${x.rate} ${x.validOn} ${x.inverse}`).sort()])).toEqual([
      ['P1', '3222.22', ['EUR>USD 1.1111111111 2026-03-01 true']],
      ['P2', '1333.33', ['EUR>USD 1.1111111111 2026-03-01 true']],
      ['P3', '1051.67', ['EUR>USD 1.1111111111 2026-03-01 true', 'EUR>USD 1.2500000000 2026-03-18 true']],
    ]);
    expect(usd.total.revenue).toBe('5607.22');
    // without `in` nothing is converted
    expect(ok(await t.gql(query, {}, 'FINANCE')).revenueBy.total).toEqual({ revenue: '4830.00', orderCount: 4, quantity: 9, rates: [] });
    const missing = await t.gql(query, { in: 'GBP' }, 'FINANCE');
    expect([codes(missing), missing.body.errors?.[0]?.extensions?.field]).toEqual([['BAD_USER_INPUT'], 'in']);
    expect(missing.body.errors?.[0]?.message).toMatch(/No exchange rate from EUR to GBP valid on 2026-03-05/);
  });

  test('the product behind a row, batched (statements independent of the rows)', async () => {
    const query = `query($limit: Int!) { revenueBy(groupBy: PRODUCT, from: "2026-03-01T00:00:00Z", to: "2026-04-01T00:00:00Z", limit: $limit) {
      rows { key product { id name category } } } }`;
    const rows = ok(await t.gql(query, { limit: 3 }, 'SALES_MANAGER')).revenueBy.rows;
    expect(rows.map((r: any) => [r.key === r.product.id, r.product.name, r.product.category]))
      .toEqual([[true, 'Laptop A', 'Laptops'], [true, 'Laptop B', 'Laptops'], [true, 'Dock', 'Accessories']]);
    const byCategory = ok(await t.gql(`{ revenueBy(groupBy: CATEGORY, from: "2026-03-01T00:00:00Z", to: "2026-04-01T00:00:00Z") { rows { key product { id } } } }`, {}, 'ADMIN'));
    expect(byCategory.revenueBy.rows.map((r: any) => r.product)).toEqual([null, null]);
    await t.token('ADMIN');
    const count = (limit: number) => t.countQueries(async () => { ok(await t.gql(query, { limit }, 'ADMIN')); });
    expect(await count(3)).toBe(await count(1));
  });
});

// ----------------------------------------------------------------------------------- campaignRoi

const ROI = `query($from: LocalDate, $to: LocalDate, $campaignIds: [ID!], $currency: String) {
  campaignRoi(from: $from, to: $to, campaignIds: $campaignIds, currency: $currency) {
    campaignId currency budget wonCount wonAmount wonInOtherCurrencies orderCount orderRevenue ordersInOtherCurrencies attributedRevenue roi } }`;

const roi = async (who: Who, vars: Record<string, unknown> = {}) => ok(await t.gql(ROI, vars, who)).campaignRoi
  .map((r: any) => [nameOf(r.campaignId, C), r.currency, r.budget, r.wonCount, r.wonAmount, r.wonInOtherCurrencies, r.orderCount, r.orderRevenue,
    r.ordersInOtherCurrencies, r.attributedRevenue, r.roi]);

const ALL = {
  C1: ['C1', 'EUR', '1000.00', 2, '2200.00', 1, 1, '150.00', 1, '2350.00', 1.35],
  C2: ['C2', 'EUR', '5000.00', 1, '300.00', 0, 2, '3250.00', 0, '3550.00', -0.29],
  C3: ['C3', 'USD', null, 1, '250.00', 0, 0, '0.00', 1, '250.00', null],
  C4: ['C4', 'EUR', '2000.00', 0, '0.00', 0, 0, '0.00', 0, '0.00', -1],
};

describe('campaignRoi', () => {
  test('ADMIN, MARKETING and FINANCE: every campaign, hand-computed, highest ROI first and no budget last', async () => {
    for (const who of ['ADMIN', 'MARKETING', 'FINANCE'] as Who[]) expect(await roi(who)).toEqual([ALL.C1, ALL.C2, ALL.C4, ALL.C3]);
  });

  test('filters: campaigns running in the dates, of some ids, budgeted in a currency', async () => {
    expect(await roi('ADMIN', { from: '2026-02-01', to: '2026-03-31' })).toEqual([ALL.C2, ALL.C3]);
    expect(await roi('ADMIN', { to: '2025-12-31' })).toEqual([ALL.C4]);
    expect(await roi('ADMIN', { from: '2026-03-31' })).toEqual([ALL.C3]);
    expect(await roi('ADMIN', { campaignIds: [C.C4, C.C1] })).toEqual([ALL.C1, ALL.C4]);
    expect(await roi('ADMIN', { currency: 'USD' })).toEqual([ALL.C3]);
    expect(await roi('ADMIN', { campaignIds: [] })).toEqual([]);
  });

  test('a manager counts their team\'s deals and their customers\' orders', async () => {
    expect(await roi('SALES_MANAGER')).toEqual([
      ['C1', 'EUR', '1000.00', 1, '1500.00', 1, 1, '150.00', 1, '1650.00', 0.65],
      ALL.C2, ALL.C4, ['C3', 'USD', null, 1, '250.00', 0, 0, '0.00', 0, '250.00', null],
    ]);
  });

  test('in a reporting currency: budgets at today\'s rate, deals and orders at their day\'s, every currency counted', async () => {
    const query = `query($in: String, $ids: [ID!]) { campaignRoi(in: $in, campaignIds: $ids) {
      campaignId currency budget wonCount wonAmount wonInOtherCurrencies orderCount orderRevenue ordersInOtherCurrencies attributedRevenue roi
      rates { from to rate validOn inverse } } }`;
    const eur = ok(await t.gql(query, { in: 'EUR' }, 'FINANCE')).campaignRoi
      .map((r: any) => [nameOf(r.campaignId, C), r.currency, r.budget, r.wonCount, r.wonAmount, r.wonInOtherCurrencies, r.orderCount, r.orderRevenue,
        r.ordersInOtherCurrencies, r.attributedRevenue, r.roi, r.rates.map((x: any) => `${x.from}>${x.to} ${x.rate} ${x.validOn}`).sort()]);
    expect(eur).toEqual([
      ['C1', 'EUR', '1000.00', 3, '2390.00', 0, 2, '278.00', 0, '2668.00', 1.668, ['USD>EUR 0.8000000000 2026-03-18', 'USD>EUR 0.9500000000 2026-01-01']],
      ['C2', 'EUR', '5000.00', 1, '300.00', 0, 2, '3250.00', 0, '3550.00', -0.29, []],
      ['C4', 'EUR', '2000.00', 0, '0.00', 0, 0, '0.00', 0, '0.00', -1, []],
      ['C3', 'EUR', null, 1, '237.50', 0, 1, '1000.00', 0, '1237.50', null, ['USD>EUR 0.9500000000 2026-01-01']],
    ]);
    const c1 = ok(await t.gql(query, { in: 'USD', ids: [C.C1] }, 'FINANCE')).campaignRoi[0];
    expect([c1.currency, c1.budget, c1.wonCount, c1.wonAmount, c1.orderCount, c1.orderRevenue, c1.attributedRevenue, c1.roi]).toEqual(
      ['USD', '1250.00', 3, '2515.79', 2, '347.50', '2863.29', 1.2906]);
    expect(c1.rates.map((x: any) => `${x.from}>${x.to} ${x.rate} ${x.validOn} ${x.inverse}`).sort())
      .toEqual(['EUR>USD 1.0526315789 2026-01-01 true', 'EUR>USD 1.2500000000 2026-03-18 true']);
    const missing = await t.gql(query, { in: 'GBP' }, 'FINANCE');
    expect([codes(missing), missing.body.errors?.[0]?.extensions?.field]).toEqual([['BAD_USER_INPUT'], 'in']);
  });

  test('SALES_REP, ANALYST, SERVICE_AGENT and PARTNER are refused', async () => {
    for (const who of ['SALES_REP', 'ANALYST', 'SERVICE_AGENT', 'PARTNER'] as Who[]) expect(codes(await t.gql(ROI, {}, who))).toEqual(['FORBIDDEN']);
  });

  test('bad arguments are BAD_USER_INPUT naming them', async () => {
    const bad = async (vars: Record<string, unknown>) => {
      const res = await t.gql(ROI, vars, 'ADMIN');
      return [codes(res), res.body.errors?.[0]?.extensions?.field];
    };
    expect(await bad({ from: '2026-03-01', to: '2026-02-01' })).toEqual([['BAD_USER_INPUT'], 'to']);
    expect(await bad({ campaignIds: ['cmp_nope'] })).toEqual([['BAD_USER_INPUT'], 'campaignIds']);
    expect(await bad({ currency: 'EURO' })).toEqual([['BAD_USER_INPUT'], 'currency']);
  });

  test('the campaign behind a row, batched (statements independent of the rows)', async () => {
    const query = `query($ids: [ID!]) { campaignRoi(campaignIds: $ids) { campaignId campaign { id name budget } } }`;
    const rows = ok(await t.gql(query, {}, 'MARKETING')).campaignRoi;
    expect(rows.map((r: any) => [r.campaign.id === r.campaignId, r.campaign.name, r.campaign.budget]))
      .toEqual([[true, 'Campaign C1', '1000.00'], [true, 'Campaign C2', '5000.00'], [true, 'Campaign C4', '2000.00'], [true, 'Campaign C3', null]]);
    await t.token('ADMIN');
    const count = (ids: string[]) => t.countQueries(async () => { ok(await t.gql(query, { ids }, 'ADMIN')); });
    expect(await count(Object.values(C))).toBe(await count([C.C1]));
  });
});
