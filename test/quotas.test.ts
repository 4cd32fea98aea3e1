import { newId } from '../src/entities/ids';
import { codes, ok, startTestApp, USERS, type GqlResult, type TestApp, type Who } from './helpers';
import { salesTeam } from './support/sales-team';

/**
 * Sales quotas through HTTP: `setQuota` (who may set whose quota, upsert, audit, payload errors), `quotas`
 * and `quotaAttainment` on a small FIXED set of quotas and deals inserted with SQL, against values computed
 * by hand from the tables below (never with SQL). Scopes: ADMIN/FINANCE/ANALYST all, the manager their team
 * (M, R1, R2), a rep their own; R3 has no manager. K4 (R1's) is soft-deleted: its deals never count.
 *
 * Quotas:                      Won deals (closedAt, UTC):
 *  R1 2026-01 1000.00 EUR       R1  600.00 EUR 2026-01-10        R1  700.00 EUR 2026-02-10 on K4 (deleted customer): no
 *  R1 2026-02 2000.00 EUR       R1  650.00 EUR 2026-01-31 23:59:59  R1 1000.00 EUR 2026-01-15 deleted deal: no
 *  R2 2026-02  500.00 USD       R1  900.00 EUR 2026-02-01 00:00:00  R1 5000.00 EUR 2026-02-12 LOST: no
 *  R2 2026-03  400.00 EUR       R1  100.00 USD 2026-02-05 (USD)     R2   50.00 EUR 2025-12-31 23:59:59 (before the range)
 *  R3 2026-01  300.00 EUR       R1  800.00 EUR 2026-03-15           R2  200.00 EUR 2026-03-20
 *                               R3  450.00 EUR 2026-01-05
 *
 * EUR, 2026-01..2026-03, everyone:
 *  R1 01: quota 1000, won 1250 (2), 1.25    02: 2000, 900 (1), 0.45    03: null, 800 (1), null
 *  R2 01: null, 0, null                      02: null (USD), 0, null     03: 400, 200 (1), 0.5
 *  R3 01: 300, 450 (1), 1.5                  02: null, 0, null           03: null, 0, null
 *  months: 01 quota 1300, won 1700 (3), (1250 + 450) / 1300 = 1.3077; 02 2000, 900 (1), 0.45;
 *          03 400, won 1000 (2), attainment of the users with a quota: 200 / 400 = 0.5
 *
 * In a reporting currency (`in`), rates USD→EUR 0.90 from 2026-01-01 and 0.80 from 2026-02-15 (EUR→USD: 1 / 0.80 = 1.25 from 02-15);
 * a quota at the rate of its month's first day, a deal at its closing day's:
 *  in EUR: R1 02 quota 2000, won 900 + 100 USD × 0.90 = 990.00 (2), 0.495; R2 02 quota 500 USD × 0.90 = 450.00, won 0, attainment 0;
 *          month 02: quota 2450.00, won 990.00 (2), 990 / 2450 = 0.4041; the other rows and months as in EUR only.
 *  in USD, R2: 02 quota 500.00, won 0, 0; 03 quota 400 EUR × 1.25 = 500.00, won 200 EUR × 1.25 = 250.00 (1), 0.5.
 */

let t: TestApp;
const U = { M: '', R1: '', R2: '', R3: '', FIN: '' };
const K = { K1: '', K2: '', K3: '', K4: '' };

const name = (id: string) => Object.keys(U).find((k) => U[k as keyof typeof U] === id) ?? id;

beforeAll(async () => {
  t = await startTestApp({ customers: 4 });
  const team = await salesTeam(t, 'Quota', '2026-03-01T00:00:00Z');
  Object.assign(U, team.U);
  Object.assign(K, team.K);
  const quota = (who: keyof typeof U, month: string, amount: string, currency = 'EUR') =>
    t.sql(`insert into sales_quota (user_id, month, amount, currency, set_by) values (?, ?::date, ?::numeric, ?, 'fixture')`, [U[who], `${month}-01`, amount, currency]);
  await quota('R1', '2026-01', '1000.00');
  await quota('R1', '2026-02', '2000.00');
  await quota('R2', '2026-02', '500.00', 'USD');
  await quota('R2', '2026-03', '400.00');
  await quota('R3', '2026-01', '300.00');
  const deal = (who: keyof typeof U, customer: keyof typeof K, amount: string, closed: string, opts: { currency?: string; stage?: string; deleted?: boolean } = {}) =>
    t.sql(`insert into opportunity (id, customer_id, name, amount, currency, stage, probability, expected_close_date, owner_id, lost_reason, closed_at,
        created_at, updated_at, deleted_at)
      values (?, ?, 'Quota deal', ?::numeric, ?, ?, ?, '2026-01-01', ?, ?, ?, '2025-11-01T00:00:00Z', ?, ?)`,
    [newId('Opportunity'), K[customer], amount, opts.currency ?? 'EUR', opts.stage ?? 'WON', opts.stage === 'LOST' ? 0 : 100, U[who],
      opts.stage === 'LOST' ? 'PRICE' : null, closed, closed,
      opts.deleted ? closed : null]);
  await deal('R1', 'K1', '600.00', '2026-01-10T12:00:00Z');
  await deal('R1', 'K1', '650.00', '2026-01-31T23:59:59Z');
  await deal('R1', 'K1', '900.00', '2026-02-01T00:00:00Z');
  await deal('R1', 'K1', '100.00', '2026-02-05T00:00:00Z', { currency: 'USD' });
  await deal('R1', 'K1', '800.00', '2026-03-15T00:00:00Z');
  await deal('R1', 'K4', '700.00', '2026-02-10T00:00:00Z');
  await deal('R1', 'K1', '1000.00', '2026-01-15T00:00:00Z', { deleted: true });
  await deal('R1', 'K1', '5000.00', '2026-02-12T00:00:00Z', { stage: 'LOST' });
  await deal('R2', 'K2', '50.00', '2025-12-31T23:59:59Z');
  await deal('R2', 'K2', '200.00', '2026-03-20T00:00:00Z');
  await deal('R3', 'K3', '450.00', '2026-01-05T00:00:00Z');
  for (const [on, rate] of [['2026-01-01', '0.90'], ['2026-02-15', '0.80']]) {
    await t.sql(`insert into exchange_rate (from_currency, to_currency, valid_on, rate) values ('USD', 'EUR', ?::date, ?::numeric)`, [on, rate]);
  }
});
afterAll(async () => { await t.close(); });

// --------------------------------------------------------------------------------- attainment

const ATTAINMENT = `query($from: String, $to: String, $currency: String! = "EUR") {
  quotaAttainment(from: $from, to: $to, currency: $currency) {
    from to currency
    rows { userId month quota wonAmount wonCount attainment }
    months { month quota wonAmount wonCount attainment } } }`;

const Q1 = { from: '2026-01', to: '2026-03' };

/** Rows as "user month" -> [quota, wonAmount, wonCount, attainment], with fixture names. */
function byRep(report: any): Record<string, unknown[]> {
  return Object.fromEntries(report.rows.map((r: any) => [`${name(r.userId)} ${r.month}`, [r.quota, r.wonAmount, r.wonCount, r.attainment]]));
}
const months = (report: any) => report.months.map((m: any) => [m.month, m.quota, m.wonAmount, m.wonCount, m.attainment]);

const EVERYONE = {
  'R1 2026-01': ['1000.00', '1250.00', 2, 1.25],
  'R1 2026-02': ['2000.00', '900.00', 1, 0.45],
  'R1 2026-03': [null, '800.00', 1, null],
  'R2 2026-01': [null, '0.00', 0, null],
  'R2 2026-02': [null, '0.00', 0, null],
  'R2 2026-03': ['400.00', '200.00', 1, 0.5],
  'R3 2026-01': ['300.00', '450.00', 1, 1.5],
  'R3 2026-02': [null, '0.00', 0, null],
  'R3 2026-03': [null, '0.00', 0, null],
};

describe('quotaAttainment', () => {
  test('ADMIN, FINANCE and ANALYST: every rep with a quota in the range, every month, hand-computed totals', async () => {
    for (const who of ['ADMIN', 'FINANCE', 'ANALYST'] as Who[]) {
      const report = ok(await t.gql(ATTAINMENT, Q1, who)).quotaAttainment;
      expect([report.from, report.to, report.currency]).toEqual(['2026-01', '2026-03', 'EUR']);
      expect(byRep(report)).toEqual(EVERYONE);
      // by month, then user id
      expect(report.rows.map((r: any) => r.month)).toEqual(['2026-01', '2026-01', '2026-01', '2026-02', '2026-02', '2026-02', '2026-03', '2026-03', '2026-03']);
      expect(report.rows.slice(0, 3).map((r: any) => r.userId)).toEqual([U.R1, U.R2, U.R3].sort());
      expect(months(report)).toEqual([
        ['2026-01', '1300.00', '1700.00', 3, 1.3077],
        ['2026-02', '2000.00', '900.00', 1, 0.45],
        ['2026-03', '400.00', '1000.00', 2, 0.5],
      ]);
    }
  });

  test('the manager sees their team (R1, R2), a rep only themselves', async () => {
    const manager = ok(await t.gql(ATTAINMENT, Q1, 'SALES_MANAGER')).quotaAttainment;
    expect(Object.keys(byRep(manager)).sort()).toEqual(Object.keys(EVERYONE).filter((k) => !k.startsWith('R3')));
    expect(months(manager)).toEqual([
      ['2026-01', '1000.00', '1250.00', 2, 1.25],
      ['2026-02', '2000.00', '900.00', 1, 0.45],
      ['2026-03', '400.00', '1000.00', 2, 0.5],
    ]);
    const rep = ok(await t.gql(ATTAINMENT, Q1, 'SALES_REP')).quotaAttainment;
    expect(byRep(rep)).toEqual({ 'R1 2026-01': EVERYONE['R1 2026-01'], 'R1 2026-02': EVERYONE['R1 2026-02'], 'R1 2026-03': EVERYONE['R1 2026-03'] });
    const rep2 = ok(await t.gql(ATTAINMENT, { from: '2026-01', to: '2026-02' }, 'SALES_REP_2')).quotaAttainment;
    // R2 has no EUR quota in January–February: not listed; the months are still there, empty
    expect(rep2.rows).toEqual([]);
    expect(months(rep2)).toEqual([['2026-01', null, '0.00', 0, null], ['2026-02', null, '0.00', 0, null]]);
  });

  test('another currency: only quotas and deals in it', async () => {
    const usd = ok(await t.gql(ATTAINMENT, { ...Q1, currency: 'USD' }, 'ADMIN')).quotaAttainment;
    // R1 won 100 USD but has no USD quota: not listed
    expect(byRep(usd)).toEqual({ 'R2 2026-01': [null, '0.00', 0, null], 'R2 2026-02': ['500.00', '0.00', 0, 0], 'R2 2026-03': [null, '0.00', 0, null] });
  });

  test('in a reporting currency: quotas and deals in every currency, converted at their day\'s rate, the rates listed', async () => {
    const query = `query($in: String) { quotaAttainment(from: "2026-01", to: "2026-03", in: $in) { currency
      rows { userId month quota wonAmount wonCount attainment rates { from to rate validOn inverse } }
      months { month quota wonAmount wonCount attainment rates { rate validOn } } } }`;
    const eur = ok(await t.gql(query, { in: 'EUR' }, 'ADMIN')).quotaAttainment;
    expect(eur.currency).toBe('EUR');
    const usdRate = { from: 'USD', to: 'EUR', rate: '0.9000000000', validOn: '2026-01-01', inverse: false };
    expect(byRep(eur)).toEqual({ ...EVERYONE, 'R1 2026-02': ['2000.00', '990.00', 2, 0.495], 'R2 2026-02': ['450.00', '0.00', 0, 0] });
    expect(eur.rows.filter((r: any) => r.rates.length).map((r: any) => [`${name(r.userId)} ${r.month}`, r.rates]))
      .toEqual(expect.arrayContaining([['R1 2026-02', [usdRate]], ['R2 2026-02', [usdRate]]]));
    expect(eur.rows.filter((r: any) => r.rates.length)).toHaveLength(2);
    expect(months(eur)).toEqual([
      ['2026-01', '1300.00', '1700.00', 3, 1.3077],
      ['2026-02', '2450.00', '990.00', 2, 0.4041],
      ['2026-03', '400.00', '1000.00', 2, 0.5],
    ]);
    expect(eur.months.map((m: any) => m.rates)).toEqual([[], [{ rate: '0.9000000000', validOn: '2026-01-01' }], []]);
    const usd = ok(await t.gql(query, { in: 'USD' }, 'SALES_REP_2')).quotaAttainment;
    expect(byRep(usd)).toEqual({ 'R2 2026-01': [null, '0.00', 0, null], 'R2 2026-02': ['500.00', '0.00', 0, 0], 'R2 2026-03': ['500.00', '250.00', 1, 0.5] });
    expect(usd.rows[2].rates).toEqual([{ from: 'EUR', to: 'USD', rate: '1.2500000000', validOn: '2026-02-15', inverse: true }]);
    const missing = await t.gql(query, { in: 'GBP' }, 'ADMIN');
    expect([codes(missing), missing.body.errors?.[0]?.extensions?.field]).toEqual([['BAD_USER_INPUT'], 'in']);
  });

  test('a won deal counts in its UTC month (boundaries)', async () => {
    const jan = ok(await t.gql(ATTAINMENT, { from: '2026-01', to: '2026-01' }, 'SALES_REP')).quotaAttainment;
    expect(byRep(jan)).toEqual({ 'R1 2026-01': ['1000.00', '1250.00', 2, 1.25] });
  });

  test('without `to`: the current month (UTC); without `from`: six months up to `to`', async () => {
    const now = new Date();
    const index = now.getUTCFullYear() * 12 + now.getUTCMonth();
    const month = (i: number) => `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
    const report = ok(await t.gql('{ quotaAttainment { from to months { month } } }', {}, 'ADMIN')).quotaAttainment;
    expect([report.from, report.to]).toEqual([month(index - 5), month(index)]);
    expect(report.months.map((m: any) => m.month)).toEqual([5, 4, 3, 2, 1, 0].map((k) => month(index - k)));
    expect(ok(await t.gql('{ quotaAttainment(to: "2026-03") { from to } }', {}, 'ADMIN')).quotaAttainment).toEqual({ from: '2025-10', to: '2026-03' });
    expect(ok(await t.gql('{ quotas(to: "2026-03") { month } }', {}, 'ADMIN')).quotas.map((q: any) => q.month))
      .toEqual(['2026-01', '2026-01', '2026-02', '2026-02', '2026-03']);
  });

  test('SERVICE_AGENT, MARKETING and PARTNER are refused', async () => {
    for (const who of ['SERVICE_AGENT', 'MARKETING', 'PARTNER'] as Who[]) expect(codes(await t.gql(ATTAINMENT, Q1, who))).toEqual(['FORBIDDEN']);
  });

  test('bad months are BAD_USER_INPUT naming the argument', async () => {
    const bad = async (vars: Record<string, unknown>) => {
      const res = await t.gql(ATTAINMENT, vars, 'ADMIN');
      return [codes(res), res.body.errors?.[0]?.extensions?.field];
    };
    expect(await bad({ from: '2026-1', to: '2026-03' })).toEqual([['BAD_USER_INPUT'], 'from']);
    expect(await bad({ from: '2026-01', to: '2026-13' })).toEqual([['BAD_USER_INPUT'], 'to']);
    expect(await bad({ from: '2026-03', to: '2026-01' })).toEqual([['BAD_USER_INPUT'], 'to']);
    expect(await bad({ from: '2026-01', to: '2029-01' })).toEqual([['BAD_USER_INPUT'], 'to']);
    expect(await bad({ ...Q1, currency: 'EURO' })).toEqual([['BAD_USER_INPUT'], 'currency']);
  });

  test('the user behind a row: names for the manager, ids only for ANALYST; batched (statements independent of the rows)', async () => {
    const query = `query($from: String, $to: String) { quotaAttainment(from: $from, to: $to) { rows { user { id name } } } }`;
    const manager = ok(await t.gql(query, Q1, 'SALES_MANAGER')).quotaAttainment;
    expect(new Set(manager.rows.map((r: any) => r.user.name))).toEqual(new Set(['Rita Rep', 'Raj Rep']));
    const analyst = await t.gql(query, { from: '2026-01', to: '2026-01' }, 'ANALYST');
    // R2 has no EUR quota in January: not listed
    expect(analyst.body.data.quotaAttainment.rows.map((r: any) => r.user)).toEqual([U.R1, U.R3].sort().map((id) => ({ id, name: null })));
    expect(codes(analyst)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
    await t.token('ADMIN');
    const count = (to: string) => t.countQueries(async () => { ok(await t.gql(query, { from: '2026-01', to }, 'ADMIN')); });
    expect(await count('2026-03')).toBe(await count('2026-01'));
  });
});

// ------------------------------------------------------------------------------------ quotas

const QUOTAS = `query($from: String, $to: String, $userIds: [ID!]) {
  quotas(from: $from, to: $to, userIds: $userIds) { userId month amount currency setBy user { id } } }`;
const SET = `mutation($input: SetQuotaInput!) { setQuota(input: $input) { quota { userId month amount currency setBy } errors { code field message } } }`;

const set = async (who: Who, input: Record<string, unknown>) => {
  const res: GqlResult = await t.gql(SET, { input }, who);
  return res.body.errors ? codes(res) : res.body.data.setQuota;
};
const auditOf = (userId: string, month: string) => t.sql<{ action: string; changes: unknown; actor_id: string }>(
  `select action, changes, actor_id from audit_event where entity_type = 'SalesQuota' and entity_id = ? order by at, id`, [`${userId}/${month}`]);

describe('quotas and setQuota', () => {
  test('quotas lists the months asked for, in the caller\'s scope', async () => {
    const list = (who: Who, vars: Record<string, unknown>) => t.gql(QUOTAS, vars, who).then((r) => ok(r).quotas
      .map((q: any) => `${name(q.userId)} ${q.month} ${q.amount} ${q.currency}`));
    expect(await list('FINANCE', Q1)).toEqual(expect.arrayContaining(['R1 2026-01 1000.00 EUR', 'R3 2026-01 300.00 EUR', 'R1 2026-02 2000.00 EUR',
      'R2 2026-02 500.00 USD', 'R2 2026-03 400.00 EUR']));
    expect(await list('SALES_MANAGER', { from: '2026-02', to: '2026-03' })).toEqual(expect.arrayContaining(['R1 2026-02 2000.00 EUR', 'R2 2026-02 500.00 USD', 'R2 2026-03 400.00 EUR']));
    expect(await list('SALES_REP_2', Q1)).toEqual(['R2 2026-02 500.00 USD', 'R2 2026-03 400.00 EUR']);
    expect(await list('ADMIN', { ...Q1, userIds: [U.R3] })).toEqual(['R3 2026-01 300.00 EUR']);
    expect(await list('SALES_REP', { ...Q1, userIds: [U.R3] })).toEqual([]);
  });

  test('ADMIN sets a quota (created, audited), changes it (updated, audited), the same again changes nothing', async () => {
    expect(await set('ADMIN', { userId: U.R3, month: '2026-04', amount: '1500', currency: 'eur' }))
      .toEqual({ quota: { userId: U.R3, month: '2026-04', amount: '1500.00', currency: 'EUR', setBy: (await adminId()) }, errors: [] });
    expect(await set('ADMIN', { userId: U.R3, month: '2026-04', amount: '1750.50', currency: 'EUR' }))
      .toMatchObject({ quota: { amount: '1750.50', currency: 'EUR' }, errors: [] });
    expect(await set('ADMIN', { userId: U.R3, month: '2026-04', amount: '1750.50', currency: 'EUR' })).toMatchObject({ errors: [] });
    const entries = await auditOf(U.R3, '2026-04');
    expect(entries.map((e) => [e.action, e.changes])).toEqual([
      ['CREATE', [{ field: 'month', old: null, new: '2026-04' }, { field: 'amount', old: null, new: '1500.00' }, { field: 'currency', old: null, new: 'EUR' }]],
      ['UPDATE', [{ field: 'amount', old: '1500.00', new: '1750.50' }]],
    ]);
    expect(ok(await t.gql(QUOTAS, { from: '2026-04', to: '2026-04' }, 'SALES_MANAGER')).quotas).toEqual([]);
  });

  test('quotaHistory: the audit entries of a quota, newest first, for whoever reads that user\'s quotas', async () => {
    const query = `query($userId: ID!, $month: String!) { quotaHistory(userId: $userId, month: $month) {
      action changes { field oldValue newValue redacted } actor { id } } }`;
    const history = ok(await t.gql(query, { userId: U.R3, month: '2026-04' }, 'FINANCE')).quotaHistory;
    expect(history.map((e: any) => [e.action, e.changes.map((c: any) => [c.field, c.oldValue, c.newValue, c.redacted]), e.actor.id])).toEqual([
      ['UPDATE', [['amount', '1500.00', '1750.50', false]], await adminId()],
      ['CREATE', [['month', null, '2026-04', false], ['amount', null, '1500.00', false], ['currency', null, 'EUR', false]], await adminId()],
    ]);
    // R3 is outside the manager's team and is not rep1
    expect(ok(await t.gql(query, { userId: U.R3, month: '2026-04' }, 'SALES_MANAGER')).quotaHistory).toEqual([]);
    expect(ok(await t.gql(query, { userId: U.R3, month: '2026-04' }, 'SALES_REP')).quotaHistory).toEqual([]);
    const bad = await t.gql(query, { userId: U.R3, month: '2026-4' }, 'ADMIN');
    expect([codes(bad), bad.body.errors?.[0]?.extensions?.field]).toEqual([['BAD_USER_INPUT'], 'month']);
  });

  test('a manager sets quotas for the users below them, not for others nor themselves', async () => {
    expect(await set('SALES_MANAGER', { userId: U.R1, month: '2026-05', amount: '2500.00', currency: 'EUR' }))
      .toEqual({ quota: { userId: U.R1, month: '2026-05', amount: '2500.00', currency: 'EUR', setBy: U.M }, errors: [] });
    const outside = await set('SALES_MANAGER', { userId: U.R3, month: '2026-05', amount: '2500.00', currency: 'EUR' });
    expect(outside).toEqual({ quota: null, errors: [{ code: 'NOT_FOUND', field: ['input', 'userId'], message: 'No such user in your team (below you).' }] });
    expect((await set('SALES_MANAGER', { userId: U.M, month: '2026-05', amount: '1.00', currency: 'EUR' })).errors[0].code).toBe('NOT_FOUND');
    const [n] = await t.sql<{ n: number }>(`select count(*)::int as n from sales_quota where month = '2026-05-01'`);
    expect(n.n).toBe(1);
  });

  test('reps and the other roles may not set quotas', async () => {
    for (const who of ['SALES_REP', 'SERVICE_AGENT', 'MARKETING', 'FINANCE', 'ANALYST', 'PARTNER'] as Who[]) {
      expect(await set(who, { userId: U.R1, month: '2026-06', amount: '1.00', currency: 'EUR' })).toEqual(['FORBIDDEN']);
    }
    const [n] = await t.sql<{ n: number }>(`select count(*)::int as n from sales_quota where month = '2026-06-01'`);
    expect(n.n).toBe(0);
  });

  test('payload errors name the fields', async () => {
    const errors = async (input: Record<string, unknown>) => (await set('ADMIN', input)).errors.map((e: any) => [e.code, e.field.join('.')]);
    expect(await errors({ userId: U.R1, month: '2026-13', amount: '-5', currency: 'EURO' }))
      .toEqual([['VALIDATION', 'input.month'], ['VALIDATION', 'input.amount'], ['VALIDATION', 'input.currency']]);
    expect(await errors({ userId: 'usr_nope', month: '2026-07', amount: '5.123', currency: 'EUR' }))
      .toEqual([['VALIDATION', 'input.userId'], ['VALIDATION', 'input.amount']]);
    expect(await errors({ userId: U.FIN, month: '2026-07', amount: '5.00', currency: 'EUR' })).toEqual([['VALIDATION', 'input.userId']]);
    expect(await errors({ userId: newId('User'), month: '2026-07', amount: '5.00', currency: 'EUR' })).toEqual([['NOT_FOUND', 'input.userId']]);
  });
});

async function adminId(): Promise<string> {
  return (await t.sql<{ id: string }>(`select id from app_user where email = ?`, [USERS.ADMIN]))[0].id;
}
