import { newId } from '../src/entities/ids';
import { codes, ok, startTestApp, type GqlResult, type TestApp, type Who } from './helpers';

/**
 * Exchange rates (issue 14) through HTTP: `setExchangeRate` (validation, upsert, audit, who may),
 * `exchangeRates`, the money reports in one reporting currency (`in`) and credit exposure across
 * currencies, against numbers computed by hand from the tables below (never with SQL).
 *
 * Rates (set through the API):  USD→EUR 0.9 from 2025-01-01, 0.8 from 2025-03-01;  EUR→GBP 0.8 from 2025-01-01
 * (so GBP→EUR is its inverse 1 / 0.8 = 1.25);  USD→JPY 150 from 2025-06-01 (after every date asked below).
 *
 * Receivables, all issued 2025-01-10 (K1 owned by rep1, K2 by rep2):
 *  key  cust amount  cur  due         payments               at 2025-02-28 (USD 0.9)       at 2025-03-31 (USD 0.8)      today (USD 0.8)
 *  a1   K1   1000.00 EUR  2025-02-10                         18 d: 1–30    1000.00         49 d: 31–60   1000.00        1000.00
 *  a2   K1    500.00 USD  2025-03-15  100.00 on 2025-04-10   −15: current   450.00         16 d: 1–30     400.00         400 × 0.8 = 320.00
 *  a3   K2    333.33 USD  2025-01-20                         39 d: 31–60    299.997→300.00 70 d: 61–90    266.664→266.66 266.66
 *  a4   K2    100.00 GBP  2025-04-30                         current        125.00         current        125.00         125.00
 */

let t: TestApp;
const K = { K1: '', K2: '' };
const contracts = { K1: '', K2: '' };
const U = { R1: '', R2: '' };

const SET = `mutation($i: SetExchangeRateInput!) { setExchangeRate(input: $i) { exchangeRate { from to rate validOn setAt } errors { code field message } } }`;
const RATES = `query($from: String, $to: String, $on: LocalDate, $limit: Int) { exchangeRates(from: $from, to: $to, on: $on, limit: $limit) { from to rate validOn } }`;
const SUMMARY = `query($groupBy: ReceivablesSummaryGroupBy!, $in: String, $currency: String) {
  receivablesSummary(groupBy: $groupBy, in: $in, currency: $currency) {
    ownerId customerId currency outstanding overdue openCount overdueCount rates { from to rate validOn inverse } } }`;
const AGING = `query($asOf: LocalDate, $in: String, $currency: String) {
  agingReport(asOf: $asOf, in: $in, currency: $currency) { asOf currency current days1To30 days31To60 days61To90 over90 total rates { from to rate validOn inverse } } }`;
const CREDIT = `query($id: ID!) { customer(id: $id) { creditExposure availableCredit } }`;

const set = async (i: Record<string, unknown>, who: Who = 'FINANCE') => ok(await t.gql(SET, { i }, who)).setExchangeRate;
const summary = async (vars: Record<string, unknown>, who: Who = 'FINANCE') => ok(await t.gql(SUMMARY, vars, who)).receivablesSummary;
const aging = async (vars: Record<string, unknown>, who: Who = 'FINANCE') => ok(await t.gql(AGING, vars, who)).agingReport;
const rate = (from: string, to: string, r: string, validOn: string, inverse = false) => ({ from, to, rate: r, validOn, inverse });
const GBP_EUR = rate('GBP', 'EUR', '1.2500000000', '2025-01-01', true);

function badInput(res: GqlResult, field: string): string {
  expect(codes(res)).toEqual(['BAD_USER_INPUT']);
  expect(res.body.errors![0].extensions!.field).toBe(field);
  return res.body.errors![0].message;
}

let n = 0;
async function receivable(cust: keyof typeof K, amount: string, currency: string, due: string, payments: [string, string][] = []) {
  n += 1;
  const id = newId('Receivable');
  const paid = payments.reduce((sum, [p]) => sum + Number(p), 0).toFixed(2);
  await t.sql(`insert into receivable (id, number, customer_id, contract_id, instalment, description, currency, amount, paid_amount, issued_on, due_date, status)
    values (?, ?, ?, ?, ?, 'fixture', ?, ?, ?, '2025-01-10', ?, 'OPEN')`, [id, `INV-X${n}`, K[cust], contracts[cust], n, currency, amount, paid, due]);
  for (const [p, on] of payments) {
    const payment = newId('Payment');
    await t.sql(`insert into payment (id, customer_id, amount, currency, received_on, method, recorded_by) values (?, ?, ?, ?, ?, 'BANK_TRANSFER', 'fixture')`,
      [payment, K[cust], p, currency, on]);
    await t.sql('insert into payment_allocation (id, payment_id, receivable_id, amount) values (?, ?, ?, ?)', [newId('PaymentAllocation'), payment, id, p]);
  }
  return id;
}

beforeAll(async () => {
  t = await startTestApp({ customers: 4 });
  const users = await t.sql<{ id: string; email: string }>(`select id, email from app_user where email in ('rep1@demo.crm', 'rep2@demo.crm')`);
  U.R1 = users.find((u) => u.email === 'rep1@demo.crm')!.id;
  U.R2 = users.find((u) => u.email === 'rep2@demo.crm')!.id;
  for (const [key, owner] of [['K1', U.R1], ['K2', U.R2]] as const) {
    K[key] = newId('Customer');
    await t.sql(`insert into customer (id, name, kind, sector, owner_id) values (?, ?, 'BUSINESS', 'SMALL_BUSINESS', ?)`, [K[key], `Rates ${key} Ltd`, owner]);
    contracts[key] = newId('Contract');
    await t.sql(`insert into contract (id, number, customer_id, title, value, currency, start_date, status, instalments, owner_id)
      values (?, ?, ?, 'Holder', 100000, 'EUR', '2020-01-01', 'TERMINATED', '[{"dueDate":"2020-01-01","percent":null}]', ?)`, [contracts[key], `CT-X${key}`, K[key], owner]);
  }
  // customers of the demo seed have no receivables: only the fixture counts
  await receivable('K1', '1000.00', 'EUR', '2025-02-10');
  await receivable('K1', '500.00', 'USD', '2025-03-15', [['100.00', '2025-04-10']]);
  await receivable('K2', '333.33', 'USD', '2025-01-20');
  await receivable('K2', '100.00', 'GBP', '2025-04-30');
  await t.sql(`insert into product (id, sku, name, category, list_price, options_schema) values (?, 'XR-1', 'Rate widget', 'Widgets', 1, '{}')`, [newId('Product')]);
});
afterAll(async () => { await t?.close(); });

// ------------------------------------------------------------------------------------ the rates

describe('setExchangeRate and exchangeRates', () => {
  test('FINANCE and ADMIN set rates; one per pair and day (a second call replaces it); audited', async () => {
    expect(await set({ from: 'usd', to: 'EUR', validOn: '2025-01-01', rate: '0.95' })).toMatchObject({
      exchangeRate: { from: 'USD', to: 'EUR', rate: '0.9500000000', validOn: '2025-01-01', setAt: expect.any(String) }, errors: [] });
    expect((await set({ from: 'USD', to: 'EUR', validOn: '2025-01-01', rate: '0.9' }, 'ADMIN')).exchangeRate.rate).toBe('0.9000000000');
    expect((await set({ from: 'USD', to: 'EUR', validOn: '2025-03-01', rate: '0.8' })).errors).toEqual([]);
    expect((await set({ from: 'EUR', to: 'GBP', validOn: '2025-01-01', rate: '0.8' })).errors).toEqual([]);
    expect((await set({ from: 'USD', to: 'JPY', validOn: '2025-06-01', rate: '150' })).errors).toEqual([]);
    // setting the same rate again changes nothing and records nothing
    expect((await set({ from: 'USD', to: 'JPY', validOn: '2025-06-01', rate: '150.0' })).errors).toEqual([]);
    expect(await t.sql(`select count(*)::int as n from exchange_rate where from_currency = 'USD' and to_currency = 'EUR'`)).toEqual([{ n: 2 }]);
    const audit = await t.sql(`select entity_id, action, changes from audit_event where entity_type = 'ExchangeRate' order by at, id`);
    expect(audit.map((a: any) => [a.entity_id, a.action, typeof a.changes === 'string' ? JSON.parse(a.changes) : a.changes])).toEqual([
      ['USD/EUR/2025-01-01', 'CREATE', [{ field: 'rate', old: null, new: '0.9500000000' }]],
      ['USD/EUR/2025-01-01', 'UPDATE', [{ field: 'rate', old: '0.9500000000', new: '0.9000000000' }]],
      ['USD/EUR/2025-03-01', 'CREATE', [{ field: 'rate', old: null, new: '0.8000000000' }]],
      ['EUR/GBP/2025-01-01', 'CREATE', [{ field: 'rate', old: null, new: '0.8000000000' }]],
      ['USD/JPY/2025-06-01', 'CREATE', [{ field: 'rate', old: null, new: '150.0000000000' }]],
    ]);
  });

  test('payload errors name the field: ISO 4217 currencies, from ≠ to, rate > 0 with at most 10 decimals', async () => {
    const fields = async (i: Record<string, unknown>) => (await set({ from: 'USD', to: 'EUR', validOn: '2025-01-01', rate: '1', ...i })).errors
      .map((e: any) => [e.code, e.field.join('.')]);
    expect(await fields({ from: 'XYZ' })).toEqual([['VALIDATION', 'input.from']]);
    expect(await fields({ to: 'EURO' })).toEqual([['VALIDATION', 'input.to']]);
    expect(await fields({ to: 'usd' })).toEqual([['VALIDATION', 'input.to']]);
    expect(await fields({ rate: '0' })).toEqual([['VALIDATION', 'input.rate']]);
    expect(await fields({ rate: '0.0000000000' })).toEqual([['VALIDATION', 'input.rate']]);
    expect(await fields({ rate: '-1' })).toEqual([['VALIDATION', 'input.rate']]);
    expect(await fields({ rate: '1.12345678901' })).toEqual([['VALIDATION', 'input.rate']]);
    expect(await fields({ rate: '1e3' })).toEqual([['VALIDATION', 'input.rate']]);
    expect(await t.sql(`select count(*)::int as n from exchange_rate`)).toEqual([{ n: 4 }]);
  });

  test('only ADMIN and FINANCE set rates; the report readers read them', async () => {
    for (const who of ['SALES_MANAGER', 'SALES_REP', 'SERVICE_AGENT', 'MARKETING', 'ANALYST', 'PARTNER'] as const) {
      expect(codes(await t.gql(SET, { i: { from: 'USD', to: 'EUR', validOn: '2025-01-02', rate: '1' } }, who))).toEqual(['FORBIDDEN']);
    }
    for (const who of ['SERVICE_AGENT', 'MARKETING', 'ANALYST', 'PARTNER'] as const) expect(codes(await t.gql(RATES, {}, who))).toEqual(['FORBIDDEN']);
    for (const who of ['ADMIN', 'SALES_MANAGER', 'SALES_REP'] as const) expect(ok(await t.gql(RATES, {}, who)).exchangeRates).toHaveLength(4);
  });

  test('exchangeRates: by pair, newest first; `on` gives the rate in force that day; filters and limit', async () => {
    const list = async (vars: Record<string, unknown>) => ok(await t.gql(RATES, vars, 'FINANCE')).exchangeRates;
    expect(await list({})).toEqual([
      { from: 'EUR', to: 'GBP', rate: '0.8000000000', validOn: '2025-01-01' },
      { from: 'USD', to: 'EUR', rate: '0.8000000000', validOn: '2025-03-01' },
      { from: 'USD', to: 'EUR', rate: '0.9000000000', validOn: '2025-01-01' },
      { from: 'USD', to: 'JPY', rate: '150.0000000000', validOn: '2025-06-01' },
    ]);
    expect(await list({ on: '2025-02-28' })).toEqual([
      { from: 'EUR', to: 'GBP', rate: '0.8000000000', validOn: '2025-01-01' },
      { from: 'USD', to: 'EUR', rate: '0.9000000000', validOn: '2025-01-01' },
    ]);
    expect(await list({ from: 'usd', to: 'EUR', on: '2025-03-01' })).toEqual([{ from: 'USD', to: 'EUR', rate: '0.8000000000', validOn: '2025-03-01' }]);
    expect(await list({ to: 'EUR', limit: 1 })).toEqual([{ from: 'USD', to: 'EUR', rate: '0.8000000000', validOn: '2025-03-01' }]);
    expect(badInput(await t.gql(RATES, { from: 'XX' }, 'FINANCE'), 'from')).toContain('ISO 4217');
    badInput(await t.gql(RATES, { to: 'EURO' }, 'FINANCE'), 'to');
    badInput(await t.gql(RATES, { limit: 0 }, 'FINANCE'), 'limit');
    badInput(await t.gql(RATES, { limit: 501 }, 'FINANCE'), 'limit');
  });
});

// --------------------------------------------------------------------------- reports in one currency

describe('money reports in one reporting currency (`in`)', () => {
  test('receivablesSummary at today\'s rate: one row per customer in EUR, each with the rates applied', async () => {
    const rows = await summary({ groupBy: 'CUSTOMER', in: 'EUR' });
    expect(rows).toEqual([
      // 1000.00 + 400 × 0.8
      { ownerId: U.R1, customerId: K.K1, currency: 'EUR', outstanding: '1320.00', overdue: '1320.00', openCount: 2, overdueCount: 2,
        rates: [rate('USD', 'EUR', '0.8000000000', '2025-03-01')] },
      // round(333.33 × 0.8, 2) = 266.66, + 100 × 1.25
      { ownerId: U.R2, customerId: K.K2, currency: 'EUR', outstanding: '391.66', overdue: '391.66', openCount: 2, overdueCount: 2,
        rates: [GBP_EUR, rate('USD', 'EUR', '0.8000000000', '2025-03-01')] },
    ]);
    expect((await summary({ groupBy: 'OWNER', in: 'eur' })).map((r: any) => [r.ownerId, r.customerId, r.outstanding])).toEqual([
      [U.R1, null, '1320.00'], [U.R2, null, '391.66']]);
    // only the USD receivables, converted: 320.00 and 266.66
    expect((await summary({ groupBy: 'CUSTOMER', in: 'EUR', currency: 'USD' })).map((r: any) => [r.customerId, r.outstanding])).toEqual([
      [K.K1, '320.00'], [K.K2, '266.66']]);
    // in GBP: EUR × 0.8, USD has no rate into GBP (nor GBP→USD)
    expect(badInput(await t.gql(SUMMARY, { groupBy: 'CUSTOMER', in: 'GBP' }, 'FINANCE'), 'in')).toContain('from USD to GBP');
  });

  test('without `in`, per currency as before, no rates', async () => {
    expect((await summary({ groupBy: 'CUSTOMER' })).map((r: any) => [r.customerId, r.currency, r.outstanding, r.rates])).toEqual([
      [K.K1, 'EUR', '1000.00', []], [K.K1, 'USD', '400.00', []], [K.K2, 'USD', '333.33', []], [K.K2, 'GBP', '100.00', []]]);
  });

  test('agingReport at the rate of the as-of date: one row in the reporting currency', async () => {
    expect(await aging({ asOf: '2025-02-28', in: 'EUR' })).toEqual([{
      asOf: '2025-02-28', currency: 'EUR', current: '575.00', days1To30: '1000.00', days31To60: '300.00', days61To90: '0.00', over90: '0.00', total: '1875.00',
      rates: [GBP_EUR, rate('USD', 'EUR', '0.9000000000', '2025-01-01')],
    }]);
    expect(await aging({ asOf: '2025-03-31', in: 'EUR' })).toEqual([{
      asOf: '2025-03-31', currency: 'EUR', current: '125.00', days1To30: '400.00', days31To60: '1000.00', days61To90: '266.66', over90: '0.00', total: '1791.66',
      rates: [GBP_EUR, rate('USD', 'EUR', '0.8000000000', '2025-03-01')],
    }]);
    // before anything was issued: one row of zeros in the reporting currency
    expect(await aging({ asOf: '2024-12-31', in: 'EUR' })).toEqual([{
      asOf: '2024-12-31', currency: 'EUR', current: '0.00', days1To30: '0.00', days31To60: '0.00', days61To90: '0.00', over90: '0.00', total: '0.00', rates: [] }]);
    // without `in`: per currency, never added
    expect((await aging({ asOf: '2025-02-28' })).map((r: any) => [r.currency, r.total, r.rates])).toEqual([
      ['EUR', '1000.00', []], ['GBP', '100.00', []], ['USD', '833.33', []]]);
  });

  test('a rate dated after the line\'s date is not used; a missing rate fails the whole report naming the pair and the date', async () => {
    // USD→JPY starts 2025-06-01: as of 2025-03-31 there is none (and no EUR, GBP rate into JPY at all); the smallest pair is named
    const message = badInput(await t.gql(AGING, { asOf: '2025-03-31', in: 'JPY' }, 'FINANCE'), 'in');
    expect(message).toContain('No exchange rate from EUR to JPY valid on 2025-03-31');
    expect(badInput(await t.gql(AGING, { asOf: '2025-03-31', in: 'JPY', currency: 'USD' }, 'FINANCE'), 'in'))
      .toContain('from USD to JPY valid on 2025-03-31');
    // as of 2025-06-01 the USD receivables convert (JPY per USD 150): 400 × 150 + 333.33 × 150
    expect(await aging({ asOf: '2025-06-01', in: 'JPY', currency: 'USD' })).toEqual([{
      asOf: '2025-06-01', currency: 'JPY', current: '0.00', days1To30: '0.00', days31To60: '0.00', days61To90: '60000.00', over90: '49999.50', total: '109999.50',
      rates: [rate('USD', 'JPY', '150.0000000000', '2025-06-01')],
    }]);
    badInput(await t.gql(AGING, { in: 'EURO' }, 'FINANCE'), 'in');
    badInput(await t.gql(SUMMARY, { groupBy: 'OWNER', in: 'XYZ' }, 'FINANCE'), 'in');
  });

  test('scope: a rep converts only their own customers\' money', async () => {
    expect((await summary({ groupBy: 'CUSTOMER', in: 'EUR' }, 'SALES_REP')).map((r: any) => [r.customerId, r.outstanding])).toEqual([[K.K1, '1320.00']]);
    expect((await aging({ asOf: '2025-02-28', in: 'EUR' }, 'SALES_REP_2')).map((r: any) => r.total)).toEqual(['425.00']); // 300.00 + 125.00
    expect(codes(await t.gql(AGING, { in: 'EUR' }, 'SERVICE_AGENT'))).toEqual(['FORBIDDEN']);
  });
});

// ------------------------------------------------------------------------------- credit exposure

describe('credit exposure across currencies', () => {
  test('debts in other currencies count at today\'s rate; a debt without a rate makes the exposure unknown and holds new orders', async () => {
    const assessed = ok(await t.gql(`mutation($i: AssessCreditInput!) { assessCredit(input: $i) { errors { message } } }`,
      { i: { customerId: K.K1, rating: 'B', limit: '5000', currency: 'EUR' } }, 'FINANCE')).assessCredit;
    expect(assessed.errors).toEqual([]);
    // 1000.00 EUR + 400 USD × 0.8
    expect(ok(await t.gql(CREDIT, { id: K.K1 }, 'FINANCE')).customer).toEqual({ creditExposure: '1320.00', availableCredit: '3680.00' });

    await receivable('K1', '10.00', 'CHF', '2025-05-01'); // no CHF rate at all
    expect(ok(await t.gql(CREDIT, { id: K.K1 }, 'FINANCE')).customer).toEqual({ creditExposure: null, availableCredit: null });
    const pushed = ok(await t.gql(`mutation($i: PushOrderInput!) { pushOrder(input: $i) { order { id status } errors { message } } }`, { i: {
      idempotencyKey: 'xr-1', channel: 'web', currency: 'EUR', customer: { customerId: K.K1 }, paymentTerms: 'ON_ACCOUNT',
      lines: [{ sku: 'XR-1', quantity: 1, unitPrice: '1.00' }],
    } }, 'ADMIN')).pushOrder;
    expect(pushed.order.status).toBe('PENDING_CREDIT_APPROVAL');
    // held as CURRENCY_MISMATCH, with the part of the exposure that converts
    expect(await t.sql(`select reason, exposure::text as exposure from credit_hold where order_id = ?`, [pushed.order.id]))
      .toEqual([{ reason: 'CURRENCY_MISMATCH', exposure: '1320.00' }]);
    // and the reports in EUR refuse rather than skip the CHF money
    expect(badInput(await t.gql(SUMMARY, { groupBy: 'OWNER', in: 'EUR' }, 'FINANCE'), 'in')).toMatch(/from CHF to EUR valid on \d{4}-\d{2}-\d{2}/);
    expect(badInput(await t.gql(AGING, { asOf: '2025-03-31', in: 'EUR' }, 'FINANCE'), 'in')).toContain('from CHF to EUR valid on 2025-03-31');

    // a CHF→EUR rate from 2025-04-01: the exposure is known again, the aging as of 2025-03-31 still has no rate
    expect((await set({ from: 'CHF', to: 'EUR', validOn: '2025-04-01', rate: '1.05' })).errors).toEqual([]);
    // 1320.00 + 10 × 1.05
    expect(ok(await t.gql(CREDIT, { id: K.K1 }, 'FINANCE')).customer).toEqual({ creditExposure: '1330.50', availableCredit: '3669.50' });
    badInput(await t.gql(AGING, { asOf: '2025-03-31', in: 'EUR' }, 'FINANCE'), 'in');
  });
});
