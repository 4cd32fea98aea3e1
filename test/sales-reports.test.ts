/**
 * Issue 14, the stage-history sales reports through HTTP: pipelineAsOf, stageDurations, stageConversion
 * and lostReasonBreakdown, on a small FIXED data set inserted with raw SQL (deals with known amounts and
 * stage histories). Every expected number below was computed by hand from the table in this file. Also
 * the scopes (ADMIN / FINANCE / ANALYST all, a rep their own), who is refused, bad arguments, and one
 * statement per report whatever the number of rows.
 *
 * Period Q = [2025-01-01, 2025-04-01); the test seed has no deals.
 */
import { newId } from '../src/entities/ids';
import { codes, ok, startTestApp, USERS, type TestApp } from './helpers';

let t: TestApp;
const Q = { from: '2025-01-01T00:00:00.000Z', to: '2025-04-01T00:00:00.000Z' };
const EMPTY = { from: '2020-01-01T00:00:00Z', to: '2020-02-01T00:00:00Z' };
const d = (day: string) => `${day}T00:00:00Z`;

const U: Record<'R1' | 'R2', string> = { R1: '', R2: '' };

type Stage = 'PROSPECTING' | 'QUALIFICATION' | 'NEEDS_ANALYSIS' | 'PROPOSAL' | 'NEGOTIATION' | 'WON' | 'LOST';
const OPEN: Stage[] = ['PROSPECTING', 'QUALIFICATION', 'NEEDS_ANALYSIS', 'PROPOSAL', 'NEGOTIATION'];

/**
 *  key owner amount   cur stage (now)       history (P=PROSPECTING, Q=QUALIFICATION, NA, PR=PROPOSAL, NG=NEGOTIATION), all 2025 unless said
 *  D1  R1    100.10  EUR WON                P 01-01, Q 01-11, PR 02-10, WON 03-02
 *  D2  R1    200.00  EUR LOST PRICE         P 01-05, Q 01-15, LOST 02-04
 *  D3  R2    300.05  EUR NEGOTIATION        Q 01-10 (created in Q), NG 02-19
 *  D4  R2    400.00  USD PROSPECTING        P 02-01
 *  D5  R1     50.20  EUR LOST COMPETITOR    P 2024-12-01, Q 01-31, LOST 03-12
 *  D6  R2   1000.00  EUR NEEDS_ANALYSIS     P 03-01, WON 03-11, reopened into NA 03-21
 *  D7  R1     70.00  EUR PROSPECTING        P 05-01 (after Q)
 *  D8  R2     80.00  USD LOST PRICE         created LOST 03-20
 *
 * Stays (stage, days) that ended in Q: D1 P 10, Q 30, PR 20; D2 P 10, Q 20; D3 Q 40; D5 P 61, Q 40; D6 P 10.
 */
const DEALS: Record<string, { owner: 'R1' | 'R2'; amount: string; currency: string; stage: Stage; closed?: string; lostReason?: string; history: [Stage | null, Stage, string, boolean?][] }> = {
  D1: { owner: 'R1', amount: '100.10', currency: 'EUR', stage: 'WON', closed: d('2025-03-02'),
    history: [[null, 'PROSPECTING', d('2025-01-01')], ['PROSPECTING', 'QUALIFICATION', d('2025-01-11')], ['QUALIFICATION', 'PROPOSAL', d('2025-02-10')], ['PROPOSAL', 'WON', d('2025-03-02')]] },
  D2: { owner: 'R1', amount: '200.00', currency: 'EUR', stage: 'LOST', closed: d('2025-02-04'), lostReason: 'PRICE',
    history: [[null, 'PROSPECTING', d('2025-01-05')], ['PROSPECTING', 'QUALIFICATION', d('2025-01-15')], ['QUALIFICATION', 'LOST', d('2025-02-04')]] },
  D3: { owner: 'R2', amount: '300.05', currency: 'EUR', stage: 'NEGOTIATION',
    history: [[null, 'QUALIFICATION', d('2025-01-10')], ['QUALIFICATION', 'NEGOTIATION', d('2025-02-19')]] },
  D4: { owner: 'R2', amount: '400.00', currency: 'USD', stage: 'PROSPECTING', history: [[null, 'PROSPECTING', d('2025-02-01')]] },
  D5: { owner: 'R1', amount: '50.20', currency: 'EUR', stage: 'LOST', closed: d('2025-03-12'), lostReason: 'COMPETITOR',
    history: [[null, 'PROSPECTING', d('2024-12-01')], ['PROSPECTING', 'QUALIFICATION', d('2025-01-31')], ['QUALIFICATION', 'LOST', d('2025-03-12')]] },
  D6: { owner: 'R2', amount: '1000.00', currency: 'EUR', stage: 'NEEDS_ANALYSIS',
    history: [[null, 'PROSPECTING', d('2025-03-01')], ['PROSPECTING', 'WON', d('2025-03-11')], ['WON', 'NEEDS_ANALYSIS', d('2025-03-21'), true]] },
  D7: { owner: 'R1', amount: '70.00', currency: 'EUR', stage: 'PROSPECTING', history: [[null, 'PROSPECTING', d('2025-05-01')]] },
  D8: { owner: 'R2', amount: '80.00', currency: 'USD', stage: 'LOST', closed: d('2025-03-20'), lostReason: 'PRICE', history: [[null, 'LOST', d('2025-03-20')]] },
};

beforeAll(async () => {
  t = await startTestApp();
  const users = await t.sql<{ id: string; email: string }>('select id, email from app_user');
  U.R1 = users.find((u) => u.email === USERS.SALES_REP)!.id;
  U.R2 = users.find((u) => u.email === USERS.SALES_REP_2)!.id;
  const K = { R1: newId('Customer'), R2: newId('Customer') };
  for (const who of ['R1', 'R2'] as const) {
    await t.sql(`insert into customer (id, name, kind, sector, tier, owner_id, created_at, updated_at) values (?, ?, 'BUSINESS', 'OTHER', 'TARGET', ?, ?, ?)`,
      [K[who], `Reports ${who}`, U[who], d('2024-01-01'), d('2024-01-01')]);
  }
  for (const [key, o] of Object.entries(DEALS)) {
    const id = newId('Opportunity');
    const created = o.history[0][2];
    await t.sql(`insert into opportunity (id, customer_id, name, amount, currency, stage, probability, expected_close_date, owner_id,
        lost_reason, closed_at, created_at, updated_at)
      values (?, ?, ?, ?::numeric, ?, ?, ?, '2025-12-31', ?, ?, ?, ?, ?)`,
    [id, K[o.owner], `Deal ${key}`, o.amount, o.currency, o.stage, o.stage === 'WON' ? 100 : o.stage === 'LOST' ? 0 : 50, U[o.owner],
      o.lostReason ?? null, o.closed ?? null, created, created]);
    for (const [from, to, at, reopened] of o.history) {
      await t.sql(`insert into opportunity_stage_change (id, opportunity_id, customer_id, from_stage, to_stage, probability, reopened, actor_type, actor_id, at)
        values (?, ?, ?, ?, ?, 50, ?, 'USER', ?, ?)`, [newId('OpportunityStageChange'), id, K[o.owner], from, to, reopened ?? false, U[o.owner], at]);
    }
  }
});
afterAll(async () => { await t.close(); });

// ------------------------------------------------------------------------------ pipeline as of

const PIPELINE = `query($asOf: DateTime!, $currency: String! = "EUR", $ownerIds: [ID!]) {
  pipelineAsOf(asOf: $asOf, currency: $currency, ownerIds: $ownerIds) { asOf currency count amount stages { stage count amount } }
}`;
/** Expected stages from [count, amount] per open stage in funnel order. */
const pipeline = (...lines: [number, string][]) => lines.map(([count, amount], i) => ({ stage: OPEN[i], count, amount }));
const NONE: [number, string] = [0, '0.00'];

describe('pipelineAsOf', () => {
  test('mid-February: D1 in PROPOSAL, D3 and D5 in QUALIFICATION; D2 already lost, D6 not yet created, D4 in USD', async () => {
    const report = ok(await t.gql(PIPELINE, { asOf: d('2025-02-15') }, 'ADMIN')).pipelineAsOf;
    expect(report).toEqual({
      asOf: '2025-02-15T00:00:00.000Z', currency: 'EUR', count: 3, amount: '450.35',
      stages: pipeline(NONE, [2, '350.25'], NONE, [1, '100.10'], NONE),
    });
  });

  test('a change at the very instant counts; a deal created before its first later change sits in its first stage', async () => {
    // 2025-01-11 00:00: D1 has just moved to Q; D2 (P since 01-05), D5 (P since 2024-12-01), D3 (Q since 01-10)
    const report = ok(await t.gql(PIPELINE, { asOf: d('2025-01-11') }, 'FINANCE')).pipelineAsOf;
    expect(report.stages).toEqual(pipeline([2, '250.20'], [2, '400.15'], NONE, NONE, NONE));
    expect([report.count, report.amount]).toEqual([4, '650.35']);
  });

  test('a deal won then reopened: closed in between, open again after', async () => {
    const won = ok(await t.gql(PIPELINE, { asOf: d('2025-03-15') }, 'ANALYST')).pipelineAsOf; // D6 WON since 03-11, D5 lost 03-12
    expect(won.stages).toEqual(pipeline(NONE, NONE, NONE, NONE, [1, '300.05']));
    const reopened = ok(await t.gql(PIPELINE, { asOf: d('2025-03-25') }, 'ADMIN')).pipelineAsOf;
    expect(reopened.stages).toEqual(pipeline(NONE, NONE, [1, '1000.00'], NONE, [1, '300.05']));
    expect([reopened.count, reopened.amount]).toEqual([2, '1300.05']);
  });

  test('another currency; a rep sees their own deals; ownerIds narrows', async () => {
    const usd = ok(await t.gql(PIPELINE, { asOf: d('2025-02-15'), currency: 'USD' }, 'ADMIN')).pipelineAsOf;
    expect(usd.stages).toEqual(pipeline([1, '400.00'], NONE, NONE, NONE, NONE));
    const own = ok(await t.gql(PIPELINE, { asOf: d('2025-02-15') }, 'SALES_REP')).pipelineAsOf;
    expect(own.stages).toEqual(pipeline(NONE, [1, '50.20'], NONE, [1, '100.10'], NONE));
    expect([own.count, own.amount]).toEqual([2, '150.30']);
    const r2 = ok(await t.gql(PIPELINE, { asOf: d('2025-02-15'), ownerIds: [U.R2] }, 'SALES_MANAGER')).pipelineAsOf;
    expect([r2.count, r2.amount]).toEqual([1, '300.05']);
  });
});

// ------------------------------------------------------------------------------ stage durations

const DURATIONS = `query($from: DateTime!, $to: DateTime!) {
  stageDurations(from: $from, to: $to) { from to stages { stage count averageDays medianDays } total { count averageDays medianDays } }
}`;
const durations = (...lines: [number, number | null, number | null][]) =>
  lines.map(([count, averageDays, medianDays], i) => ({ stage: OPEN[i], count, averageDays, medianDays }));

describe('stageDurations', () => {
  test('the stays that ended in Q, per stage and in total (ADMIN)', async () => {
    const report = ok(await t.gql(DURATIONS, Q, 'ADMIN')).stageDurations;
    expect(report.stages).toEqual(durations(
      [4, 22.8, 10], // P: 10, 10, 61, 10 → 91 / 4 = 22.75; median (10 + 10) / 2
      [4, 32.5, 35], // Q: 30, 20, 40, 40 → 130 / 4; median (30 + 40) / 2
      [0, null, null],
      [1, 20, 20], // PR: D1
      [0, null, null], // NG: D3 is still in it
    ));
    expect(report.total).toEqual({ count: 9, averageDays: 26.8, medianDays: 20 }); // 241 / 9 = 26.78; 10 10 10 20 [20] 30 40 40 61
  });

  test('a rep: their own deals (D1, D2, D5)', async () => {
    const report = ok(await t.gql(DURATIONS, Q, 'SALES_REP')).stageDurations;
    expect(report.stages).toEqual(durations([3, 27, 10], [3, 30, 30], [0, null, null], [1, 20, 20], [0, null, null]));
    expect(report.total).toEqual({ count: 7, averageDays: 27.3, medianDays: 20 }); // 191 / 7 = 27.29
  });

  test('an empty period', async () => {
    const report = ok(await t.gql(DURATIONS, EMPTY, 'ADMIN')).stageDurations;
    expect(report.total).toEqual({ count: 0, averageDays: null, medianDays: null });
    expect(report.stages.map((s: any) => s.count)).toEqual([0, 0, 0, 0, 0]);
  });
});

// ------------------------------------------------------------------------------ stage conversion

const CONVERSION = `query($from: DateTime!, $to: DateTime!, $ownerIds: [ID!]) {
  stageConversion(from: $from, to: $to, ownerIds: $ownerIds) { stages { stage entered advanced won lost advancedRate wonRate lostRate } }
}`;
const conversion = (...lines: [number, number, number, number, number | null, number | null, number | null][]) =>
  lines.map(([entered, advanced, won, lost, advancedRate, wonRate, lostRate], i) => ({ stage: OPEN[i], entered, advanced, won, lost, advancedRate, wonRate, lostRate }));

describe('stageConversion', () => {
  test('entries in Q and what came after (ADMIN)', async () => {
    expect(ok(await t.gql(CONVERSION, Q, 'ADMIN')).stageConversion.stages).toEqual(conversion(
      [4, 3, 2, 1, 0.75, 0.5, 0.25], // P: D1, D2, D4, D6 (D5 entered in 2024); D1, D2, D6 moved on; D1, D6 won; D2 lost
      [4, 2, 1, 2, 0.5, 0.25, 0.5], // Q: D1, D2, D3, D5; D1 and D3 moved on; D1 won; D2, D5 lost
      [1, 0, 0, 0, 0, 0, 0], // NA: D6, reopened into it
      [1, 1, 1, 0, 1, 1, 0], // PR: D1
      [1, 0, 0, 0, 0, 0, 0], // NG: D3
    ));
  });

  test('entered means entered in the period, whenever the deal was created', async () => {
    const feb = { from: d('2025-02-01'), to: d('2025-04-01') };
    expect(ok(await t.gql(CONVERSION, feb, 'FINANCE')).stageConversion.stages).toEqual(conversion(
      [2, 1, 1, 0, 0.5, 0.5, 0], // P: D4, D6
      [0, 0, 0, 0, null, null, null], // Q: D5 entered on 01-31
      [1, 0, 0, 0, 0, 0, 0],
      [1, 1, 1, 0, 1, 1, 0],
      [1, 0, 0, 0, 0, 0, 0],
    ));
  });

  test('a rep sees their own deals; ownerIds outside the scope count nothing', async () => {
    expect(ok(await t.gql(CONVERSION, Q, 'SALES_REP')).stageConversion.stages).toEqual(conversion(
      [2, 2, 1, 1, 1, 0.5, 0.5], // P: D1, D2
      [3, 1, 1, 2, 0.3333, 0.3333, 0.6667], // Q: D1, D2, D5
      [0, 0, 0, 0, null, null, null],
      [1, 1, 1, 0, 1, 1, 0],
      [0, 0, 0, 0, null, null, null],
    ));
    const outside = ok(await t.gql(CONVERSION, { ...Q, ownerIds: [U.R2] }, 'SALES_REP')).stageConversion.stages;
    expect(outside.map((s: any) => s.entered)).toEqual([0, 0, 0, 0, 0]);
  });
});

// ------------------------------------------------------------------------------ lost reasons

const LOST = `query($from: DateTime!, $to: DateTime!, $currency: String! = "EUR") {
  lostReasonBreakdown(from: $from, to: $to, currency: $currency) { currency attribution count amount reasons { reason count amount share } }
}`;
const REASONS = ['PRICE', 'COMPETITOR', 'NO_BUDGET', 'NO_DECISION', 'TIMING', 'PRODUCT_FIT', 'OTHER'];
const reasons = (lines: Record<string, [number, string, number]>, none: number | null) =>
  REASONS.map((reason) => { const [count, amount, share] = lines[reason] ?? [0, '0.00', none]; return { reason, count, amount, share }; });

describe('lostReasonBreakdown', () => {
  test('the deals lost in Q by reason (ADMIN): D2 and D8 for price, D5 to a competitor', async () => {
    const report = ok(await t.gql(LOST, Q, 'ADMIN')).lostReasonBreakdown;
    expect(report).toEqual({
      currency: 'EUR', attribution: 'AT_CLOSE', count: 3, amount: '250.20',
      reasons: reasons({ PRICE: [2, '200.00', 0.6667], COMPETITOR: [1, '50.20', 0.3333] }, 0), // D8 is in USD
    });
  });

  test('in USD; a rep sees their own; an empty period', async () => {
    const usd = ok(await t.gql(LOST, { ...Q, currency: 'USD' }, 'ANALYST')).lostReasonBreakdown;
    expect([usd.count, usd.amount, usd.reasons[0]]).toEqual([3, '80.00', { reason: 'PRICE', count: 2, amount: '80.00', share: 0.6667 }]);
    const own = ok(await t.gql(LOST, Q, 'SALES_REP')).lostReasonBreakdown;
    expect(own.reasons).toEqual(reasons({ PRICE: [1, '200.00', 0.5], COMPETITOR: [1, '50.20', 0.5] }, 0));
    expect([own.count, own.amount]).toEqual([2, '250.20']);
    const empty = ok(await t.gql(LOST, EMPTY, 'ADMIN')).lostReasonBreakdown;
    expect(empty).toMatchObject({ count: 0, amount: '0.00', reasons: reasons({}, null) });
  });
});

// ------------------------------------------------------------------------------ access

describe('access and arguments', () => {
  const QUERIES: [string, string, Record<string, unknown>][] = [
    ['pipelineAsOf', PIPELINE, { asOf: d('2025-02-15') }],
    ['stageDurations', DURATIONS, Q],
    ['stageConversion', CONVERSION, Q],
    ['lostReasonBreakdown', LOST, Q],
  ];

  test.each(QUERIES)('%s: SERVICE_AGENT, MARKETING and PARTNER are refused; one statement whatever the rows', async (name, query, vars) => {
    for (const who of ['SERVICE_AGENT', 'MARKETING', 'PARTNER'] as const) {
      const res = await t.gql(query, vars, who);
      expect(codes(res)).toContain('FORBIDDEN');
      expect(res.body.data?.[name] ?? null).toBeNull();
    }
    const full = await t.countQueries(async () => { ok(await t.gql(query, vars, 'ADMIN')); });
    const none = await t.countQueries(async () => { ok(await t.gql(query, name === 'pipelineAsOf' ? { asOf: d('2020-01-01') } : EMPTY, 'ADMIN')); });
    expect(full).toBe(none);
  });

  test('unusable arguments are BAD_USER_INPUT naming the argument', async () => {
    const field = async (query: string, vars: Record<string, unknown>) => (await t.gql(query, vars, 'ADMIN')).body.errors?.[0].extensions;
    expect(await field(PIPELINE, { asOf: d('2025-02-15'), currency: 'euro' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'currency' });
    expect(await field(DURATIONS, { from: Q.to, to: Q.from })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    expect(await field(CONVERSION, { ...Q, ownerIds: Array.from({ length: 101 }, (_, i) => `usr_${i}`) })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'ownerIds' });
    expect(await field(LOST, { ...Q, currency: 'E' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'currency' });
  });
});
