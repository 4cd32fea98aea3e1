/**
 * Issue 14, sales definitions 5 and 6, through HTTP on a small FIXED data set inserted with raw SQL:
 * - 5: deals owned by ADMIN count in winRate but in no rep's line of repPerformance: the `other` line
 *   holds them (and every other record of a non-sales user) so that reps + other = total; an ADMIN
 *   converting an unassigned lead must name the owner (`ownerId`);
 * - 6: the owner and the customer's tier and sector are recorded when a deal closes; winRate and
 *   repPerformance report on them by default (AT_CLOSE), on the current ones with `attribution: CURRENT`;
 * - winRate by value (wonAmount, lostAmount, winRateByValue).
 * Every expected number was computed by hand from the tables below.
 *
 * Period P = [2025-01-01, 2025-07-01); the test seed's customers are created "now", outside it, and it has
 * no deals, activities or tasks.
 */
import { Migration20261223000000SalesAtClose } from '../migrations/Migration20261223000000SalesAtClose';
import { newId } from '../src/entities/ids';
import { codes, ok, startTestApp, USERS, type TestApp } from './helpers';

let t: TestApp;
const P = { from: '2025-01-01T00:00:00.000Z', to: '2025-07-01T00:00:00.000Z' };
const d = (day: string) => `${day}T00:00:00Z`;

/** Users: A (ADMIN), M (manager of R1 and R2), R1, R2, F (FINANCE), S (SERVICE_AGENT). */
const U: Record<'A' | 'M' | 'R1' | 'R2' | 'F' | 'S', string> = { A: '', M: '', R1: '', R2: '', F: '', S: '' };
type Who = keyof typeof U;

/**
 *  key  owner sector      tier       created
 *  K1   R1    ENTERPRISE  KEY        2025-01-05   new in P
 *  K2   A     EDUCATION   TARGET     2025-02-01   new in P, owned by the ADMIN
 *  K3   R2    GOVERNMENT  POTENTIAL  2024-06-01
 */
const CUSTOMERS: Record<string, { owner: Who; sector: string; tier: string; created: string }> = {
  K1: { owner: 'R1', sector: 'ENTERPRISE', tier: 'KEY', created: d('2025-01-05') },
  K2: { owner: 'A', sector: 'EDUCATION', tier: 'TARGET', created: d('2025-02-01') },
  K3: { owner: 'R2', sector: 'GOVERNMENT', tier: 'POTENTIAL', created: d('2024-06-01') },
};

/**
 *  key  owner cust amount   cur stage        created     closed      cycle
 *  E1   R1    K1   1000.00  EUR WON          2025-01-10  2025-02-10  31 d
 *  E2   A     K2    500.00  EUR WON          2025-02-01  2025-03-01  28 d
 *  E3   A     K2    300.00  EUR LOST PRICE   2025-02-05  2025-03-05
 *  E4   R2    K3    200.00  EUR LOST TIMING  2025-03-01  2025-04-01
 *  E5   R2    K3    400.00  USD WON          2025-03-10  2025-04-10  31 d
 *  E6   A     K2     50.00  EUR PROSPECTING  2025-04-01
 */
const DEALS: Record<string, { owner: Who; customer: string; amount: string; currency: string; stage: string; created: string; closed?: string; lostReason?: string }> = {
  E1: { owner: 'R1', customer: 'K1', amount: '1000.00', currency: 'EUR', stage: 'WON', created: d('2025-01-10'), closed: d('2025-02-10') },
  E2: { owner: 'A', customer: 'K2', amount: '500.00', currency: 'EUR', stage: 'WON', created: d('2025-02-01'), closed: d('2025-03-01') },
  E3: { owner: 'A', customer: 'K2', amount: '300.00', currency: 'EUR', stage: 'LOST', created: d('2025-02-05'), closed: d('2025-03-05'), lostReason: 'PRICE' },
  E4: { owner: 'R2', customer: 'K3', amount: '200.00', currency: 'EUR', stage: 'LOST', created: d('2025-03-01'), closed: d('2025-04-01'), lostReason: 'TIMING' },
  E5: { owner: 'R2', customer: 'K3', amount: '400.00', currency: 'USD', stage: 'WON', created: d('2025-03-10'), closed: d('2025-04-10') },
  E6: { owner: 'A', customer: 'K2', amount: '50.00', currency: 'EUR', stage: 'PROSPECTING', created: d('2025-04-01') },
};

/** Activities [performer, customer, at]: R1 one, the ADMIN one. Tasks [assignee, status, due, completed]. */
const ACTIVITIES: [Who, string, string][] = [['R1', 'K1', d('2025-02-11')], ['A', 'K2', d('2025-02-12')]];
const TASKS: [Who, 'OPEN' | 'DONE', string, string | null][] = [
  ['R1', 'DONE', d('2025-03-09'), d('2025-03-10')],
  ['S', 'DONE', d('2025-03-10'), d('2025-03-11')], // a service agent's task: "other"
  ['A', 'OPEN', d('2025-05-01'), null], // the ADMIN's overdue task: "other"
];

const K: Record<string, string> = {};
const E: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestApp();
  const users = await t.sql<{ id: string; email: string }>('select id, email from app_user');
  const idOf = (email: string) => users.find((u) => u.email === email)!.id;
  Object.assign(U, {
    A: idOf(USERS.ADMIN), M: idOf(USERS.SALES_MANAGER), R1: idOf(USERS.SALES_REP), R2: idOf(USERS.SALES_REP_2),
    F: idOf(USERS.FINANCE), S: idOf(USERS.SERVICE_AGENT),
  });
  for (const [key, c] of Object.entries(CUSTOMERS)) {
    K[key] = newId('Customer');
    await t.sql(`insert into customer (id, name, kind, sector, tier, owner_id, created_at, updated_at) values (?, ?, 'BUSINESS', ?, ?, ?, ?, ?)`,
      [K[key], `Definitions ${key}`, c.sector, c.tier, U[c.owner], c.created, c.created]);
  }
  for (const [key, o] of Object.entries(DEALS)) {
    E[key] = newId('Opportunity');
    await t.sql(`insert into opportunity (id, customer_id, name, amount, currency, stage, probability, expected_close_date, owner_id,
        lost_reason, closed_at, created_at, updated_at)
      values (?, ?, ?, ?::numeric, ?, ?, ?, ?::date, ?, ?, ?, ?, ?)`,
    [E[key], K[o.customer], `Deal ${key}`, o.amount, o.currency, o.stage, o.stage === 'WON' ? 100 : o.stage === 'LOST' ? 0 : 10,
      (o.closed ?? o.created).slice(0, 10), U[o.owner], o.lostReason ?? null, o.closed ?? null, o.created, o.closed ?? o.created]);
  }
  for (const [who, customer, at] of ACTIVITIES) {
    await t.sql(`insert into activity (id, customer_id, type, direction, subject, occurred_at, performed_by_id, created_at, updated_at)
      values (?, ?, 'CALL', 'OUTBOUND', 'Call', ?, ?, ?, ?)`, [newId('Activity'), K[customer], at, U[who], at, at]);
  }
  for (const [who, status, due, completed] of TASKS) {
    await t.sql(`insert into task (id, title, type, due_at, assignee_id, assigned_by_id, status, completed_at, created_at, updated_at)
      values (?, 'Follow up', 'FOLLOW_UP', ?, ?, ?, ?, ?, ?, ?)`, [newId('Task'), due, U[who], U.A, status, completed, d('2024-10-01'), d('2024-10-01')]);
  }
});
afterAll(async () => { await t.close(); });

// ----------------------------------------------------------------------------------- the record

test('the database records owner, tier and sector when a deal is inserted closed; open deals have none', async () => {
  const rowsOf = await t.sql<{ id: string; closed_owner_id: string | null; closed_customer_tier: string | null; closed_customer_sector: string | null }>(
    'select id, closed_owner_id, closed_customer_tier, closed_customer_sector from opportunity where id in (?, ?, ?)', [E.E1, E.E3, E.E6]);
  const byId = Object.fromEntries(rowsOf.map((r) => [r.id, [r.closed_owner_id, r.closed_customer_tier, r.closed_customer_sector]]));
  expect(byId[E.E1]).toEqual([U.R1, 'KEY', 'ENTERPRISE']);
  expect(byId[E.E3]).toEqual([U.A, 'TARGET', 'EDUCATION']);
  expect(byId[E.E6]).toEqual([null, null, null]);
});

test('the migration backfills deals closed before it from their current owner and customer', async () => {
  // a deal closed "before the migration": no record yet (the trigger only fires on inserts and stage changes)
  await t.sql('update opportunity set closed_owner_id = null, closed_customer_tier = null, closed_customer_sector = null where id = ?', [E.E4]);
  const migration = new Migration20261223000000SalesAtClose(t.db.orm.em.getDriver() as any, t.db.orm.config);
  await migration.up();
  const backfill = migration.getQueries().map(String).find((q) => q.startsWith('update opportunity'))!;
  await t.sql(backfill);
  const [row] = await t.sql<any>('select closed_owner_id as owner, closed_customer_tier as tier, closed_customer_sector as sector from opportunity where id = ?', [E.E4]);
  expect(row).toEqual({ owner: U.R2, tier: 'POTENTIAL', sector: 'GOVERNMENT' });
  const [open] = await t.sql<any>('select closed_owner_id as owner from opportunity where id = ?', [E.E6]);
  expect(open.owner).toBeNull();
});

// ------------------------------------------------------------------------------ rep performance

const FIGURES = 'newCustomers newOpportunities wonCount wonAmount activitiesLogged tasksDone tasksOverdue';
const REP_PERFORMANCE = `query($from: DateTime!, $to: DateTime!, $attribution: Attribution! = AT_CLOSE) {
  repPerformance(from: $from, to: $to, attribution: $attribution) { attribution reps { userId ${FIGURES} } other { ${FIGURES} } total { ${FIGURES} } }
}`;

const fig = (newCustomers: number, newOpportunities: number, wonCount: number, wonAmount: string, activitiesLogged: number, tasksDone: number, tasksOverdue: number) =>
  ({ newCustomers, newOpportunities, wonCount, wonAmount, activitiesLogged, tasksDone, tasksOverdue });
const ZERO = fig(0, 0, 0, '0.00', 0, 0, 0);

/** Sums the lines' figures (a check that the lines add up; the expected totals are written by hand). */
function sum(lines: ReturnType<typeof fig>[]) {
  return lines.reduce((s, l) => fig(s.newCustomers + l.newCustomers, s.newOpportunities + l.newOpportunities, s.wonCount + l.wonCount,
    (Number(s.wonAmount) + Number(l.wonAmount)).toFixed(2), s.activitiesLogged + l.activitiesLogged, s.tasksDone + l.tasksDone, s.tasksOverdue + l.tasksOverdue), ZERO);
}

describe('repPerformance: other and total (definition 5)', () => {
  // R1: K1, E1 created and won (1000.00), one activity, one task done.
  // R2: E4 and E5 created, E5 won in USD (0.00 in EUR). M: nothing.
  // other (the ADMIN, the service agent): K2; E2, E3, E6 created; E2 won (500.00); the ADMIN's activity; S's task done; A's task overdue.
  const R1 = fig(1, 1, 1, '1000.00', 1, 1, 0);
  const R2 = fig(0, 2, 1, '0.00', 0, 0, 0);
  const OTHER = fig(1, 3, 1, '500.00', 1, 1, 1);
  const TOTAL = fig(2, 6, 3, '1500.00', 2, 2, 1);

  test.each(['ADMIN', 'FINANCE', 'ANALYST'] as const)('%s: every sales user, the other line, and the total they add up to', async (who) => {
    const report = ok(await t.gql(REP_PERFORMANCE, P, who)).repPerformance;
    const line = (id: string) => { const { userId: _u, ...rest } = report.reps.find((r: any) => r.userId === id); return rest; };
    expect(report.reps.map((r: any) => r.userId).sort()).toEqual([U.M, U.R1, U.R2].sort());
    expect(line(U.R1)).toEqual(R1);
    expect(line(U.R2)).toEqual(R2);
    expect(line(U.M)).toEqual(ZERO);
    expect(report.other).toEqual(OTHER);
    expect(report.total).toEqual(TOTAL);
    expect(sum([R1, R2, ZERO, OTHER])).toEqual(TOTAL);
  });

  test('a manager: their team; a rep: themselves; the other line holds nobody of theirs', async () => {
    const team = ok(await t.gql(REP_PERFORMANCE, P, 'SALES_MANAGER')).repPerformance;
    expect(team.reps.map((r: any) => r.userId).sort()).toEqual([U.M, U.R1, U.R2].sort());
    expect(team.other).toEqual(ZERO);
    expect(team.total).toEqual(fig(1, 3, 2, '1000.00', 1, 1, 0)); // R1 + R2 + M
    const own = ok(await t.gql(REP_PERFORMANCE, P, 'SALES_REP')).repPerformance;
    expect(own.reps).toEqual([{ userId: U.R1, ...R1 }]);
    expect(own.other).toEqual(ZERO);
    expect(own.total).toEqual(R1);
  });

  test('statements do not grow with the lines; SERVICE_AGENT is refused', async () => {
    const query = `query($from: DateTime!, $to: DateTime!) { repPerformance(from: $from, to: $to) { reps { userId user { id name } } other { wonCount } total { wonCount } } }`;
    const n = await t.countQueries(async () => { ok(await t.gql(query, P, 'ADMIN')); });
    const n2 = await t.countQueries(async () => { ok(await t.gql(query, { from: '2020-01-01T00:00:00Z', to: '2020-02-01T00:00:00Z' }, 'ADMIN')); });
    expect(n).toBe(n2);
    expect(codes(await t.gql(query, P, 'SERVICE_AGENT'))).toContain('FORBIDDEN');
  });
});

// ------------------------------------------------------------------------------ win rate by value

const WIN_RATE = `query($from: DateTime!, $to: DateTime!, $groupBy: WinRateGroupBy!, $attribution: Attribution! = AT_CLOSE, $currency: String! = "EUR") {
  winRate(from: $from, to: $to, groupBy: $groupBy, attribution: $attribution, currency: $currency) {
    attribution currency
    groups { key won lost winRate averageSalesCycleDays wonAmount lostAmount winRateByValue }
    total { won lost winRate averageSalesCycleDays wonAmount lostAmount winRateByValue }
  }
}`;

const stats = (won: number, lost: number, winRate: number | null, averageSalesCycleDays: number | null, wonAmount: string, lostAmount: string, winRateByValue: number | null) =>
  ({ won, lost, winRate, averageSalesCycleDays, wonAmount, lostAmount, winRateByValue });

describe('winRate: the ADMIN\'s deals count; by value as well as by count', () => {
  test('by owner (ADMIN)', async () => {
    const report = ok(await t.gql(WIN_RATE, { ...P, groupBy: 'OWNER' }, 'ADMIN')).winRate;
    expect(report.attribution).toBe('AT_CLOSE');
    const expected = [
      { key: U.A, ...stats(1, 1, 0.5, 28, '500.00', '300.00', 0.625) }, // 500 / 800
      { key: U.R1, ...stats(1, 0, 1, 31, '1000.00', '0.00', 1) },
      { key: U.R2, ...stats(1, 1, 0.5, 31, '0.00', '200.00', 0) }, // E5 is in USD
    ].sort((a, b) => a.key.localeCompare(b.key));
    expect(report.groups).toEqual(expected);
    expect(report.total).toEqual(stats(3, 2, 0.6, 30, '1500.00', '500.00', 0.75)); // cycles 31, 28, 31; 1500 / 2000
  });

  test('in USD: only E5 has an amount', async () => {
    const report = ok(await t.gql(WIN_RATE, { ...P, groupBy: 'TIER', currency: 'USD' }, 'FINANCE')).winRate;
    expect(report.currency).toBe('USD');
    expect(report.total).toEqual(stats(3, 2, 0.6, 30, '400.00', '0.00', 1));
    expect(report.groups.map((g: any) => [g.key, g.won, g.lost, g.wonAmount, g.winRateByValue])).toEqual([
      ['POTENTIAL', 1, 1, '400.00', 1], ['TARGET', 1, 1, '0.00', null], ['KEY', 1, 0, '0.00', null]]);
  });

  test('a rep sees their own; a bad currency is BAD_USER_INPUT', async () => {
    const own = ok(await t.gql(WIN_RATE, { ...P, groupBy: 'SECTOR' }, 'SALES_REP')).winRate;
    expect(own.groups).toEqual([{ key: 'ENTERPRISE', ...stats(1, 0, 1, 31, '1000.00', '0.00', 1) }]);
    const bad = await t.gql(WIN_RATE, { ...P, groupBy: 'OWNER', currency: 'eur' }, 'ADMIN');
    expect(bad.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'currency' });
  });
});

// --------------------------------------------------------------------- at close vs now (definition 6)

describe('attribution: what was true at close stays true (definition 6)', () => {
  const now = Date.now();
  const N = { from: new Date(now - 86_400_000).toISOString(), to: new Date(now + 86_400_000).toISOString() };
  const UPDATE = `mutation($input: UpdateOpportunityInput!) { updateOpportunity(input: $input) { opportunity { id version stage } errors { code field message } } }`;
  let dealId = '';
  const version = async () => (await t.sql<{ version: number }>('select version from opportunity where id = ?', [dealId]))[0].version;
  const closedRecord = async () => (await t.sql<any>('select closed_owner_id as owner, closed_customer_tier as tier, closed_customer_sector as sector from opportunity where id = ?', [dealId]))[0];
  const keys = async (groupBy: string, attribution: string, who: 'ADMIN' | 'SALES_REP' = 'ADMIN') =>
    ok(await t.gql(WIN_RATE, { ...N, groupBy, attribution }, who)).winRate.groups.map((g: any) => [g.key, g.won, g.lost]);
  const wins = async (attribution: string) => Object.fromEntries(ok(await t.gql(REP_PERFORMANCE, { ...N, attribution }, 'ADMIN')).repPerformance.reps
    .filter((r: any) => r.wonCount > 0).map((r: any) => [r.userId, [r.wonCount, r.wonAmount]]));

  beforeAll(async () => {
    dealId = newId('Opportunity');
    await t.sql(`insert into opportunity (id, customer_id, name, amount, currency, stage, probability, expected_close_date, owner_id, created_at, updated_at)
      values (?, ?, 'Closing now', 750.50, 'EUR', 'NEGOTIATION', 80, '2026-12-31', ?, ?, ?)`, [dealId, K.K1, U.R1, d('2025-06-01'), d('2025-06-01')]);
  });

  test('close, reassign the deal and re-tier the customer: the default view stays, CURRENT moves', async () => {
    expect((await closedRecord())).toEqual({ owner: null, tier: null, sector: null });
    const won = ok(await t.gql(UPDATE, { input: { id: dealId, version: await version(), stage: 'WON' } }, 'ADMIN')).updateOpportunity;
    expect(won.errors).toEqual([]);
    expect(await closedRecord()).toEqual({ owner: U.R1, tier: 'KEY', sector: 'ENTERPRISE' });

    const moved = ok(await t.gql(UPDATE, { input: { id: dealId, version: await version(), ownerId: U.R2 } }, 'ADMIN')).updateOpportunity;
    expect(moved.errors).toEqual([]);
    const [customer] = await t.sql<{ version: number }>('select version from customer where id = ?', [K.K1]);
    const retiered = ok(await t.gql(`mutation($input: UpdateCustomerInput!) { updateCustomer(input: $input) { customer { tier } errors { message } } }`,
      { input: { id: K.K1, version: customer.version, tier: 'TARGET' } }, 'ADMIN')).updateCustomer;
    expect(retiered).toEqual({ customer: { tier: 'TARGET' }, errors: [] });
    expect(await closedRecord()).toEqual({ owner: U.R1, tier: 'KEY', sector: 'ENTERPRISE' });

    expect(await keys('OWNER', 'AT_CLOSE')).toEqual([[U.R1, 1, 0]]);
    expect(await keys('OWNER', 'CURRENT')).toEqual([[U.R2, 1, 0]]);
    expect(await keys('TIER', 'AT_CLOSE')).toEqual([['KEY', 1, 0]]);
    expect(await keys('TIER', 'CURRENT')).toEqual([['TARGET', 1, 0]]);
    expect(await wins('AT_CLOSE')).toEqual({ [U.R1]: [1, '750.50'] });
    expect(await wins('CURRENT')).toEqual({ [U.R2]: [1, '750.50'] });
    // the rep who closed it keeps it in their (default) view; it is no longer theirs now
    expect(await keys('OWNER', 'AT_CLOSE', 'SALES_REP')).toEqual([[U.R1, 1, 0]]);
    expect(await keys('OWNER', 'CURRENT', 'SALES_REP')).toEqual([]);
  });

  test('reopening clears the record; closing again records the owner and customer of that moment', async () => {
    const reopened = ok(await t.gql(`mutation($input: ReopenOpportunityInput!) { reopenOpportunity(input: $input) { opportunity { stage } errors { message } } }`,
      { input: { id: dealId, version: await version(), stage: 'NEGOTIATION' } }, 'ADMIN')).reopenOpportunity;
    expect(reopened).toEqual({ opportunity: { stage: 'NEGOTIATION' }, errors: [] });
    expect(await closedRecord()).toEqual({ owner: null, tier: null, sector: null });
    const lost = ok(await t.gql(UPDATE, { input: { id: dealId, version: await version(), stage: 'LOST', lostReason: 'PRICE' } }, 'ADMIN')).updateOpportunity;
    expect(lost.errors).toEqual([]);
    expect(await closedRecord()).toEqual({ owner: U.R2, tier: 'TARGET', sector: 'ENTERPRISE' });
    expect(await keys('OWNER', 'AT_CLOSE')).toEqual([[U.R2, 0, 1]]);
  });
});

// -------------------------------------------------------------------------- lead conversion (5a)

describe('convertLead by an ADMIN (definition 5)', () => {
  const CONVERT = `mutation($input: ConvertLeadInput!) { convertLead(input: $input) {
    customer { id } opportunity { id } customerCreated errors { code field message } } }`;
  const OPP = { name: 'First order', amount: '900.00', expectedCloseDate: '2026-12-31' };
  let counter = 0;
  async function lead(as: 'ADMIN' | 'MARKETING', ownerId?: string): Promise<string> {
    counter += 1;
    const res = ok(await t.gql('mutation($input: CreateLeadInput!) { createLead(input: $input) { lead { id owner { id } } errors { message } } }',
      { input: { firstName: 'Olga', lastName: `Owner${counter}`, company: `Ownerless ${counter} GmbH`, ...(ownerId ? { ownerId } : {}) } }, as)).createLead;
    expect(res.errors).toEqual([]);
    expect(res.lead.owner).toEqual(ownerId ? { id: ownerId } : null);
    return res.lead.id;
  }
  const owners = async (customerId: string, opportunityId: string) => [
    (await t.sql<{ owner_id: string }>('select owner_id from customer where id = ?', [customerId]))[0].owner_id,
    (await t.sql<{ owner_id: string }>('select owner_id from opportunity where id = ?', [opportunityId]))[0].owner_id,
  ];

  test('an unassigned lead without ownerId is refused, naming ownerId; nothing is created', async () => {
    const id = await lead('MARKETING');
    const res = ok(await t.gql(CONVERT, { input: { leadId: id, createOpportunity: OPP } }, 'ADMIN')).convertLead;
    expect(res).toEqual({ customer: null, opportunity: null, customerCreated: false, errors: [{ code: 'VALIDATION', field: ['input', 'ownerId'], message: expect.stringMatching(/ownerId/) }] });
    expect((await t.sql<{ status: string }>('select status from lead where id = ?', [id]))[0].status).not.toBe('CONVERTED');
  });

  test('with ownerId: the new customer and the deal are that sales user\'s', async () => {
    const id = await lead('MARKETING');
    const res = ok(await t.gql(CONVERT, { input: { leadId: id, ownerId: U.R2, createOpportunity: OPP } }, 'ADMIN')).convertLead;
    expect(res.errors).toEqual([]);
    expect(res.customerCreated).toBe(true);
    expect(await owners(res.customer.id, res.opportunity.id)).toEqual([U.R2, U.R2]);
  });

  test('a lead with an owner: that owner, without being asked', async () => {
    const id = await lead('ADMIN', U.R1);
    const res = ok(await t.gql(CONVERT, { input: { leadId: id, createOpportunity: OPP } }, 'ADMIN')).convertLead;
    expect(res.errors).toEqual([]);
    expect(await owners(res.customer.id, res.opportunity.id)).toEqual([U.R1, U.R1]);
  });

  test('ownerId must be an active sales user; a rep may only name themselves; a manager still owns unassigned leads', async () => {
    const id = await lead('MARKETING');
    const finance = ok(await t.gql(CONVERT, { input: { leadId: id, ownerId: U.F } }, 'ADMIN')).convertLead;
    expect(finance.errors).toEqual([{ code: 'VALIDATION', field: ['input', 'ownerId'], message: expect.any(String) }]);
    const mine = await lead('ADMIN', U.R1);
    const rep = ok(await t.gql(CONVERT, { input: { leadId: mine, ownerId: U.R2 } }, 'SALES_REP')).convertLead;
    expect(rep.errors).toEqual([{ code: 'FORBIDDEN', field: ['input', 'ownerId'], message: expect.any(String) }]);
    const res = ok(await t.gql(CONVERT, { input: { leadId: id, createOpportunity: OPP } }, 'SALES_MANAGER')).convertLead;
    expect(res.errors).toEqual([]);
    expect(await owners(res.customer.id, res.opportunity.id)).toEqual([U.M, U.M]);
  });
});
