import { newId } from '../src/entities/ids';
import { codes, ok, startTestApp, type GqlResult, type TestApp, type Who } from './helpers';

/**
 * The finance reports of issue 14 through HTTP: daysSalesOutstanding, cashReceived and customerAging, on
 * a small FIXED set of receivables and payments with fixed dates (independent of today), against numbers
 * computed by hand from the table below (never with SQL); with and without a reporting currency, scoped
 * (a rep sees their own customers, a manager their team's, other roles FORBIDDEN), bad arguments, and
 * the nested customer batched.
 *
 * Rates: USD→EUR 0.9 from 2025-01-01, 0.8 from 2025-02-15. K1 owned by rep1, K2 by rep2.
 *  key  cust cur  amount   issued      due         payments (received)                status
 *  b1   K1   EUR  1000.00  2025-01-15  2025-02-14  400.00 on 2025-02-10, 600.00 on 2025-03-05  SETTLED
 *  b2   K1   EUR   500.00  2025-02-20  2025-03-22  —                                  OPEN
 *  b3   K2   EUR   300.00  2025-01-31  2025-03-02  300.00 on 2025-02-28               SETTLED
 *  b4   K2   USD   200.00  2025-02-03  2025-03-05   50.00 on 2025-03-10               OPEN
 *  b5   K1   EUR  2000.00  2025-04-01  2025-05-01  —                                  OPEN (after every range below)
 *
 * DSO, AR at month end (payments received later added back) and credit sales (receivables issued in the month):
 *  EUR Jan: AR b1 1000 + b3 300 = 1300, sales 1000 + 300 = 1300, DSO 1300 × 31 / 1300 = 31.0
 *      Feb: AR b1 600 (600 paid 03-05) + b2 500 = 1100 (b3 paid 02-28, not later), sales b2 500, DSO 1100 × 28 / 500 = 61.6
 *      Mar: AR b2 500, sales 0, DSO null
 *  USD Jan: 0 / 0 null;  Feb: AR b4 200 (50 paid 03-10 added back), sales 200, DSO 28.0;  Mar: AR 150, sales 0, null
 *  in EUR: Feb AR 1100 + 200 × 0.8 (02-28) = 1260, sales 500 + 200 × 0.9 (issued 02-03) = 680, DSO 1260 × 28 / 680 = 51.88… → 51.9
 *          Mar AR 500 + 150 × 0.8 = 620, sales 0, null
 */

let t: TestApp;
const K = { K1: '', K2: '' };
const contracts = { K1: '', K2: '' };

const DSO = `query($from: LocalDate!, $to: LocalDate!, $in: String, $currency: String) {
  daysSalesOutstanding(from: $from, to: $to, in: $in, currency: $currency) { month currency receivablesAtEnd creditSales days dso rates { rate validOn } } }`;
const CASH = `query($from: LocalDate!, $to: LocalDate!, $groupBy: CashPeriod!, $in: String, $currency: String) {
  cashReceived(from: $from, to: $to, groupBy: $groupBy, in: $in, currency: $currency) { start end currency amount count rates { from to rate validOn inverse } } }`;
const AGING = `query($asOf: LocalDate, $in: String, $currency: String, $ownerId: ID, $limit: Int) {
  customerAging(asOf: $asOf, in: $in, currency: $currency, ownerId: $ownerId, limit: $limit) {
    customerId asOf currency current days1To30 days31To60 days61To90 over90 total rates { rate validOn } customer { id name } } }`;

const run = async (query: string, vars: Record<string, unknown>, who: Who = 'FINANCE') => {
  const data = ok(await t.gql(query, vars, who));
  return data[Object.keys(data)[0]];
};
const dso = (month: string, currency: string, ar: string, sales: string, days: number, value: number | null, rates: { rate: string; validOn: string }[] = []) =>
  ({ month, currency, receivablesAtEnd: ar, creditSales: sales, days, dso: value, rates });
const cash = (start: string, end: string, currency: string, amount: string, count: number, rates: unknown[] = []) => ({ start, end, currency, amount, count, rates });
const R08 = { rate: '0.8000000000', validOn: '2025-02-15' };
const R09 = { rate: '0.9000000000', validOn: '2025-01-01' };

function badInput(res: GqlResult, field: string): string {
  expect(codes(res)).toEqual(['BAD_USER_INPUT']);
  expect(res.body.errors![0].extensions!.field).toBe(field);
  return res.body.errors![0].message;
}

let n = 0;
async function receivable(cust: keyof typeof K, currency: string, amount: string, issued: string, due: string, payments: [string, string][] = []) {
  n += 1;
  const id = newId('Receivable');
  const paid = payments.reduce((sum, [p]) => sum + Number(p), 0).toFixed(2);
  const settled = Number(paid) === Number(amount);
  await t.sql(`insert into receivable (id, number, customer_id, contract_id, instalment, description, currency, amount, paid_amount, issued_on, due_date, status, settled_at)
    values (?, ?, ?, ?, ?, 'fixture', ?, ?, ?, ?, ?, ?, ?)`,
  [id, `INV-F${n}`, K[cust], contracts[cust], n, currency, amount, paid, issued, due, settled ? 'SETTLED' : 'OPEN', settled ? new Date().toISOString() : null]);
  for (const [p, on] of payments) {
    const payment = newId('Payment');
    await t.sql(`insert into payment (id, customer_id, amount, currency, received_on, method, recorded_by) values (?, ?, ?, ?, ?, 'BANK_TRANSFER', 'fixture')`,
      [payment, K[cust], p, currency, on]);
    await t.sql('insert into payment_allocation (id, payment_id, receivable_id, amount) values (?, ?, ?, ?)', [newId('PaymentAllocation'), payment, id, p]);
  }
}

beforeAll(async () => {
  t = await startTestApp({ customers: 4 });
  const users = await t.sql<{ id: string; email: string }>(`select id, email from app_user where email in ('rep1@demo.crm', 'rep2@demo.crm')`);
  const owner = { K1: users.find((u) => u.email === 'rep1@demo.crm')!.id, K2: users.find((u) => u.email === 'rep2@demo.crm')!.id };
  for (const key of ['K1', 'K2'] as const) {
    K[key] = newId('Customer');
    contracts[key] = newId('Contract');
    await t.sql(`insert into customer (id, name, kind, sector, owner_id) values (?, ?, 'BUSINESS', 'SMALL_BUSINESS', ?)`, [K[key], `Reports ${key} Ltd`, owner[key]]);
    await t.sql(`insert into contract (id, number, customer_id, title, value, currency, start_date, status, instalments, owner_id)
      values (?, ?, ?, 'Holder', 100000, 'EUR', '2020-01-01', 'TERMINATED', '[{"dueDate":"2020-01-01","percent":null}]', ?)`, [contracts[key], `CT-F${key}`, K[key], owner[key]]);
  }
  await receivable('K1', 'EUR', '1000.00', '2025-01-15', '2025-02-14', [['400.00', '2025-02-10'], ['600.00', '2025-03-05']]);
  await receivable('K1', 'EUR', '500.00', '2025-02-20', '2025-03-22');
  await receivable('K2', 'EUR', '300.00', '2025-01-31', '2025-03-02', [['300.00', '2025-02-28']]);
  await receivable('K2', 'USD', '200.00', '2025-02-03', '2025-03-05', [['50.00', '2025-03-10']]);
  await receivable('K1', 'EUR', '2000.00', '2025-04-01', '2025-05-01');
  for (const [validOn, rate] of [['2025-01-01', '0.9'], ['2025-02-15', '0.8']]) {
    const set = ok(await t.gql(`mutation($i: SetExchangeRateInput!) { setExchangeRate(input: $i) { errors { message } } }`,
      { i: { from: 'USD', to: 'EUR', validOn, rate } }, 'FINANCE')).setExchangeRate;
    expect(set.errors).toEqual([]);
  }
});
afterAll(async () => { await t?.close(); });

// --------------------------------------------------------------------------------------------- DSO

describe('daysSalesOutstanding', () => {
  test('by month and currency (FINANCE): AR at month end ÷ credit sales × days; null without credit sales', async () => {
    expect(await run(DSO, { from: '2025-01-01', to: '2025-03-28' })).toEqual([
      dso('2025-01', 'EUR', '1300.00', '1300.00', 31, 31),
      dso('2025-01', 'USD', '0.00', '0.00', 31, null),
      dso('2025-02', 'EUR', '1100.00', '500.00', 28, 61.6),
      dso('2025-02', 'USD', '200.00', '200.00', 28, 28),
      dso('2025-03', 'EUR', '500.00', '0.00', 31, null),
      dso('2025-03', 'USD', '150.00', '0.00', 31, null),
    ]);
    expect(await run(DSO, { from: '2025-02-01', to: '2025-03-28', currency: 'usd' }, 'ADMIN')).toEqual([
      dso('2025-02', 'USD', '200.00', '200.00', 28, 28),
      dso('2025-03', 'USD', '150.00', '0.00', 31, null),
    ]);
  });

  test('in EUR: AR at the month-end rate, credit sales at the issue-date rate', async () => {
    // any day of a month stands for the month
    expect(await run(DSO, { from: '2025-01-31', to: '2025-03-01', in: 'EUR' })).toEqual([
      dso('2025-01', 'EUR', '1300.00', '1300.00', 31, 31),
      dso('2025-02', 'EUR', '1260.00', '680.00', 28, 51.9, [R08, R09]),
      dso('2025-03', 'EUR', '620.00', '0.00', 31, null, [R08]),
    ]);
    // a month with nothing at all is still listed with a currency asked for
    expect(await run(DSO, { from: '2024-12-01', to: '2024-12-28', in: 'EUR' })).toEqual([dso('2024-12', 'EUR', '0.00', '0.00', 31, null)]);
    expect(badInput(await t.gql(DSO, { from: '2025-01-01', to: '2025-03-28', in: 'GBP' }, 'FINANCE'), 'in')).toContain('from EUR to GBP valid on 2025-01-15');
  });

  test('scope: a rep sees their own customers only; other roles FORBIDDEN', async () => {
    expect(await run(DSO, { from: '2025-01-01', to: '2025-03-28' }, 'SALES_REP')).toEqual([
      dso('2025-01', 'EUR', '1000.00', '1000.00', 31, 31),
      dso('2025-02', 'EUR', '1100.00', '500.00', 28, 61.6),
      dso('2025-03', 'EUR', '500.00', '0.00', 31, null),
    ]);
    expect((await run(DSO, { from: '2025-02-01', to: '2025-02-28' }, 'SALES_MANAGER')).map((r: any) => [r.currency, r.receivablesAtEnd])).toEqual([['EUR', '1100.00'], ['USD', '200.00']]);
    for (const who of ['SERVICE_AGENT', 'MARKETING', 'ANALYST', 'PARTNER'] as const) expect(codes(await t.gql(DSO, { from: '2025-01-01', to: '2025-01-28' }, who))).toEqual(['FORBIDDEN']);
  });

  test('bad arguments name the argument', async () => {
    expect(codes(await t.gql(DSO, { from: '2025-13-01', to: '2025-12-28' }, 'FINANCE'))).toEqual(['BAD_USER_INPUT']); // not a date
    badInput(await t.gql(DSO, { from: '2025-03-01', to: '2025-02-28' }, 'FINANCE'), 'to');
    badInput(await t.gql(DSO, { from: '2020-01-01', to: '2025-01-28' }, 'FINANCE'), 'to'); // 61 months
    badInput(await t.gql(DSO, { from: '2025-01-01', to: '2025-01-28', currency: 'EURO' }, 'FINANCE'), 'currency');
    badInput(await t.gql(DSO, { from: '2025-01-01', to: '2025-01-28', in: 'XYZ' }, 'FINANCE'), 'in');
  });
});

// ----------------------------------------------------------------------------------- cash received

describe('cashReceived', () => {
  test('by month and currency: every period listed, counts', async () => {
    expect(await run(CASH, { from: '2025-02-01', to: '2025-03-31', groupBy: 'MONTH' })).toEqual([
      cash('2025-02-01', '2025-02-28', 'EUR', '700.00', 2),
      cash('2025-02-01', '2025-02-28', 'USD', '0.00', 0),
      cash('2025-03-01', '2025-03-31', 'EUR', '600.00', 1),
      cash('2025-03-01', '2025-03-31', 'USD', '50.00', 1),
    ]);
  });

  test('in EUR: each payment at the rate of its received date', async () => {
    expect(await run(CASH, { from: '2025-02-01', to: '2025-03-31', groupBy: 'MONTH', in: 'EUR' })).toEqual([
      cash('2025-02-01', '2025-02-28', 'EUR', '700.00', 2),
      cash('2025-03-01', '2025-03-31', 'EUR', '640.00', 2, [{ from: 'USD', to: 'EUR', rate: '0.8000000000', validOn: '2025-02-15', inverse: false }]),
    ]);
  });

  test('by ISO week and by day, the first and last period cut to the range', async () => {
    // 2025-02-24 and 2025-03-03, 2025-03-10 are Mondays
    expect(await run(CASH, { from: '2025-02-26', to: '2025-03-11', groupBy: 'WEEK', currency: 'EUR' })).toEqual([
      cash('2025-02-26', '2025-03-02', 'EUR', '300.00', 1),
      cash('2025-03-03', '2025-03-09', 'EUR', '600.00', 1),
      cash('2025-03-10', '2025-03-11', 'EUR', '0.00', 0),
    ]);
    expect(await run(CASH, { from: '2025-03-04', to: '2025-03-06', groupBy: 'DAY', in: 'EUR' })).toEqual([
      cash('2025-03-04', '2025-03-04', 'EUR', '0.00', 0),
      cash('2025-03-05', '2025-03-05', 'EUR', '600.00', 1),
      cash('2025-03-06', '2025-03-06', 'EUR', '0.00', 0),
    ]);
    // no payment and no currency asked for: no currency to list
    expect(await run(CASH, { from: '2025-06-01', to: '2025-06-02', groupBy: 'DAY' })).toEqual([]);
  });

  test('scope and bad arguments', async () => {
    expect(await run(CASH, { from: '2025-02-01', to: '2025-03-31', groupBy: 'MONTH' }, 'SALES_REP_2')).toEqual([
      cash('2025-02-01', '2025-02-28', 'EUR', '300.00', 1),
      cash('2025-02-01', '2025-02-28', 'USD', '0.00', 0),
      cash('2025-03-01', '2025-03-31', 'EUR', '0.00', 0),
      cash('2025-03-01', '2025-03-31', 'USD', '50.00', 1),
    ]);
    expect(codes(await t.gql(CASH, { from: '2025-02-01', to: '2025-02-02', groupBy: 'DAY' }, 'SERVICE_AGENT'))).toEqual(['FORBIDDEN']);
    badInput(await t.gql(CASH, { from: '2025-02-02', to: '2025-02-01', groupBy: 'DAY' }, 'FINANCE'), 'to');
    badInput(await t.gql(CASH, { from: '2025-01-01', to: '2026-01-02', groupBy: 'DAY' }, 'FINANCE'), 'to'); // 367 days
    badInput(await t.gql(CASH, { from: '2025-01-01', to: '2025-01-02', groupBy: 'DAY', currency: 'EURO' }, 'FINANCE'), 'currency');
    badInput(await t.gql(CASH, { from: '2025-01-01', to: '2025-01-02', groupBy: 'DAY', in: 'EURO' }, 'FINANCE'), 'in');
    expect(badInput(await t.gql(CASH, { from: '2025-03-01', to: '2025-03-31', groupBy: 'MONTH', in: 'GBP' }, 'FINANCE'), 'in'))
      .toContain('from EUR to GBP valid on 2025-03-05');
  });
});

// ----------------------------------------------------------------------------------- customer aging

describe('customerAging', () => {
  const row = (cust: keyof typeof K, asOf: string, currency: string, buckets: string[], rates: unknown[] = []) => {
    const [current, days1To30, days31To60, days61To90, over90, total] = buckets;
    return { customerId: K[cust], asOf, currency, current, days1To30, days31To60, days61To90, over90, total, rates, customer: { id: K[cust], name: `Reports ${cust} Ltd` } };
  };

  test('one row per customer and currency, largest total first; payments after the as-of date added back', async () => {
    // as of 2025-02-12: b1 1000 − 1000 + 600 (received 03-05) current; b3 300 (received 02-28) current; b4 200 current; b2 not yet issued
    expect(await run(AGING, { asOf: '2025-02-12' })).toEqual([
      row('K1', '2025-02-12', 'EUR', ['600.00', '0.00', '0.00', '0.00', '0.00', '600.00']),
      row('K2', '2025-02-12', 'EUR', ['300.00', '0.00', '0.00', '0.00', '0.00', '300.00']),
      row('K2', '2025-02-12', 'USD', ['200.00', '0.00', '0.00', '0.00', '0.00', '200.00']),
    ]);
    // as of 2025-03-10: b2 500 due in 12 days; b4 150 five days past due (the 50 received that day counts)
    expect(await run(AGING, { asOf: '2025-03-10' })).toEqual([
      row('K1', '2025-03-10', 'EUR', ['500.00', '0.00', '0.00', '0.00', '0.00', '500.00']),
      row('K2', '2025-03-10', 'USD', ['0.00', '150.00', '0.00', '0.00', '0.00', '150.00']),
    ]);
    expect((await run(AGING, { asOf: '2025-02-12', limit: 2 })).map((r: any) => [r.customerId, r.currency])).toEqual([[K.K1, 'EUR'], [K.K2, 'EUR']]);
    expect((await run(AGING, { asOf: '2025-02-12', currency: 'USD' })).map((r: any) => [r.customerId, r.total])).toEqual([[K.K2, '200.00']]);
  });

  test('in EUR: one row per customer at the rate of the as-of date', async () => {
    // K2 as of 2025-02-12: 300 + 200 × 0.9
    expect((await run(AGING, { asOf: '2025-02-12', in: 'EUR' })).map((r: any) => [r.customerId, r.currency, r.current, r.total, r.rates])).toEqual([
      [K.K1, 'EUR', '600.00', '600.00', []], [K.K2, 'EUR', '480.00', '480.00', [R09]]]);
    // as of 2025-03-10: K2 150 × 0.8
    expect(await run(AGING, { asOf: '2025-03-10', in: 'EUR' })).toEqual([
      row('K1', '2025-03-10', 'EUR', ['500.00', '0.00', '0.00', '0.00', '0.00', '500.00']),
      row('K2', '2025-03-10', 'EUR', ['0.00', '120.00', '0.00', '0.00', '0.00', '120.00'], [R08]),
    ]);
  });

  test('scope, bad arguments, and the customer batched (no N+1)', async () => {
    expect((await run(AGING, { asOf: '2025-02-12' }, 'SALES_REP')).map((r: any) => [r.customerId, r.total])).toEqual([[K.K1, '600.00']]);
    expect(codes(await t.gql(AGING, {}, 'MARKETING'))).toEqual(['FORBIDDEN']);
    badInput(await t.gql(AGING, { limit: 0 }, 'FINANCE'), 'limit');
    badInput(await t.gql(AGING, { limit: 501 }, 'FINANCE'), 'limit');
    badInput(await t.gql(AGING, { in: 'XX' }, 'FINANCE'), 'in');
    badInput(await t.gql(AGING, { ownerId: 'nope' }, 'FINANCE'), 'ownerId');
    await t.token('FINANCE');
    const count = (limit: number) => t.countQueries(async () => {
      expect(await run(AGING, { asOf: '2025-02-12', limit })).toHaveLength(limit);
    });
    expect(await count(3)).toBe(await count(1));
  });
});
