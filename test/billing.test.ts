import { newId } from '../src/entities/ids';
import { runOverdueJob } from '../src/services/collection.service';
import { codes, ok, startTestApp, type TestApp, type Who } from './helpers';
import { insertCustomer, insertReceivable } from './support/finance-fixtures';

/**
 * Issue 14, definitions 1–3 and "due vs not-yet-due on statements", through HTTP, against numbers
 * computed by hand and written here:
 * 1. a customer with open money cannot be deleted; receivables of a customer deleted earlier (directly in
 *    SQL) are still AR in receivablesSummary, agingReport, the statement and the overdue job alike;
 * 2. instalments become receivables on their invoice date (due − the contract's billingTermsDays, 30 unless
 *    set), SCHEDULED until then (Contract.billingSchedule / scheduledBilling, the scheduledBilling report),
 *    issued once by the job;
 * 3. a payment received before the invoice it settles is unapplied credit until the invoice is issued;
 * 4. the statement's closing balance split into due and not yet due at its end date.
 */

let t: TestApp;
const DAY = 86_400_000;
const TODAY = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
/** The UTC calendar date `days` from today. */
const d = (days: number) => new Date(TODAY + days * DAY).toISOString().slice(0, 10);
/** The same day `months` calendar months from today (UTC). */
const months = (n: number) => {
  const now = new Date(TODAY);
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + n, now.getUTCDate())).toISOString().slice(0, 10);
};
const minusDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) - days * DAY).toISOString().slice(0, 10);
const daysBetween = (a: string, b: string) => (Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY;
const noon = (date: string) => new Date(`${date}T12:00:00Z`);

const users = { rep1: '', rep2: '' };
const job = (now: Date) => runOverdueJob(t.db.orm.em.fork() as any, now);

const AGING = `query($asOf: LocalDate, $currency: String, $customerId: ID) {
  agingReport(asOf: $asOf, currency: $currency, customerId: $customerId) { asOf currency current days1To30 days31To60 days61To90 over90 total } }`;
const STATEMENT = `query($c: ID!, $from: LocalDate!, $to: LocalDate!) { accountStatement(customerId: $c, from: $from, to: $to) {
  currency openingBalance openingUnappliedCredit billed paid received closingBalance closingUnappliedCredit due notYetDue lineCount
  lines { kind date reference description debit credit balance } } }`;
const SCHEDULED = `query($customerId: ID, $byMonth: Boolean) { scheduledBilling(customerId: $customerId, byMonth: $byMonth) { currency month amount instalmentCount } }`;
const CONTRACT = `query($id: ID!) { contract(id: $id) { id status scheduledBilling instalments { position dueDate invoiceDate amount }
  billingSchedule { instalment invoiceDate dueDate amount currency state receivableId receivable { id issuedOn amount } }
  receivables { id instalment amount issuedOn dueDate } } }`;

const aging = async (vars: Record<string, unknown>, who: Who = 'FINANCE') => ok(await t.gql(AGING, vars, who)).agingReport;
const statement = async (customerId: string, from: string, to: string, who: Who = 'FINANCE') =>
  ok(await t.gql(STATEMENT, { c: customerId, from, to }, who)).accountStatement;
const scheduled = async (vars: Record<string, unknown>, who: Who = 'FINANCE') => ok(await t.gql(SCHEDULED, vars, who)).scheduledBilling;
const contract = async (id: string, who: Who = 'FINANCE') => ok(await t.gql(CONTRACT, { id }, who)).contract;
const agingRow = (asOf: string, current: string, d1: string, d31: string, d61: string, over90: string, total: string) =>
  ({ asOf, currency: 'EUR', current, days1To30: d1, days31To60: d31, days61To90: d61, over90, total });

async function signedContract(customerId: string, value: string, instalments: { dueDate: string; invoiceDate?: string }[]) {
  const created = ok(await t.gql(`mutation($i: CreateContractInput!) { createContract(input: $i) { contract { id version number } errors { field message } } }`,
    { i: { customerId, title: 'Billing test', value, currency: 'EUR', startDate: d(0), instalments } }, 'FINANCE')).createContract;
  expect(created.errors).toEqual([]);
  const signed = ok(await t.gql(`mutation($i: SignContractInput!) { signContract(input: $i) { contract { id status version } errors { field message } } }`,
    { i: { id: created.contract.id, version: created.contract.version } }, 'FINANCE')).signContract;
  expect(signed.errors).toEqual([]);
  expect(signed.contract.status).toBe('SIGNED');
  return { id: created.contract.id as string, number: created.contract.number as string, version: signed.contract.version as number };
}

beforeAll(async () => {
  t = await startTestApp();
  const [r1] = await t.sql<{ id: string }>(`select id from app_user where email = 'rep1@demo.crm'`);
  const [r2] = await t.sql<{ id: string }>(`select id from app_user where email = 'rep2@demo.crm'`);
  users.rep1 = r1.id;
  users.rep2 = r2.id;
});
afterAll(async () => { await t?.close(); });

// ------------------------------------------------------------------------- 2. scheduled billing

describe('scheduled billing (definition 2)', () => {
  // Signed today (T): 3 × 1000.00 EUR due T+10, T+3 months, T+6 months; billing terms 30 days.
  // Invoice dates: T+10−30 = T−20 (≤ T: issued at signing, dated T), D2−30 and D3−30 (scheduled).
  const D1 = d(10);
  const D2 = months(3);
  const D3 = months(6);
  const I1 = d(-20);
  const I2 = minusDays(D2, 30);
  const I3 = minusDays(D3, 30);
  let customer: string;
  let k: { id: string; number: string; version: number };

  beforeAll(async () => {
    customer = await insertCustomer(t, users.rep1, 'Scheduled Billing GmbH');
    await t.sql('update customer set credit_limit = 100000, credit_currency = ? where id = ?', ['EUR', customer]);
    k = await signedContract(customer, '3000.00', [{ dueDate: D1 }, { dueDate: D2 }, { dueDate: D3 }]);
  });

  test('signing issues only the instalment whose invoice date has come; the others are SCHEDULED on the contract', async () => {
    const c = await contract(k.id);
    expect(c.instalments).toEqual([
      { position: 1, dueDate: D1, invoiceDate: I1, amount: '1000.00' },
      { position: 2, dueDate: D2, invoiceDate: I2, amount: '1000.00' },
      { position: 3, dueDate: D3, invoiceDate: I3, amount: '1000.00' },
    ]);
    expect(c.receivables).toEqual([{ id: expect.any(String), instalment: 1, amount: '1000.00', issuedOn: d(0), dueDate: D1 }]);
    expect(c.billingSchedule).toEqual([
      { instalment: 1, invoiceDate: I1, dueDate: D1, amount: '1000.00', currency: 'EUR', state: 'ISSUED', receivableId: c.receivables[0].id,
        receivable: { id: c.receivables[0].id, issuedOn: d(0), amount: '1000.00' } },
      { instalment: 2, invoiceDate: I2, dueDate: D2, amount: '1000.00', currency: 'EUR', state: 'SCHEDULED', receivableId: null, receivable: null },
      { instalment: 3, invoiceDate: I3, dueDate: D3, amount: '1000.00', currency: 'EUR', state: 'SCHEDULED', receivableId: null, receivable: null },
    ]);
    expect(c.scheduledBilling).toBe('2000.00');
  });

  test('scheduledBilling holds the other two; AR, aging and the statement only the billed one; credit exposure all three', async () => {
    expect(await scheduled({ customerId: customer })).toEqual([{ currency: 'EUR', month: null, amount: '2000.00', instalmentCount: 2 }]);
    expect(await scheduled({ customerId: customer, byMonth: true })).toEqual([
      { currency: 'EUR', month: `${I2.slice(0, 7)}-01`, amount: '1000.00', instalmentCount: 1 },
      { currency: 'EUR', month: `${I3.slice(0, 7)}-01`, amount: '1000.00', instalmentCount: 1 },
    ]);
    expect(await aging({ customerId: customer })).toEqual([agingRow(d(0), '1000.00', '0.00', '0.00', '0.00', '0.00', '1000.00')]);
    // as of yesterday nothing was billed yet
    expect(await aging({ customerId: customer, asOf: d(-1) })).toEqual([]);
    const summary = ok(await t.gql('{ receivablesSummary(groupBy: CUSTOMER, limit: 500) { customerId outstanding openCount } }', {}, 'FINANCE')).receivablesSummary;
    expect(summary.filter((r: any) => r.customerId === customer)).toEqual([{ customerId: customer, outstanding: '1000.00', openCount: 1 }]);
    const [s] = await statement(customer, d(0), d(0));
    expect(s).toMatchObject({ openingBalance: '0.00', billed: '1000.00', closingBalance: '1000.00', due: '0.00', notYetDue: '1000.00', lineCount: 1 });
    const exposure = ok(await t.gql('query($id: ID!) { customer(id: $id) { creditExposure } }', { id: customer }, 'FINANCE')).customer;
    expect(exposure.creditExposure).toBe('3000.00'); // 1000.00 billed + 2000.00 scheduled: committed, like an unbilled order
  });

  test('the job issues the second instalment on its invoice date, once (two concurrent runs), dated its invoice date, audited', async () => {
    await job(noon(minusDays(I2, 1)));
    expect(await t.sql('select 1 from receivable where contract_id = ?', [k.id])).toHaveLength(1);
    // (other contracts of the demo data may fall due too: whichever run came first issued them all, the other none)
    const runs = await Promise.all([job(noon(I2)), job(noon(I2))]);
    expect(Math.min(...runs.map((r) => r.instalmentsIssued))).toBe(0);
    expect(Math.max(...runs.map((r) => r.instalmentsIssued))).toBeGreaterThanOrEqual(1);
    expect((await job(noon(I2))).instalmentsIssued).toBe(0);
    const c = await contract(k.id);
    expect(c.receivables.map((r: any) => [r.instalment, r.amount, r.issuedOn, r.dueDate])).toEqual([[1, '1000.00', d(0), D1], [2, '1000.00', I2, D2]]);
    expect(c.billingSchedule.map((l: any) => l.state)).toEqual(['ISSUED', 'ISSUED', 'SCHEDULED']);
    expect(c.billingSchedule[1].receivableId).toBe(c.receivables[1].id);
    expect(c.scheduledBilling).toBe('1000.00');
    const [number] = await t.sql<{ number: string }>('select number from receivable where id = ?', [c.receivables[1].id]);
    expect(number.number).toMatch(/^INV-\d{6}$/);
    const audit = await t.sql<{ action: string; actor_type: string }>(`select action, actor_type from audit_event where entity_id = ?`, [c.receivables[1].id]);
    expect(audit.filter((a) => a.action === 'CREATE')).toEqual([{ action: 'CREATE', actor_type: 'SYSTEM' }]);
    expect(await scheduled({ customerId: customer })).toEqual([{ currency: 'EUR', month: null, amount: '1000.00', instalmentCount: 1 }]);
  });

  test('aging and statements show what was billed when: nothing of instalment 2 the day before its invoice date', async () => {
    // the day before I2: instalment 1 only, (I2 − 1) − D1 days past due
    const late = daysBetween(D1, minusDays(I2, 1));
    expect(late).toBeGreaterThanOrEqual(31);
    expect(late).toBeLessThanOrEqual(60);
    expect(await aging({ customerId: customer, asOf: minusDays(I2, 1) })).toEqual([agingRow(minusDays(I2, 1), '0.00', '0.00', '1000.00', '0.00', '0.00', '1000.00')]);
    // on I2: instalment 2 is current (due D2 after I2)
    expect(await aging({ customerId: customer, asOf: I2 })).toEqual([agingRow(I2, '1000.00', '0.00', '1000.00', '0.00', '0.00', '2000.00')]);
    const [before] = await statement(customer, d(0), minusDays(I2, 1));
    expect(before).toMatchObject({ billed: '1000.00', closingBalance: '1000.00', due: '1000.00', notYetDue: '0.00', lineCount: 1 });
    const [period] = await statement(customer, d(0), I2);
    expect(period).toMatchObject({ openingBalance: '0.00', billed: '2000.00', paid: '0.00', closingBalance: '2000.00', due: '1000.00', notYetDue: '1000.00', lineCount: 2 });
    expect(period.lines.map((l: any) => [l.kind, l.date, l.description, l.debit, l.balance])).toEqual([
      ['RECEIVABLE', d(0), `${k.number} instalment 1 of 3`, '1000.00', '1000.00'],
      ['RECEIVABLE', I2, `${k.number} instalment 2 of 3`, '1000.00', '2000.00'],
    ]);
  });

  test('termination cancels the instalment still scheduled: never billed, out of scheduledBilling', async () => {
    const res = ok(await t.gql(`mutation($i: TerminateContractInput!) { terminateContract(input: $i) { contract { status } errors { field message } } }`,
      { i: { id: k.id, version: (await t.sql<{ version: number }>('select version from contract where id = ?', [k.id]))[0].version } }, 'FINANCE')).terminateContract;
    expect(res.errors).toEqual([]);
    const c = await contract(k.id);
    expect(c.billingSchedule.map((l: any) => l.state)).toEqual(['ISSUED', 'ISSUED', 'CANCELLED']);
    expect(c.scheduledBilling).toBe('0.00');
    expect(await scheduled({ customerId: customer })).toEqual([]);
    expect((await job(noon(I3))).instalmentsIssued).toBe(0);
    expect(await t.sql('select 1 from receivable where contract_id = ?', [k.id])).toHaveLength(2);
  });

  test('a given invoice date wins; an invoice date after the due date is refused naming the field', async () => {
    const own = await signedContract(customer, '500.00', [{ dueDate: d(40), invoiceDate: d(0) }, { dueDate: d(50), invoiceDate: d(5) }]);
    const c = await contract(own.id);
    expect(c.billingSchedule.map((l: any) => [l.instalment, l.invoiceDate, l.state, l.amount])).toEqual([[1, d(0), 'ISSUED', '250.00'], [2, d(5), 'SCHEDULED', '250.00']]);
    const bad = ok(await t.gql(`mutation($i: CreateContractInput!) { createContract(input: $i) { contract { id } errors { code field } } }`,
      { i: { customerId: customer, title: 'Bad', value: '10.00', currency: 'EUR', startDate: d(0), instalments: [{ dueDate: d(10), invoiceDate: d(11) }] } }, 'FINANCE')).createContract;
    expect(bad.errors).toEqual([{ code: 'VALIDATION', field: ['input', 'instalments', '0', 'invoiceDate'] }]);
  });

  test('scope: a rep sees their customer\'s scheduled billing, another rep nothing; other roles FORBIDDEN; bad arguments name the field', async () => {
    expect(await scheduled({ customerId: customer }, 'SALES_REP')).toEqual([{ currency: 'EUR', month: null, amount: '250.00', instalmentCount: 1 }]);
    expect(await scheduled({ customerId: customer }, 'SALES_REP_2')).toEqual([]);
    for (const who of ['SERVICE_AGENT', 'MARKETING', 'ANALYST', 'PARTNER'] as const) {
      expect(codes(await t.gql(SCHEDULED, {}, who))).toEqual(['FORBIDDEN']);
    }
    const res = await t.gql(SCHEDULED, { customerId: 'nope' }, 'FINANCE');
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.body.errors![0].extensions!.field).toBe('customerId');
  });

  test('Contract.billingSchedule and scheduledBilling are batched: 1 and 4 contracts cost the same statements', async () => {
    const other = await insertCustomer(t, users.rep1, 'Batch Billing AG');
    await t.sql('update customer set credit_limit = 100000, credit_currency = ? where id = ?', ['EUR', other]);
    for (let i = 0; i < 4; i += 1) await signedContract(other, '300.00', [{ dueDate: d(5) }, { dueDate: d(100) }]);
    await t.token('FINANCE');
    const q = (n: number) => t.countQueries(async () => {
      const list = ok(await t.gql(`query($c: ID!, $n: Int!) { contracts(first: $n, filter: { customerId: { eq: $c } }) { edges { node { id scheduledBilling
        billingSchedule { state receivable { id } } } } } }`, { c: other, n }, 'FINANCE')).contracts;
      expect(list.edges).toHaveLength(n);
      for (const e of list.edges) expect(e.node.scheduledBilling).toBe('150.00');
    });
    expect(await q(4)).toBe(await q(1));
  });
});

/**
 * Billing terms per contract (`billingTermsDays`): invoice date = due date − billingTermsDays unless the
 * instalment gives its own; at signing when that is on or before the signing day (T = today).
 */
describe('billing terms per contract (definition 2)', () => {
  const CREATE = `mutation($i: CreateContractInput!) { createContract(input: $i) { contract { id version billingTermsDays instalments { position dueDate invoiceDate amount } }
    errors { code field } } }`;
  const UPDATE = `mutation($i: UpdateContractInput!) { updateContract(input: $i) { contract { id version billingTermsDays instalments { position dueDate invoiceDate amount } }
    errors { code field } } }`;
  const SIGN = `mutation($i: SignContractInput!) { signContract(input: $i) { contract { id status version } errors { code field } } }`;
  let customer: string;
  const base = (extra: Record<string, unknown>) => ({ customerId: customer, title: 'Terms test', value: '1000.00', currency: 'EUR', startDate: d(0), ...extra });
  const create = async (extra: Record<string, unknown>) => ok(await t.gql(CREATE, { i: base(extra) }, 'FINANCE')).createContract;
  const sign = async (id: string, version: number) => {
    const res = ok(await t.gql(SIGN, { i: { id, version } }, 'FINANCE')).signContract;
    expect(res.errors).toEqual([]);
    expect(res.contract.status).toBe('SIGNED');
    return res.contract;
  };
  const written = async () => (await t.sql<{ n: number }>(`select (select count(*) from contract where customer_id = ?)::int
    + (select count(*) from audit_event where customer_id = ? and entity_type = 'Contract')::int as n`, [customer, customer]))[0].n;

  beforeAll(async () => {
    customer = await insertCustomer(t, users.rep1, 'Billing Terms SARL');
    await t.sql('update customer set credit_limit = 100000, credit_currency = ? where id = ?', ['EUR', customer]);
  });

  test('10 days: due T+5 → invoice T−5, issued at signing (dated T); due T+40 → invoice T+30, scheduled', async () => {
    const created = await create({ billingTermsDays: 10, instalments: [{ dueDate: d(5) }, { dueDate: d(40) }] });
    expect(created.errors).toEqual([]);
    expect(created.contract.billingTermsDays).toBe(10);
    expect(created.contract.instalments).toEqual([
      { position: 1, dueDate: d(5), invoiceDate: d(-5), amount: '500.00' },
      { position: 2, dueDate: d(40), invoiceDate: d(30), amount: '500.00' },
    ]);
    await sign(created.contract.id, created.contract.version);
    const c = await contract(created.contract.id);
    expect(c.instalments.map((i: any) => [i.position, i.invoiceDate])).toEqual([[1, d(-5)], [2, d(30)]]);
    expect(c.receivables).toEqual([{ id: expect.any(String), instalment: 1, amount: '500.00', issuedOn: d(0), dueDate: d(5) }]);
    expect(c.billingSchedule).toEqual([
      { instalment: 1, invoiceDate: d(-5), dueDate: d(5), amount: '500.00', currency: 'EUR', state: 'ISSUED', receivableId: c.receivables[0].id,
        receivable: { id: c.receivables[0].id, issuedOn: d(0), amount: '500.00' } },
      { instalment: 2, invoiceDate: d(30), dueDate: d(40), amount: '500.00', currency: 'EUR', state: 'SCHEDULED', receivableId: null, receivable: null },
    ]);
    expect(c.scheduledBilling).toBe('500.00');
    expect(await t.sql(`select billing_terms_days from contract where id = ?`, [created.contract.id])).toEqual([{ billing_terms_days: 10 }]);
  });

  test('0 days: invoiced on the due date — due T at signing, due T+1 scheduled for T+1; an own invoice date still wins', async () => {
    const created = await create({ billingTermsDays: 0, value: '300.00', instalments: [{ dueDate: d(0) }, { dueDate: d(1) }, { dueDate: d(60), invoiceDate: d(2) }] });
    expect(created.errors).toEqual([]);
    expect(created.contract.billingTermsDays).toBe(0);
    await sign(created.contract.id, created.contract.version);
    const c = await contract(created.contract.id);
    expect(c.billingSchedule.map((l: any) => [l.instalment, l.invoiceDate, l.dueDate, l.state, l.amount])).toEqual([
      [1, d(0), d(0), 'ISSUED', '100.00'], [2, d(1), d(1), 'SCHEDULED', '100.00'], [3, d(2), d(60), 'SCHEDULED', '100.00'],
    ]);
    expect(c.receivables.map((r: any) => [r.instalment, r.issuedOn, r.dueDate])).toEqual([[1, d(0), d(0)]]);
  });

  test('omitted: 30 days (the default); null on create is the default too', async () => {
    const omitted = await create({ instalments: [{ dueDate: d(45) }] });
    expect(omitted.errors).toEqual([]);
    expect(omitted.contract.billingTermsDays).toBe(30);
    expect(omitted.contract.instalments).toEqual([{ position: 1, dueDate: d(45), invoiceDate: d(15), amount: '1000.00' }]);
    const nulled = await create({ billingTermsDays: null, instalments: [{ dueDate: d(45) }] });
    expect(nulled.contract.billingTermsDays).toBe(30);
  });

  test('out of range (−1, 366) is VALIDATION naming input.billingTermsDays; nothing is written', async () => {
    const before = await written();
    for (const days of [-1, 366]) {
      const res = await create({ billingTermsDays: days, instalments: [{ dueDate: d(45) }] });
      expect(res).toEqual({ contract: null, errors: [{ code: 'VALIDATION', field: ['input', 'billingTermsDays'] }] });
    }
    const draft = await create({ billingTermsDays: 365, instalments: [{ dueDate: d(400) }] });
    expect(draft.contract.instalments[0].invoiceDate).toBe(d(35));
    const mid = await written();
    for (const days of [-1, 366]) {
      const res = ok(await t.gql(UPDATE, { i: { id: draft.contract.id, version: draft.contract.version, billingTermsDays: days } }, 'FINANCE')).updateContract;
      expect(res).toEqual({ contract: null, errors: [{ code: 'VALIDATION', field: ['input', 'billingTermsDays'] }] });
    }
    const nulled = ok(await t.gql(UPDATE, { i: { id: draft.contract.id, version: draft.contract.version, billingTermsDays: null } }, 'FINANCE')).updateContract;
    expect(nulled.errors).toEqual([{ code: 'VALIDATION', field: ['input', 'billingTermsDays'] }]);
    expect(await written()).toBe(mid);
    expect(mid).toBe(before + 2); // the 365-day draft and its CREATE entry only
    expect(await t.sql(`select billing_terms_days, version from contract where id = ?`, [draft.contract.id])).toEqual([{ billing_terms_days: 365, version: 1 }]);
  });

  test('updateContract changes it while DRAFT (audited); signing schedules with it; once signed it is fixed', async () => {
    // 30 days: due T+20, T+50 → invoice T−10, T+20. Changed to 5: T+15, T+45 — both scheduled at signing.
    const created = await create({ instalments: [{ dueDate: d(20) }, { dueDate: d(50) }] });
    expect(created.contract.instalments.map((i: any) => i.invoiceDate)).toEqual([d(-10), d(20)]);
    const updated = ok(await t.gql(UPDATE, { i: { id: created.contract.id, version: created.contract.version, billingTermsDays: 5 } }, 'FINANCE')).updateContract;
    expect(updated.errors).toEqual([]);
    expect(updated.contract).toMatchObject({ billingTermsDays: 5, version: created.contract.version + 1 });
    expect(updated.contract.instalments.map((i: any) => i.invoiceDate)).toEqual([d(15), d(45)]);
    const [entry] = await t.sql<{ changes: any }>(`select changes from audit_event where entity_id = ? and action = 'UPDATE'`, [created.contract.id]);
    expect(typeof entry.changes === 'string' ? JSON.parse(entry.changes) : entry.changes).toEqual([{ field: 'billingTermsDays', old: 30, new: 5 }]);

    const signed = await sign(created.contract.id, updated.contract.version);
    const c = await contract(created.contract.id);
    expect(c.billingSchedule.map((l: any) => [l.instalment, l.invoiceDate, l.dueDate, l.state])).toEqual([
      [1, d(15), d(20), 'SCHEDULED'], [2, d(45), d(50), 'SCHEDULED'],
    ]);
    expect(c.receivables).toEqual([]);
    expect(c.scheduledBilling).toBe('1000.00');

    const late = ok(await t.gql(UPDATE, { i: { id: created.contract.id, version: signed.version, billingTermsDays: 0 } }, 'FINANCE')).updateContract;
    expect(late).toEqual({ contract: null, errors: [{ code: 'BUSINESS_RULE', field: ['input', 'id'] }] });
    expect(await t.sql(`select billing_terms_days from contract where id = ?`, [created.contract.id])).toEqual([{ billing_terms_days: 5 }]);
  });
});

/**
 * scheduledBilling in one reporting currency: 1000.00 USD signed as 2 × 500.00 due T+100 and T+200 (invoice dates
 * T+70 and T+170: both scheduled). USD→EUR 0.92345 dated yesterday: each instalment 500.00 × 0.92345 = 461.725 →
 * 461.73 (rounded to the cent per instalment), together 923.46 (converting the sum would give 923.45).
 */
describe('scheduledBilling with `in`', () => {
  const IN = `query($customerId: ID, $byMonth: Boolean, $in: String) { scheduledBilling(customerId: $customerId, byMonth: $byMonth, in: $in) {
    currency month amount instalmentCount rates { from to rate validOn inverse } } }`;
  let customer: string;
  beforeAll(async () => {
    customer = await insertCustomer(t, users.rep1, 'Dollar Billing Inc');
    await t.sql('update customer set credit_limit = 100000, credit_currency = ? where id = ?', ['USD', customer]);
    const created = ok(await t.gql(`mutation($i: CreateContractInput!) { createContract(input: $i) { contract { id version } errors { field message } } }`,
      { i: { customerId: customer, title: 'Dollars', value: '1000.00', currency: 'USD', startDate: d(0), instalments: [{ dueDate: d(100) }, { dueDate: d(200) }] } },
      'FINANCE')).createContract;
    expect(created.errors).toEqual([]);
    const signed = ok(await t.gql(`mutation($i: SignContractInput!) { signContract(input: $i) { contract { status } errors { field message } } }`,
      { i: { id: created.contract.id, version: created.contract.version } }, 'FINANCE')).signContract;
    expect(signed).toEqual({ contract: { status: 'SIGNED' }, errors: [] });
    const rate = ok(await t.gql(`mutation($i: SetExchangeRateInput!) { setExchangeRate(input: $i) { errors { field message } } }`,
      { i: { from: 'USD', to: 'EUR', validOn: d(-1), rate: '0.92345' } }, 'FINANCE')).setExchangeRate;
    expect(rate.errors).toEqual([]);
  });

  test('each instalment converted at today\'s rate and rounded to the cent, then summed; the rate applied is listed', async () => {
    const usd = { from: 'USD', to: 'EUR', rate: '0.9234500000', validOn: d(-1), inverse: false };
    expect(ok(await t.gql(IN, { customerId: customer }, 'FINANCE')).scheduledBilling).toEqual([
      { currency: 'USD', month: null, amount: '1000.00', instalmentCount: 2, rates: [] },
    ]);
    expect(ok(await t.gql(IN, { customerId: customer, in: 'EUR' }, 'FINANCE')).scheduledBilling).toEqual([
      { currency: 'EUR', month: null, amount: '923.46', instalmentCount: 2, rates: [usd] },
    ]);
    expect(ok(await t.gql(IN, { customerId: customer, in: 'EUR', byMonth: true }, 'FINANCE')).scheduledBilling).toEqual([
      { currency: 'EUR', month: `${d(70).slice(0, 7)}-01`, amount: '461.73', instalmentCount: 1, rates: [usd] },
      { currency: 'EUR', month: `${d(170).slice(0, 7)}-01`, amount: '461.73', instalmentCount: 1, rates: [usd] },
    ]);
  });

  test('a currency without a rate fails the report naming `in`, the pair and the day', async () => {
    const res = await t.gql(IN, { customerId: customer, in: 'GBP' }, 'FINANCE');
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.body.errors![0].extensions!.field).toBe('in');
    expect(res.body.errors![0].message).toContain(`No exchange rate from USD to GBP valid on ${d(0)}`);
  });
});

/**
 * Scheduled instalments are committed money: limit 1000.00 EUR; contract A 900.00 (2 × 450.00 due T+100 and
 * T+200, both scheduled) signs (0 + 900 ≤ 1000) and leaves exposure 900.00, available 100.00; contract B 900.00
 * is then held OVER_LIMIT with exposure 900.00 (900 + 900 > 1000) — without them B would pass.
 */
describe('credit exposure counts scheduled instalments', () => {
  test('a second contract cannot pass a limit the first one already uses', async () => {
    const customer = await insertCustomer(t, users.rep1, 'Committed Twice Ltd');
    await t.sql('update customer set credit_limit = 1000, credit_currency = ? where id = ?', ['EUR', customer]);
    const a = await signedContract(customer, '900.00', [{ dueDate: d(100) }, { dueDate: d(200) }]);
    expect((await contract(a.id)).billingSchedule.map((l: any) => l.state)).toEqual(['SCHEDULED', 'SCHEDULED']);
    const credit = ok(await t.gql('query($id: ID!) { customer(id: $id) { creditExposure availableCredit } }', { id: customer }, 'FINANCE')).customer;
    expect(credit).toEqual({ creditExposure: '900.00', availableCredit: '100.00' });
    const b = ok(await t.gql(`mutation($i: CreateContractInput!) { createContract(input: $i) { contract { id version } errors { field message } } }`,
      { i: { customerId: customer, title: 'Second', value: '900.00', currency: 'EUR', startDate: d(0), instalments: [{ dueDate: d(100) }] } }, 'FINANCE')).createContract;
    const signed = ok(await t.gql(`mutation($i: SignContractInput!) { signContract(input: $i) { contract { status } errors { field message } } }`,
      { i: { id: b.contract.id, version: b.contract.version } }, 'FINANCE')).signContract;
    expect(signed.contract.status).toBe('PENDING_CREDIT_APPROVAL');
    const [hold] = await t.sql<{ reason: string; exposure: string; amount: string }>(
      'select reason, exposure::text as exposure, amount::text as amount from credit_hold where contract_id = ?', [b.contract.id]);
    expect(hold).toEqual({ reason: 'OVER_LIMIT', exposure: '900.00', amount: '900.00' });
  });
});

// ------------------------------------------------------------------------- 1. deleted customers

describe('debts of deleted customers (definition 1)', () => {
  const DELETE = `mutation($i: CustomerIdInput!) { deleteCustomer(input: $i) { customer { id } errors { code message field } } }`;

  test('a customer with an open receivable, scheduled billing or an unbilled on-account order cannot be deleted; one without can', async () => {
    const owing = await insertCustomer(t, users.rep1, 'Still Owes Ltd');
    await insertReceivable(t, owing, users.rep1, { amount: '120.50', dueDate: d(10), issuedOn: d(-5) });
    const res = ok(await t.gql(DELETE, { i: { id: owing } }, 'ADMIN')).deleteCustomer;
    expect(res.customer).toBeNull();
    expect(res.errors.map((e: any) => [e.code, e.field])).toEqual([['BUSINESS_RULE', ['input', 'id']]]);
    expect(res.errors[0].message).toContain('120.50 EUR outstanding');
    expect(res.errors[0].message).toContain('write them off');
    expect((await t.sql('select deleted_at from customer where id = ?', [owing]))[0].deleted_at).toBeNull();

    const scheduledOnly = await insertCustomer(t, users.rep1, 'Scheduled Only Ltd');
    await t.sql('update customer set credit_limit = 100000, credit_currency = ? where id = ?', ['EUR', scheduledOnly]);
    await signedContract(scheduledOnly, '80.00', [{ dueDate: d(200) }]);
    const res2 = ok(await t.gql(DELETE, { i: { id: scheduledOnly } }, 'ADMIN')).deleteCustomer;
    expect(res2.errors[0].field).toEqual(['input', 'id']);
    expect(res2.errors[0].message).toContain('0.00 EUR outstanding and 80.00 EUR scheduled for billing');

    // an ON_ACCOUNT order not billed yet: fulfilling it would issue a receivable on the deleted customer
    const ordering = await insertCustomer(t, users.rep1, 'Ordered On Account Ltd');
    const order = newId('Order');
    await t.sql(`insert into sales_order (id, customer_id, bill_to_id, channel, status, payment_terms, currency, subtotal, total, created_by)
      values (?, ?, ?, 'WEB', 'CONFIRMED', 'ON_ACCOUNT', 'EUR', 75.25, 75.25, 'test')`, [order, ordering, ordering]);
    const res3 = ok(await t.gql(DELETE, { i: { id: ordering } }, 'ADMIN')).deleteCustomer;
    expect(res3.errors.map((e: any) => [e.code, e.field])).toEqual([['BUSINESS_RULE', ['input', 'id']]]);
    expect(res3.errors[0].message).toContain('0.00 EUR outstanding and 75.25 EUR ordered on account, not billed yet');
    await t.sql(`update sales_order set status = 'CANCELLED' where id = ?`, [order]);
    expect(ok(await t.gql(DELETE, { i: { id: ordering } }, 'ADMIN')).deleteCustomer).toEqual({ customer: { id: ordering }, errors: [] });

    const clean = await insertCustomer(t, users.rep1, 'Nothing Open Ltd');
    await insertReceivable(t, clean, users.rep1, { amount: '10.00', dueDate: d(-3), status: 'SETTLED' });
    expect(ok(await t.gql(DELETE, { i: { id: clean } }, 'ADMIN')).deleteCustomer).toEqual({ customer: { id: clean }, errors: [] });
  });

  test('a customer deleted earlier (in SQL) with an open receivable: summary, aging, statement and the overdue job agree on 500.00', async () => {
    const gone = await insertCustomer(t, users.rep1, 'Deleted Debtor Ltd');
    const rcv = await insertReceivable(t, gone, users.rep1, { amount: '500.00', dueDate: d(-5), issuedOn: d(-35) });
    await t.sql('update customer set deleted_at = now() where id = ?', [gone]);

    const summary = ok(await t.gql('{ receivablesSummary(groupBy: CUSTOMER, limit: 500) { customerId outstanding overdue openCount customer { id } customerDeleted } }', {}, 'FINANCE')).receivablesSummary;
    expect(summary.filter((r: any) => r.customerId === gone)).toEqual([{ customerId: gone, outstanding: '500.00', overdue: '500.00', openCount: 1, customer: null, customerDeleted: true }]);
    expect(summary.filter((r: any) => r.customerId !== gone).every((r: any) => r.customerDeleted === false)).toBe(true);
    expect(await aging({ customerId: gone })).toEqual([agingRow(d(0), '0.00', '500.00', '0.00', '0.00', '0.00', '500.00')]);
    const [s] = await statement(gone, d(-40), d(0));
    expect(s).toMatchObject({ openingBalance: '0.00', billed: '500.00', closingBalance: '500.00', due: '500.00', notYetDue: '0.00' });
    // a rep's scope holds live customers only
    expect(codes(await t.gql(STATEMENT, { c: gone, from: d(-40), to: d(0) }, 'SALES_REP'))).toEqual(['NOT_FOUND']);

    await job(new Date());
    const [r] = await t.sql<{ status: string; dunning_stage: string }>('select status, dunning_stage from receivable where id = ?', [rcv]);
    expect(r).toEqual({ status: 'OVERDUE', dunning_stage: 'REMINDER' });
    expect(await t.sql(`select 1 from task where receivable_id = ? and type = 'COLLECTION'`, [rcv])).toHaveLength(1);
  });
});

// ------------------------------------------------------- 3. payments before their invoice, 4. due / not yet due

describe('statements: unapplied credit (definition 3) and due vs not yet due', () => {
  /*
   *  R0  issued 2026-02-01  200.00  due 2026-03-03   paid by Y0 200.00 received 2026-02-20
   *  Y1  300.00 received 2026-03-05, allocated to R1 (issued later: unapplied until 2026-03-10)
   *  R1  issued 2026-03-10  300.00  due 2026-04-09   settled by Y1
   *  R4  issued 2026-03-15  250.00  due 2026-03-25   unpaid
   *  R2  issued 2026-03-20  400.00  due 2026-04-19   settled by Y2
   *  Y2  500.00 received 2026-04-20: 400.00 to R2 (applied that day), 100.00 to R3 (applied 2026-05-05)
   *  R3  issued 2026-05-05  150.00  due 2026-06-04   100.00 paid by Y2
   */
  let account: string;
  const FIXTURE = expect.stringMatching(/^Fixture \d+$/);

  beforeAll(async () => {
    account = await insertCustomer(t, users.rep1, 'Early Payer Ltd');
    const rcv = (amount: string, issuedOn: string, dueDate: string, number: string, paid: string) => insertReceivable(t, account, users.rep1, {
      amount, issuedOn, dueDate, number, paid, status: paid === amount ? 'SETTLED' : 'OPEN',
    });
    const R0 = await rcv('200.00', '2026-02-01', '2026-03-03', 'INV-E00000', '200.00');
    const R1 = await rcv('300.00', '2026-03-10', '2026-04-09', 'INV-E00001', '300.00');
    await rcv('250.00', '2026-03-15', '2026-03-25', 'INV-E00004', '0.00');
    const R2 = await rcv('400.00', '2026-03-20', '2026-04-19', 'INV-E00002', '400.00');
    const R3 = await rcv('150.00', '2026-05-05', '2026-06-04', 'INV-E00003', '100.00');
    const pay = async (amount: string, on: string, allocations: [string, string][]) => {
      const id = `pay_${Math.random().toString(16).slice(2).padEnd(32, '0').slice(0, 32)}`;
      await t.sql(`insert into payment (id, customer_id, amount, currency, received_on, method, reference, recorded_by) values (?, ?, ?, 'EUR', ?, 'BANK_TRANSFER', ?, 'usr_fixture')`,
        [id, account, amount, on, `Y-${on}`]);
      for (const [receivable, part] of allocations) {
        await t.sql(`insert into payment_allocation (id, payment_id, receivable_id, amount) values (?, ?, ?, ?)`,
          [`pal_${Math.random().toString(16).slice(2).padEnd(32, '0').slice(0, 32)}`, id, receivable, part]);
      }
    };
    await pay('200.00', '2026-02-20', [[R0, '200.00']]);
    await pay('300.00', '2026-03-05', [[R1, '300.00']]);
    await pay('500.00', '2026-04-20', [[R2, '400.00'], [R3, '100.00']]);
  });

  const totals = (s: any) => [s.openingBalance, s.openingUnappliedCredit, s.billed, s.paid, s.received, s.closingBalance, s.closingUnappliedCredit, s.due, s.notYetDue, s.lineCount];
  const lines = (s: any) => s.lines.map((l: any) => [l.date, l.kind, l.reference, l.description, l.debit ?? l.credit, l.balance]);

  test('a period holding the payment day but not the invoice: the money is unapplied credit, the balance stays 0.00', async () => {
    const [s] = await statement(account, '2026-03-01', '2026-03-07');
    //              opening  unapplied billed  paid    received  closing  unapplied due     notYetDue lines
    expect(totals(s)).toEqual(['0.00', '0.00', '0.00', '0.00', '300.00', '0.00', '300.00', '0.00', '0.00', 0]);
    expect(s.lines).toEqual([]);
  });

  test('a period starting between the payment and its invoice: opening 0.00 with 300.00 unapplied (not −300.00); applied on the invoice day', async () => {
    const [s] = await statement(account, '2026-03-06', '2026-03-31');
    // closing 0 + 950 − 300 = 650; at 03-31: R4 250 due, R2 400 not yet due (R1 settled by Y1)
    expect(totals(s)).toEqual(['0.00', '300.00', '950.00', '300.00', '0.00', '650.00', '0.00', '250.00', '400.00', 4]);
    expect(lines(s)).toEqual([
      ['2026-03-10', 'RECEIVABLE', 'INV-E00001', FIXTURE, '300.00', '300.00'],
      ['2026-03-10', 'PAYMENT', 'Y-2026-03-05', 'Payment (BANK_TRANSFER) received 2026-03-05, applied', '300.00', '0.00'],
      ['2026-03-15', 'RECEIVABLE', 'INV-E00004', FIXTURE, '250.00', '250.00'],
      ['2026-03-20', 'RECEIVABLE', 'INV-E00002', FIXTURE, '400.00', '650.00'],
    ]);
  });

  test('after the invoice: a payment partly for a later invoice credits the rest on its day; the next period applies it', async () => {
    const [april] = await statement(account, '2026-04-01', '2026-04-30');
    // opening 1150 issued − 500 applied = 650; Y2 applies 400 on 04-20, 100 stays unapplied (R3 not issued yet); at 04-30 R4 250 is due
    expect(totals(april)).toEqual(['650.00', '0.00', '0.00', '400.00', '500.00', '250.00', '100.00', '250.00', '0.00', 1]);
    expect(lines(april)).toEqual([['2026-04-20', 'PAYMENT', 'Y-2026-04-20', 'Payment (BANK_TRANSFER)', '400.00', '250.00']]);
    const [may] = await statement(account, '2026-05-01', '2026-05-31');
    // 250 + 150 − 100 = 300; at 05-31: R4 250 due, R3 150 − 100 = 50 not yet due
    expect(totals(may)).toEqual(['250.00', '100.00', '150.00', '100.00', '0.00', '300.00', '0.00', '250.00', '50.00', 2]);
    expect(lines(may)).toEqual([
      ['2026-05-05', 'RECEIVABLE', 'INV-E00003', FIXTURE, '150.00', '400.00'],
      ['2026-05-05', 'PAYMENT', 'Y-2026-04-20', 'Payment (BANK_TRANSFER) received 2026-04-20, applied', '100.00', '300.00'],
    ]);
  });

  test('the same statement for the owning rep; another rep: NOT_FOUND', async () => {
    const [finance] = await statement(account, '2026-03-06', '2026-03-31');
    const [rep] = await statement(account, '2026-03-06', '2026-03-31', 'SALES_REP');
    expect(rep).toEqual(finance);
    expect(codes(await t.gql(STATEMENT, { c: account, from: '2026-03-06', to: '2026-03-31' }, 'SALES_REP_2'))).toEqual(['NOT_FOUND']);
  });
});
