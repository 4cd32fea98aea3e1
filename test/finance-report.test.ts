import { newId } from '../src/entities/ids';
import { codes, startTestApp, type Caller, type GqlResult, type TestApp, type Who } from './helpers';

/**
 * Finance reports through HTTP: receivablesSummary (per owner / per customer and currency) and
 * agingReport (buckets by days past due, as of today or a past date) on a small FIXED set of
 * receivables inserted with SQL, against numbers computed by hand from the table below (never with
 * SQL). Also the scopes (FINANCE/ADMIN all, manager their team, rep their own customers), the roles
 * that are refused, argument errors, and that nested owner/customer fields are batched.
 *
 * T = today (UTC). Issued T−120 unless noted. Owners: R1 = rep1, R2 = rep2 (both in the manager's
 * team), R3 = a rep outside it. K5 was soft-deleted (directly, before deleting a customer with open money
 * was refused): its money is still AR, counted for FINANCE and ADMIN (issue 14, definition 1); managers
 * and reps see live customers only.
 *
 *  key  cust owner amount   cur paid   due    status   payments (received)        days past due at T / at A = T−31
 *  r1   K1   R1     100.00  EUR        T      OPEN                                 0 current / −31 current
 *  r2   K1   R1     200.00  EUR        T−1    OPEN                                 1 1–30    / −30 current
 *  r3   K1   R1     300.00  EUR  50.00 T−30   OPEN     50.00 on T−5               30 1–30    / −1 current (300: paid later)
 *  r4   K1   R1    1000.00  EUR        T−31   OVERDUE                             31 31–60   / 0 current
 *  r5   K1   R1     500.00  EUR 500.00 T−40   SETTLED  500.00 on T−35             — / — (paid before A)
 *  r14  K1   R1     150.00  EUR 150.00 T−45   SETTLED  150.00 on T−10             — / 14 1–30 (paid after A)
 *  r6   K2   R1     400.00  EUR        T−60   OPEN                                60 31–60   / 29 1–30
 *  r7   K2   R1     600.00  EUR        T−61   OPEN                                61 61–90   / 30 1–30
 *  r8   K2   R1      50.00  USD        T−90   OPEN                                90 61–90   / 59 31–60
 *  r9   K3   R2     700.00  EUR        T−91   OPEN                                91 over 90 / 60 31–60
 *  r10  K3   R2     800.00  EUR        T+10   OPEN                               −10 current / −41 current
 *  r11  K3   R2      25.50  USD        T−1    OPEN                                 1 1–30    / −30 current
 *  r12  K4   R3     900.00  EUR        T−5    OPEN     (issued T−20)               5 1–30    / — (issued after A)
 *  r13  K5   R1    5000.00  EUR        T−10   OPEN     (customer deleted)         10 1–30    / −21 current
 */

let t: TestApp;
let integration: Caller;
const DAY = 86_400_000;
const TODAY = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
const d = (days: number) => new Date(TODAY + days * DAY).toISOString().slice(0, 10);

const U = { R1: '', R2: '', R3: '' };
const K: Record<'K1' | 'K2' | 'K3' | 'K4' | 'K5', string> = { K1: '', K2: '', K3: '', K4: '', K5: '' };

function ok(res: GqlResult): any {
  expect(res.body.errors).toBeUndefined();
  expect(res.status).toBe(200);
  return res.body.data;
}

const SUMMARY = `query($groupBy: ReceivablesSummaryGroupBy!, $currency: String, $limit: Int) {
  receivablesSummary(groupBy: $groupBy, currency: $currency, limit: $limit) {
    ownerId customerId currency outstanding overdue openCount overdueCount owner { id name } customer { id name } } }`;
const AGING = `query($asOf: LocalDate, $currency: String, $ownerId: ID, $customerId: ID) {
  agingReport(asOf: $asOf, currency: $currency, ownerId: $ownerId, customerId: $customerId) {
    asOf currency current days1To30 days31To60 days61To90 over90 total } }`;

const summary = async (who: Who, vars: Record<string, unknown>) => ok(await t.gql(SUMMARY, vars, who)).receivablesSummary;
const aging = async (who: Who, vars: Record<string, unknown> = {}) => ok(await t.gql(AGING, vars, who)).agingReport;

/** A row as [owner, customer, currency, outstanding, overdue, openCount, overdueCount] with fixture names. */
function compact(rows: any[]) {
  const name = (id: string | null, names: Record<string, string>) => (id === null ? null : Object.keys(names).find((k) => names[k] === id) ?? id);
  return rows.map((r) => [name(r.ownerId, U), name(r.customerId, K), r.currency, r.outstanding, r.overdue, r.openCount, r.overdueCount]);
}

const agingRow = (asOf: string, currency: string, current: string, d30: string, d60: string, d90: string, over: string, total: string) =>
  ({ asOf, currency, current, days1To30: d30, days31To60: d60, days61To90: d90, over90: over, total });

// ------------------------------------------------------------------------------------- fixture

beforeAll(async () => {
  t = await startTestApp({ customers: 4 });
  const users = await t.sql<{ id: string; email: string }>(`select id, email from app_user where email in ('rep1@demo.crm', 'rep2@demo.crm')`);
  U.R1 = users.find((u) => u.email === 'rep1@demo.crm')!.id;
  U.R2 = users.find((u) => u.email === 'rep2@demo.crm')!.id;
  U.R3 = newId('User');
  await t.sql(`insert into app_user (id, email, name, role, password_hash) values (?, 'rep3@report.test', 'Rex Outsider', 'SALES_REP', 'x')`, [U.R3]);

  const owners: Record<keyof typeof K, string> = { K1: U.R1, K2: U.R1, K3: U.R2, K4: U.R3, K5: U.R1 };
  const contracts = new Map<string, string>();
  for (const key of Object.keys(K) as (keyof typeof K)[]) {
    contracts.set(key, newId('Contract'));
    K[key] = newId('Customer');
    await t.sql(`insert into customer (id, name, kind, sector, owner_id, deleted_at) values (?, ?, 'BUSINESS', 'SMALL_BUSINESS', ?, ?)`,
      [K[key], `Report ${key} Ltd`, owners[key], key === 'K5' ? new Date().toISOString() : null]);
    await t.sql(`insert into contract (id, number, customer_id, title, value, currency, start_date, status, instalments, owner_id)
      values (?, ?, ?, 'Holder', 100000, 'EUR', '2020-01-01', 'TERMINATED', '[{"dueDate":"2020-01-01","percent":null}]', ?)`,
    [contracts.get(key), `CT-R${key}`, K[key], owners[key]]);
  }

  let n = 0;
  const receivable = async (cust: keyof typeof K, amount: string, currency: string, due: number,
    opts: { paid?: string; status?: string; issued?: number; payments?: [string, number][] } = {}) => {
    n += 1;
    const id = newId('Receivable');
    const status = opts.status ?? 'OPEN';
    await t.sql(`insert into receivable (id, number, customer_id, contract_id, instalment, description, currency, amount, paid_amount,
        issued_on, due_date, status, dunning_stage, overdue_since, settled_at)
      values (?, ?, ?, ?, ?, 'fixture', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [id, `INV-R${n}`, K[cust], contracts.get(cust), n, currency, amount, opts.paid ?? '0.00', d(opts.issued ?? -120), d(due), status,
      status === 'OVERDUE' ? 'ESCALATED' : null, status === 'OVERDUE' ? d(due + 1) : null,
      status === 'SETTLED' ? new Date().toISOString() : null]);
    for (const [paid, on] of opts.payments ?? []) {
      const payment = newId('Payment');
      await t.sql(`insert into payment (id, customer_id, amount, currency, received_on, method, recorded_by) values (?, ?, ?, ?, ?, 'BANK_TRANSFER', 'fixture')`,
        [payment, K[cust], paid, currency, d(on)]);
      await t.sql(`insert into payment_allocation (id, payment_id, receivable_id, amount) values (?, ?, ?, ?)`, [newId('PaymentAllocation'), payment, id, paid]);
    }
  };
  await receivable('K1', '100.00', 'EUR', 0);
  await receivable('K1', '200.00', 'EUR', -1);
  await receivable('K1', '300.00', 'EUR', -30, { paid: '50.00', payments: [['50.00', -5]] });
  await receivable('K1', '1000.00', 'EUR', -31, { status: 'OVERDUE' });
  await receivable('K1', '500.00', 'EUR', -40, { paid: '500.00', status: 'SETTLED', payments: [['500.00', -35]] });
  await receivable('K1', '150.00', 'EUR', -45, { paid: '150.00', status: 'SETTLED', payments: [['150.00', -10]] });
  await receivable('K2', '400.00', 'EUR', -60);
  await receivable('K2', '600.00', 'EUR', -61);
  await receivable('K2', '50.00', 'USD', -90);
  await receivable('K3', '700.00', 'EUR', -91);
  await receivable('K3', '800.00', 'EUR', 10);
  await receivable('K3', '25.50', 'USD', -1);
  await receivable('K4', '900.00', 'EUR', -5, { issued: -20 });
  await receivable('K5', '5000.00', 'EUR', -10);

  integration = { apiKey: ok(await t.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`,
    { input: { name: 'report key', role: 'INTEGRATION', scopes: ['customers:read'] } }, 'ADMIN')).createApiKey.secret };
});
afterAll(async () => { await t?.close(); });

// -------------------------------------------------------------------------------- the summary

describe('receivablesSummary', () => {
  test('per customer and currency (FINANCE): outstanding, overdue and counts, largest outstanding first; settled not counted, deleted counted', async () => {
    const rows = await summary('FINANCE', { groupBy: 'CUSTOMER' });
    expect(compact(rows)).toEqual([
      ['R1', 'K5', 'EUR', '5000.00', '5000.00', 1, 1],
      ['R1', 'K1', 'EUR', '1550.00', '1450.00', 4, 3],
      ['R2', 'K3', 'EUR', '1500.00', '700.00', 2, 1],
      ['R1', 'K2', 'EUR', '1000.00', '1000.00', 2, 2],
      ['R3', 'K4', 'EUR', '900.00', '900.00', 1, 1],
      ['R1', 'K2', 'USD', '50.00', '50.00', 1, 1],
      ['R2', 'K3', 'USD', '25.50', '25.50', 1, 1],
    ]);
    expect(rows[0].customer).toBeNull(); // K5 is deleted: its record is not readable, its money is AR
    expect(rows[1].customer).toEqual({ id: K.K1, name: 'Report K1 Ltd' });
    expect(rows[1].owner).toEqual({ id: U.R1, name: 'Rita Rep' });
    expect(rows[4].owner).toEqual({ id: U.R3, name: 'Rex Outsider' });
  });

  test('per owner (ADMIN = FINANCE): one row per owner and currency, customer null', async () => {
    const expected = [
      ['R1', null, 'EUR', '7550.00', '7450.00', 7, 6],
      ['R2', null, 'EUR', '1500.00', '700.00', 2, 1],
      ['R3', null, 'EUR', '900.00', '900.00', 1, 1],
      ['R1', null, 'USD', '50.00', '50.00', 1, 1],
      ['R2', null, 'USD', '25.50', '25.50', 1, 1],
    ];
    const rows = await summary('FINANCE', { groupBy: 'OWNER' });
    expect(compact(rows)).toEqual(expected);
    expect(rows.every((r: any) => r.customer === null)).toBe(true);
    expect(rows[1].owner).toEqual({ id: U.R2, name: 'Raj Rep' });
    expect(compact(await summary('ADMIN', { groupBy: 'OWNER' }))).toEqual(expected);
  });

  test('currency and limit', async () => {
    expect(compact(await summary('FINANCE', { groupBy: 'OWNER', currency: 'EUR' })).map((r) => r[0])).toEqual(['R1', 'R2', 'R3']);
    expect(compact(await summary('FINANCE', { groupBy: 'OWNER', currency: 'usd' }))).toEqual([
      ['R1', null, 'USD', '50.00', '50.00', 1, 1], ['R2', null, 'USD', '25.50', '25.50', 1, 1]]);
    expect(compact(await summary('FINANCE', { groupBy: 'CUSTOMER', limit: 2 })).map((r) => r[1])).toEqual(['K5', 'K1']);
    expect(await summary('FINANCE', { groupBy: 'CUSTOMER', currency: 'GBP' })).toEqual([]);
  });

  test('scope: a manager sees their team\'s customers, a rep their own', async () => {
    expect(compact(await summary('SALES_MANAGER', { groupBy: 'OWNER' }))).toEqual([
      ['R1', null, 'EUR', '2550.00', '2450.00', 6, 5],
      ['R2', null, 'EUR', '1500.00', '700.00', 2, 1],
      ['R1', null, 'USD', '50.00', '50.00', 1, 1],
      ['R2', null, 'USD', '25.50', '25.50', 1, 1],
    ]);
    expect(compact(await summary('SALES_REP', { groupBy: 'CUSTOMER' }))).toEqual([
      ['R1', 'K1', 'EUR', '1550.00', '1450.00', 4, 3],
      ['R1', 'K2', 'EUR', '1000.00', '1000.00', 2, 2],
      ['R1', 'K2', 'USD', '50.00', '50.00', 1, 1],
    ]);
    expect(compact(await summary('SALES_REP_2', { groupBy: 'OWNER' }))).toEqual([
      ['R2', null, 'EUR', '1500.00', '700.00', 2, 1],
      ['R2', null, 'USD', '25.50', '25.50', 1, 1],
    ]);
  });

  test('bad arguments: BAD_USER_INPUT naming the argument', async () => {
    for (const [vars, field] of [[{ limit: 0 }, 'limit'], [{ limit: 501 }, 'limit'], [{ currency: 'EURO' }, 'currency'], [{ currency: 'XYZ' }, 'currency']] as const) {
      const res = await t.gql(SUMMARY, { groupBy: 'OWNER', ...vars }, 'FINANCE');
      expect(codes(res)).toEqual(['BAD_USER_INPUT']);
      expect(res.body.errors![0].extensions!.field).toBe(field);
    }
    expect(await summary('FINANCE', { groupBy: 'OWNER', limit: 500 })).toHaveLength(5);
  });

  test('nested owner and customer are batched: a page of 2 and a page of 6 run the same number of statements', async () => {
    await t.token('FINANCE');
    const count = (limit: number) => t.countQueries(async () => {
      expect(await summary('FINANCE', { groupBy: 'CUSTOMER', limit })).toHaveLength(limit);
    });
    expect(await count(6)).toBe(await count(2));
  });
});

// ---------------------------------------------------------------------------------- the aging

describe('agingReport', () => {
  test('as of today (default), FINANCE: buckets at the boundaries 0/1/30/31/60/61/90/91 days, one row per currency', async () => {
    expect(await aging('FINANCE')).toEqual([
      agingRow(d(0), 'EUR', '900.00', '6350.00', '1400.00', '600.00', '700.00', '9950.00'),
      agingRow(d(0), 'USD', '0.00', '25.50', '0.00', '50.00', '0.00', '75.50'),
    ]);
    expect(await aging('ADMIN', { asOf: d(0), currency: 'EUR' })).toEqual([
      agingRow(d(0), 'EUR', '900.00', '6350.00', '1400.00', '600.00', '700.00', '9950.00')]);
  });

  test('as of a past date: receivables issued later left out, payments received later added back', async () => {
    expect(await aging('FINANCE', { asOf: d(-31) })).toEqual([
      agingRow(d(-31), 'EUR', '7400.00', '1150.00', '700.00', '0.00', '0.00', '9250.00'),
      agingRow(d(-31), 'USD', '25.50', '0.00', '50.00', '0.00', '0.00', '75.50'),
    ]);
    // before anything was issued: nothing; with a currency: one row of zeros
    expect(await aging('FINANCE', { asOf: d(-200) })).toEqual([]);
    expect(await aging('FINANCE', { asOf: d(-200), currency: 'EUR' })).toEqual([agingRow(d(-200), 'EUR', '0.00', '0.00', '0.00', '0.00', '0.00', '0.00')]);
  });

  test('by owner and by customer', async () => {
    expect(await aging('FINANCE', { ownerId: U.R2 })).toEqual([
      agingRow(d(0), 'EUR', '800.00', '0.00', '0.00', '0.00', '700.00', '1500.00'),
      agingRow(d(0), 'USD', '0.00', '25.50', '0.00', '0.00', '0.00', '25.50'),
    ]);
    expect(await aging('FINANCE', { customerId: K.K2 })).toEqual([
      agingRow(d(0), 'EUR', '0.00', '0.00', '400.00', '600.00', '0.00', '1000.00'),
      agingRow(d(0), 'USD', '0.00', '0.00', '0.00', '50.00', '0.00', '50.00'),
    ]);
    expect(await aging('FINANCE', { customerId: K.K5 })).toEqual([agingRow(d(0), 'EUR', '0.00', '5000.00', '0.00', '0.00', '0.00', '5000.00')]); // deleted: still AR
  });

  test('scope: manager their team, rep their own; other people\'s records count nothing', async () => {
    expect(await aging('SALES_MANAGER', { currency: 'EUR' })).toEqual([
      agingRow(d(0), 'EUR', '900.00', '450.00', '1400.00', '600.00', '700.00', '4050.00')]);
    expect(await aging('SALES_REP')).toEqual([
      agingRow(d(0), 'EUR', '100.00', '450.00', '1400.00', '600.00', '0.00', '2550.00'),
      agingRow(d(0), 'USD', '0.00', '0.00', '0.00', '50.00', '0.00', '50.00'),
    ]);
    expect(await aging('SALES_REP', { customerId: K.K3 })).toEqual([]);
    expect(await aging('SALES_REP', { customerId: K.K3, currency: 'EUR' })).toEqual([agingRow(d(0), 'EUR', '0.00', '0.00', '0.00', '0.00', '0.00', '0.00')]);
    expect(await aging('SALES_REP', { ownerId: U.R2 })).toEqual([]);
    expect(await aging('SALES_MANAGER', { ownerId: U.R3 })).toEqual([]);
  });

  test('bad arguments: BAD_USER_INPUT', async () => {
    for (const [vars, field] of [[{ currency: 'euros' }, 'currency'], [{ ownerId: 'nobody' }, 'ownerId'], [{ customerId: U.R1 }, 'customerId']] as const) {
      const res = await t.gql(AGING, vars, 'FINANCE');
      expect(codes(res)).toEqual(['BAD_USER_INPUT']);
      expect(res.body.errors![0].extensions!.field).toBe(field);
    }
    expect(codes(await t.gql(AGING, { asOf: '2026-02-30' }, 'FINANCE'))).toEqual(['BAD_USER_INPUT']);
  });
});

// -------------------------------------------------------------------------------------- roles

test.each(['SERVICE_AGENT', 'MARKETING', 'ANALYST', 'PARTNER'] as const)('%s may not read the finance reports (FORBIDDEN)', async (who) => {
  for (const res of [await t.gql(SUMMARY, { groupBy: 'OWNER' }, who), await t.gql(AGING, {}, who)]) {
    expect(codes(res)).toEqual(['FORBIDDEN']);
    expect(res.body.data).toBeNull();
  }
});

test('API keys may not read them either; anonymous callers are UNAUTHENTICATED', async () => {
  expect(codes(await t.gql(SUMMARY, { groupBy: 'OWNER' }, integration))).toEqual(['FORBIDDEN']);
  expect(codes(await t.gql(AGING, {}, integration))).toEqual(['FORBIDDEN']);
  expect(codes(await t.gql(AGING, {}, null))).toEqual(['UNAUTHENTICATED']);
});
