import { newId } from '../src/entities/ids';
import { runOverdueJob } from '../src/services/collection.service';
import { codes, ok, startTestApp, type TestApp, type Who } from './helpers';

/**
 * Bad-debt write-off through HTTP (issue 14): `writeOffReceivable` (FINANCE only) takes a receivable's
 * outstanding money out of AR, and `writeOffReport` lists the write-offs of a period with totals per
 * currency. Fixture inserted with SQL; every expected number below is computed by hand from this table.
 *
 * T = today (UTC). K1 is rep1's customer (credit limit 10,000.00 EUR), K2 is rep2's.
 *
 *  key cust amount    cur  issued due    paid (received)     status before          write-off
 *  A   K1   1000.00   EUR  T−100  T−70   250.00 on T−80      OVERDUE (job), task    750.00 (INSOLVENCY) — the partly paid one
 *  B   K1    400.00   EUR  T−10   T+20                       OPEN                   —
 *  C   K1    300.00   EUR  T−60   T−40   300.00 on T−50      SETTLED                refused
 *  D   K2    200.00   USD  T−30   T−5                        OPEN                   200.00 (UNCOLLECTIBLE)
 *  E   K2    125.50   EUR  T−20   T−1                        OPEN                   125.50 (SMALL_BALANCE)
 *
 * K1 before the write-off (as of T): outstanding A 750.00 (70 days past due: 61–90) + B 400.00 (current)
 * = 1,150.00, of which overdue 750.00; exposure 1,150.00. After: 400.00, overdue 0.00, exposure 400.00;
 * aging as of T−1 still 750.00 (61–90, 69 days) + 400.00 (B issued T−10 ≤ T−1) = 1,150.00.
 * K1's statement [T−100, T]: A +1000 → 1000.00; payment −250 → 750.00; C +300 → 1050.00; payment
 * −300 → 750.00; B +400 → 1150.00; WRITE_OFF A −750 → 400.00. billed 1700.00, paid 550.00, writtenOff
 * 750.00, closing 0 + 1700 − 550 − 750 = 400.00.
 */

let t: TestApp;
const DAY = 86_400_000;
const TODAY = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
const d = (days: number) => new Date(TODAY + days * DAY).toISOString().slice(0, 10);

const U: Record<'rep1' | 'rep2' | 'finance', string> = { rep1: '', rep2: '', finance: '' };
const K: Record<'K1' | 'K2', string> = { K1: '', K2: '' };
const R: Record<'A' | 'B' | 'C' | 'D' | 'E', string> = { A: '', B: '', C: '', D: '', E: '' };

const WRITE_OFF = `mutation($input: WriteOffReceivableInput!) { writeOffReceivable(input: $input) {
  receivable { id status outstanding paidAmount writtenOffAmount writtenOffAt writeOffCategory writeOffReason writtenOffBy { id name } version }
  errors { code field message } } }`;
const RECEIVABLE = `query($id: ID!) { receivable(id: $id) { id status version outstanding dunningStage writtenOffAmount } }`;
const SUMMARY = `query { receivablesSummary(groupBy: CUSTOMER) { customerId currency outstanding overdue openCount overdueCount } }`;
const AGING = `query($asOf: LocalDate, $customerId: ID) { agingReport(asOf: $asOf, customerId: $customerId) {
  asOf currency current days1To30 days31To60 days61To90 over90 total } }`;
const STATEMENT = `query($id: ID!, $from: LocalDate!, $to: LocalDate!) { accountStatement(customerId: $id, from: $from, to: $to, currency: "EUR") {
  openingBalance billed paid writtenOff closingBalance lineCount lines { kind date reference debit credit balance receivableId paymentId } } }`;
const EXPOSURE = `query($id: ID!) { customer(id: $id) { creditExposure availableCredit } }`;
const REPORT = `query($from: LocalDate!, $to: LocalDate!, $currency: String, $customerId: ID, $limit: Int) {
  writeOffReport(from: $from, to: $to, currency: $currency, customerId: $customerId, limit: $limit) {
    from to lineCount truncated
    lines { receivableId number customerId currency amount receivableAmount paidAmount category reason writtenOffById writtenOffAt writtenOn
      customer { id name } receivable { id status } writtenOffBy { id name } }
    totals { currency count amount } } }`;

const version = async (id: string) => ok(await t.gql(RECEIVABLE, { id }, 'FINANCE')).receivable.version as number;
const writeOff = async (who: Who, receivableId: string, extra: Record<string, unknown> = {}) =>
  t.gql(WRITE_OFF, { input: { receivableId, version: await version(receivableId), category: 'INSOLVENCY', reason: 'Customer insolvent.', ...extra } }, who);
const summaryOf = async (customerId: string) => (ok(await t.gql(SUMMARY, {}, 'FINANCE')).receivablesSummary as any[]).filter((r) => r.customerId === customerId)
  .map(({ customerId: _c, ...r }) => r);
const aging = async (asOf: string) => ok(await t.gql(AGING, { asOf, customerId: K.K1 }, 'FINANCE')).agingReport;
const statement = async (from: string, to: string) => ok(await t.gql(STATEMENT, { id: K.K1, from, to }, 'FINANCE')).accountStatement[0];
const exposure = async () => ok(await t.gql(EXPOSURE, { id: K.K1 }, 'FINANCE')).customer;
const report = async (who: Who, vars: Record<string, unknown>) => ok(await t.gql(REPORT, vars, who)).writeOffReport;
const agingRow = (asOf: string, current: string, d61: string, total: string) =>
  ({ asOf, currency: 'EUR', current, days1To30: '0.00', days31To60: '0.00', days61To90: d61, over90: '0.00', total });

beforeAll(async () => {
  t = await startTestApp({ customers: 4 });
  for (const u of await t.sql<{ id: string; email: string }>(`select id, email from app_user where email in ('rep1@demo.crm', 'rep2@demo.crm', 'finance@demo.crm')`)) {
    U[u.email.split('@')[0] as keyof typeof U] = u.id;
  }
  const owners = { K1: U.rep1, K2: U.rep2 };
  let n = 0;
  for (const key of ['K1', 'K2'] as const) {
    K[key] = newId('Customer');
    await t.sql(`insert into customer (id, name, kind, sector, owner_id, credit_rating, credit_limit, credit_currency)
      values (?, ?, 'BUSINESS', 'SMALL_BUSINESS', ?, 'C', 10000, 'EUR')`, [K[key], `Write-off ${key} Ltd`, owners[key]]);
  }
  const contracts = { K1: newId('Contract'), K2: newId('Contract') };
  for (const key of ['K1', 'K2'] as const) {
    await t.sql(`insert into contract (id, number, customer_id, title, value, currency, start_date, status, instalments, owner_id)
      values (?, ?, ?, 'Holder', 100000, 'EUR', '2020-01-01', 'TERMINATED', '[{"dueDate":"2020-01-01","percent":null}]', ?)`,
    [contracts[key], `CT-W${key}`, K[key], owners[key]]);
  }
  const receivable = async (key: keyof typeof R, cust: keyof typeof K, amount: string, currency: string, issued: number, due: number,
    paid?: [string, number]) => {
    n += 1;
    R[key] = newId('Receivable');
    const settled = paid && paid[0] === amount;
    await t.sql(`insert into receivable (id, number, customer_id, contract_id, instalment, description, currency, amount, paid_amount,
        issued_on, due_date, status, settled_at) values (?, ?, ?, ?, ?, 'fixture', ?, ?, ?, ?, ?, ?, ?)`,
    [R[key], `INV-W${key}`, K[cust], contracts[cust], n, currency, amount, paid?.[0] ?? '0.00', d(issued), d(due),
      settled ? 'SETTLED' : 'OPEN', settled ? new Date().toISOString() : null]);
    if (paid) {
      const payment = newId('Payment');
      await t.sql(`insert into payment (id, customer_id, amount, currency, received_on, method, reference, recorded_by)
        values (?, ?, ?, ?, ?, 'BANK_TRANSFER', ?, 'fixture')`, [payment, K[cust], paid[0], currency, d(paid[1]), `PAY-${key}`]);
      await t.sql(`insert into payment_allocation (id, payment_id, receivable_id, amount) values (?, ?, ?, ?)`, [newId('PaymentAllocation'), payment, R[key], paid[0]]);
    }
  };
  await receivable('A', 'K1', '1000.00', 'EUR', -100, -70, ['250.00', -80]);
  await receivable('B', 'K1', '400.00', 'EUR', -10, 20);
  await receivable('C', 'K1', '300.00', 'EUR', -60, -40, ['300.00', -50]);
  await receivable('D', 'K2', '200.00', 'USD', -30, -5);
  await receivable('E', 'K2', '125.50', 'EUR', -20, -1);
  // The overdue job flags A, D and E and gives each its COLLECTION task.
  await runOverdueJob(t.db.orm.em.fork() as any, new Date());
});
afterAll(async () => { await t?.close(); });

const collectionTask = async (receivableId: string) =>
  (await t.sql<{ status: string }>(`select status from task where type = 'COLLECTION' and receivable_id = ?`, [receivableId])).map((r) => r.status);

describe('before the write-off', () => {
  test('A is OVERDUE with an open collection task; K1 owes 1,150.00 EUR in every figure', async () => {
    expect(ok(await t.gql(RECEIVABLE, { id: R.A }, 'FINANCE')).receivable).toMatchObject({ status: 'OVERDUE', outstanding: '750.00', dunningStage: 'COLLECTION_AGENCY' });
    expect(await collectionTask(R.A)).toEqual(['OPEN']);
    expect(await summaryOf(K.K1)).toEqual([{ currency: 'EUR', outstanding: '1150.00', overdue: '750.00', openCount: 2, overdueCount: 1 }]);
    expect(await aging(d(0))).toEqual([agingRow(d(0), '400.00', '750.00', '1150.00')]);
    expect(await exposure()).toEqual({ creditExposure: '1150.00', availableCredit: '8850.00' });
  });
});

describe('writeOffReceivable: refusals', () => {
  test('only FINANCE: ADMIN, SALES_REP and the others are FORBIDDEN, and nothing changes', async () => {
    for (const who of ['ADMIN', 'SALES_MANAGER', 'SALES_REP', 'ANALYST', 'PARTNER'] as Who[]) {
      const res = await writeOff(who, R.A);
      expect(codes(res)).toEqual(['FORBIDDEN']);
      expect(res.body.data?.writeOffReceivable ?? null).toBeNull();
    }
    expect(ok(await t.gql(RECEIVABLE, { id: R.A }, 'FINANCE')).receivable.status).toBe('OVERDUE');
  });

  test('a settled receivable, an unknown one, a stale version, a blank or long reason: payload errors naming the field', async () => {
    const errors = async (res: Awaited<ReturnType<typeof writeOff>>) => {
      const payload = ok(res).writeOffReceivable;
      expect(payload.receivable).toBeNull();
      return payload.errors.map((e: any) => [e.code, e.field]);
    };
    expect(await errors(await writeOff('FINANCE', R.C))).toEqual([['BUSINESS_RULE', ['input', 'receivableId']]]);
    const unknown = `rcv_${'0'.repeat(32)}`;
    expect(await errors(await t.gql(WRITE_OFF, { input: { receivableId: unknown, version: 1, category: 'OTHER', reason: 'x' } }, 'FINANCE')))
      .toEqual([['NOT_FOUND', ['input', 'receivableId']]]);
    expect(await errors(await t.gql(WRITE_OFF, { input: { receivableId: 'INV-WA', version: 1, category: 'OTHER', reason: 'x' } }, 'FINANCE')))
      .toEqual([['VALIDATION', ['input', 'receivableId']]]);
    expect(await errors(await writeOff('FINANCE', R.A, { version: (await version(R.A)) - 1 }))).toEqual([['CONFLICT', ['input', 'version']]]);
    expect(await errors(await writeOff('FINANCE', R.A, { reason: '   ' }))).toEqual([['VALIDATION', ['input', 'reason']]]);
    expect(await errors(await writeOff('FINANCE', R.A, { reason: 'x'.repeat(501) }))).toEqual([['VALIDATION', ['input', 'reason']]]);
    expect(ok(await t.gql(RECEIVABLE, { id: R.A }, 'FINANCE')).receivable.status).toBe('OVERDUE');
    expect((await t.sql(`select 1 from audit_event where entity_id = ? and changes::text like '%WRITTEN_OFF%'`, [R.A])).length).toBe(0);
  });
});

describe('writeOffReceivable: the partly paid receivable A (1,000.00, 250.00 paid → 750.00 written off)', () => {
  let before: number;
  beforeAll(async () => {
    before = await version(R.A);
    const payload = ok(await writeOff('FINANCE', R.A, { reason: '  Insolvency proceedings opened.  ' })).writeOffReceivable;
    expect(payload.errors).toEqual([]);
    expect(payload.receivable).toMatchObject({
      id: R.A, status: 'WRITTEN_OFF', outstanding: '0.00', paidAmount: '250.00', writtenOffAmount: '750.00', writeOffCategory: 'INSOLVENCY',
      writeOffReason: 'Insolvency proceedings opened.', writtenOffBy: { id: U.finance, name: 'Fred Finance' }, version: before + 1,
    });
    expect(payload.receivable.writtenOffAt.slice(0, 10)).toBe(d(0));
    for (const [id, category, reason] of [[R.D, 'UNCOLLECTIBLE', 'Agency gave up.'], [R.E, 'SMALL_BALANCE', 'Not worth chasing.']]) {
      expect(ok(await writeOff('FINANCE', id, { category, reason })).writeOffReceivable.errors).toEqual([]);
    }
  });

  test('twice: refused (BUSINESS_RULE on receivableId)', async () => {
    const payload = ok(await writeOff('FINANCE', R.A)).writeOffReceivable;
    expect(payload.errors.map((e: any) => [e.code, e.field])).toEqual([['BUSINESS_RULE', ['input', 'receivableId']]]);
  });

  test('audited: one UPDATE of the receivable by the FINANCE user, with status, amount, category and reason', async () => {
    const events = await t.sql<{ action: string; actor_type: string; actor_id: string; customer_id: string; changes: any }>(
      `select action, actor_type, actor_id, customer_id, changes from audit_event where entity_type = 'Receivable' and entity_id = ? and changes::text like '%WRITTEN_OFF%'`, [R.A]);
    expect(events).toHaveLength(1);
    const changes = typeof events[0].changes === 'string' ? JSON.parse(events[0].changes) : events[0].changes;
    expect({ ...events[0], changes }).toEqual({
      action: 'UPDATE', actor_type: 'USER', actor_id: U.finance, customer_id: K.K1,
      changes: [
        { field: 'status', old: 'OVERDUE', new: 'WRITTEN_OFF' }, { field: 'writtenOffAmount', old: null, new: '750.00' },
        { field: 'writeOffCategory', old: null, new: 'INSOLVENCY' }, { field: 'writeOffReason', old: null, new: 'Insolvency proceedings opened.' },
      ],
    });
  });

  test('out of AR: summary 400.00 (B only), exposure 400.00, not in the open list', async () => {
    expect(await summaryOf(K.K1)).toEqual([{ currency: 'EUR', outstanding: '400.00', overdue: '0.00', openCount: 1, overdueCount: 0 }]);
    expect(await exposure()).toEqual({ creditExposure: '400.00', availableCredit: '9600.00' });
    const open = ok(await t.gql(`query($id: ID!) { receivables(first: 10, filter: { customerId: { eq: $id }, open: true }) { edges { node { id } } } }`,
      { id: K.K1 }, 'FINANCE')).receivables.edges.map((e: any) => e.node.id);
    expect(open).toEqual([R.B]);
  });

  test('aging: as of the write-off date it is gone; as of the day before it still counts 750.00 (61–90)', async () => {
    expect(await aging(d(0))).toEqual([agingRow(d(0), '400.00', '0.00', '400.00')]);
    expect(await aging(d(-1))).toEqual([agingRow(d(-1), '400.00', '750.00', '1150.00')]);
    // Written off three days ago instead (moved with SQL): as of T−4 it counts (69 − 3 = 66 days past due), as of T−3 not.
    await t.sql(`update receivable set written_off_at = written_off_at - interval '3 days' where id = ?`, [R.A]);
    try {
      expect(await aging(d(-4))).toEqual([agingRow(d(-4), '400.00', '750.00', '1150.00')]);
      expect(await aging(d(-3))).toEqual([agingRow(d(-3), '400.00', '0.00', '400.00')]);
    } finally {
      await t.sql(`update receivable set written_off_at = written_off_at + interval '3 days' where id = ?`, [R.A]);
    }
  });

  test('statement: a WRITE_OFF line on the write-off date, closing balance 400.00 = what K1 still owes', async () => {
    const s = await statement(d(-100), d(0));
    expect(s).toMatchObject({ openingBalance: '0.00', billed: '1700.00', paid: '550.00', writtenOff: '750.00', closingBalance: '400.00', lineCount: 6 });
    expect(s.lines.map((l: any) => [l.kind, l.date, l.reference, l.debit, l.credit, l.balance])).toEqual([
      ['RECEIVABLE', d(-100), 'INV-WA', '1000.00', null, '1000.00'],
      ['PAYMENT', d(-80), 'PAY-A', null, '250.00', '750.00'],
      ['RECEIVABLE', d(-60), 'INV-WC', '300.00', null, '1050.00'],
      ['PAYMENT', d(-50), 'PAY-C', null, '300.00', '750.00'],
      ['RECEIVABLE', d(-10), 'INV-WB', '400.00', null, '1150.00'],
      ['WRITE_OFF', d(0), 'INV-WA', null, '750.00', '400.00'],
    ]);
    expect(s.lines[5]).toMatchObject({ receivableId: R.A, paymentId: null });
    // The period before it: no write-off yet; the period of the write-off day alone: opening 1150.00 − 750.00; the day after: opening net of it.
    expect(await statement(d(-100), d(-1))).toMatchObject({ writtenOff: '0.00', closingBalance: '1150.00', lineCount: 5 });
    expect(await statement(d(0), d(0))).toMatchObject({ openingBalance: '1150.00', billed: '0.00', paid: '0.00', writtenOff: '750.00', closingBalance: '400.00', lineCount: 1 });
    expect(await statement(d(1), d(1))).toMatchObject({ openingBalance: '400.00', writtenOff: '0.00', closingBalance: '400.00', lineCount: 0 });
  });

  test('collections: its task is closed; the overdue job leaves it alone, today and 30 days later', async () => {
    expect(await collectionTask(R.A)).toEqual(['DONE']);
    const v = await version(R.A);
    await runOverdueJob(t.db.orm.em.fork() as any, new Date());
    await runOverdueJob(t.db.orm.em.fork() as any, new Date(Date.now() + 30 * DAY));
    expect(ok(await t.gql(RECEIVABLE, { id: R.A }, 'FINANCE')).receivable).toMatchObject({ status: 'WRITTEN_OFF', version: v, dunningStage: 'COLLECTION_AGENCY' });
    expect(await collectionTask(R.A)).toEqual(['DONE']);
    // B went overdue 30 days later (due T+20): the job still works on what is open.
    expect(ok(await t.gql(RECEIVABLE, { id: R.B }, 'FINANCE')).receivable.status).toBe('OVERDUE');
  });

  test('no payment can be applied to it: explicit allocation refused; K1 owes 400.00, so 400.01 is an overpayment', async () => {
    const PAY = `mutation($input: RecordPaymentInput!) { recordPayment(input: $input) { payment { id } errors { code field message } } }`;
    const base = { customerId: K.K1, currency: 'EUR', receivedOn: d(0), method: 'BANK_TRANSFER' };
    const explicit = ok(await t.gql(PAY, { input: { ...base, amount: '10.00', allocations: [{ receivableId: R.A, amount: '10.00' }] } }, 'FINANCE')).recordPayment;
    expect(explicit.errors.map((e: any) => [e.code, e.field])).toEqual([['BUSINESS_RULE', ['input', 'allocations', '0', 'receivableId']]]);
    const over = ok(await t.gql(PAY, { input: { ...base, amount: '400.01' } }, 'FINANCE')).recordPayment;
    expect(over.errors.map((e: any) => [e.code, e.field, e.message])).toEqual([
      ['BUSINESS_RULE', ['input', 'amount'], 'Overpayment: the customer owes 400.00 EUR in all, the payment is 400.01 EUR.']]);
    expect(ok(await t.gql(RECEIVABLE, { id: R.A }, 'FINANCE')).receivable).toMatchObject({ status: 'WRITTEN_OFF', outstanding: '0.00' });
  });
});

describe('writeOffReport', () => {
  // Written off today: A 750.00 EUR (K1), D 200.00 USD (K2), E 125.50 EUR (K2), in that order.
  const today = { from: d(0), to: d(1) };

  test('FINANCE: every write-off of [from, to) with customer, receivable, who and when; totals per currency', async () => {
    const r = await report('FINANCE', today);
    expect(r).toMatchObject({ from: d(0), to: d(1), lineCount: 3, truncated: false });
    expect(r.lines.map((l: any) => [l.number, l.customerId, l.currency, l.amount, l.receivableAmount, l.paidAmount, l.category, l.writtenOn])).toEqual([
      ['INV-WA', K.K1, 'EUR', '750.00', '1000.00', '250.00', 'INSOLVENCY', d(0)],
      ['INV-WD', K.K2, 'USD', '200.00', '200.00', '0.00', 'UNCOLLECTIBLE', d(0)],
      ['INV-WE', K.K2, 'EUR', '125.50', '125.50', '0.00', 'SMALL_BALANCE', d(0)],
    ]);
    expect(r.lines[0]).toMatchObject({
      receivableId: R.A, reason: 'Insolvency proceedings opened.', writtenOffById: U.finance,
      customer: { id: K.K1, name: 'Write-off K1 Ltd' }, receivable: { id: R.A, status: 'WRITTEN_OFF' }, writtenOffBy: { id: U.finance, name: 'Fred Finance' },
    });
    expect(r.totals).toEqual([{ currency: 'EUR', count: 2, amount: '875.50' }, { currency: 'USD', count: 1, amount: '200.00' }]);
    expect(await report('ADMIN', today)).toEqual(r);
  });

  test('the period is [from, to): the day before and the day after are empty', async () => {
    expect(await report('FINANCE', { from: d(-1), to: d(0) })).toEqual({ from: d(-1), to: d(0), lineCount: 0, truncated: false, lines: [], totals: [] });
    expect((await report('FINANCE', { from: d(1), to: d(2) })).totals).toEqual([]);
    expect((await report('FINANCE', { from: d(-30), to: d(30) })).lineCount).toBe(3);
  });

  test('currency, customer and limit: the totals always cover the whole period', async () => {
    expect((await report('FINANCE', { ...today, currency: 'usd' })).totals).toEqual([{ currency: 'USD', count: 1, amount: '200.00' }]);
    expect((await report('FINANCE', { ...today, customerId: K.K2 })).totals).toEqual([
      { currency: 'EUR', count: 1, amount: '125.50' }, { currency: 'USD', count: 1, amount: '200.00' }]);
    const cut = await report('FINANCE', { ...today, limit: 1 });
    expect(cut).toMatchObject({ lineCount: 3, truncated: true });
    expect(cut.lines.map((l: any) => l.number)).toEqual(['INV-WA']);
    expect(cut.totals).toEqual([{ currency: 'EUR', count: 2, amount: '875.50' }, { currency: 'USD', count: 1, amount: '200.00' }]);
  });

  test('scope like the other finance reports: a rep their customers, a manager the team; other roles FORBIDDEN', async () => {
    const rep1 = await report('SALES_REP', today);
    expect(rep1.lines.map((l: any) => l.number)).toEqual(['INV-WA']);
    expect(rep1.totals).toEqual([{ currency: 'EUR', count: 1, amount: '750.00' }]);
    expect((await report('SALES_REP_2', today)).totals).toEqual([{ currency: 'EUR', count: 1, amount: '125.50' }, { currency: 'USD', count: 1, amount: '200.00' }]);
    expect((await report('SALES_MANAGER', today)).lineCount).toBe(3);
    for (const who of ['SERVICE_AGENT', 'MARKETING', 'ANALYST', 'PARTNER'] as Who[]) {
      expect(codes(await t.gql(REPORT, today, who))).toEqual(['FORBIDDEN']);
    }
  });

  test('bad arguments: BAD_USER_INPUT naming the argument', async () => {
    for (const [vars, field] of [
      [{ from: d(0), to: d(0) }, 'to'], [{ from: d(1), to: d(0) }, 'to'], [{ ...today, limit: 0 }, 'limit'], [{ ...today, limit: 1001 }, 'limit'],
      [{ ...today, currency: 'EURO' }, 'currency'], [{ ...today, customerId: 'K1' }, 'customerId'],
    ] as const) {
      const res = await t.gql(REPORT, vars, 'FINANCE');
      expect(codes(res)).toEqual(['BAD_USER_INPUT']);
      expect(res.body.errors![0].extensions!.field).toBe(field);
    }
  });

  test('nested customer, receivable and user are batched: 1 line and 3 lines run the same number of statements', async () => {
    await t.token('FINANCE');
    const count = (limit: number) => t.countQueries(async () => {
      expect((await report('FINANCE', { ...today, limit })).lines).toHaveLength(limit);
    });
    expect(await count(3)).toBe(await count(1));
  });
});

describe('the rules hold in the database and for every caller', () => {
  test('a write-off racing a payment of the same money: exactly one goes through, and the row stays consistent', async () => {
    const id = newId('Receivable');
    await t.sql(`insert into receivable (id, number, customer_id, contract_id, instalment, description, currency, amount, issued_on, due_date)
      values (?, 'INV-WRACE', ?, (select id from contract where number = 'CT-WK1'), 90, 'race', 'GBP', 60, ?, ?)`, [id, K.K1, d(-5), d(25)]);
    const PAY = `mutation($input: RecordPaymentInput!) { recordPayment(input: $input) { payment { id } errors { code field } } }`;
    const [written, paid] = await Promise.all([
      writeOff('FINANCE', id),
      t.gql(PAY, { input: { customerId: K.K1, amount: '60.00', currency: 'GBP', receivedOn: d(0), method: 'CASH' } }, 'FINANCE'),
    ]);
    const wrote = ok(written).writeOffReceivable.errors.length === 0;
    const payed = ok(paid).recordPayment.errors.length === 0;
    expect([wrote, payed].filter(Boolean)).toHaveLength(1);
    const [row] = await t.sql<{ status: string; paid_amount: string; written_off_amount: string | null }>(
      'select status, paid_amount::text, written_off_amount::text from receivable where id = ?', [id]);
    expect(row).toEqual(wrote ? { status: 'WRITTEN_OFF', paid_amount: '0.00', written_off_amount: '60.00' } : { status: 'SETTLED', paid_amount: '60.00', written_off_amount: null });
  });

  test('the table refuses a payment applied behind the API\'s back, and a WRITTEN_OFF row without its write-off', async () => {
    await expect(t.sql(`update receivable set paid_amount = paid_amount + 1 where id = ?`, [R.A])).rejects.toThrow(/receivable_write_off_check/);
    await expect(t.sql(`update receivable set status = 'WRITTEN_OFF' where id = ?`, [R.B])).rejects.toThrow(/receivable_write_off_check/);
  });

  test('a partner sees its own written-off receivable, but not the internal reason', async () => {
    const [{ id: partnerOwn }] = await t.sql<{ id: string }>(`select partner_customer_id as id from app_user where email = 'partner@demo.crm'`);
    const contract = newId('Contract');
    await t.sql(`insert into contract (id, number, customer_id, title, value, currency, start_date, status, instalments, owner_id)
      values (?, 'CT-WP', ?, 'Holder', 100, 'EUR', '2020-01-01', 'TERMINATED', '[{"dueDate":"2020-01-01","percent":null}]', ?)`, [contract, partnerOwn, U.rep1]);
    const id = newId('Receivable');
    await t.sql(`insert into receivable (id, number, customer_id, contract_id, instalment, description, currency, amount, paid_amount, issued_on, due_date,
        status, written_off_at, written_off_by, write_off_category, write_off_reason, written_off_amount)
      values (?, 'INV-WP', ?, ?, 1, 'partner', 'EUR', 100, 40, ?, ?, 'WRITTEN_OFF', now(), ?, 'DISPUTE', 'Internal: not worth the lawyer.', 60)`,
    [id, partnerOwn, contract, d(-60), d(-30), U.finance]);
    const res = await t.gql(`query($id: ID!) { receivable(id: $id) { status outstanding writtenOffAmount writeOffCategory writeOffReason } }`, { id }, 'PARTNER');
    expect(res.body.data.receivable).toEqual({ status: 'WRITTEN_OFF', outstanding: '0.00', writtenOffAmount: '60.00', writeOffCategory: 'DISPUTE', writeOffReason: null });
    expect(codes(res)).toEqual(['FORBIDDEN']);
    expect(ok(await t.gql(`query($id: ID!) { receivable(id: $id) { writeOffReason } }`, { id }, 'FINANCE')).receivable.writeOffReason).toBe('Internal: not worth the lawyer.');
  });
});

/**
 * With the other definitions of issue 14 (scheduled billing's statement split, deletes refused while money is
 * open, DSO). K3's own fixture: F 100.00 EUR issued T−5, due T+30 (not yet due); G 50.00 EUR issued T−40,
 * due T−10 (due). F is written off today: statement [T−40, T] billed 150.00, writtenOff 100.00, closing
 * 50.00 = due 50.00 (G) + notYetDue 0.00 (F is written off, not outstanding). K3 cannot be deleted while G
 * is open; once G is written off too it can. G's write-off takes exactly 50.00 out of this month's DSO
 * receivables at month end (EUR), since the month ends on or after today.
 */
describe('write-offs and the other definitions of issue 14', () => {
  const K3 = newId('Customer');
  const F = newId('Receivable');
  const G = newId('Receivable');
  const DELETE = `mutation($i: CustomerIdInput!) { deleteCustomer(input: $i) { customer { id } errors { code field } } }`;
  const DSO = `query($from: LocalDate!, $to: LocalDate!) { daysSalesOutstanding(from: $from, to: $to, currency: "EUR") { month receivablesAtEnd } }`;
  const arAtMonthEnd = async () => ok(await t.gql(DSO, { from: d(0), to: d(0) }, 'FINANCE')).daysSalesOutstanding[0].receivablesAtEnd as string;

  beforeAll(async () => {
    const contract = newId('Contract');
    await t.sql(`insert into customer (id, name, kind, sector, owner_id) values (?, 'Write-off K3 Ltd', 'BUSINESS', 'SMALL_BUSINESS', ?)`, [K3, U.rep1]);
    await t.sql(`insert into contract (id, number, customer_id, title, value, currency, start_date, status, instalments, owner_id)
      values (?, 'CT-WK3', ?, 'Holder', 1000, 'EUR', '2020-01-01', 'TERMINATED', '[{"dueDate":"2020-01-01","percent":null}]', ?)`, [contract, K3, U.rep1]);
    for (const [id, number, n, amount, issued, due] of [[F, 'INV-WF', 1, '100.00', -5, 30], [G, 'INV-WG', 2, '50.00', -40, -10]] as const) {
      await t.sql(`insert into receivable (id, number, customer_id, contract_id, instalment, description, currency, amount, issued_on, due_date)
        values (?, ?, ?, ?, ?, 'fixture', 'EUR', ?, ?, ?)`, [id, number, K3, contract, n, amount, d(issued), d(due)]);
    }
    expect(ok(await writeOff('FINANCE', F)).writeOffReceivable.errors).toEqual([]);
  });

  test('statement: closing 50.00 = due 50.00 + notYetDue 0.00 (the written-off F is not outstanding)', async () => {
    const s = ok(await t.gql(`query($id: ID!, $from: LocalDate!, $to: LocalDate!) { accountStatement(customerId: $id, from: $from, to: $to, currency: "EUR") {
      billed paid writtenOff closingBalance due notYetDue } }`, { id: K3, from: d(-40), to: d(0) }, 'FINANCE')).accountStatement[0];
    expect(s).toEqual({ billed: '150.00', paid: '0.00', writtenOff: '100.00', closingBalance: '50.00', due: '50.00', notYetDue: '0.00' });
  });

  test('delete: refused while G is open; allowed once G is written off; DSO month-end AR drops by exactly 50.00', async () => {
    const refused = ok(await t.gql(DELETE, { i: { id: K3 } }, 'ADMIN')).deleteCustomer;
    expect(refused).toEqual({ customer: null, errors: [{ code: 'BUSINESS_RULE', field: ['input', 'id'] }] });
    const before = await arAtMonthEnd();
    expect(ok(await writeOff('FINANCE', G)).writeOffReceivable.errors).toEqual([]);
    const cents = (text: string) => Math.round(Number(text) * 100); // a difference of exact cents, never of floats
    expect(cents(before) - cents(await arAtMonthEnd())).toBe(5000);
    expect(ok(await t.gql(DELETE, { i: { id: K3 } }, 'ADMIN')).deleteCustomer).toEqual({ customer: { id: K3 }, errors: [] });
  });
});
