/**
 * Sales analytics through HTTP: salesFunnel, winRate, forecast and repPerformance on a small FIXED
 * data set inserted with raw SQL (users, customers of several sectors and tiers, opportunities with
 * known amounts, stages, dates and probabilities, their stage history, activities and tasks). Every
 * expected number below was computed by hand from the table in this file, never with SQL. Also the
 * scopes (ADMIN / FINANCE / ANALYST all, manager subtree, rep own), who is refused, argument errors,
 * and that the number of SQL statements does not grow with the number of rows.
 *
 * The period under test is P = [2025-01-01, 2025-07-01); the demo customers of the test seed are
 * created "now" (late 2026), outside it, and the test seed has no opportunities, activities or tasks.
 */
import { newId } from '../src/entities/ids';
import { codes, startTestApp, USERS, type GqlResult, type TestApp, type Who } from './helpers';

let t: TestApp;

const P = { from: '2025-01-01T00:00:00.000Z', to: '2025-07-01T00:00:00.000Z' };

/** User ids: M (manager), R1 and R2 (the manager's reps), R3 (a rep outside the manager's team). */
const U: Record<'M' | 'R1' | 'R2' | 'R3', string> = { M: '', R1: '', R2: '', R3: '' };

function ok(res: GqlResult): any {
  expect(res.body.errors).toBeUndefined();
  expect(res.status).toBe(200);
  return res.body.data;
}

// -------------------------------------------------------------------------------------- fixture

/** When each sales user started (app_user.created_at). */
const STARTS = { M: '2024-01-01T00:00:00Z', R1: '2024-10-01T00:00:00Z', R2: '2025-01-01T00:00:00Z', R3: '2025-03-01T00:00:00Z' };

type Owner = keyof typeof U;
interface CustomerFixture { owner: Owner; sector: string; tier: string; created: string; deleted?: string }

/** Customers: K1–K4 carry deals; K5, K7, K8 are the new customers of the period; K6 is soft-deleted. */
const CUSTOMERS: Record<string, CustomerFixture> = {
  K1: { owner: 'R1', sector: 'ENTERPRISE', tier: 'KEY', created: '2024-12-01T00:00:00Z' },
  K2: { owner: 'R1', sector: 'SMALL_BUSINESS', tier: 'TARGET', created: '2024-06-01T00:00:00Z' },
  K3: { owner: 'R2', sector: 'EDUCATION', tier: 'POTENTIAL', created: '2024-09-01T00:00:00Z' },
  K4: { owner: 'R3', sector: 'ENTERPRISE', tier: 'TARGET', created: '2024-11-01T00:00:00Z' },
  K5: { owner: 'R1', sector: 'SMALL_BUSINESS', tier: 'POTENTIAL', created: '2025-05-15T00:00:00Z' },
  K6: { owner: 'R1', sector: 'SMALL_BUSINESS', tier: 'POTENTIAL', created: '2025-02-20T00:00:00Z', deleted: '2025-06-01T00:00:00Z' },
  K7: { owner: 'R2', sector: 'GOVERNMENT', tier: 'KEY', created: '2025-03-05T00:00:00Z' },
  K8: { owner: 'R3', sector: 'EDUCATION', tier: 'TARGET', created: '2025-04-01T00:00:00Z' },
};

type Stage = 'PROSPECTING' | 'QUALIFICATION' | 'NEEDS_ANALYSIS' | 'PROPOSAL' | 'NEGOTIATION' | 'WON' | 'LOST';
interface OppFixture {
  owner: Owner; customer: string; amount: string; currency?: string; stage: Stage; probability: number;
  expected: string; created: string; closed?: string; lostReason?: string; deleted?: string;
  /** Stage history: [from, to, at, reopened?]. */
  history: [Stage | null, Stage, string, boolean?][];
}

const d = (day: string) => `${day}T00:00:00Z`;

/**
 *  key  owner cust amount     cur stage           prob expected    created     closed               notes
 *  O1   R1    K1   1000.10    EUR WON              100 2025-03-01  2025-01-10  2025-03-01           P→Q→PR→NG→WON, cycle 50 d
 *  O2   R1    K2   2500.25    EUR LOST               0 2025-04-01  2025-02-01  2025-03-03           P→Q→LOST
 *  O3   R2    K3    400.05    EUR NEEDS_ANALYSIS    40 2025-07-15  2025-03-01                       created at Q, Q→NA
 *  O4   R2    K3      0.15    EUR PROSPECTING       10 2025-07-31  2025-04-01
 *  O5   R3    K4   9000.00    EUR WON              100 2025-05-20  2025-04-10  2025-05-20           P→NG→WON, cycle 40 d
 *  O6   R1    K1    300.30    EUR WON              100 2025-06-01  2025-05-01  2025-06-01           created at PR, PR→WON, 31 d
 *  O7   R2    K3   5000.00    USD WON              100 2025-04-01  2025-02-01  2025-04-01           P→WON, cycle 59 d
 *  O8   R1    K2  12345.00    EUR WON              100 2025-01-05  2025-01-02  2025-01-05           soft-deleted: never counted
 *  O9   R1    K1     50.50    EUR WON              100 2025-02-14  2024-12-15  2025-02-14 12:00     cycle 61.5 d; R1's first win
 *  O10  R2    K3    100.00    EUR LOST               0 2025-02-10  2025-01-25  2025-02-10           P→LOST
 *  O11  R1    K2   1200.00    EUR NEGOTIATION       75 2025-09-01  2025-01-15                       P→WON, reopened WON→NG
 *  O12  R2    K3    333.33    EUR PROPOSAL          60 2025-06-30  2024-11-01
 *  O13  R1    K2     10.00    EUR QUALIFICATION     20 2025-10-01  2024-11-01
 *  O14  R3    K4    500.00    EUR PROPOSAL          60 2025-08-10  2024-12-01
 *  O15  R1    K1    999.99    USD PROPOSAL          60 2025-07-10  2024-12-01
 *  O16  R1    K2     50.00    EUR LOST               0 2025-06-20  2025-06-01  2025-06-20           P→PR→LOST
 *  O17  R2    K3     10.00    EUR WON              100 2025-07-01  2024-10-01  2025-07-01 00:00     closed exactly at the end of P
 *  O18  R3    K4     10.00    EUR WON              100 2024-12-20  2024-11-15  2024-12-20           won before R3 started
 *  O19  R1    K6   7000.00    EUR WON              100 2025-02-22  2025-02-21  2025-02-22           customer soft-deleted
 */
const OPPS: Record<string, OppFixture> = {
  O1: { owner: 'R1', customer: 'K1', amount: '1000.10', stage: 'WON', probability: 100, expected: '2025-03-01', created: d('2025-01-10'), closed: d('2025-03-01'),
    history: [[null, 'PROSPECTING', d('2025-01-10')], ['PROSPECTING', 'QUALIFICATION', d('2025-01-20')], ['QUALIFICATION', 'PROPOSAL', d('2025-02-01')],
      ['PROPOSAL', 'NEGOTIATION', d('2025-02-15')], ['NEGOTIATION', 'WON', d('2025-03-01')]] },
  O2: { owner: 'R1', customer: 'K2', amount: '2500.25', stage: 'LOST', probability: 0, expected: '2025-04-01', created: d('2025-02-01'), closed: d('2025-03-03'), lostReason: 'PRICE',
    history: [[null, 'PROSPECTING', d('2025-02-01')], ['PROSPECTING', 'QUALIFICATION', d('2025-02-10')], ['QUALIFICATION', 'LOST', d('2025-03-03')]] },
  O3: { owner: 'R2', customer: 'K3', amount: '400.05', stage: 'NEEDS_ANALYSIS', probability: 40, expected: '2025-07-15', created: d('2025-03-01'),
    history: [[null, 'QUALIFICATION', d('2025-03-01')], ['QUALIFICATION', 'NEEDS_ANALYSIS', d('2025-03-15')]] },
  O4: { owner: 'R2', customer: 'K3', amount: '0.15', stage: 'PROSPECTING', probability: 10, expected: '2025-07-31', created: d('2025-04-01'),
    history: [[null, 'PROSPECTING', d('2025-04-01')]] },
  O5: { owner: 'R3', customer: 'K4', amount: '9000.00', stage: 'WON', probability: 100, expected: '2025-05-20', created: d('2025-04-10'), closed: d('2025-05-20'),
    history: [[null, 'PROSPECTING', d('2025-04-10')], ['PROSPECTING', 'NEGOTIATION', d('2025-04-20')], ['NEGOTIATION', 'WON', d('2025-05-20')]] },
  O6: { owner: 'R1', customer: 'K1', amount: '300.30', stage: 'WON', probability: 100, expected: '2025-06-01', created: d('2025-05-01'), closed: d('2025-06-01'),
    history: [[null, 'PROPOSAL', d('2025-05-01')], ['PROPOSAL', 'WON', d('2025-06-01')]] },
  O7: { owner: 'R2', customer: 'K3', amount: '5000.00', currency: 'USD', stage: 'WON', probability: 100, expected: '2025-04-01', created: d('2025-02-01'), closed: d('2025-04-01'),
    history: [[null, 'PROSPECTING', d('2025-02-01')], ['PROSPECTING', 'WON', d('2025-04-01')]] },
  O8: { owner: 'R1', customer: 'K2', amount: '12345.00', stage: 'WON', probability: 100, expected: '2025-01-05', created: d('2025-01-02'), closed: d('2025-01-05'), deleted: d('2025-01-06'),
    history: [[null, 'PROSPECTING', d('2025-01-02')], ['PROSPECTING', 'WON', d('2025-01-05')]] },
  O9: { owner: 'R1', customer: 'K1', amount: '50.50', stage: 'WON', probability: 100, expected: '2025-02-14', created: d('2024-12-15'), closed: '2025-02-14T12:00:00Z',
    history: [[null, 'PROSPECTING', d('2024-12-15')], ['PROSPECTING', 'WON', '2025-02-14T12:00:00Z']] },
  O10: { owner: 'R2', customer: 'K3', amount: '100.00', stage: 'LOST', probability: 0, expected: '2025-02-10', created: d('2025-01-25'), closed: d('2025-02-10'), lostReason: 'NO_BUDGET',
    history: [[null, 'PROSPECTING', d('2025-01-25')], ['PROSPECTING', 'LOST', d('2025-02-10')]] },
  O11: { owner: 'R1', customer: 'K2', amount: '1200.00', stage: 'NEGOTIATION', probability: 75, expected: '2025-09-01', created: d('2025-01-15'),
    history: [[null, 'PROSPECTING', d('2025-01-15')], ['PROSPECTING', 'WON', d('2025-02-01')], ['WON', 'NEGOTIATION', d('2025-02-05'), true]] },
  O12: { owner: 'R2', customer: 'K3', amount: '333.33', stage: 'PROPOSAL', probability: 60, expected: '2025-06-30', created: d('2024-11-01'),
    history: [[null, 'PROPOSAL', d('2024-11-01')]] },
  O13: { owner: 'R1', customer: 'K2', amount: '10.00', stage: 'QUALIFICATION', probability: 20, expected: '2025-10-01', created: d('2024-11-01'),
    history: [[null, 'PROSPECTING', d('2024-11-01')], ['PROSPECTING', 'QUALIFICATION', d('2024-11-10')]] },
  O14: { owner: 'R3', customer: 'K4', amount: '500.00', stage: 'PROPOSAL', probability: 60, expected: '2025-08-10', created: d('2024-12-01'),
    history: [[null, 'PROPOSAL', d('2024-12-01')]] },
  O15: { owner: 'R1', customer: 'K1', amount: '999.99', currency: 'USD', stage: 'PROPOSAL', probability: 60, expected: '2025-07-10', created: d('2024-12-01'),
    history: [[null, 'PROPOSAL', d('2024-12-01')]] },
  O16: { owner: 'R1', customer: 'K2', amount: '50.00', stage: 'LOST', probability: 0, expected: '2025-06-20', created: d('2025-06-01'), closed: d('2025-06-20'), lostReason: 'COMPETITOR',
    history: [[null, 'PROSPECTING', d('2025-06-01')], ['PROSPECTING', 'PROPOSAL', d('2025-06-10')], ['PROPOSAL', 'LOST', d('2025-06-20')]] },
  O17: { owner: 'R2', customer: 'K3', amount: '10.00', stage: 'WON', probability: 100, expected: '2025-07-01', created: d('2024-10-01'), closed: d('2025-07-01'),
    history: [[null, 'PROSPECTING', d('2024-10-01')], ['PROSPECTING', 'WON', d('2025-07-01')]] },
  O18: { owner: 'R3', customer: 'K4', amount: '10.00', stage: 'WON', probability: 100, expected: '2024-12-20', created: d('2024-11-15'), closed: d('2024-12-20'),
    history: [[null, 'PROSPECTING', d('2024-11-15')], ['PROSPECTING', 'WON', d('2024-12-20')]] },
  O19: { owner: 'R1', customer: 'K6', amount: '7000.00', stage: 'WON', probability: 100, expected: '2025-02-22', created: d('2025-02-21'), closed: d('2025-02-22'),
    history: [[null, 'PROSPECTING', d('2025-02-21')], ['PROSPECTING', 'WON', d('2025-02-22')]] },
};

/** Activities: [performer, customer, occurredAt, deleted?]. Counted in P: R1 A1, A2; R2 A5; M A6. */
const ACTIVITIES: [Owner, string, string, boolean?][] = [
  ['R1', 'K1', '2025-02-11T10:00:00Z'], // A1
  ['R1', 'K2', '2025-06-30T23:59:59Z'], // A2: last second of P
  ['R1', 'K2', '2025-07-01T00:00:00Z'], // A3: end of P, excluded
  ['R1', 'K1', '2025-03-01T10:00:00Z', true], // A4: soft-deleted
  ['R2', 'K3', '2025-03-06T10:00:00Z'], // A5
  ['M', 'K3', '2025-03-07T10:00:00Z'], // A6: the manager logged one
  ['R2', 'K6', '2025-03-08T10:00:00Z'], // A7: on a soft-deleted customer
];

/** Tasks: [assignee, status, dueAt, completedAt]. In P: done R1 T1, R2 T6, R3 T9; overdue R1 T3, R2 T7. */
const TASKS: [Owner, 'OPEN' | 'DONE' | 'CANCELLED', string, string | null][] = [
  ['R1', 'DONE', d('2025-03-09'), d('2025-03-10')], // T1
  ['R1', 'DONE', d('2024-12-30'), d('2024-12-31')], // T2: done before P
  ['R1', 'OPEN', d('2025-04-01'), null], // T3: overdue
  ['R1', 'OPEN', d('2099-01-01'), null], // T4: not due yet
  ['R1', 'CANCELLED', d('2025-02-01'), d('2025-02-01')], // T5: cancelled, neither
  ['R2', 'DONE', d('2025-05-30'), d('2025-06-01')], // T6
  ['R2', 'OPEN', d('2025-05-01'), null], // T7: overdue
  ['R2', 'OPEN', d('2025-08-01'), null], // T8: due after P
  ['R3', 'DONE', d('2025-05-01'), d('2025-05-05')], // T9
];

const K: Record<string, string> = {};
const O: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestApp();
  const users = await t.sql<{ id: string; email: string }>('select id, email from app_user');
  const idOf = (email: string) => users.find((u) => u.email === email)!.id;
  U.M = idOf(USERS.SALES_MANAGER);
  U.R1 = idOf(USERS.SALES_REP);
  U.R2 = idOf(USERS.SALES_REP_2);
  U.R3 = newId('User');
  await t.sql(`insert into app_user (id, email, name, role, manager_id, password_hash, created_at, updated_at)
    values (?, 'rep3@demo.crm', 'Remy Rep', 'SALES_REP', null, 'not-a-hash', ?, ?)`, [U.R3, STARTS.R3, STARTS.R3]);
  for (const who of ['M', 'R1', 'R2'] as const) await t.sql('update app_user set created_at = ? where id = ?', [STARTS[who], U[who]]);

  for (const [key, c] of Object.entries(CUSTOMERS)) {
    K[key] = newId('Customer');
    await t.sql(`insert into customer (id, name, kind, sector, tier, owner_id, created_at, updated_at, deleted_at)
      values (?, ?, 'BUSINESS', ?, ?, ?, ?, ?, ?)`, [K[key], `Analytics ${key}`, c.sector, c.tier, U[c.owner], c.created, c.created, c.deleted ?? null]);
  }
  for (const [key, o] of Object.entries(OPPS)) {
    O[key] = newId('Opportunity');
    await t.sql(`insert into opportunity (id, customer_id, name, amount, currency, stage, probability, expected_close_date, owner_id,
        lost_reason, closed_at, created_at, updated_at, deleted_at)
      values (?, ?, ?, ?::numeric, ?, ?, ?, ?::date, ?, ?, ?, ?, ?, ?)`,
    [O[key], K[o.customer], `Deal ${key}`, o.amount, o.currency ?? 'EUR', o.stage, o.probability, o.expected, U[o.owner],
      o.lostReason ?? null, o.closed ?? null, o.created, o.closed ?? o.created, o.deleted ?? null]);
    for (const [from, to, at, reopened] of o.history) {
      await t.sql(`insert into opportunity_stage_change (id, opportunity_id, customer_id, from_stage, to_stage, probability, reopened, actor_type, actor_id, at)
        values (?, ?, ?, ?, ?, ?, ?, 'USER', ?, ?)`, [newId('OpportunityStageChange'), O[key], K[o.customer], from, to, o.probability, reopened ?? false, U[o.owner], at]);
    }
  }
  for (const [who, customer, at, deleted] of ACTIVITIES) {
    await t.sql(`insert into activity (id, customer_id, type, direction, subject, occurred_at, performed_by_id, created_at, updated_at, deleted_at)
      values (?, ?, 'CALL', 'OUTBOUND', 'Call', ?, ?, ?, ?, ?)`, [newId('Activity'), K[customer], at, U[who], at, at, deleted ? at : null]);
  }
  for (const [who, status, due, completed] of TASKS) {
    await t.sql(`insert into task (id, title, type, due_at, assignee_id, assigned_by_id, status, completed_at, created_at, updated_at)
      values (?, 'Follow up', 'FOLLOW_UP', ?, ?, ?, ?, ?, ?, ?)`, [newId('Task'), due, U[who], U.M, status, completed, d('2024-10-01'), d('2024-10-01')]);
  }
  // the fixture is what the table says
  const [n] = await t.sql<{ opps: number; changes: number }>(`select (select count(*)::int from opportunity) as opps,
    (select count(*)::int from opportunity_stage_change) as changes`);
  expect(n).toEqual({ opps: 19, changes: Object.values(OPPS).reduce((s, o) => s + o.history.length, 0) });
});
afterAll(async () => { await t.close(); });

// --------------------------------------------------------------------------------------- funnel

const FUNNEL = `query($from: DateTime!, $to: DateTime!, $ownerIds: [ID!], $currency: String! = "EUR") {
  salesFunnel(from: $from, to: $to, ownerIds: $ownerIds, currency: $currency) {
    from to currency count amount stages { stage count amount reached conversionToNext }
  }
}`;
const STAGES: Stage[] = ['PROSPECTING', 'QUALIFICATION', 'NEEDS_ANALYSIS', 'PROPOSAL', 'NEGOTIATION', 'WON', 'LOST'];

/** Expected stages from rows of [count, amount, reached, conversionToNext] in funnel order. */
const stages = (...lines: [number, string, number | null, number | null][]) =>
  lines.map(([count, amount, reached, conversionToNext], i) => ({ stage: STAGES[i], count, amount, reached, conversionToNext }));

describe('salesFunnel', () => {
  // Cohort (created in P, EUR, not deleted, customer not deleted): O1 O2 O3 O4 O5 O6 O10 O11 O16.
  // Furthest funnel stage: O4 O10 → PROSPECTING; O2 → QUALIFICATION; O3 → NEEDS_ANALYSIS; O16 → PROPOSAL;
  // O1 O5 O6 O11 → WON (O11 was won, then reopened). Reached ≥ stage: 9, 7, 6, 5, 4, 4.
  const ADMIN_FUNNEL = {
    from: P.from, to: P.to, currency: 'EUR', count: 9, amount: '14550.85',
    stages: stages(
      [1, '0.15', 9, 0.7778], // O4; 7/9
      [0, '0.00', 7, 0.8571], // 6/7
      [1, '400.05', 6, 0.8333], // O3; 5/6
      [0, '0.00', 5, 0.8], // 4/5
      [1, '1200.00', 4, 1], // O11; 4/4
      [3, '10300.40', 4, null], // O1 + O5 + O6 = 1000.10 + 9000.00 + 300.30
      [3, '2650.25', null, null], // O2 + O10 + O16 = 2500.25 + 100.00 + 50.00
    ),
  };

  test('ADMIN, FINANCE and ANALYST see every owner\'s deals', async () => {
    for (const who of ['ADMIN', 'FINANCE', 'ANALYST'] as Who[]) {
      expect(ok(await t.gql(FUNNEL, P, who)).salesFunnel).toEqual(ADMIN_FUNNEL);
    }
  });

  test('a manager sees their team (R3, outside it, drops out), a rep their own deals', async () => {
    // without O5 (R3): furthest PROSPECTING O4 O10; QUALIFICATION O2; NEEDS_ANALYSIS O3; PROPOSAL O16; WON O1 O6 O11
    expect(ok(await t.gql(FUNNEL, P, 'SALES_MANAGER')).salesFunnel).toEqual({
      ...ADMIN_FUNNEL, count: 8, amount: '5550.85',
      stages: stages(
        [1, '0.15', 8, 0.75],
        [0, '0.00', 6, 0.8333],
        [1, '400.05', 5, 0.8],
        [0, '0.00', 4, 0.75],
        [1, '1200.00', 3, 1],
        [2, '1300.40', 3, null],
        [3, '2650.25', null, null],
      ),
    });
    // R1: O1 (WON), O2 (QUALIFICATION), O6 (WON), O11 (WON), O16 (PROPOSAL)
    expect(ok(await t.gql(FUNNEL, P, 'SALES_REP')).salesFunnel).toEqual({
      ...ADMIN_FUNNEL, count: 5, amount: '5050.65',
      stages: stages(
        [0, '0.00', 5, 1],
        [0, '0.00', 5, 0.8],
        [0, '0.00', 4, 1],
        [0, '0.00', 4, 0.75],
        [1, '1200.00', 3, 1],
        [2, '1300.40', 3, null],
        [2, '2550.25', null, null],
      ),
    });
  });

  test('ownerIds narrows within the scope; no conversion from a stage nobody reached', async () => {
    // R2: O3 (NEEDS_ANALYSIS), O4 (PROSPECTING), O10 (LOST from PROSPECTING)
    expect(ok(await t.gql(FUNNEL, { ...P, ownerIds: [U.R2] }, 'ADMIN')).salesFunnel).toEqual({
      ...ADMIN_FUNNEL, count: 3, amount: '500.20',
      stages: stages(
        [1, '0.15', 3, 0.3333],
        [0, '0.00', 1, 1],
        [1, '400.05', 1, 0],
        [0, '0.00', 0, null],
        [0, '0.00', 0, null],
        [0, '0.00', 0, null],
        [1, '100.00', null, null],
      ),
    });
    // R3 is outside the manager's team: nothing, not an error
    const empty = ok(await t.gql(FUNNEL, { ...P, ownerIds: [U.R3] }, 'SALES_MANAGER')).salesFunnel;
    expect(empty).toEqual({
      ...ADMIN_FUNNEL, count: 0, amount: '0.00',
      stages: stages([0, '0.00', 0, null], [0, '0.00', 0, null], [0, '0.00', 0, null], [0, '0.00', 0, null], [0, '0.00', 0, null], [0, '0.00', 0, null], [0, '0.00', null, null]),
    });
    expect(ok(await t.gql(FUNNEL, { ...P, ownerIds: [] }, 'ADMIN')).salesFunnel.count).toBe(0);
    // a value with a semicolon is a value (the embedded database used to run such text as a script)
    expect(ok(await t.gql(FUNNEL, { ...P, ownerIds: ['usr_x;y', U.R2] }, 'ADMIN')).salesFunnel.count).toBe(3);
  });

  test('one currency at a time', async () => {
    // USD in P: O7 only (P → WON)
    const usd = ok(await t.gql(FUNNEL, { ...P, currency: 'USD' }, 'ADMIN')).salesFunnel;
    expect(usd).toEqual({
      ...ADMIN_FUNNEL, currency: 'USD', count: 1, amount: '5000.00',
      stages: stages([0, '0.00', 1, 1], [0, '0.00', 1, 1], [0, '0.00', 1, 1], [0, '0.00', 1, 1], [0, '0.00', 1, 1], [1, '5000.00', 1, null], [0, '0.00', null, null]),
    });
  });
});

// ------------------------------------------------------------------------------------- win rate

const WIN_RATE = `query($from: DateTime!, $to: DateTime!, $groupBy: WinRateGroupBy!, $ownerIds: [ID!]) {
  winRate(from: $from, to: $to, groupBy: $groupBy, ownerIds: $ownerIds) {
    from to groupBy
    groups { key sector tier won lost winRate averageSalesCycleDays }
    total { won lost winRate averageSalesCycleDays }
  }
}`;

describe('winRate', () => {
  // Closed in P: won O1 (R1, K1, 50 d), O5 (R3, K4, 40 d), O6 (R1, K1, 31 d), O7 (R2, K3, USD, 59 d), O9 (R1, K1, 61.5 d);
  // lost O2 (R1, K2), O10 (R2, K3), O16 (R1, K2). Not: O8 (deleted), O17 (closed at `to`), O18 (2024), O19 (deleted customer), O11 (reopened).
  const group = (key: string, won: number, lost: number, winRate: number | null, averageSalesCycleDays: number | null, by: 'OWNER' | 'SECTOR' | 'TIER') =>
    ({ key, sector: by === 'SECTOR' ? key : null, tier: by === 'TIER' ? key : null, won, lost, winRate, averageSalesCycleDays });
  const byKey = (groups: any[]) => [...groups].sort((a, b) => a.key.localeCompare(b.key));

  test('by owner, with the total (ADMIN)', async () => {
    const report = ok(await t.gql(WIN_RATE, { ...P, groupBy: 'OWNER' }, 'ADMIN')).winRate;
    expect(report.groupBy).toBe('OWNER');
    expect(report.groups.map((g: any) => g.key)).toEqual([U.R1, U.R2, U.R3].sort());
    expect(byKey(report.groups)).toEqual(byKey([
      group(U.R1, 3, 2, 0.6, 47.5, 'OWNER'), // (50 + 31 + 61.5) / 3
      group(U.R2, 1, 1, 0.5, 59, 'OWNER'),
      group(U.R3, 1, 0, 1, 40, 'OWNER'),
    ]));
    expect(report.total).toEqual({ won: 5, lost: 3, winRate: 0.625, averageSalesCycleDays: 48.3 }); // 241.5 / 5
  });

  test('by sector and by tier, in enum order', async () => {
    const sector = ok(await t.gql(WIN_RATE, { ...P, groupBy: 'SECTOR' }, 'FINANCE')).winRate;
    expect(sector.groups).toEqual([
      group('SMALL_BUSINESS', 0, 2, 0, null, 'SECTOR'), // O2, O16
      group('ENTERPRISE', 4, 0, 1, 45.6, 'SECTOR'), // O1 O5 O6 O9: 182.5 / 4 = 45.625
      group('EDUCATION', 1, 1, 0.5, 59, 'SECTOR'), // O7, O10
    ]);
    const tier = ok(await t.gql(WIN_RATE, { ...P, groupBy: 'TIER' }, 'ANALYST')).winRate;
    expect(tier.groups).toEqual([
      group('POTENTIAL', 1, 1, 0.5, 59, 'TIER'), // K3: O7, O10
      group('TARGET', 1, 2, 0.3333, 40, 'TIER'), // K2: O2, O16; K4: O5
      group('KEY', 3, 0, 1, 47.5, 'TIER'), // K1: O1 O6 O9
    ]);
    expect(tier.total).toEqual(sector.total);
  });

  test('a manager sees their team, a rep themselves', async () => {
    const team = ok(await t.gql(WIN_RATE, { ...P, groupBy: 'OWNER' }, 'SALES_MANAGER')).winRate;
    expect(byKey(team.groups)).toEqual(byKey([group(U.R1, 3, 2, 0.6, 47.5, 'OWNER'), group(U.R2, 1, 1, 0.5, 59, 'OWNER')]));
    expect(team.total).toEqual({ won: 4, lost: 3, winRate: 0.5714, averageSalesCycleDays: 50.4 }); // 201.5 / 4 = 50.375
    const own = ok(await t.gql(WIN_RATE, { ...P, groupBy: 'SECTOR' }, 'SALES_REP')).winRate;
    expect(own.groups).toEqual([group('SMALL_BUSINESS', 0, 2, 0, null, 'SECTOR'), group('ENTERPRISE', 3, 0, 1, 47.5, 'SECTOR')]);
    expect(own.total).toEqual({ won: 3, lost: 2, winRate: 0.6, averageSalesCycleDays: 47.5 });
    // naming an owner outside the team counts nothing
    const outside = ok(await t.gql(WIN_RATE, { ...P, groupBy: 'OWNER', ownerIds: [U.R3] }, 'SALES_MANAGER')).winRate;
    expect(outside.groups).toEqual([]);
  });

  test('an empty period: no groups, a zero total with null rates', async () => {
    const report = ok(await t.gql(WIN_RATE, { from: '2020-01-01T00:00:00Z', to: '2020-02-01T00:00:00Z', groupBy: 'TIER' }, 'ADMIN')).winRate;
    expect(report.groups).toEqual([]);
    expect(report.total).toEqual({ won: 0, lost: 0, winRate: null, averageSalesCycleDays: null });
  });

  test('the owner behind a group: ANALYST gets the user id, not the name', async () => {
    const query = `query($from: DateTime!, $to: DateTime!) { winRate(from: $from, to: $to, groupBy: OWNER) { groups { key user { id name } } } }`;
    const admin = ok(await t.gql(query, P, 'ADMIN')).winRate.groups;
    const names = Object.fromEntries(admin.map((g: any) => [g.key, g.user]));
    expect(names).toEqual({ [U.R1]: { id: U.R1, name: 'Rita Rep' }, [U.R2]: { id: U.R2, name: 'Raj Rep' }, [U.R3]: { id: U.R3, name: 'Remy Rep' } });

    const analyst = await t.gql(query, P, 'ANALYST');
    expect(analyst.body.data.winRate.groups.map((g: any) => g.user)).toEqual([U.R1, U.R2, U.R3].sort().map((id) => ({ id, name: null })));
    expect(codes(analyst)).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
    expect(analyst.body.errors!.map((e) => e.path!.slice(-1)[0])).toEqual(['name', 'name', 'name']);

    const sector = ok(await t.gql(`query($from: DateTime!, $to: DateTime!) { winRate(from: $from, to: $to, groupBy: SECTOR) { groups { user { id } } } }`, P, 'ADMIN'));
    expect(sector.winRate.groups.map((g: any) => g.user)).toEqual([null, null, null]);
  });
});

// ------------------------------------------------------------------------------------- forecast

const FORECAST = `query($months: Int!, $startMonth: String, $currency: String! = "EUR") {
  forecast(months: $months, startMonth: $startMonth, currency: $currency) {
    currency
    months { month count amount weightedAmount }
    total { count amount weightedAmount }
    pastDue { count amount weightedAmount }
  }
}`;

describe('forecast', () => {
  // Open EUR deals: O3 (R2, 2025-07-15, 400.05 × 40 %), O4 (R2, 2025-07-31, 0.15 × 10 %), O11 (R1, 2025-09-01, 1200.00 × 75 %),
  // O12 (R2, 2025-06-30, 333.33 × 60 %), O13 (R1, 2025-10-01, 10.00 × 20 %), O14 (R3, 2025-08-10, 500.00 × 60 %); O15 is USD.
  const bucket = (count: number, amount: string, weightedAmount: string) => ({ count, amount, weightedAmount });
  const month = (m: string, count: number, amount: string, weightedAmount: string) => ({ month: m, ...bucket(count, amount, weightedAmount) });
  const ZERO = bucket(0, '0.00', '0.00');

  test('three months from July 2025 (ADMIN)', async () => {
    expect(ok(await t.gql(FORECAST, { months: 3, startMonth: '2025-07' }, 'ADMIN')).forecast).toEqual({
      currency: 'EUR',
      months: [
        month('2025-07', 2, '400.20', '160.04'), // (16002.00 + 1.50) / 100 = 160.035 → 160.04
        month('2025-08', 1, '500.00', '300.00'),
        month('2025-09', 1, '1200.00', '900.00'),
      ],
      total: bucket(4, '2100.20', '1360.04'), // 136003.50 / 100 = 1360.035
      pastDue: bucket(1, '333.33', '200.00'), // O12: 199.998
    });
  });

  test('a manager sees their team, a rep their own', async () => {
    expect(ok(await t.gql(FORECAST, { months: 3, startMonth: '2025-07' }, 'SALES_MANAGER')).forecast).toEqual({
      currency: 'EUR',
      months: [month('2025-07', 2, '400.20', '160.04'), month('2025-08', 0, '0.00', '0.00'), month('2025-09', 1, '1200.00', '900.00')],
      total: bucket(3, '1600.20', '1060.04'), // (16003.50 + 90000.00) / 100 = 1060.035
      pastDue: bucket(1, '333.33', '200.00'),
    });
    expect(ok(await t.gql(FORECAST, { months: 4, startMonth: '2025-07' }, 'SALES_REP')).forecast).toEqual({
      currency: 'EUR',
      months: [month('2025-07', 0, '0.00', '0.00'), month('2025-08', 0, '0.00', '0.00'), month('2025-09', 1, '1200.00', '900.00'), month('2025-10', 1, '10.00', '2.00')],
      total: bucket(2, '1210.00', '902.00'),
      pastDue: ZERO,
    });
  });

  test('another currency; months across a year end', async () => {
    expect(ok(await t.gql(FORECAST, { months: 2, startMonth: '2025-07', currency: 'USD' }, 'FINANCE')).forecast).toEqual({
      currency: 'USD',
      months: [month('2025-07', 1, '999.99', '599.99'), month('2025-08', 0, '0.00', '0.00')], // 599.994
      total: bucket(1, '999.99', '599.99'),
      pastDue: ZERO,
    });
    const yearEnd = ok(await t.gql(FORECAST, { months: 3, startMonth: '2024-11' }, 'ANALYST')).forecast;
    expect(yearEnd.months.map((m: any) => m.month)).toEqual(['2024-11', '2024-12', '2025-01']);
    expect(yearEnd.total).toEqual(ZERO);
    expect(yearEnd.pastDue).toEqual(ZERO);
  });

  test('from the current month by default: every fixture deal (2025) is past due', async () => {
    const label = (offset: number) => {
      const now = new Date();
      return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1)).toISOString().slice(0, 7);
    };
    let first: string;
    let result: any;
    do { // around midnight of a month's last day the month could change during the request: ask again
      first = label(0);
      result = ok(await t.gql(FORECAST, { months: 2 }, 'ADMIN')).forecast;
    } while (label(0) !== first);
    expect(result).toEqual({
      currency: 'EUR',
      months: [month(label(0), 0, '0.00', '0.00'), month(label(1), 0, '0.00', '0.00')],
      total: ZERO,
      // O3 O4 O11 O12 O13 O14: 156203.30 / 100 = 1562.033
      pastDue: bucket(6, '2443.53', '1562.03'),
    });
  });
});

// ------------------------------------------------------------------------------ rep performance

const REP_PERFORMANCE = `query($from: DateTime!, $to: DateTime!, $currency: String! = "EUR") {
  repPerformance(from: $from, to: $to, currency: $currency) {
    from to currency
    reps { userId newCustomers newOpportunities wonCount wonAmount activitiesLogged tasksDone tasksOverdue daysToFirstWin }
  }
}`;

describe('repPerformance', () => {
  const line = (userId: string, newCustomers: number, newOpportunities: number, wonCount: number, wonAmount: string,
    activitiesLogged: number, tasksDone: number, tasksOverdue: number, daysToFirstWin: number | null) =>
    ({ userId, newCustomers, newOpportunities, wonCount, wonAmount, activitiesLogged, tasksDone, tasksOverdue, daysToFirstWin });
  // new customers: R1 K5, R2 K7, R3 K8 (K6 deleted); new opportunities: R1 O1 O2 O6 O11 O16, R2 O3 O4 O7 O10, R3 O5;
  // won in P: R1 O1 O6 O9 (1000.10 + 300.30 + 50.50), R2 O7 (USD), R3 O5; first wins: R1 O9 at 2025-02-14 12:00, 136.5 days
  // after 2024-10-01 (O8 deleted, would be earlier); R2 O7 at 2025-04-01, 90 days after 2025-01-01; R3 O5 at 2025-05-20,
  // 80 days after 2025-03-01 (O18 was won before R3 started).
  const R1 = () => line(U.R1, 1, 5, 3, '1350.90', 2, 1, 1, 136.5);
  const R2 = () => line(U.R2, 1, 4, 1, '0.00', 1, 1, 1, 90);
  const R3 = () => line(U.R3, 1, 1, 1, '9000.00', 0, 1, 0, 80);
  const M = () => line(U.M, 0, 0, 0, '0.00', 1, 0, 0, null);
  const byUser = (reps: any[]) => [...reps].sort((a, b) => a.userId.localeCompare(b.userId));

  test('every sales user for ADMIN, FINANCE and ANALYST; by won amount', async () => {
    for (const who of ['ADMIN', 'FINANCE', 'ANALYST'] as Who[]) {
      const report = ok(await t.gql(REP_PERFORMANCE, P, who)).repPerformance;
      expect(report).toMatchObject({ from: P.from, to: P.to, currency: 'EUR' });
      expect(report.reps.slice(0, 2)).toEqual([R3(), R1()]); // 9000.00, 1350.90, then the zeros
      expect(byUser(report.reps)).toEqual(byUser([R1(), R2(), R3(), M()]));
    }
  });

  test('a manager sees their subtree (themselves included), a rep themselves', async () => {
    expect(byUser(ok(await t.gql(REP_PERFORMANCE, P, 'SALES_MANAGER')).repPerformance.reps)).toEqual(byUser([R1(), R2(), M()]));
    expect(ok(await t.gql(REP_PERFORMANCE, P, 'SALES_REP')).repPerformance.reps).toEqual([R1()]);
    expect(ok(await t.gql(REP_PERFORMANCE, P, 'SALES_REP_2')).repPerformance.reps).toEqual([R2()]);
  });

  test('won amount in the currency asked for', async () => {
    const usd = ok(await t.gql(REP_PERFORMANCE, { ...P, currency: 'USD' }, 'ADMIN')).repPerformance;
    expect(usd.currency).toBe('USD');
    expect(usd.reps[0]).toEqual({ ...R2(), wonAmount: '5000.00' });
    expect(byUser(usd.reps).map((r: any) => [r.userId, r.wonCount, r.wonAmount]))
      .toEqual(byUser([R1(), R2(), R3(), M()]).map((r) => [r.userId, r.wonCount, r.userId === U.R2 ? '5000.00' : '0.00']));
  });

  test('overdue means past due and still open: a task due in 2099 is not overdue yet', async () => {
    const [rep] = ok(await t.gql(REP_PERFORMANCE, { from: '2025-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' }, 'SALES_REP')).repPerformance.reps;
    expect(rep).toMatchObject({ userId: U.R1, tasksDone: 1, tasksOverdue: 1 }); // T1; T3 (T4 is due 2099)
  });

  test('the user behind a line: names hidden from ANALYST; statements do not grow with the lines', async () => {
    const query = `query($from: DateTime!, $to: DateTime!) { repPerformance(from: $from, to: $to) { reps { userId user { id email } } } }`;
    const admin = ok(await t.gql(query, P, 'ADMIN')).repPerformance.reps;
    expect(Object.fromEntries(admin.map((r: any) => [r.userId, r.user.email]))).toEqual({
      [U.M]: USERS.SALES_MANAGER, [U.R1]: USERS.SALES_REP, [U.R2]: USERS.SALES_REP_2, [U.R3]: 'rep3@demo.crm',
    });
    const analyst = await t.gql(query, P, 'ANALYST');
    expect(analyst.body.data.repPerformance.reps.map((r: any) => r.user)).toEqual(analyst.body.data.repPerformance.reps.map((r: any) => ({ id: r.userId, email: null })));
    expect(codes(analyst)).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);

    await t.token('ADMIN');
    await t.token('SALES_REP');
    const four = await t.countQueries(() => t.gql(query, P, 'ADMIN'));
    const one = await t.countQueries(() => t.gql(query, P, 'SALES_REP'));
    expect(four).toBe(one);
  });
});

// ------------------------------------------------------------------------------ who, and inputs

describe('access and arguments', () => {
  const ALL = [
    ['salesFunnel', `query($from: DateTime!, $to: DateTime!) { salesFunnel(from: $from, to: $to) { count } }`],
    ['winRate', `query($from: DateTime!, $to: DateTime!) { winRate(from: $from, to: $to, groupBy: OWNER) { total { won } } }`],
    ['forecast', `query { forecast(months: 3) { total { count } } }`],
    ['repPerformance', `query($from: DateTime!, $to: DateTime!) { repPerformance(from: $from, to: $to) { reps { userId } } }`],
  ] as const;

  test('SERVICE_AGENT, MARKETING, PARTNER and API keys are refused; anonymous callers must sign in', async () => {
    const key = ok(await t.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`,
      { input: { name: 'analytics', role: 'INTEGRATION', scopes: ['customers:read'] } }, 'ADMIN')).createApiKey.secret;
    for (const [, query] of ALL) {
      for (const who of ['SERVICE_AGENT', 'MARKETING', 'PARTNER', { apiKey: key }] as const) {
        const res = await t.gql(query, P, who);
        expect(codes(res)).toEqual(['FORBIDDEN']);
        expect(res.body.data).toBeNull();
      }
      expect(codes(await t.gql(query, P, null))).toEqual(['UNAUTHENTICATED']);
    }
  });

  test('the allowed roles get an answer', async () => {
    for (const [field, query] of ALL) {
      for (const who of ['ADMIN', 'SALES_MANAGER', 'SALES_REP', 'FINANCE', 'ANALYST'] as Who[]) {
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
    await bad(FUNNEL, { from: P.to, to: P.from }, 'to');
    await bad(FUNNEL, { from: P.from, to: P.from }, 'to');
    await bad(FUNNEL, { ...P, currency: 'eur' }, 'currency');
    await bad(REP_PERFORMANCE, { ...P, currency: 'EURO' }, 'currency');
    await bad(WIN_RATE, { from: P.to, to: P.from, groupBy: 'OWNER' }, 'to');
    await bad(FORECAST, { months: 0 }, 'months');
    await bad(FORECAST, { months: 37 }, 'months');
    await bad(FORECAST, { months: 3, startMonth: '2025-13' }, 'startMonth');
    await bad(FUNNEL, { ...P, ownerIds: Array.from({ length: 101 }, (_, i) => `usr_${String(i).padStart(32, '0')}`) }, 'ownerIds');
  });
});
