/**
 * Issue 14, the sales money reports and the write-off report in one reporting currency (`in`), through
 * HTTP, on a small FIXED data set inserted with SQL; the rates are set through `setExchangeRate`. Every
 * expected figure below was computed by hand from the tables in this comment (never with SQL).
 *
 * Rates (FINANCE, `setExchangeRate`): USD→EUR 0.90 from 2025-01-01, 0.80 from 2025-03-01. No EUR→USD: `in: "USD"`
 * uses the inverse, round(1 / rate, 10) = 1.1111111111 (from 01-01) and 1.2500000000 (from 03-01). No GBP rate at all.
 * Each deal / line is converted at its day's rate and rounded to the cent, then summed.
 *
 *  deal owner amount    cur stage (now)        created     closed      in EUR at creation | at close   in USD at creation | at close
 *  A    R1    1000.00  EUR WON                 2025-01-10  2025-02-10  1000.00 | 1000.00              1111.11 | 1111.11
 *  B    R2     500.00  USD WON                 2025-01-20  2025-03-05   450.00 |  400.00 (0.80)        500.00 |  500.00
 *  C    R1     333.33  USD LOST PRICE          2025-02-01  2025-02-20   300.00 |  300.00 (299.997)     333.33 |  333.33
 *  D    R2     200.00  EUR LOST COMPETITOR     2025-01-05  2025-03-10   200.00 |  200.00               222.22 |  250.00 (× 1.25)
 *  E    R1     250.00  USD PROPOSAL, p 40      2025-02-15  (expected 2025-06-15)  225.00 at creation; 200.00 at 03-31 and today (0.80)
 *  F    R2     120.00  EUR NEGOTIATION, p 50   2025-03-01  (expected 2025-06-20)  120.00; in USD 150.00 (× 1.25 from 03-01)
 *  G    ADMIN  100.00  USD WON                 2025-01-25  2025-02-01    90.00 |   90.00               100.00 |  100.00
 * Customers K1 (owner R1: A, C, E, G) and K2 (owner R2: B, D, F). Period Q = [2025-01-01, 2025-04-01). No stage history: a
 * deal's stage at any instant after its creation is its current stage.
 *
 * salesFunnel Q in EUR (creation-day rates): PROPOSAL 1 225.00, NEGOTIATION 1 120.00, WON 3 1000 + 450 + 90 = 1540.00, LOST 2 300 + 200
 *   = 500.00; total 7, 2385.00. In USD: PROPOSAL 250.00, NEGOTIATION 150.00, WON 1111.11 + 500 + 100 = 1711.11, LOST 333.33 + 222.22
 *   = 555.55; total 2666.66. Without `in` (EUR only): NEGOTIATION 120.00, WON 1000.00, LOST 200.00; total 3, 1320.00.
 *   R1 (SALES_REP) in EUR: PROPOSAL 225.00, WON 1000.00, LOST 300.00; total 3, 1525.00.
 * winRate Q by OWNER in EUR (closing-day rates): R1 won 1000.00 lost 300.00 → 1000 / 1300 = 0.7692; R2 won 400.00 lost 200.00 → 0.6667;
 *   ADMIN won 90.00 → 1; total won 1490.00 lost 500.00 → 1490 / 1990 = 0.7487 (counts 3 won, 2 lost, rate 0.6).
 *   In USD: R1 1111.11 / 333.33 → 0.7692; R2 500.00 / 250.00 → 0.6667; total 1711.11 / 583.33 → 1711.11 / 2294.44 = 0.7458.
 *   Without `in`: total won 1000.00, lost 200.00, 0.8333.
 * forecast from 2025-06, 1 month, in EUR (today's rate, 0.80): E 200.00 (weighted 80.00) + F 120.00 (60.00): 2 deals, 320.00, weighted
 *   140.00. In USD: E 250.00 (100.00) + F 150.00 (75.00) = 400.00, weighted 175.00. Without `in`: F only, 120.00, 60.00.
 * repPerformance Q in EUR (closing-day rates): R1 1 won 1000.00; R2 1 won 400.00; other (ADMIN's G) 1 won 90.00; total 3, 1490.00.
 *   In USD: R1 1111.11, R2 500.00, other 100.00, total 1711.11. Without `in`: R1 1000.00, R2 0.00, other 0.00, total 1000.00.
 * pipelineAsOf in EUR (the rate of asOf's day): 2025-03-31: E PROPOSAL 200.00 (0.80), F NEGOTIATION 120.00 → 2, 320.00;
 *   2025-02-20: E only, 225.00 (0.90). In USD at 03-31: E 250.00, F 150.00 → 400.00. Without `in` at 03-31: F 120.00.
 * lostReasonBreakdown Q in EUR: PRICE 1 300.00, COMPETITOR 1 200.00 → 2, 500.00. In USD: 333.33, 250.00 → 583.33.
 *   Without `in`: PRICE 0.00 (C is in USD), COMPETITOR 200.00 → 200.00.
 *
 * Write-offs (receivables written off, rate of the write-off date):
 *  W1 K1 EUR amount 1000.00 paid 250.00 → 750.00 on 2025-02-10   in EUR as is          in USD 833.33 / 1111.11 / 277.78
 *  W3 K1 USD amount  200.00 paid  50.00 → 150.00 on 2025-02-20   in EUR 135.00 / 180.00 / 45.00 (0.90)   in USD as is
 *  W2 K2 USD amount  333.33 paid   0.00 → 333.33 on 2025-03-05   in EUR 266.66 / 266.66 / 0.00 (0.80)    in USD as is
 * writeOffReport Q in EUR: one total EUR 3 750 + 135 + 266.66 = 1151.66; in USD: 833.33 + 150 + 333.33 = 1316.66; `currency: USD`
 * with `in: EUR`: W3 + W2 = 401.66 (2); rep1 (K1's owner) in EUR: W1 + W3 = 885.00 (2). Without `in`: EUR 1 750.00, USD 2 483.33.
 */
import { newId } from '../src/entities/ids';
import { codes, ok, startTestApp, USERS, type TestApp, type Who } from './helpers';

let t: TestApp;
const Q = { from: '2025-01-01T00:00:00Z', to: '2025-04-01T00:00:00Z' };
const d = (day: string) => `${day}T00:00:00Z`;
const U = { R1: '', R2: '', ADMIN: '', FINANCE: '' };
const K = { K1: '', K2: '' };

type Deal = { owner: keyof typeof U; customer: keyof typeof K; amount: string; currency: string; stage: string; probability: number;
  created: string; closed?: string; expected?: string; lostReason?: string };
const DEALS: Record<string, Deal> = {
  A: { owner: 'R1', customer: 'K1', amount: '1000.00', currency: 'EUR', stage: 'WON', probability: 100, created: '2025-01-10', closed: '2025-02-10' },
  B: { owner: 'R2', customer: 'K2', amount: '500.00', currency: 'USD', stage: 'WON', probability: 100, created: '2025-01-20', closed: '2025-03-05' },
  C: { owner: 'R1', customer: 'K1', amount: '333.33', currency: 'USD', stage: 'LOST', probability: 0, created: '2025-02-01', closed: '2025-02-20', lostReason: 'PRICE' },
  D: { owner: 'R2', customer: 'K2', amount: '200.00', currency: 'EUR', stage: 'LOST', probability: 0, created: '2025-01-05', closed: '2025-03-10', lostReason: 'COMPETITOR' },
  E: { owner: 'R1', customer: 'K1', amount: '250.00', currency: 'USD', stage: 'PROPOSAL', probability: 40, created: '2025-02-15', expected: '2025-06-15' },
  F: { owner: 'R2', customer: 'K2', amount: '120.00', currency: 'EUR', stage: 'NEGOTIATION', probability: 50, created: '2025-03-01', expected: '2025-06-20' },
  G: { owner: 'ADMIN', customer: 'K1', amount: '100.00', currency: 'USD', stage: 'WON', probability: 100, created: '2025-01-25', closed: '2025-02-01' },
};

beforeAll(async () => {
  t = await startTestApp();
  const users = await t.sql<{ id: string; email: string }>('select id, email from app_user');
  const idOf = (email: string) => users.find((u) => u.email === email)!.id;
  Object.assign(U, { R1: idOf(USERS.SALES_REP), R2: idOf(USERS.SALES_REP_2), ADMIN: idOf(USERS.ADMIN), FINANCE: idOf(USERS.FINANCE) });
  for (const [key, owner] of [['K1', U.R1], ['K2', U.R2]] as const) {
    K[key] = newId('Customer');
    await t.sql(`insert into customer (id, name, kind, sector, tier, owner_id, created_at, updated_at) values (?, ?, 'BUSINESS', 'OTHER', 'TARGET', ?, ?, ?)`,
      [K[key], `Currency ${key} Ltd`, owner, d('2024-01-01'), d('2024-01-01')]);
  }
  for (const [key, o] of Object.entries(DEALS)) {
    await t.sql(`insert into opportunity (id, customer_id, name, amount, currency, stage, probability, expected_close_date, owner_id,
        lost_reason, closed_at, created_at, updated_at)
      values (?, ?, ?, ?::numeric, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [newId('Opportunity'), K[o.customer], `Deal ${key}`, o.amount, o.currency, o.stage, o.probability, o.expected ?? o.closed ?? '2025-12-31',
      U[o.owner], o.lostReason ?? null, o.closed ? d(o.closed) : null, d(o.created), d(o.created)]);
  }
  // Written-off receivables (see the comment), each on a holder contract of its customer.
  for (const [key, cust, currency, amount, paid, on] of [
    ['W1', 'K1', 'EUR', '1000.00', '250.00', '2025-02-10T10:00:00Z'],
    ['W3', 'K1', 'USD', '200.00', '50.00', '2025-02-20T12:00:00Z'],
    ['W2', 'K2', 'USD', '333.33', '0.00', '2025-03-05T23:30:00Z'],
  ] as const) {
    const contract = newId('Contract');
    await t.sql(`insert into contract (id, number, customer_id, title, value, currency, start_date, status, instalments, owner_id)
      values (?, ?, ?, 'Holder', 100000, ?, '2020-01-01', 'TERMINATED', '[{"dueDate":"2020-01-01","percent":null}]', ?)`,
    [contract, `CT-FX-${key}`, K[cust], currency, cust === 'K1' ? U.R1 : U.R2]);
    await t.sql(`insert into receivable (id, number, customer_id, contract_id, instalment, description, currency, amount, paid_amount, issued_on, due_date,
        status, written_off_at, written_off_by, write_off_category, write_off_reason, written_off_amount)
      values (?, ?, ?, ?, 1, 'fixture', ?, ?::numeric, ?::numeric, '2024-10-01', '2024-11-01', 'WRITTEN_OFF', ?, ?, 'INSOLVENCY', 'Gone.', ?::numeric - ?::numeric)`,
    [newId('Receivable'), `INV-FX-${key}`, K[cust], contract, currency, amount, paid, on, U.FINANCE, amount, paid]);
  }
  const SET = 'mutation($i: SetExchangeRateInput!) { setExchangeRate(input: $i) { errors { message } } }';
  for (const [validOn, rate] of [['2025-01-01', '0.90'], ['2025-03-01', '0.80']]) {
    expect(ok(await t.gql(SET, { i: { from: 'USD', to: 'EUR', validOn, rate } }, 'FINANCE')).setExchangeRate.errors).toEqual([]);
  }
});
afterAll(async () => { await t?.close(); });

/** An applied rate as text, "FROM>TO rate validOn inverse", sorted (the order of `rates` is fixed but not the point here). */
const ratesOf = (rates: any[]) => rates.map((r) => `${r.from}>${r.to} ${r.rate} ${r.validOn}${r.inverse ? ' inverse' : ''}`).sort();
const R09 = 'USD>EUR 0.9000000000 2025-01-01';
const R08 = 'USD>EUR 0.8000000000 2025-03-01';
const I09 = 'EUR>USD 1.1111111111 2025-01-01 inverse';
const I08 = 'EUR>USD 1.2500000000 2025-03-01 inverse';
const RATES = 'rates { from to rate validOn inverse }';

/** A report asked with `in` GBP (no rate): BAD_USER_INPUT on `in`, naming the pair. */
async function expectMissingRate(query: string, vars: Record<string, unknown>) {
  const res = await t.gql(query, { ...vars, in: 'GBP' }, 'ADMIN');
  expect([codes(res), res.body.errors?.[0]?.extensions?.field]).toEqual([['BAD_USER_INPUT'], 'in']);
  expect(res.body.errors?.[0]?.message).toMatch(/No exchange rate from (EUR|USD) to GBP valid on \d{4}-\d{2}-\d{2}/);
}

/** The statements a report sends are the same with and without `in`. */
async function expectSameStatements(query: string, vars: Record<string, unknown>, who: Who = 'ADMIN') {
  const without = await t.countQueries(async () => { ok(await t.gql(query, vars, who)); });
  const withIn = await t.countQueries(async () => { ok(await t.gql(query, { ...vars, in: 'EUR' }, who)); });
  expect(without).toBeGreaterThan(0);
  expect(withIn).toBe(without);
}

// -------------------------------------------------------------------------------------- funnel

const FUNNEL = `query($from: DateTime!, $to: DateTime!, $in: String) { salesFunnel(from: $from, to: $to, in: $in) {
  currency count amount ${RATES} stages { stage count amount ${RATES} } } }`;
const funnel = async (who: Who, vars: Record<string, unknown>) => {
  const f = ok(await t.gql(FUNNEL, { ...Q, ...vars }, who)).salesFunnel;
  return { currency: f.currency, count: f.count, amount: f.amount, rates: ratesOf(f.rates),
    stages: f.stages.filter((s: any) => s.count > 0).map((s: any) => [s.stage, s.count, s.amount, ratesOf(s.rates)]) };
};

describe('salesFunnel in a reporting currency (creation-day rates)', () => {
  test('in EUR, in USD (inverse rates), without `in`, and a rep\'s own', async () => {
    expect(await funnel('ANALYST', { in: 'EUR' })).toEqual({
      currency: 'EUR', count: 7, amount: '2385.00', rates: [R09],
      stages: [['PROPOSAL', 1, '225.00', [R09]], ['NEGOTIATION', 1, '120.00', []], ['WON', 3, '1540.00', [R09]], ['LOST', 2, '500.00', [R09]]],
    });
    expect(await funnel('ADMIN', { in: 'USD' })).toEqual({
      currency: 'USD', count: 7, amount: '2666.66', rates: [I09, I08],
      stages: [['PROPOSAL', 1, '250.00', []], ['NEGOTIATION', 1, '150.00', [I08]], ['WON', 3, '1711.11', [I09]], ['LOST', 2, '555.55', [I09]]],
    });
    expect(await funnel('ADMIN', {})).toEqual({
      currency: 'EUR', count: 3, amount: '1320.00', rates: [],
      stages: [['NEGOTIATION', 1, '120.00', []], ['WON', 1, '1000.00', []], ['LOST', 1, '200.00', []]],
    });
    expect(await funnel('SALES_REP', { in: 'EUR' })).toEqual({
      currency: 'EUR', count: 3, amount: '1525.00', rates: [R09],
      stages: [['PROPOSAL', 1, '225.00', [R09]], ['WON', 1, '1000.00', []], ['LOST', 1, '300.00', [R09]]],
    });
  });

  test('a missing rate fails on `in`; one statement count with or without `in`; refused roles stay refused', async () => {
    await expectMissingRate(FUNNEL, Q);
    await expectSameStatements(FUNNEL, Q);
    expect(codes(await t.gql(FUNNEL, { ...Q, in: 'EUR' }, 'SERVICE_AGENT'))).toEqual(['FORBIDDEN']);
  });
});

// ------------------------------------------------------------------------------------ win rate

const WIN_RATE = `query($from: DateTime!, $to: DateTime!, $in: String) { winRate(from: $from, to: $to, groupBy: OWNER, in: $in) {
  currency groups { key won lost wonAmount lostAmount winRateByValue ${RATES} } total { won lost winRate wonAmount lostAmount winRateByValue ${RATES} } } }`;
const winRate = async (who: Who, vars: Record<string, unknown>) => {
  const w = ok(await t.gql(WIN_RATE, { ...Q, ...vars }, who)).winRate;
  const name = (id: string) => Object.keys(U).find((k) => U[k as keyof typeof U] === id);
  return {
    currency: w.currency,
    groups: Object.fromEntries(w.groups.map((g: any) => [name(g.key), [g.won, g.lost, g.wonAmount, g.lostAmount, g.winRateByValue, ratesOf(g.rates)]])),
    total: { ...w.total, rates: ratesOf(w.total.rates) },
  };
};

describe('winRate in a reporting currency (closing-day rates)', () => {
  test('in EUR, in USD, without `in`', async () => {
    expect(await winRate('FINANCE', { in: 'EUR' })).toEqual({
      currency: 'EUR',
      groups: { R1: [1, 1, '1000.00', '300.00', 0.7692, [R09]], R2: [1, 1, '400.00', '200.00', 0.6667, [R08]], ADMIN: [1, 0, '90.00', '0.00', 1, [R09]] },
      total: { won: 3, lost: 2, winRate: 0.6, wonAmount: '1490.00', lostAmount: '500.00', winRateByValue: 0.7487, rates: [R08, R09] },
    });
    const usd = await winRate('ADMIN', { in: 'USD' });
    expect(usd.groups).toEqual({
      R1: [1, 1, '1111.11', '333.33', 0.7692, [I09]], R2: [1, 1, '500.00', '250.00', 0.6667, [I08]], ADMIN: [1, 0, '100.00', '0.00', 1, []],
    });
    expect(usd.total).toEqual({ won: 3, lost: 2, winRate: 0.6, wonAmount: '1711.11', lostAmount: '583.33', winRateByValue: 0.7458, rates: [I09, I08] });
    expect((await winRate('ADMIN', {})).total).toEqual({ won: 3, lost: 2, winRate: 0.6, wonAmount: '1000.00', lostAmount: '200.00', winRateByValue: 0.8333, rates: [] });
  });

  test('a rep sees their own; a missing rate fails on `in`; one statement count', async () => {
    const own = await winRate('SALES_REP', { in: 'EUR' });
    expect(own.groups).toEqual({ R1: [1, 1, '1000.00', '300.00', 0.7692, [R09]] });
    await expectMissingRate(WIN_RATE, Q);
    await expectSameStatements(WIN_RATE, Q);
  });
});

// ------------------------------------------------------------------------------------ forecast

const FORECAST = `query($in: String) { forecast(months: 1, startMonth: "2025-06", in: $in) {
  currency months { month count amount weightedAmount ${RATES} } total { count amount weightedAmount ${RATES} } } }`;

describe('forecast in a reporting currency (today\'s rate)', () => {
  test('in EUR, in USD, without `in`; a missing rate; one statement count', async () => {
    const eur = ok(await t.gql(FORECAST, { in: 'EUR' }, 'SALES_MANAGER')).forecast;
    expect(eur.currency).toBe('EUR');
    expect({ ...eur.total, rates: ratesOf(eur.total.rates) }).toEqual({ count: 2, amount: '320.00', weightedAmount: '140.00', rates: [R08] });
    expect(eur.months.map((m: any) => [m.month, m.count, m.amount, m.weightedAmount])).toEqual([['2025-06', 2, '320.00', '140.00']]);
    const usd = ok(await t.gql(FORECAST, { in: 'USD' }, 'ADMIN')).forecast;
    expect({ ...usd.total, rates: ratesOf(usd.total.rates) }).toEqual({ count: 2, amount: '400.00', weightedAmount: '175.00', rates: [I08] });
    expect(ok(await t.gql(FORECAST, {}, 'ADMIN')).forecast.total).toEqual({ count: 1, amount: '120.00', weightedAmount: '60.00', rates: [] });
    const own = ok(await t.gql(FORECAST, { in: 'EUR' }, 'SALES_REP')).forecast.total;
    expect([own.count, own.amount, own.weightedAmount]).toEqual([1, '200.00', '80.00']);
    await expectMissingRate(FORECAST, {});
    await expectSameStatements(FORECAST, {});
  });
});

// ----------------------------------------------------------------------------- rep performance

const REPS = `query($from: DateTime!, $to: DateTime!, $in: String) { repPerformance(from: $from, to: $to, in: $in) {
  currency reps { userId wonCount wonAmount ${RATES} user { id } } other { wonCount wonAmount ${RATES} } total { wonCount wonAmount ${RATES} } } }`;
const reps = async (who: Who, vars: Record<string, unknown>) => {
  const r = ok(await t.gql(REPS, { ...Q, ...vars }, who)).repPerformance;
  const line = (l: any) => [l.wonCount, l.wonAmount, ratesOf(l.rates)];
  const rep = (id: string) => line(r.reps.find((x: any) => x.userId === id));
  return { currency: r.currency, R1: rep(U.R1), R2: rep(U.R2), other: line(r.other), total: line(r.total) };
};

describe('repPerformance in a reporting currency (closing-day rates)', () => {
  test('in EUR, in USD, without `in`: the reps and other add up to the total', async () => {
    expect(await reps('ADMIN', { in: 'EUR' })).toEqual({
      currency: 'EUR', R1: [1, '1000.00', []], R2: [1, '400.00', [R08]], other: [1, '90.00', [R09]], total: [3, '1490.00', [R08, R09]],
    });
    expect(await reps('ANALYST', { in: 'USD' })).toEqual({
      currency: 'USD', R1: [1, '1111.11', [I09]], R2: [1, '500.00', []], other: [1, '100.00', []], total: [3, '1711.11', [I09]],
    });
    expect(await reps('ADMIN', {})).toEqual({
      currency: 'EUR', R1: [1, '1000.00', []], R2: [1, '0.00', []], other: [1, '0.00', []], total: [3, '1000.00', []],
    });
  });

  test('a missing rate fails on `in`; one statement count (user included)', async () => {
    await expectMissingRate(REPS, Q);
    await expectSameStatements(REPS, Q);
  });
});

// ------------------------------------------------------------------------------ pipeline as of

const PIPELINE = `query($asOf: DateTime!, $in: String) { pipelineAsOf(asOf: $asOf, in: $in) {
  currency count amount ${RATES} stages { stage count amount ${RATES} } } }`;
const pipeline = async (who: Who, vars: Record<string, unknown>) => {
  const p = ok(await t.gql(PIPELINE, vars, who)).pipelineAsOf;
  return { currency: p.currency, count: p.count, amount: p.amount, rates: ratesOf(p.rates),
    stages: p.stages.filter((s: any) => s.count > 0).map((s: any) => [s.stage, s.count, s.amount, ratesOf(s.rates)]) };
};

describe('pipelineAsOf in a reporting currency (the rate of asOf\'s day)', () => {
  test('in EUR at two instants, in USD, without `in`', async () => {
    expect(await pipeline('ADMIN', { asOf: d('2025-03-31'), in: 'EUR' })).toEqual({
      currency: 'EUR', count: 2, amount: '320.00', rates: [R08], stages: [['PROPOSAL', 1, '200.00', [R08]], ['NEGOTIATION', 1, '120.00', []]],
    });
    expect(await pipeline('FINANCE', { asOf: d('2025-02-20'), in: 'EUR' })).toEqual({
      currency: 'EUR', count: 1, amount: '225.00', rates: [R09], stages: [['PROPOSAL', 1, '225.00', [R09]]],
    });
    expect(await pipeline('ADMIN', { asOf: d('2025-03-31'), in: 'USD' })).toEqual({
      currency: 'USD', count: 2, amount: '400.00', rates: [I08], stages: [['PROPOSAL', 1, '250.00', []], ['NEGOTIATION', 1, '150.00', [I08]]],
    });
    expect(await pipeline('ADMIN', { asOf: d('2025-03-31') })).toEqual({
      currency: 'EUR', count: 1, amount: '120.00', rates: [], stages: [['NEGOTIATION', 1, '120.00', []]],
    });
  });

  test('a rep sees their own; a missing rate fails on `in`; one statement count', async () => {
    expect((await pipeline('SALES_REP', { asOf: d('2025-03-31'), in: 'EUR' })).stages).toEqual([['PROPOSAL', 1, '200.00', [R08]]]);
    await expectMissingRate(PIPELINE, { asOf: d('2025-03-31') });
    await expectSameStatements(PIPELINE, { asOf: d('2025-03-31') });
  });
});

// ------------------------------------------------------------------------------ lost reasons

const LOST = `query($from: DateTime!, $to: DateTime!, $in: String) { lostReasonBreakdown(from: $from, to: $to, in: $in) {
  currency count amount ${RATES} reasons { reason count amount share ${RATES} } } }`;
const lost = async (who: Who, vars: Record<string, unknown>) => {
  const l = ok(await t.gql(LOST, { ...Q, ...vars }, who)).lostReasonBreakdown;
  return { currency: l.currency, count: l.count, amount: l.amount, rates: ratesOf(l.rates),
    reasons: l.reasons.filter((r: any) => r.count > 0).map((r: any) => [r.reason, r.count, r.amount, r.share, ratesOf(r.rates)]) };
};

describe('lostReasonBreakdown in a reporting currency (closing-day rates)', () => {
  test('in EUR, in USD, without `in`', async () => {
    expect(await lost('ADMIN', { in: 'EUR' })).toEqual({
      currency: 'EUR', count: 2, amount: '500.00', rates: [R09],
      reasons: [['PRICE', 1, '300.00', 0.5, [R09]], ['COMPETITOR', 1, '200.00', 0.5, []]],
    });
    expect(await lost('ANALYST', { in: 'USD' })).toEqual({
      currency: 'USD', count: 2, amount: '583.33', rates: [I08],
      reasons: [['PRICE', 1, '333.33', 0.5, []], ['COMPETITOR', 1, '250.00', 0.5, [I08]]],
    });
    expect(await lost('ADMIN', {})).toEqual({
      currency: 'EUR', count: 2, amount: '200.00', rates: [],
      reasons: [['PRICE', 1, '0.00', 0.5, []], ['COMPETITOR', 1, '200.00', 0.5, []]],
    });
  });

  test('a rep sees their own; a missing rate fails on `in`; one statement count', async () => {
    expect((await lost('SALES_REP', { in: 'EUR' })).reasons).toEqual([['PRICE', 1, '300.00', 1, [R09]]]);
    await expectMissingRate(LOST, Q);
    await expectSameStatements(LOST, Q);
  });
});

// ------------------------------------------------------------------------------ write-offs

const WRITE_OFFS = `query($currency: String, $in: String) { writeOffReport(from: "2025-01-01", to: "2025-04-01", currency: $currency, in: $in) {
  lineCount lines { number currency amount receivableAmount paidAmount writtenOn ${RATES} customer { id } } totals { currency count amount ${RATES} } } }`;
const writeOffs = async (who: Who, vars: Record<string, unknown>) => {
  const w = ok(await t.gql(WRITE_OFFS, vars, who)).writeOffReport;
  return {
    lineCount: w.lineCount,
    lines: w.lines.map((l: any) => [l.number.slice(7), l.currency, l.amount, l.receivableAmount, l.paidAmount, l.writtenOn, ratesOf(l.rates)]),
    totals: w.totals.map((x: any) => [x.currency, x.count, x.amount, ratesOf(x.rates)]),
  };
};

describe('writeOffReport in a reporting currency (the rate of the write-off date)', () => {
  test('in EUR: every line converted, one total', async () => {
    expect(await writeOffs('FINANCE', { in: 'EUR' })).toEqual({
      lineCount: 3,
      lines: [
        ['W1', 'EUR', '750.00', '1000.00', '250.00', '2025-02-10', []],
        ['W3', 'EUR', '135.00', '180.00', '45.00', '2025-02-20', [R09]],
        ['W2', 'EUR', '266.66', '266.66', '0.00', '2025-03-05', [R08]],
      ],
      totals: [['EUR', 3, '1151.66', [R08, R09]]],
    });
  });

  test('in USD (inverse rate), without `in` (per currency), with a currency filter, a rep\'s own', async () => {
    expect(await writeOffs('ADMIN', { in: 'USD' })).toEqual({
      lineCount: 3,
      lines: [
        ['W1', 'USD', '833.33', '1111.11', '277.78', '2025-02-10', [I09]],
        ['W3', 'USD', '150.00', '200.00', '50.00', '2025-02-20', []],
        ['W2', 'USD', '333.33', '333.33', '0.00', '2025-03-05', []],
      ],
      totals: [['USD', 3, '1316.66', [I09]]],
    });
    expect((await writeOffs('FINANCE', {})).totals).toEqual([['EUR', 1, '750.00', []], ['USD', 2, '483.33', []]]);
    expect((await writeOffs('FINANCE', { currency: 'USD', in: 'EUR' })).totals).toEqual([['EUR', 2, '401.66', [R08, R09]]]);
    const own = await writeOffs('SALES_REP', { in: 'EUR' });
    expect([own.lineCount, own.totals]).toEqual([2, [['EUR', 2, '885.00', [R09]]]]);
    expect(codes(await t.gql(WRITE_OFFS, { in: 'EUR' }, 'ANALYST'))).toEqual(['FORBIDDEN']);
  });

  test('a missing rate fails on `in`; a bad code too; one statement count (nested fields included)', async () => {
    await expectMissingRate(WRITE_OFFS, {});
    const bad = await t.gql(WRITE_OFFS, { in: 'euro' }, 'FINANCE');
    expect([codes(bad), bad.body.errors?.[0]?.extensions?.field]).toEqual([['BAD_USER_INPUT'], 'in']);
    await expectSameStatements(WRITE_OFFS, {}, 'FINANCE');
  });
});
