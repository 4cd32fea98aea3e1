/**
 * Customer value analytics through HTTP: segmentSummary, churnAnalysis, cohortRetention and
 * tierMigration on a small FIXED data set inserted with raw SQL (customers, customer_metrics rows with
 * hand-written values, churned customers, COMPLETED and other orders with completion times, loyalty
 * memberships and their tier history). Every expected number was computed by hand from the tables in
 * this file, never with SQL. Also the scopes (a rep sees their own customers, a manager their team's,
 * other staff all), the cost figures (margins and CLV for SALES_MANAGER, FINANCE and ADMIN only), who is
 * refused (PARTNER, API keys), argument errors, and that the number of statements does not grow with
 * the number of groups.
 *
 * The test seed's demo customers have no metrics rows, no orders, no memberships, and no `churnedAt`
 * (they were seeded after the migration that backfills it): they count nowhere here.
 */
import { newId } from '../src/entities/ids';
import { codes, startTestApp, USERS, type GqlResult, type TestApp, type Who } from './helpers';

let t: TestApp;

/** The period of the churn and tier-migration tests. */
const P = { from: '2025-01-01T00:00:00.000Z', to: '2025-07-01T00:00:00.000Z' };

/** User ids: M (manager), R1 and R2 (the manager's reps), R3 (a rep outside the manager's team). */
const U: Record<'M' | 'R1' | 'R2' | 'R3', string> = { M: '', R1: '', R2: '', R3: '' };
type Owner = 'R1' | 'R2' | 'R3';

function ok(res: GqlResult): any {
  expect(res.body.errors).toBeUndefined();
  expect(res.status).toBe(200);
  return res.body.data;
}

// -------------------------------------------------------------------------------------- fixture

interface CustomerFixture {
  owner: Owner; sector: string; deleted?: boolean;
  /** status CHURNED with this reason at this time. */
  churned?: [reason: string, at: string];
  /** churned_at set on an ACTIVE customer (won back): not churned. */
  churnedAtOnly?: string;
}

const CUSTOMERS: Record<string, CustomerFixture> = {
  K1: { owner: 'R1', sector: 'ENTERPRISE' },
  K2: { owner: 'R1', sector: 'SMALL_BUSINESS' },
  K3: { owner: 'R2', sector: 'ENTERPRISE' },
  K4: { owner: 'R2', sector: 'EDUCATION' },
  K5: { owner: 'R3', sector: 'ENTERPRISE' },
  K6: { owner: 'R1', sector: 'SMALL_BUSINESS', deleted: true },
  K7: { owner: 'R1', sector: 'EDUCATION' }, // no metrics row
  K8: { owner: 'R1', sector: 'SMALL_BUSINESS', churned: ['PRICE', '2025-03-10T00:00:00Z'] },
  K9: { owner: 'R2', sector: 'EDUCATION', churned: ['PRICE', '2025-04-20T00:00:00Z'] },
  K10: { owner: 'R3', sector: 'ENTERPRISE', churned: ['POOR_SERVICE', '2025-04-05T00:00:00Z'] },
  K11: { owner: 'R1', sector: 'GOVERNMENT', churned: ['MOVED', '2025-07-01T00:00:00Z'] }, // churned exactly at the end of P
  K12: { owner: 'R2', sector: 'OTHER', churned: ['PRICE', '2025-06-30T23:59:59Z'] }, // no metrics row
  K13: { owner: 'R1', sector: 'OTHER', churned: ['PRICE', '2025-02-01T00:00:00Z'], deleted: true },
  K14: { owner: 'R1', sector: 'OTHER', churnedAtOnly: '2025-02-01T00:00:00Z' },
};

/**
 * Metrics rows: [c3, pareto, rfm total, revenue12m, margin12m, clvHistoric, lastFlaggedHighAt].
 * Counted (live): K1 K2 K3 K4 K5 K8 K9 K10 K11 — Σ revenue12m = 1000.00 + 250.50 + 2000.00 + 333.33 = 3583.83.
 *
 *  key  owner sector          tier now  c3                 pareto rfm revenue  margin   clv
 *  K1   R1    ENTERPRISE      GOLD      CHAMPION           A      15  1000.00  300.00   900.00
 *  K2   R1    SMALL_BUSINESS  SILVER    DRIFTER            B       9   250.50   50.25   100.10
 *  K3   R2    ENTERPRISE      —         CHAMPION           A      15  2000.00  700.00  1500.00
 *  K4   R2    EDUCATION       STANDARD  —                  C       —     0.00    0.00     0.00
 *  K5   R3    ENTERPRISE      —         DRIFTER            B       7   333.33  149.75   300.05
 *  K6   R1    (deleted)       STANDARD  CHAMPION           A      12  5000.00 1000.00  4000.00   never counted
 *  K8   R1    SMALL_BUSINESS  SILVER    AT_RISK_VALUABLE   C       5     0.00    0.00   400.00   flagged 2025-02-01
 *  K9   R2    EDUCATION       GOLD      DRIFTER            C       3     0.00  -10.00    50.00   flagged 2025-05-01 (after its churn)
 *  K10  R3    ENTERPRISE      —         AT_RISK_VALUABLE   C       4     0.00    0.00  1200.00   flagged 2025-01-15
 *  K11  R1    GOVERNMENT      —         —                  C       —     0.00    0.00     0.00
 */
type MetricsFixture = [string | null, string, number | null, string, string, string, string?];
const METRICS: Record<string, MetricsFixture> = {
  K1: ['CHAMPION', 'A', 15, '1000.00', '300.00', '900.00'],
  K2: ['DRIFTER', 'B', 9, '250.50', '50.25', '100.10'],
  K3: ['CHAMPION', 'A', 15, '2000.00', '700.00', '1500.00'],
  K4: [null, 'C', null, '0.00', '0.00', '0.00'],
  K5: ['DRIFTER', 'B', 7, '333.33', '149.75', '300.05'],
  K6: ['CHAMPION', 'A', 12, '5000.00', '1000.00', '4000.00'],
  K8: ['AT_RISK_VALUABLE', 'C', 5, '0.00', '0.00', '400.00', '2025-02-01T00:00:00Z'],
  K9: ['DRIFTER', 'C', 3, '0.00', '-10.00', '50.00', '2025-05-01T00:00:00Z'],
  K10: ['AT_RISK_VALUABLE', 'C', 4, '0.00', '0.00', '1200.00', '2025-01-15T00:00:00Z'],
  K11: [null, 'C', null, '0.00', '0.00', '0.00'],
};
/** When the rows were computed: all at 2025-07-01 but K5's, a day older. */
const COMPUTED_AT = '2025-07-01T00:00:00.000Z';
const K5_COMPUTED_AT = '2025-06-30T00:00:00.000Z';

/**
 * Orders: [customer, status, currency, total, completedAt]. Revenue lost (EUR, the programme's currency,
 * completed in [churnedAt − 365 days, churnedAt)):
 *   K8 (churned 2025-03-10): O1 120.00 + O2 80.55 (exactly 365 days before) = 200.55; not O3 (a second
 *       earlier), O4 (USD), O5 (CANCELLED), O6 (at the churn instant);
 *   K9 (2025-04-20): O7 1000.01; not O8 (RETURNED);  K10: no orders, 0.00;  K12 (2025-06-30 23:59:59): O9 10.10.
 */
type OrderFixture = [string, string, string, string, string | null];
const ORDERS: OrderFixture[] = [
  ['K1', 'COMPLETED', 'EUR', '100.00', '2025-01-05T10:00:00Z'], // Q1
  ['K1', 'COMPLETED', 'EUR', '50.00', '2025-01-20T10:00:00Z'], // Q2
  ['K1', 'COMPLETED', 'EUR', '70.00', '2025-03-31T23:59:59Z'], // Q3
  ['K2', 'COMPLETED', 'EUR', '20.00', '2025-01-31T23:59:59Z'], // Q4
  ['K2', 'COMPLETED', 'EUR', '20.00', '2025-02-01T00:00:00Z'], // Q5
  ['K3', 'COMPLETED', 'EUR', '300.00', '2025-02-14T10:00:00Z'], // Q6
  ['K3', 'COMPLETED', 'EUR', '300.00', '2025-04-14T10:00:00Z'], // Q7
  ['K3', 'PENDING', 'EUR', '1.00', null], // Q8
  ['K5', 'COMPLETED', 'EUR', '10.00', '2025-01-10T10:00:00Z'], // Q9
  ['K5', 'COMPLETED', 'USD', '10.00', '2025-02-10T10:00:00Z'], // Q10
  ['K7', 'COMPLETED', 'EUR', '5.00', '2024-12-31T23:59:59Z'], // Q11: K7's first order is in 2024
  ['K7', 'COMPLETED', 'EUR', '5.00', '2025-01-15T10:00:00Z'], // Q12
  ['K6', 'COMPLETED', 'EUR', '5.00', '2025-01-10T10:00:00Z'], // Q13: deleted customer
  ['K8', 'COMPLETED', 'EUR', '120.00', '2024-06-01T10:00:00Z'], // O1
  ['K8', 'COMPLETED', 'EUR', '80.55', '2024-03-10T00:00:00Z'], // O2
  ['K8', 'COMPLETED', 'EUR', '999.00', '2024-03-09T23:59:59Z'], // O3
  ['K8', 'COMPLETED', 'USD', '500.00', '2024-12-01T10:00:00Z'], // O4
  ['K8', 'CANCELLED', 'EUR', '300.00', null], // O5
  ['K8', 'COMPLETED', 'EUR', '40.00', '2025-03-10T00:00:00Z'], // O6
  ['K9', 'COMPLETED', 'EUR', '1000.01', '2025-01-15T10:00:00Z'], // O7
  ['K9', 'RETURNED', 'EUR', '50.00', '2025-02-01T10:00:00Z'], // O8: completed once, then returned
  ['K12', 'COMPLETED', 'EUR', '10.10', '2025-06-30T12:00:00Z'], // O9
  ['K11', 'COMPLETED', 'EUR', '777.00', '2025-05-01T10:00:00Z'], // O10
];

/**
 * Memberships (current tier) and their tier history [from, to, at]:
 *   K1 GOLD:      → STANDARD 2024-05-01, → SILVER 2024-09-01, → GOLD 2025-02-01        P: SILVER → GOLD
 *   K2 SILVER:    → STANDARD 2025-01-01 00:00 (= P.from), → SILVER 2025-03-01         P: NEW → SILVER
 *   K4 STANDARD:  → STANDARD 2024-01-01 00:00, → SILVER 2024-06-01, → STANDARD 2025-05-01   P: SILVER → STANDARD
 *   K8 SILVER:    → SILVER 2024-02-01, → GOLD 2025-02-01, → SILVER 2025-06-01          P: SILVER → SILVER
 *   K9 GOLD:      → SILVER 2024-10-01, → GOLD 2025-03-01                               P: SILVER → GOLD
 *   K6 STANDARD:  → STANDARD 2024-01-01 (deleted customer: never counted)
 *   K7 STANDARD:  → STANDARD 2025-07-01 00:00 (= P.to: not a member yet at the end of P)
 */
const MEMBERSHIPS: Record<string, [string, [string | null, string, string][]]> = {
  K1: ['GOLD', [[null, 'STANDARD', '2024-05-01T00:00:00Z'], ['STANDARD', 'SILVER', '2024-09-01T00:00:00Z'], ['SILVER', 'GOLD', '2025-02-01T00:00:00Z']]],
  K2: ['SILVER', [[null, 'STANDARD', '2025-01-01T00:00:00Z'], ['STANDARD', 'SILVER', '2025-03-01T00:00:00Z']]],
  K4: ['STANDARD', [[null, 'STANDARD', '2024-01-01T00:00:00Z'], ['STANDARD', 'SILVER', '2024-06-01T00:00:00Z'], ['SILVER', 'STANDARD', '2025-05-01T00:00:00Z']]],
  K8: ['SILVER', [[null, 'SILVER', '2024-02-01T00:00:00Z'], ['SILVER', 'GOLD', '2025-02-01T00:00:00Z'], ['GOLD', 'SILVER', '2025-06-01T00:00:00Z']]],
  K9: ['GOLD', [[null, 'SILVER', '2024-10-01T00:00:00Z'], ['SILVER', 'GOLD', '2025-03-01T00:00:00Z']]],
  K6: ['STANDARD', [[null, 'STANDARD', '2024-01-01T00:00:00Z']]],
  K7: ['STANDARD', [[null, 'STANDARD', '2025-07-01T00:00:00Z']]],
};

const K: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestApp();
  const users = await t.sql<{ id: string; email: string }>('select id, email from app_user');
  const idOf = (email: string) => users.find((u) => u.email === email)!.id;
  U.M = idOf(USERS.SALES_MANAGER);
  U.R1 = idOf(USERS.SALES_REP);
  U.R2 = idOf(USERS.SALES_REP_2);
  U.R3 = newId('User');
  await t.sql(`insert into app_user (id, email, name, role, manager_id, password_hash, created_at, updated_at)
    values (?, 'rep3@demo.crm', 'Remy Rep', 'SALES_REP', null, 'not-a-hash', now(), now())`, [U.R3]);

  const created = '2024-01-01T00:00:00Z';
  for (const [key, c] of Object.entries(CUSTOMERS)) {
    K[key] = newId('Customer');
    await t.sql(`insert into customer (id, name, kind, sector, tier, owner_id, status, churn_reason, churned_at, created_at, updated_at, deleted_at)
      values (?, ?, 'BUSINESS', ?, 'TARGET', ?, ?, ?, ?, ?, ?, ?)`,
    [K[key], `Value ${key}`, c.sector, U[c.owner], c.churned ? 'CHURNED' : 'ACTIVE', c.churned?.[0] ?? null,
      c.churned?.[1] ?? c.churnedAtOnly ?? null, created, created, c.deleted ? '2025-06-01T00:00:00Z' : null]);
  }
  for (const [key, [c3, pareto, rfm, revenue, margin, clv, flagged]] of Object.entries(METRICS)) {
    await t.sql(`insert into customer_metrics (customer_id, computed_at, currency, orders_total, frequency, monetary, rfm_total,
        revenue_12m, revenue_previous_12m, attitude, behaviour, clv_historic, clv_predicted_12m, margin_12m, open_complaints,
        pareto_class, c3_segment, churn_level, churn_score, last_flagged_high_at, referral_customers, referral_revenue_12m)
      values (?, ?, 'EUR', 0, 0, ?::numeric, ?, ?::numeric, 0, 'LOW', 'LOW', ?::numeric, 0, ?::numeric, 0, ?, ?, 'LOW', 0, ?, 0, 0)`,
    [K[key], key === 'K5' ? K5_COMPUTED_AT : COMPUTED_AT, revenue, rfm, revenue, clv, margin, pareto, c3, flagged ?? null]);
  }
  for (const [customer, status, currency, total, completed] of ORDERS) {
    const at = completed ?? '2025-01-01T00:00:00Z';
    await t.sql(`insert into sales_order (id, customer_id, bill_to_id, channel, status, currency, subtotal, total, created_by, completed_at, created_at, updated_at)
      values (?, ?, ?, 'WEB', ?, ?, ?::numeric, ?::numeric, 'usr_fixture', ?, ?, ?)`,
    [newId('Order'), K[customer], K[customer], status, currency, total, total, completed, at, at]);
  }
  let number = 900001;
  for (const [customer, [tier, history]] of Object.entries(MEMBERSHIPS)) {
    const id = newId('Membership');
    await t.sql(`insert into loyalty_membership (id, customer_id, number, tier, since, tier_since, created_by)
      values (?, ?, ?, ?, ?, ?, 'usr_fixture')`, [id, K[customer], String(number++), tier, history[0][2], history[history.length - 1][2]]);
    for (const [from, to, at] of history) {
      await t.sql(`insert into loyalty_tier_change (id, membership_id, customer_id, from_tier, to_tier, spend12m, reason, created_at)
        values (?, ?, ?, ?, ?, 0, ?, ?)`, [newId('TierChange'), id, K[customer], from, to, from ? 'ORDER' : 'ENROLMENT', at]);
    }
  }
  // the fixture is what the tables say
  const [n] = await t.sql<{ metrics: number; orders: number; changes: number }>(`select (select count(*)::int from customer_metrics) as metrics,
    (select count(*)::int from sales_order) as orders, (select count(*)::int from loyalty_tier_change) as changes`);
  expect(n).toEqual({ metrics: 10, orders: ORDERS.length, changes: Object.values(MEMBERSHIPS).reduce((s, [, h]) => s + h.length, 0) });
});
afterAll(async () => { await t.close(); });

// ------------------------------------------------------------------------------------- segments

const SEGMENTS = `query($by: SegmentDimension!) {
  segmentSummary(by: $by) {
    by currency oldestComputedAt
    groups { key c3Segment paretoClass loyaltyTier sector rfmScore customers revenue12m margin12m averageClv revenueShare }
    total { customers revenue12m margin12m averageClv revenueShare }
  }
}`;
/** The same without the cost figures (for the roles that may not read them). */
const SEGMENTS_NO_COSTS = `query($by: SegmentDimension!) {
  segmentSummary(by: $by) {
    by currency oldestComputedAt
    groups { key c3Segment paretoClass loyaltyTier sector rfmScore customers revenue12m revenueShare }
    total { customers revenue12m revenueShare }
  }
}`;

type Dim = 'C3' | 'PARETO' | 'TIER' | 'SECTOR' | 'RFM_SCORE';
const TYPED: Record<Dim, string> = { C3: 'c3Segment', PARETO: 'paretoClass', TIER: 'loyaltyTier', SECTOR: 'sector', RFM_SCORE: 'rfmScore' };

/** An expected group: its key, then customers, revenue12m, margin12m, averageClv, revenueShare. */
function group(by: Dim, key: string, customers: number, revenue12m: string, margin12m: string, averageClv: string, revenueShare: number) {
  const typed = { c3Segment: null, paretoClass: null, loyaltyTier: null, sector: null, rfmScore: null } as Record<string, unknown>;
  if (key !== 'NONE') typed[TYPED[by]] = by === 'RFM_SCORE' ? Number(key) : key;
  return { key, ...typed, customers, revenue12m, margin12m, averageClv, revenueShare };
}
const withoutCosts = ({ margin12m: _m, averageClv: _c, ...rest }: Record<string, unknown>) => rest;

// Σ revenue12m of all counted = 3583.83; clvHistoric of all: 900 + 100.10 + 1500 + 0 + 300.05 + 400 + 50 + 1200 + 0 = 4450.15, / 9 = 494.4611…
const ADMIN_TOTAL = { customers: 9, revenue12m: '3583.83', margin12m: '1190.00', averageClv: '494.46', revenueShare: 1 };

const EXPECTED: Record<Dim, ReturnType<typeof group>[]> = {
  // 3000.00 / 3583.83 = 0.83709…; 583.83 / 3583.83 = 0.16290…
  C3: [
    group('C3', 'CHAMPION', 2, '3000.00', '1000.00', '1200.00', 0.8371), // K1 K3
    group('C3', 'AT_RISK_VALUABLE', 2, '0.00', '0.00', '800.00', 0), // K8 K10: (400 + 1200) / 2
    group('C3', 'DRIFTER', 3, '583.83', '190.00', '150.05', 0.1629), // K2 K5 K9: 50.25 + 149.75 − 10; 450.15 / 3
    group('C3', 'NONE', 2, '0.00', '0.00', '0.00', 0), // K4 K11
  ],
  PARETO: [
    group('PARETO', 'A', 2, '3000.00', '1000.00', '1200.00', 0.8371), // K1 K3
    group('PARETO', 'B', 2, '583.83', '200.00', '200.08', 0.1629), // K2 K5: 400.15 / 2 = 200.075, half away from zero
    group('PARETO', 'C', 5, '0.00', '-10.00', '330.00', 0), // K4 K8 K9 K10 K11: 1650 / 5
  ],
  TIER: [
    group('TIER', 'STANDARD', 1, '0.00', '0.00', '0.00', 0), // K4
    group('TIER', 'SILVER', 2, '250.50', '50.25', '250.05', 0.0699), // K2 K8: 500.10 / 2; 250.50 / 3583.83 = 0.06989…
    group('TIER', 'GOLD', 2, '1000.00', '290.00', '475.00', 0.279), // K1 K9: 300 − 10; 950 / 2; 1000 / 3583.83 = 0.27903…
    group('TIER', 'NONE', 4, '2333.33', '849.75', '750.01', 0.6511), // K3 K5 K10 K11: 3000.05 / 4 = 750.0125; 0.65107…
  ],
  SECTOR: [
    group('SECTOR', 'SMALL_BUSINESS', 2, '250.50', '50.25', '250.05', 0.0699), // K2 K8
    group('SECTOR', 'ENTERPRISE', 4, '3333.33', '1149.75', '975.01', 0.9301), // K1 K3 K5 K10: 3900.05 / 4 = 975.0125; 0.93010…
    group('SECTOR', 'EDUCATION', 2, '0.00', '-10.00', '25.00', 0), // K4 K9
    group('SECTOR', 'GOVERNMENT', 1, '0.00', '0.00', '0.00', 0), // K11
  ],
  RFM_SCORE: [
    group('RFM_SCORE', '3', 1, '0.00', '-10.00', '50.00', 0), // K9
    group('RFM_SCORE', '4', 1, '0.00', '0.00', '1200.00', 0), // K10
    group('RFM_SCORE', '5', 1, '0.00', '0.00', '400.00', 0), // K8
    group('RFM_SCORE', '7', 1, '333.33', '149.75', '300.05', 0.093), // K5: 0.09300…
    group('RFM_SCORE', '9', 1, '250.50', '50.25', '100.10', 0.0699), // K2
    group('RFM_SCORE', '15', 2, '3000.00', '1000.00', '1200.00', 0.8371), // K1 K3
    group('RFM_SCORE', 'NONE', 2, '0.00', '0.00', '0.00', 0), // K4 K11
  ],
};

describe('segmentSummary', () => {
  test.each(Object.keys(EXPECTED) as Dim[])('ADMIN and FINANCE: every customer with metrics, by %s, with margins and CLV', async (by) => {
    for (const who of ['ADMIN', 'FINANCE'] as Who[]) {
      expect(ok(await t.gql(SEGMENTS, { by }, who)).segmentSummary).toEqual({
        by, currency: 'EUR', oldestComputedAt: K5_COMPUTED_AT, groups: EXPECTED[by], total: ADMIN_TOTAL,
      });
    }
  });

  test('MARKETING, SERVICE_AGENT and ANALYST: every customer, but no margins or CLV (FORBIDDEN at the field)', async () => {
    for (const who of ['MARKETING', 'SERVICE_AGENT', 'ANALYST'] as Who[]) {
      expect(ok(await t.gql(SEGMENTS_NO_COSTS, { by: 'C3' }, who)).segmentSummary).toEqual({
        by: 'C3', currency: 'EUR', oldestComputedAt: K5_COMPUTED_AT, groups: EXPECTED.C3.map(withoutCosts), total: withoutCosts(ADMIN_TOTAL),
      });
      const res = await t.gql(SEGMENTS, { by: 'PARETO' }, who);
      const report = res.body.data.segmentSummary;
      expect(report.groups.map((g: any) => [g.margin12m, g.averageClv])).toEqual([[null, null], [null, null], [null, null]]);
      expect([report.total.margin12m, report.total.averageClv]).toEqual([null, null]);
      expect(report.groups.map(withoutCosts)).toEqual(EXPECTED.PARETO.map(withoutCosts));
      expect(new Set(codes(res))).toEqual(new Set(['FORBIDDEN']));
      expect(res.body.errors!.map((e) => e.path!.slice(-1)[0]).sort()).toEqual([...Array(4).fill('averageClv'), ...Array(4).fill('margin12m')]);
    }
  });

  test('a rep sees their own customers (no margins), a manager their team\'s (with margins)', async () => {
    // R1: K1 K2 K8 K11 (K6 deleted, K7 without metrics). Σ revenue 1250.50: 1000 / 1250.50 = 0.79968…, 250.50 / 1250.50 = 0.20031…
    expect(ok(await t.gql(SEGMENTS_NO_COSTS, { by: 'C3' }, 'SALES_REP')).segmentSummary).toEqual({
      by: 'C3', currency: 'EUR', oldestComputedAt: COMPUTED_AT,
      groups: [
        withoutCosts(group('C3', 'CHAMPION', 1, '1000.00', '', '', 0.7997)),
        withoutCosts(group('C3', 'AT_RISK_VALUABLE', 1, '0.00', '', '', 0)),
        withoutCosts(group('C3', 'DRIFTER', 1, '250.50', '', '', 0.2003)),
        withoutCosts(group('C3', 'NONE', 1, '0.00', '', '', 0)), // K11
      ],
      total: { customers: 4, revenue12m: '1250.50', revenueShare: 1 },
    });
    const rep = await t.gql(SEGMENTS, { by: 'C3' }, 'SALES_REP');
    expect(new Set(codes(rep))).toEqual(new Set(['FORBIDDEN']));

    // M: R1's and R2's — K1 K2 K3 K4 K8 K9 K11. Σ revenue 3250.50: 3000 / 3250.50 = 0.92293…, 250.50 / 3250.50 = 0.07706…
    expect(ok(await t.gql(SEGMENTS, { by: 'PARETO' }, 'SALES_MANAGER')).segmentSummary).toEqual({
      by: 'PARETO', currency: 'EUR', oldestComputedAt: COMPUTED_AT,
      groups: [
        group('PARETO', 'A', 2, '3000.00', '1000.00', '1200.00', 0.9229), // K1 K3
        group('PARETO', 'B', 1, '250.50', '50.25', '100.10', 0.0771), // K2
        group('PARETO', 'C', 4, '0.00', '-10.00', '112.50', 0), // K4 K8 K9 K11: 450 / 4
      ],
      // 900 + 100.10 + 1500 + 0 + 400 + 50 + 0 = 2950.10, / 7 = 421.442…
      total: { customers: 7, revenue12m: '3250.50', margin12m: '1040.25', averageClv: '421.44', revenueShare: 1 },
    });
  });

  test('statements do not grow with the number of groups', async () => {
    await t.token('ADMIN');
    await t.token('SALES_REP');
    const seven = await t.countQueries(() => t.gql(SEGMENTS, { by: 'RFM_SCORE' }, 'ADMIN'));
    const three = await t.countQueries(() => t.gql(SEGMENTS_NO_COSTS, { by: 'C3' }, 'SALES_REP'));
    expect(seven).toBe(three);
  });
});

// ---------------------------------------------------------------------------------------- churn

const CHURN = `query($from: DateTime!, $to: DateTime!, $by: ChurnDimension!) {
  churnAnalysis(from: $from, to: $to, by: $by) {
    from to by currency
    groups { key reason c3Segment month customers revenueLost flaggedHigh flaggedHighShare }
    total { customers revenueLost flaggedHigh flaggedHighShare }
  }
}`;

type ChurnDim = 'REASON' | 'SEGMENT' | 'MONTH' | 'OWNER';
const CHURN_TYPED: Record<ChurnDim, string | null> = { REASON: 'reason', SEGMENT: 'c3Segment', MONTH: 'month', OWNER: null };
function churnGroup(by: ChurnDim, key: string, customers: number, revenueLost: string, flaggedHigh: number, flaggedHighShare: number | null) {
  const typed = { reason: null, c3Segment: null, month: null } as Record<string, unknown>;
  const field = CHURN_TYPED[by];
  if (field && key !== 'NONE') typed[field] = key;
  return { key, ...typed, customers, revenueLost, flaggedHigh, flaggedHighShare };
}

describe('churnAnalysis', () => {
  // Churned in P, live: K8 (R1, PRICE, 2025-03-10, lost 200.55, flagged before), K9 (R2, PRICE, 2025-04-20, 1000.01, flagged only
  // after), K10 (R3, POOR_SERVICE, 2025-04-05, 0.00, flagged before), K12 (R2, PRICE, 2025-06-30 23:59:59, 10.10, no metrics row).
  // Not: K11 (churned at P.to), K13 (deleted), K14 (ACTIVE again, churnedAt kept), the seed's churned customers (no churnedAt).
  const TOTAL = { customers: 4, revenueLost: '1210.66', flaggedHigh: 2, flaggedHighShare: 0.5 };
  const EXPECTED_CHURN: Record<Exclude<ChurnDim, 'OWNER'>, ReturnType<typeof churnGroup>[]> = {
    REASON: [
      churnGroup('REASON', 'POOR_SERVICE', 1, '0.00', 1, 1), // K10
      churnGroup('REASON', 'PRICE', 3, '1210.66', 1, 0.3333), // K8 K9 K12: 200.55 + 1000.01 + 10.10
    ],
    SEGMENT: [
      churnGroup('SEGMENT', 'AT_RISK_VALUABLE', 2, '200.55', 2, 1), // K8 K10
      churnGroup('SEGMENT', 'DRIFTER', 1, '1000.01', 0, 0), // K9
      churnGroup('SEGMENT', 'NONE', 1, '10.10', 0, 0), // K12
    ],
    MONTH: [
      churnGroup('MONTH', '2025-03', 1, '200.55', 1, 1), // K8
      churnGroup('MONTH', '2025-04', 2, '1000.01', 1, 0.5), // K9 K10
      churnGroup('MONTH', '2025-06', 1, '10.10', 0, 0), // K12
    ],
  };

  test.each(Object.keys(EXPECTED_CHURN) as Exclude<ChurnDim, 'OWNER'>[])('every churned customer of the period by %s (ADMIN, ANALYST)', async (by) => {
    for (const who of ['ADMIN', 'ANALYST'] as Who[]) {
      expect(ok(await t.gql(CHURN, { ...P, by }, who)).churnAnalysis).toEqual({
        from: P.from, to: P.to, by, currency: 'EUR', groups: EXPECTED_CHURN[by], total: TOTAL,
      });
    }
  });

  test('by owner: ADMIN gets names, ANALYST user ids only', async () => {
    const query = `query($from: DateTime!, $to: DateTime!) { churnAnalysis(from: $from, to: $to, by: OWNER) {
      groups { key reason c3Segment month customers revenueLost flaggedHigh flaggedHighShare user { id name } } } }`;
    const byKey = (groups: any[]) => [...groups].sort((a, b) => a.key.localeCompare(b.key));
    const admin = ok(await t.gql(query, P, 'ADMIN')).churnAnalysis.groups;
    expect(admin.map((g: any) => g.key)).toEqual([U.R1, U.R2, U.R3].sort());
    expect(byKey(admin)).toEqual(byKey([
      { ...churnGroup('OWNER', U.R1, 1, '200.55', 1, 1), user: { id: U.R1, name: 'Rita Rep' } }, // K8
      { ...churnGroup('OWNER', U.R2, 2, '1010.11', 0, 0), user: { id: U.R2, name: 'Raj Rep' } }, // K9 K12
      { ...churnGroup('OWNER', U.R3, 1, '0.00', 1, 1), user: { id: U.R3, name: 'Remy Rep' } }, // K10
    ]));
    const analyst = await t.gql(query, P, 'ANALYST');
    expect(analyst.body.data.churnAnalysis.groups.map((g: any) => g.user)).toEqual([U.R1, U.R2, U.R3].sort().map((id) => ({ id, name: null })));
    expect(codes(analyst)).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
  });

  test('a manager sees their team\'s churners, a rep their own', async () => {
    // M: K8 K9 K12 (K10 is R3's)
    expect(ok(await t.gql(CHURN, { ...P, by: 'REASON' }, 'SALES_MANAGER')).churnAnalysis).toMatchObject({
      groups: [churnGroup('REASON', 'PRICE', 3, '1210.66', 1, 0.3333)],
      total: { customers: 3, revenueLost: '1210.66', flaggedHigh: 1, flaggedHighShare: 0.3333 },
    });
    // R1: K8 only
    expect(ok(await t.gql(CHURN, { ...P, by: 'MONTH' }, 'SALES_REP')).churnAnalysis).toMatchObject({
      groups: [churnGroup('MONTH', '2025-03', 1, '200.55', 1, 1)],
      total: { customers: 1, revenueLost: '200.55', flaggedHigh: 1, flaggedHighShare: 1 },
    });
  });

  test('the period is half-open; an empty one has no groups and a zero total', async () => {
    // [2025-07-01, 2025-08-01): K11 alone (its order O10 of 2025-05-01 is within the 365 days)
    expect(ok(await t.gql(CHURN, { from: P.to, to: '2025-08-01T00:00:00Z', by: 'REASON' }, 'ADMIN')).churnAnalysis.groups)
      .toEqual([churnGroup('REASON', 'MOVED', 1, '777.00', 0, 0)]);
    const empty = ok(await t.gql(CHURN, { from: '2020-01-01T00:00:00Z', to: '2020-02-01T00:00:00Z', by: 'SEGMENT' }, 'ADMIN')).churnAnalysis;
    expect(empty.groups).toEqual([]);
    expect(empty.total).toEqual({ customers: 0, revenueLost: '0.00', flaggedHigh: 0, flaggedHighShare: null });
    expect(empty.currency).toBe('EUR');
  });

  test('statements do not grow with the number of groups (owners resolved in one batch)', async () => {
    const query = `query($from: DateTime!, $to: DateTime!) { churnAnalysis(from: $from, to: $to, by: OWNER) { groups { key user { id name } } } }`;
    await t.token('ADMIN');
    await t.token('SALES_REP');
    const three = await t.countQueries(() => t.gql(query, P, 'ADMIN'));
    const one = await t.countQueries(() => t.gql(query, P, 'SALES_REP'));
    expect(three).toBe(one);
  });
});

// -------------------------------------------------------------------------------------- cohorts

const COHORTS = `query($from: DateTime!, $months: Int!, $cohorts: Int) {
  cohortRetention(from: $from, months: $months, cohorts: $cohorts) {
    firstMonth months
    cohorts { month size retention { offset month customers share } }
  }
}`;

/** A cohort's expected line: month, size, then [customers, share] for offsets 0… */
function cohort(month: string, size: number, cells: [number | null, number | null][]) {
  const [y, m] = month.split('-').map(Number);
  const label = (offset: number) => {
    const d = new Date(Date.UTC(y, m - 1 + offset, 1));
    return d.toISOString().slice(0, 7);
  };
  return { month, size, retention: cells.map(([customers, share], offset) => ({ offset, month: label(offset), customers, share })) };
}

describe('cohortRetention', () => {
  // First COMPLETED order per live customer: K1 2025-01-05, K2 2025-01-31 23:59:59, K5 2025-01-10, K9 2025-01-15 → January;
  // K3 2025-02-14 → February; K11 2025-05-01 → May; K12 2025-06-30 → June. Not: K7 (first order 2024-12-31 23:59:59),
  // K8 (2024-03), K6 (deleted).
  // January's customers ordering later: February K2 (Q5, 02-01 00:00), not K5 (Q10 is in USD, not the programme's currency),
  // not K9 (O8 RETURNED); March K1 (Q3).
  const ALL = [
    cohort('2025-01', 4, [[4, 1], [1, 0.25], [1, 0.25], [0, 0]]),
    cohort('2025-02', 1, [[1, 1], [0, 0], [1, 1], [0, 0]]), // K3 again in April (Q7)
    cohort('2025-03', 0, [[0, null], [0, null], [0, null], [0, null]]),
    cohort('2025-04', 0, [[0, null], [0, null], [0, null], [0, null]]),
    cohort('2025-05', 1, [[1, 1], [0, 0], [0, 0], [0, 0]]),
    cohort('2025-06', 1, [[1, 1], [0, 0], [0, 0], [0, 0]]),
  ];

  test('every cohort from the month of `from` (ADMIN, MARKETING, ANALYST)', async () => {
    for (const who of ['ADMIN', 'MARKETING', 'ANALYST'] as Who[]) {
      expect(ok(await t.gql(COHORTS, { from: '2025-01-15T12:00:00Z', months: 3, cohorts: 6 }, who)).cohortRetention)
        .toEqual({ firstMonth: '2025-01', months: 3, cohorts: ALL });
    }
  });

  test('a rep sees the cohorts of their own customers; a manager their team\'s', async () => {
    // R1: K1 K2 (January), K11 (May); K7 (2024) and K8 (2024) are in no cohort. January: February K2; March K1.
    expect(ok(await t.gql(COHORTS, { from: P.from, months: 2, cohorts: 5 }, 'SALES_REP')).cohortRetention.cohorts).toEqual([
      cohort('2025-01', 2, [[2, 1], [1, 0.5], [1, 0.5]]),
      cohort('2025-02', 0, [[0, null], [0, null], [0, null]]),
      cohort('2025-03', 0, [[0, null], [0, null], [0, null]]),
      cohort('2025-04', 0, [[0, null], [0, null], [0, null]]),
      cohort('2025-05', 1, [[1, 1], [0, 0], [0, 0]]),
    ]);
    // M: R1's and R2's: January K1 K2 K9 (not K5, R3's): February K2; March K1 → 1/3
    expect(ok(await t.gql(COHORTS, { from: P.from, months: 2, cohorts: 1 }, 'SALES_MANAGER')).cohortRetention.cohorts)
      .toEqual([cohort('2025-01', 3, [[3, 1], [1, 0.3333], [1, 0.3333]])]);
  });

  test('months that have not begun have no figures; by default the cohorts run up to the current month', async () => {
    const now = new Date();
    const month = (plus: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + plus, 1)).toISOString().slice(0, 7);
    let first: string;
    let report: any;
    do { // around the end of a month, the month could change during the request: ask again
      first = month(0);
      report = ok(await t.gql(COHORTS, { from: `${month(-1)}-10T00:00:00Z`, months: 2 }, 'ADMIN')).cohortRetention;
    } while (month(0) !== first);
    expect(report).toEqual({
      firstMonth: month(-1), months: 2,
      cohorts: [
        cohort(month(-1), 0, [[0, null], [0, null], [null, null]]),
        cohort(month(0), 0, [[0, null], [null, null], [null, null]]),
      ],
    });
  });

  test('statements do not grow with the number of cohorts', async () => {
    await t.token('ADMIN');
    const six = await t.countQueries(() => t.gql(COHORTS, { from: P.from, months: 3, cohorts: 6 }, 'ADMIN'));
    const one = await t.countQueries(() => t.gql(COHORTS, { from: P.from, months: 0, cohorts: 1 }, 'ADMIN'));
    expect(six).toBe(one);
  });
});

// ------------------------------------------------------------------------------- tier migration

const MIGRATION = `query($from: DateTime!, $to: DateTime!) {
  tierMigration(from: $from, to: $to) { from to moves { fromTier toTier members } members newMembers upgraded downgraded unchanged }
}`;

describe('tierMigration', () => {
  const move = (fromTier: string | null, toTier: string, members: number) => ({ fromTier, toTier, members });

  test('every member of the period by the tier held at `from` and at `to` (ADMIN, ANALYST, SERVICE_AGENT)', async () => {
    for (const who of ['ADMIN', 'ANALYST', 'SERVICE_AGENT'] as Who[]) {
      expect(ok(await t.gql(MIGRATION, P, who)).tierMigration).toEqual({
        from: P.from, to: P.to,
        // K2 NEW → SILVER; K4 SILVER → STANDARD; K8 SILVER → SILVER (via GOLD); K1 K9 SILVER → GOLD. Not K6 (deleted), K7 (enrolled at P.to).
        moves: [move(null, 'SILVER', 1), move('SILVER', 'STANDARD', 1), move('SILVER', 'SILVER', 1), move('SILVER', 'GOLD', 2)],
        members: 5, newMembers: 1, upgraded: 2, downgraded: 1, unchanged: 1,
      });
    }
  });

  test('an enrolment exactly at `from` is part of the period (NEW)', async () => {
    // [2024-01-01, 2024-07-01): K4 enrolled at 2024-01-01 00:00 and became SILVER; K8 enrolled SILVER; K1 enrolled STANDARD.
    expect(ok(await t.gql(MIGRATION, { from: '2024-01-01T00:00:00Z', to: '2024-07-01T00:00:00Z' }, 'FINANCE')).tierMigration).toMatchObject({
      moves: [move(null, 'STANDARD', 1), move(null, 'SILVER', 2)],
      members: 3, newMembers: 3, upgraded: 0, downgraded: 0, unchanged: 0,
    });
  });

  test('a rep sees their own customers\' members, a manager their team\'s', async () => {
    // R1: K1 (SILVER → GOLD), K2 (NEW → SILVER), K8 (SILVER → SILVER)
    expect(ok(await t.gql(MIGRATION, P, 'SALES_REP')).tierMigration).toMatchObject({
      moves: [move(null, 'SILVER', 1), move('SILVER', 'SILVER', 1), move('SILVER', 'GOLD', 1)],
      members: 3, newMembers: 1, upgraded: 1, downgraded: 0, unchanged: 1,
    });
    // M: also R2's K4 (down) and K9 (up): the same as ADMIN (every member belongs to R1 or R2)
    expect(ok(await t.gql(MIGRATION, P, 'SALES_MANAGER')).tierMigration).toMatchObject({ members: 5, upgraded: 2, downgraded: 1 });
  });

  test('no members: no moves and zero counts', async () => {
    expect(ok(await t.gql(MIGRATION, { from: '2020-01-01T00:00:00Z', to: '2020-02-01T00:00:00Z' }, 'ADMIN')).tierMigration).toMatchObject({
      moves: [], members: 0, newMembers: 0, upgraded: 0, downgraded: 0, unchanged: 0,
    });
  });

  test('statements do not grow with the number of moves', async () => {
    await t.token('ADMIN');
    const four = await t.countQueries(() => t.gql(MIGRATION, P, 'ADMIN'));
    const none = await t.countQueries(() => t.gql(MIGRATION, { from: '2020-01-01T00:00:00Z', to: '2020-02-01T00:00:00Z' }, 'ADMIN'));
    expect(four).toBe(none);
  });
});

// ------------------------------------------------------------------------------ who, and inputs

describe('access and arguments', () => {
  const ALL = [
    ['segmentSummary', `query { segmentSummary(by: C3) { total { customers } } }`],
    ['churnAnalysis', `query($from: DateTime!, $to: DateTime!) { churnAnalysis(from: $from, to: $to, by: REASON) { total { customers } } }`],
    ['cohortRetention', `query($from: DateTime!) { cohortRetention(from: $from, months: 1, cohorts: 1) { firstMonth } }`],
    ['tierMigration', `query($from: DateTime!, $to: DateTime!) { tierMigration(from: $from, to: $to) { members } }`],
  ] as const;

  test('PARTNER and API keys (even with customers:read) are refused; anonymous callers must sign in', async () => {
    const key = ok(await t.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`,
      { input: { name: 'value analytics', role: 'INTEGRATION', scopes: ['customers:read'] } }, 'ADMIN')).createApiKey.secret;
    for (const [, query] of ALL) {
      for (const who of ['PARTNER', { apiKey: key }] as const) {
        const res = await t.gql(query, P, who);
        expect(codes(res)).toEqual(['FORBIDDEN']);
        expect(res.body.data).toBeNull();
      }
      expect(codes(await t.gql(query, P, null))).toEqual(['UNAUTHENTICATED']);
    }
  });

  test('every staff role gets an answer', async () => {
    for (const [field, query] of ALL) {
      for (const who of ['ADMIN', 'SALES_MANAGER', 'SALES_REP', 'SERVICE_AGENT', 'MARKETING', 'FINANCE', 'ANALYST'] as Who[]) {
        expect(ok(await t.gql(query, P, who))[field]).toBeTruthy();
      }
    }
  });

  test('unusable arguments are BAD_USER_INPUT', async () => {
    const bad = async (query: string, vars: Record<string, unknown>, field: string) => {
      const res = await t.gql(query, vars, 'ADMIN');
      expect(codes(res)).toEqual(['BAD_USER_INPUT']);
      expect(res.body.errors![0].extensions!.field).toBe(field);
    };
    await bad(CHURN, { from: P.to, to: P.from, by: 'REASON' }, 'to');
    await bad(CHURN, { from: P.from, to: P.from, by: 'MONTH' }, 'to');
    await bad(MIGRATION, { from: P.to, to: P.from }, 'to');
    await bad(COHORTS, { from: P.from, months: -1, cohorts: 1 }, 'months');
    await bad(COHORTS, { from: P.from, months: 37, cohorts: 1 }, 'months');
    await bad(COHORTS, { from: P.from, months: 3, cohorts: 0 }, 'cohorts');
    await bad(COHORTS, { from: P.from, months: 3, cohorts: 61 }, 'cohorts');
    await bad(COHORTS, { from: '2019-01-01T00:00:00Z', months: 3 }, 'cohorts'); // more than 60 months ago, no count given
  });
});
