import Decimal from 'decimal.js';
import { Role } from '../src/entities/enums';
import { completeSigning, splitInstalments } from '../src/services/contract.service';
import { codes, startTestApp, type Caller, type GqlResult, type TestApp, type Who } from './helpers';

/**
 * Contracts through HTTP: createContract (numbering, default owner, validation naming the field and
 * writing nothing), the instalment split (half-up cents, the last takes the remainder, sum exact in
 * SQL), updateContract (DRAFT only, version conflicts), signContract with the credit check (no limit /
 * over the limit / other currency → PENDING_CREDIT_APPROVAL + credit hold; within → SIGNED + receivables),
 * completeSigning from a hold, terminateContract, reads (filters, order, paging), roles and record
 * scope, Customer.contracts without N+1.
 */

let t: TestApp;
let integration: Caller;
let rep1Id: string;
let rep2Id: string;
let financeId: string;
let rep1Customer: string;
let rep1Customer2: string;
let rep1Customer3: string;
let rep2Customer: string;
let partnerCustomer: string;

const ok = (res: GqlResult) => {
  if (res.body.errors) throw new Error(`unexpected errors: ${JSON.stringify(res.body.errors)}`);
  return res.body.data;
};

const CONTRACT = 'id number title value currency startDate endDate renewalDate status version signedAt terminatedAt notes customerId ownerId createdAt updatedAt '
  + 'owner { id } signedBy { id } instalments { position dueDate percent amount }';
const CREATE = `mutation($i: CreateContractInput!) { createContract(input: $i) { contract { ${CONTRACT} } errors { code message field } } }`;
const UPDATE = `mutation($i: UpdateContractInput!) { updateContract(input: $i) { contract { ${CONTRACT} } errors { code message field } } }`;
const SIGN = `mutation($i: SignContractInput!) { signContract(input: $i) { contract { ${CONTRACT} } errors { code message field } } }`;
const TERMINATE = `mutation($i: TerminateContractInput!) { terminateContract(input: $i) { contract { ${CONTRACT} } errors { code message field } } }`;
const GET = `query($id: ID!) { contract(id: $id) { ${CONTRACT} receivables { id number instalment amount currency description issuedOn dueDate status } } }`;

const today = () => new Date().toISOString().slice(0, 10);
const errorsOf = (res: { errors: any[] }) => res.errors.map((e) => ({ code: e.code, field: e.field }));
const count = async (table: string) => Number((await t.sql(`select count(*)::int as n from ${table}`))[0].n);

// Instalments invoiced on a day already past: signing issues them all (scheduled billing is test/billing.test.ts).
const INVOICED = '2026-01-01';
const input = (extra: Record<string, unknown> = {}) => ({
  customerId: rep1Customer, title: 'Support 2027', value: '1000.00', currency: 'EUR', startDate: '2027-01-01', endDate: '2027-12-31',
  instalments: [{ dueDate: '2027-01-15', invoiceDate: INVOICED }, { dueDate: '2027-04-15', invoiceDate: INVOICED }, { dueDate: '2027-07-15', invoiceDate: INVOICED }], ...extra,
});

async function mutate(query: string, name: string, i: Record<string, unknown>, who: Who | Caller) {
  return ok(await t.gql(query, { i }, who))[name] as { contract: any; errors: any[] };
}
const create = (i: Record<string, unknown>, who: Who | Caller = 'SALES_REP') => mutate(CREATE, 'createContract', i, who);
async function created(i: Record<string, unknown>, who: Who | Caller = 'SALES_REP') {
  const res = await create(i, who);
  expect(res.errors).toEqual([]);
  return res.contract;
}
const sign = (c: { id: string; version: number }, who: Who | Caller = 'SALES_REP') => mutate(SIGN, 'signContract', { id: c.id, version: c.version }, who);
const setLimit = (customerId: string, limit: string | null, currency: string | null = 'EUR') =>
  t.sql('update customer set credit_limit = ?, credit_currency = ? where id = ?', [limit, currency, customerId]);

/** What a customer owes in EUR (open receivables + unbilled ON_ACCOUNT orders), by hand in SQL. */
async function exposure(customerId: string): Promise<string> {
  const [{ base }] = await t.sql<{ base: string }>(`select (
      coalesce((select sum(amount - paid_amount) from receivable where customer_id = ? and currency = 'EUR' and status <> 'SETTLED'), 0)
      + coalesce((select sum(total) from sales_order where bill_to_id = ? and currency = 'EUR' and payment_terms = 'ON_ACCOUNT' and status in ('PENDING', 'CONFIRMED')), 0)
    )::text as base`, [customerId, customerId]);
  return base;
}

beforeAll(async () => {
  t = await startTestApp({ customers: 8 });
  const users = await t.sql<{ id: string; email: string }>(`select id, email from app_user`);
  const user = (email: string) => users.find((u) => u.email === email)!.id;
  rep1Id = user('rep1@demo.crm');
  rep2Id = user('rep2@demo.crm');
  financeId = user('finance@demo.crm');
  const owned = async (owner: string) => (await t.sql<{ id: string }>('select id from customer where owner_id = ? and deleted_at is null order by created_at, id', [owner])).map((r) => r.id);
  [rep1Customer, rep1Customer2, rep1Customer3] = await owned(rep1Id);
  [rep2Customer] = await owned(rep2Id);
  partnerCustomer = (await t.sql<{ id: string }>(`select partner_customer_id as id from app_user where email = 'partner@demo.crm'`))[0].id;
  integration = {
    apiKey: ok(await t.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`,
      { input: { name: 'shop', role: 'INTEGRATION', scopes: ['customers:read', 'orders:write'] } }, 'ADMIN')).createApiKey.secret,
  };
});
afterAll(async () => { await t.close(); });

describe('splitInstalments (rounding)', () => {
  it('splits equally half-up to cents; the last instalment takes the remainder', () => {
    const three = [{ percent: null }, { percent: null }, { percent: null }];
    expect(splitInstalments('1000.00', three)).toEqual(['333.33', '333.33', '333.34']);
    expect(splitInstalments('2000.00', three)).toEqual(['666.67', '666.67', '666.66']); // 666.666… rounds up
    expect(splitInstalments('100.00', [{ percent: '33.33' }, { percent: '33.33' }, { percent: '33.34' }])).toEqual(['33.33', '33.33', '33.34']);
    expect(splitInstalments('0.05', three)).toEqual(['0.02', '0.02', '0.01']); // 0.0166… → 0.02
    expect(splitInstalments('10.01', [{ percent: '50.00' }, { percent: '50.00' }])).toEqual(['5.01', '5.00']); // 5.005 → 5.01 half-up
    expect(splitInstalments('99.99', [{ percent: null }])).toEqual(['99.99']);
    // tiny values: the remainder would be negative (refused by the service)
    expect(new Decimal(splitInstalments('0.05', Array(10).fill({ percent: null }))[9]).isNegative()).toBe(true);
  });

  it('always sums to exactly the value (no float anywhere)', () => {
    for (let i = 0; i < 300; i++) {
      const value = new Decimal(Math.floor(Math.random() * 1e9)).div(100).plus('9999999000000').toFixed(2);
      const n = 1 + (i % 12);
      const amounts = splitInstalments(value, Array(n).fill({ percent: null }));
      expect(amounts.reduce((s, a) => s.plus(a), new Decimal(0)).toFixed(2)).toBe(value);
      for (const a of amounts) expect(a).toMatch(/^\d+\.\d{2}$/);
    }
  });
});

describe('createContract', () => {
  it('creates a numbered DRAFT owned by the customer\'s owner, with its instalment split, audited', async () => {
    const c = await created(input({ notes: 'Renegotiate the SLA', renewalDate: '2027-10-01' }));
    expect(c).toMatchObject({
      title: 'Support 2027', value: '1000.00', currency: 'EUR', startDate: '2027-01-01', endDate: '2027-12-31', renewalDate: '2027-10-01',
      status: 'DRAFT', version: 1, signedAt: null, terminatedAt: null, notes: 'Renegotiate the SLA', customerId: rep1Customer,
      ownerId: rep1Id, owner: { id: rep1Id }, signedBy: null,
      instalments: [
        { position: 1, dueDate: '2027-01-15', percent: null, amount: '333.33' },
        { position: 2, dueDate: '2027-04-15', percent: null, amount: '333.33' },
        { position: 3, dueDate: '2027-07-15', percent: null, amount: '333.34' },
      ],
    });
    expect(c.id).toMatch(/^ctr_[0-9a-f]{32}$/);
    expect(c.number).toMatch(/^CT-\d{6}$/);
    const [row] = await t.sql<{ value: string; status: string; created_by: string }>('select value::text as value, status, created_by from contract where id = ?', [c.id]);
    expect(row).toEqual({ value: '1000.00', status: 'DRAFT', created_by: (await t.sql(`select id from app_user where email = 'rep1@demo.crm'`))[0].id });
    const audit = await t.sql<{ action: string; customer_id: string; changes: any }>(`select action, customer_id, changes from audit_event where entity_type = 'Contract' and entity_id = ?`, [c.id]);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'CREATE', customer_id: rep1Customer });
    const changes = typeof audit[0].changes === 'string' ? JSON.parse(audit[0].changes) : audit[0].changes;
    expect(changes).toEqual(expect.arrayContaining([{ field: 'value', old: null, new: '1000.00' }, { field: 'status', old: null, new: 'DRAFT' }]));
    // numbers come from a sequence: the next one is higher
    const next = await created(input());
    expect(Number(next.number.slice(3))).toBeGreaterThan(Number(c.number.slice(3)));
    // the detail view: no receivables before signing
    const detail = ok(await t.gql(GET, { id: c.id }, 'SALES_REP')).contract;
    expect(detail.receivables).toEqual([]);
  });

  it('takes percents (normalised to 2 decimals) and lets FINANCE pick an owner', async () => {
    const c = await created(input({
      value: '100', customerId: rep2Customer, ownerId: rep1Id,
      instalments: [{ dueDate: '2027-01-01', percent: '33.33' }, { dueDate: '2027-02-01', percent: '33.33' }, { dueDate: '2027-03-01', percent: '33.34' }],
    }), 'FINANCE');
    expect(c.value).toBe('100.00');
    expect(c.ownerId).toBe(rep1Id);
    expect(c.instalments.map((i: any) => [i.percent, i.amount])).toEqual([['33.33', '33.33'], ['33.33', '33.33'], ['33.34', '33.34']]);
    const [row] = await t.sql<{ instalments: any }>('select instalments from contract where id = ?', [c.id]);
    const stored = typeof row.instalments === 'string' ? JSON.parse(row.instalments) : row.instalments;
    expect(stored).toEqual([{ dueDate: '2027-01-01', percent: '33.33' }, { dueDate: '2027-02-01', percent: '33.33' }, { dueDate: '2027-03-01', percent: '33.34' }]);
    const c2 = await created(input({ value: '10', instalments: [{ dueDate: '2027-01-01', percent: '50' }, { dueDate: '2027-02-01', percent: '50.0' }] }));
    expect(c2.instalments.map((i: any) => i.percent)).toEqual(['50.00', '50.00']);
  });

  it('splits 0.05 in 3 correctly, and refuses 0.05 in 10 (an instalment would be 0 or less)', async () => {
    const small = await created(input({ value: '0.05' }));
    expect(small.instalments.map((i: any) => i.amount)).toEqual(['0.02', '0.02', '0.01']);
    const before = await count('contract');
    const ten = Array.from({ length: 10 }, (_, i) => ({ dueDate: `2027-${String(i + 1).padStart(2, '0')}-01` }));
    const res = await create(input({ value: '0.05', instalments: ten }));
    expect(errorsOf(res)).toEqual([{ code: 'VALIDATION', field: ['input', 'instalments'] }]);
    expect(res.contract).toBeNull();
    expect(await count('contract')).toBe(before);
  });

  it('refuses bad input naming the field, and writes nothing', async () => {
    const before = { contracts: await count('contract'), audit: await count('audit_event') };
    const bad = async (extra: Record<string, unknown>, who: Who = 'SALES_REP') => errorsOf(await create(input(extra), who));
    const at = (code: string, ...field: string[]) => [{ code, field: ['input', ...field] }];
    expect(await bad({ value: '0' })).toEqual(at('VALIDATION', 'value'));
    expect(await bad({ value: '1.001' })).toEqual(at('VALIDATION', 'value'));
    expect(await bad({ currency: 'EURO' })).toEqual(at('VALIDATION', 'currency'));
    expect(await bad({ currency: 'XYZ' })).toEqual(at('VALIDATION', 'currency'));
    expect(await bad({ title: '  ' })).toEqual(at('VALIDATION', 'title'));
    expect(await bad({ title: 'x'.repeat(201) })).toEqual(at('VALIDATION', 'title'));
    expect(await bad({ endDate: '2026-12-31' })).toEqual(at('VALIDATION', 'endDate'));
    expect(await bad({ renewalDate: '2026-06-30' })).toEqual(at('VALIDATION', 'renewalDate'));
    expect(await bad({ instalments: [] })).toEqual(at('VALIDATION', 'instalments'));
    expect(await bad({ instalments: Array.from({ length: 121 }, (_, i) => ({ dueDate: new Date(Date.UTC(2027, 0, 1 + i)).toISOString().slice(0, 10) })) }))
      .toEqual(at('VALIDATION', 'instalments'));
    expect(await bad({ instalments: [{ dueDate: '2027-02-01' }, { dueDate: '2027-02-01' }, { dueDate: '2027-03-01' }] })).toEqual(at('VALIDATION', 'instalments', '1', 'dueDate'));
    expect(await bad({ instalments: [{ dueDate: '2027-02-01' }, { dueDate: '2027-01-01' }] })).toEqual(at('VALIDATION', 'instalments', '1', 'dueDate'));
    expect(await bad({ instalments: [{ dueDate: '2027-01-01', percent: '50' }, { dueDate: '2027-02-01' }] })).toEqual(at('VALIDATION', 'instalments'));
    expect(await bad({ instalments: [{ dueDate: '2027-01-01', percent: '50' }, { dueDate: '2027-02-01', percent: '49.99' }] })).toEqual(at('VALIDATION', 'instalments'));
    expect(await bad({ instalments: [{ dueDate: '2027-01-01', percent: '0' }, { dueDate: '2027-02-01', percent: '100' }] })).toEqual(at('VALIDATION', 'instalments', '0', 'percent'));
    expect(await bad({ instalments: [{ dueDate: '2027-01-01', percent: '33.333' }, { dueDate: '2027-02-01', percent: '66.667' }] }))
      .toEqual([...at('VALIDATION', 'instalments', '0', 'percent'), ...at('VALIDATION', 'instalments', '1', 'percent')]);
    expect(await bad({ customerId: 'cus_' + '0'.repeat(32) })).toEqual(at('NOT_FOUND', 'customerId'));
    expect(await bad({ customerId: 'nope' })).toEqual(at('VALIDATION', 'customerId'));
    expect(await bad({ ownerId: rep2Id })).toEqual(at('FORBIDDEN', 'ownerId')); // a rep owns their own contracts
    expect(await bad({ customerId: rep2Customer })).toEqual(at('NOT_FOUND', 'customerId')); // not in rep1's book
    expect(await bad({ ownerId: financeId }, 'FINANCE')).toEqual(at('VALIDATION', 'ownerId')); // owners are sales users
    expect(await count('contract')).toBe(before.contracts);
    expect(await count('audit_event')).toBe(before.audit);
  });
});

describe('updateContract', () => {
  it('changes a DRAFT (audited, version bumped); a stale version is a CONFLICT and changes nothing', async () => {
    const c = await created(input());
    const res = await mutate(UPDATE, 'updateContract', {
      id: c.id, version: 1, title: 'Support 2027 (gold)', value: '1200', endDate: null, notes: 'Gold level',
      instalments: [{ dueDate: '2027-02-01', percent: '25' }, { dueDate: '2027-06-01', percent: '75' }],
    }, 'SALES_REP');
    expect(res.errors).toEqual([]);
    expect(res.contract).toMatchObject({
      title: 'Support 2027 (gold)', value: '1200.00', endDate: null, notes: 'Gold level', version: 2, status: 'DRAFT',
      instalments: [{ position: 1, dueDate: '2027-02-01', percent: '25.00', amount: '300.00' }, { position: 2, dueDate: '2027-06-01', percent: '75.00', amount: '900.00' }],
    });
    const audit = await t.sql<{ changes: any }>(`select changes from audit_event where entity_type = 'Contract' and entity_id = ? and action = 'UPDATE'`, [c.id]);
    expect(audit).toHaveLength(1);
    const fields = (typeof audit[0].changes === 'string' ? JSON.parse(audit[0].changes) : audit[0].changes).map((ch: any) => ch.field).sort();
    expect(fields).toEqual(['endDate', 'instalments', 'notes', 'title', 'value']);

    const stale = await mutate(UPDATE, 'updateContract', { id: c.id, version: 1, title: 'Lost update' }, 'SALES_REP');
    expect(errorsOf(stale)).toEqual([{ code: 'CONFLICT', field: ['input', 'version'] }]);
    expect((await t.sql('select title, version from contract where id = ?', [c.id]))[0]).toEqual({ title: 'Support 2027 (gold)', version: 2 });
  });

  it('checks the resulting state and refuses nulls for required fields', async () => {
    const c = await created(input());
    const upd = async (extra: Record<string, unknown>) => errorsOf(await mutate(UPDATE, 'updateContract', { id: c.id, version: 1, ...extra }, 'SALES_REP'));
    expect(await upd({ value: '0.02' })).toEqual([{ code: 'VALIDATION', field: ['input', 'value'] }]); // 0.01 / 0.01 / 0.00
    expect(await upd({ startDate: '2028-01-01' })).toEqual([{ code: 'VALIDATION', field: ['input', 'endDate'] }]);
    expect(await upd({ title: null })).toEqual([{ code: 'VALIDATION', field: ['input', 'title'] }]);
    expect(await upd({ instalments: null })).toEqual([{ code: 'VALIDATION', field: ['input', 'instalments'] }]);
    expect(await upd({ instalments: [{ dueDate: '2027-01-01', percent: '60' }, { dueDate: '2027-02-01', percent: '60' }] })).toEqual([{ code: 'VALIDATION', field: ['input', 'instalments'] }]);
    expect(await upd({ ownerId: rep2Id })).toEqual([{ code: 'FORBIDDEN', field: ['input', 'ownerId'] }]);
    expect((await t.sql('select value::text as value, version from contract where id = ?', [c.id]))[0]).toEqual({ value: '1000.00', version: 1 });
    // no change at all: no new version, no audit entry
    const same = await mutate(UPDATE, 'updateContract', { id: c.id, version: 1, title: 'Support 2027' }, 'SALES_REP');
    expect(same.contract.version).toBe(1);
    expect(await t.sql(`select 1 from audit_event where entity_id = ? and action = 'UPDATE'`, [c.id])).toHaveLength(0);
  });
});

describe('signContract', () => {
  afterEach(async () => { await setLimit(rep1Customer, null, null); });

  it('without a credit limit: PENDING_CREDIT_APPROVAL with a credit hold and no receivables', async () => {
    await setLimit(rep1Customer, null, null);
    const c = await created(input());
    const receivablesBefore = await count('receivable');
    const res = await sign(c);
    expect(res.errors).toEqual([]);
    expect(res.contract).toMatchObject({ status: 'PENDING_CREDIT_APPROVAL', version: 2, signedAt: null, signedBy: null });
    const holds = await t.sql<{ reason: string; amount: string; currency: string; status: string; customer_id: string }>(
      'select reason, amount::text as amount, currency, status, customer_id from credit_hold where contract_id = ?', [c.id]);
    expect(holds).toEqual([{ reason: 'NO_CREDIT_LIMIT', amount: '1000.00', currency: 'EUR', status: 'PENDING', customer_id: rep1Customer }]);
    expect(await count('receivable')).toBe(receivablesBefore);
    expect(await t.sql('select 1 from receivable where contract_id = ?', [c.id])).toHaveLength(0);
    // held: neither editable nor signable again
    expect(errorsOf(await sign(res.contract))).toEqual([{ code: 'BUSINESS_RULE', field: ['input', 'id'] }]);
    expect(errorsOf(await mutate(UPDATE, 'updateContract', { id: c.id, version: 2, title: 'x' }, 'SALES_REP'))).toEqual([{ code: 'BUSINESS_RULE', field: ['input', 'id'] }]);
  });

  it('within the limit: SIGNED, one receivable per instalment summing exactly to the value', async () => {
    await setLimit(rep1Customer, '100000', 'EUR');
    const c = await created(input());
    const res = await sign(c);
    expect(res.errors).toEqual([]);
    expect(res.contract).toMatchObject({ status: 'SIGNED', version: 2, signedBy: { id: rep1Id } });
    expect(Date.parse(res.contract.signedAt)).toBeGreaterThan(Date.now() - 60_000);
    const detail = ok(await t.gql(GET, { id: c.id }, 'SALES_REP')).contract;
    expect(detail.receivables.map((r: any) => ({ ...r, id: undefined, number: undefined }))).toEqual([1, 2, 3].map((n) => ({
      id: undefined, number: undefined, instalment: n, currency: 'EUR', status: 'OPEN', issuedOn: today(),
      amount: ['333.33', '333.33', '333.34'][n - 1], dueDate: ['2027-01-15', '2027-04-15', '2027-07-15'][n - 1],
      description: `${c.number} instalment ${n} of 3`,
    })));
    for (const r of detail.receivables) expect(r.number).toMatch(/^INV-\d{6}$/);
    const [sum] = await t.sql<{ total: string; value: string; n: number }>(`select sum(r.amount)::text as total, k.value::text as value, count(*)::int as n
      from receivable r join contract k on k.id = r.contract_id where k.id = ? group by k.value`, [c.id]);
    expect(sum).toEqual({ total: '1000.00', value: '1000.00', n: 3 });
    expect(await t.sql(`select 1 from credit_hold where contract_id = ?`, [c.id])).toHaveLength(0);
    const audit = await t.sql(`select entity_type from audit_event where customer_id = ? and entity_type in ('Contract', 'Receivable') and (entity_id = ? or entity_id in (select id from receivable where contract_id = ?))`, [rep1Customer, c.id, c.id]);
    expect(audit.filter((a: any) => a.entity_type === 'Receivable')).toHaveLength(3);
    expect(audit.filter((a: any) => a.entity_type === 'Contract')).toHaveLength(2); // CREATE + signing

    // signed: no more changes, no second signing
    expect(errorsOf(await mutate(UPDATE, 'updateContract', { id: c.id, version: 2, title: 'Too late' }, 'SALES_REP'))).toEqual([{ code: 'BUSINESS_RULE', field: ['input', 'id'] }]);
    expect(errorsOf(await sign(res.contract))).toEqual([{ code: 'BUSINESS_RULE', field: ['input', 'id'] }]);
    expect(await t.sql('select 1 from receivable where contract_id = ?', [c.id])).toHaveLength(3);
  });

  it('percent terms: 33.33 / 33.33 / 33.34 of 100.00', async () => {
    await setLimit(rep1Customer, '100000', 'EUR');
    const c = await created(input({
      value: '100.00', instalments: [{ dueDate: '2027-01-01', percent: '33.33' }, { dueDate: '2027-02-01', percent: '33.33' }, { dueDate: '2027-03-01', percent: '33.34' }]
        .map((term) => ({ ...term, invoiceDate: INVOICED })),
    }));
    expect((await sign(c)).contract.status).toBe('SIGNED');
    const rows = await t.sql<{ amount: string }>('select amount::text as amount from receivable where contract_id = ? order by instalment', [c.id]);
    expect(rows.map((r) => r.amount)).toEqual(['33.33', '33.33', '33.34']);
    const [sum] = await t.sql<{ ok: boolean }>('select (select sum(amount) from receivable where contract_id = ?) = (select value from contract where id = ?) as ok', [c.id, c.id]);
    expect(sum.ok).toBe(true);
  });

  it('over the limit (exposure counted) or in another currency: held', async () => {
    // whatever the customer already owes (demo data) counts too: the limit leaves room for 1500 more
    const base = await exposure(rep1Customer3);
    const limit = new Decimal(base).plus(1500).toFixed(2);
    await setLimit(rep1Customer3, limit, 'EUR');
    const first = await created(input({ customerId: rep1Customer3, value: '1000.00' }));
    expect((await sign(first)).contract.status).toBe('SIGNED'); // base + 1000 ≤ limit
    const second = await created(input({ customerId: rep1Customer3, value: '600.00' }));
    expect((await sign(second)).contract.status).toBe('PENDING_CREDIT_APPROVAL'); // base + 1000 open + 600 > limit
    const [hold] = await t.sql<{ reason: string; exposure: string; credit_limit: string }>('select reason, exposure::text as exposure, credit_limit::text as credit_limit from credit_hold where contract_id = ?', [second.id]);
    expect(hold).toEqual({ reason: 'OVER_LIMIT', exposure: new Decimal(base).plus(1000).toFixed(2), credit_limit: limit });
    const usd = await created(input({ customerId: rep1Customer3, value: '10.00', currency: 'USD' }));
    expect((await sign(usd)).contract.status).toBe('PENDING_CREDIT_APPROVAL');
    expect((await t.sql('select reason from credit_hold where contract_id = ?', [usd.id]))[0].reason).toBe('CURRENCY_MISMATCH');
    expect(await t.sql('select 1 from receivable where contract_id in (?, ?)', [second.id, usd.id])).toHaveLength(0);
    await setLimit(rep1Customer3, null, null);
  });

  it('a stale version is a CONFLICT and signs nothing', async () => {
    await setLimit(rep1Customer, '100000', 'EUR');
    const c = await created(input());
    ok(await t.gql(UPDATE, { i: { id: c.id, version: 1, title: 'Renamed' } }, 'SALES_REP'));
    expect(errorsOf(await sign(c))).toEqual([{ code: 'CONFLICT', field: ['input', 'version'] }]);
    expect((await t.sql('select status from contract where id = ?', [c.id]))[0].status).toBe('DRAFT');
    expect(await t.sql('select 1 from receivable where contract_id = ?', [c.id])).toHaveLength(0);
  });

  it('concurrent signings: one contract signed once; two contracts around the limit → one signed, one held', async () => {
    await setLimit(rep1Customer, '100000', 'EUR');
    const c = await created(input());
    const results = await Promise.all(Array.from({ length: 5 }, () => sign(c)));
    expect(results.filter((r) => r.contract?.status === 'SIGNED')).toHaveLength(1);
    for (const r of results.filter((x) => !x.contract)) expect(errorsOf(r)).toEqual([{ code: 'CONFLICT', field: ['input', 'version'] }]);
    expect(await t.sql('select 1 from receivable where contract_id = ?', [c.id])).toHaveLength(3);

    const base = await exposure(rep1Customer);
    await setLimit(rep1Customer, new Decimal(base).plus(1500).toFixed(2), 'EUR');
    const a = await created(input());
    const b = await created(input());
    const both = await Promise.all([sign(a), sign(b)]);
    expect(both.map((r) => r.contract.status).sort()).toEqual(['PENDING_CREDIT_APPROVAL', 'SIGNED']);
    expect(await t.sql('select 1 from receivable where contract_id in (?, ?)', [a.id, b.id])).toHaveLength(3);
  });

  it('completeSigning (what approveCredit calls) signs a held contract with the approver as signer', async () => {
    const c = await created(input({ value: '90.00', instalments: [{ dueDate: '2027-05-01', invoiceDate: INVOICED }, { dueDate: '2027-06-01', invoiceDate: INVOICED }] }));
    expect((await sign(c)).contract.status).toBe('PENDING_CREDIT_APPROVAL');
    const principal = { type: 'USER' as const, id: financeId, role: Role.FINANCE, scopes: [], partnerCustomerId: null };
    await t.db.orm.em.fork().transactional(async (em) => completeSigning({ em: em as any, principal }, c.id));
    const detail = ok(await t.gql(GET, { id: c.id }, 'FINANCE')).contract;
    expect(detail).toMatchObject({ status: 'SIGNED', signedBy: { id: financeId }, version: 3 });
    expect(detail.receivables.map((r: any) => [r.instalment, r.amount, r.dueDate])).toEqual([[1, '45.00', '2027-05-01'], [2, '45.00', '2027-06-01']]);
    // a signed contract cannot be completed again (the whole transaction rolls back)
    await expect(t.db.orm.em.fork().transactional(async (em) => completeSigning({ em: em as any, principal }, c.id))).rejects.toThrow();
    expect(await t.sql('select 1 from receivable where contract_id = ?', [c.id])).toHaveLength(2);
  });
});

describe('terminateContract', () => {
  it('terminates SIGNED contracts only; receivables stay; the reason is in the history', async () => {
    await setLimit(rep1Customer2, '100000', 'EUR');
    const draft = await created(input({ customerId: rep1Customer2 }));
    const term = (c: { id: string; version: number }, reason?: string) => mutate(TERMINATE, 'terminateContract', { id: c.id, version: c.version, reason }, 'SALES_REP');
    expect(errorsOf(await term(draft))).toEqual([{ code: 'BUSINESS_RULE', field: ['input', 'id'] }]);
    const signed = (await sign(draft)).contract;
    expect(errorsOf(await term({ id: signed.id, version: 1 }))).toEqual([{ code: 'CONFLICT', field: ['input', 'version'] }]);
    const res = await term(signed, 'Customer moved abroad');
    expect(res.errors).toEqual([]);
    expect(res.contract).toMatchObject({ status: 'TERMINATED', version: 3 });
    expect(Date.parse(res.contract.terminatedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(await t.sql(`select 1 from receivable where contract_id = ? and status = 'OPEN'`, [signed.id])).toHaveLength(3);
    const [entry] = await t.sql<{ changes: any }>(`select changes from audit_event where entity_id = ? and action = 'UPDATE' order by at desc limit 1`, [signed.id]);
    const changes = typeof entry.changes === 'string' ? JSON.parse(entry.changes) : entry.changes;
    expect(changes).toEqual(expect.arrayContaining([
      { field: 'status', old: 'SIGNED', new: 'TERMINATED' }, { field: 'terminationReason', old: null, new: 'Customer moved abroad' },
    ]));
    expect(errorsOf(await term(res.contract))).toEqual([{ code: 'BUSINESS_RULE', field: ['input', 'id'] }]);
    await setLimit(rep1Customer2, null, null);
  });
});

describe('reads', () => {
  let ids: string[];
  beforeAll(async () => {
    const mk = (extra: Record<string, unknown>) => created(input({ customerId: rep2Customer, ...extra }), 'ADMIN');
    ids = [
      (await mk({ title: 'R1', value: '500.00', startDate: '2027-03-01', renewalDate: '2027-12-01', endDate: null })).id,
      (await mk({ title: 'R2', value: '50.00', startDate: '2027-01-01', renewalDate: null })).id,
      (await mk({ title: 'R3', value: '5000.00', startDate: '2027-02-01', renewalDate: '2027-06-01', currency: 'USD' })).id,
    ];
  });
  const list = async (args: string, who: Who = 'ADMIN') => ok(await t.gql(`{ contracts(${args}) { totalCount edges { node { id title } } pageInfo { hasNextPage endCursor } } }`, {}, who)).contracts;
  const only = (ids2: string[]) => `customerId: { eq: "${rep2Customer}" }, id: { in: ${JSON.stringify(ids2)} }`;

  it('filters by every field and sorts (nulls last), with totalCount', async () => {
    const titles = async (args: string) => (await list(args)).edges.map((e: any) => e.node.title);
    expect(await titles(`filter: { ${only(ids)} }`)).toEqual(['R3', 'R2', 'R1']); // newest first
    expect(await titles(`filter: { ${only(ids)}, value: { gte: "100" } }, orderBy: [{ field: VALUE, direction: ASC }]`)).toEqual(['R1', 'R3']);
    expect(await titles(`filter: { ${only(ids)} }, orderBy: [{ field: START_DATE }]`)).toEqual(['R2', 'R3', 'R1']);
    expect(await titles(`filter: { ${only(ids)} }, orderBy: [{ field: RENEWAL_DATE, direction: ASC }]`)).toEqual(['R3', 'R1', 'R2']);
    expect(await titles(`filter: { ${only(ids)} }, orderBy: [{ field: RENEWAL_DATE, direction: DESC }]`)).toEqual(['R1', 'R3', 'R2']);
    expect(await titles(`filter: { ${only(ids)}, renewalDate: { isNull: true } }`)).toEqual(['R2']);
    expect(await titles(`filter: { ${only(ids)}, endDate: { isNull: true } }`)).toEqual(['R1']);
    expect(await titles(`filter: { ${only(ids)}, currency: { eq: "USD" } }`)).toEqual(['R3']);
    expect(await titles(`filter: { ${only(ids)}, startDate: { gte: "2027-01-15", lte: "2027-02-28" } }`)).toEqual(['R3']);
    expect(await titles(`filter: { ${only(ids)}, status: { eq: DRAFT }, ownerId: { eq: "${rep2Id}" } }`)).toEqual(['R3', 'R2', 'R1']);
    expect(await titles(`filter: { ${only(ids)}, or: [{ value: { lt: "100" } }, { value: { gt: "1000" } }] }`)).toEqual(['R3', 'R2']);
    expect(await titles(`filter: { ${only(ids)}, createdAt: { gte: "2000-01-01T00:00:00Z" }, not: { status: { eq: SIGNED } } }`)).toEqual(['R3', 'R2', 'R1']);
    const page = await list(`first: 2, filter: { ${only(ids)} }, orderBy: [{ field: VALUE, direction: DESC }]`);
    expect(page.totalCount).toBe(3);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const rest = await list(`first: 2, after: "${page.pageInfo.endCursor}", filter: { ${only(ids)} }, orderBy: [{ field: VALUE, direction: DESC }]`);
    expect([...page.edges, ...rest.edges].map((e: any) => e.node.title)).toEqual(['R3', 'R1', 'R2']);
    expect(rest.pageInfo.hasNextPage).toBe(false);
  });

  it('contract(id), node(id) and Customer.contracts', async () => {
    expect(ok(await t.gql(`query($id: ID!) { node(id: $id) { id ... on Contract { title customer { id } } } }`, { id: ids[0] }, 'FINANCE')).node)
      .toEqual({ id: ids[0], title: 'R1', customer: { id: rep2Customer } });
    const cust = ok(await t.gql(`query($id: ID!) { customer(id: $id) { contracts(first: 2, filter: { id: { in: ${JSON.stringify(ids)} } }) { totalCount edges { node { title customerId } } } } }`,
      { id: rep2Customer }, 'SALES_REP_2')).customer;
    expect(cust.contracts.totalCount).toBe(3);
    expect(cust.contracts.edges.map((e: any) => e.node)).toEqual([{ title: 'R3', customerId: rep2Customer }, { title: 'R2', customerId: rep2Customer }]);
    expect(ok(await t.gql(`{ contract(id: "ctr_${'0'.repeat(32)}") { id } }`, {}, 'ADMIN')).contract).toBeNull();
  });

  it('hides contracts of deleted customers', async () => {
    const c = await created(input({ customerId: rep1Customer2, title: 'gone' }), 'ADMIN');
    await t.sql('update customer set deleted_at = now() where id = ?', [rep1Customer2]);
    try {
      expect(ok(await t.gql(`query($id: ID!) { contract(id: $id) { id } }`, { id: c.id }, 'ADMIN')).contract).toBeNull();
      expect((await list(`filter: { id: { eq: "${c.id}" } }`)).totalCount).toBe(0);
      expect(errorsOf(await sign(c, 'ADMIN'))).toEqual([{ code: 'NOT_FOUND', field: ['input', 'id'] }]);
    } finally {
      await t.sql('update customer set deleted_at = null where id = ?', [rep1Customer2]);
    }
  });
});

describe('roles and record scope', () => {
  let rep1Contract: any;
  let partnerContract: any;
  beforeAll(async () => {
    rep1Contract = await created(input({ title: 'rep1 only' }));
    partnerContract = await created(input({ customerId: partnerCustomer, title: 'dealer terms', notes: 'internal: margin is thin' }), 'ADMIN');
  });
  const byId = (id: string, who: Who | Caller, fields = 'id title') => t.gql(`query($id: ID!) { contract(id: $id) { ${fields} } }`, { id }, who);

  it('MARKETING, ANALYST and INTEGRATION keys are FORBIDDEN; Customer.contracts is null + FORBIDDEN for them', async () => {
    for (const who of ['MARKETING', 'ANALYST', integration] as (Who | Caller)[]) {
      expect(codes(await t.gql('{ contracts { totalCount } }', {}, who))).toEqual(['FORBIDDEN']);
      expect(codes(await byId(rep1Contract.id, who))).toEqual(['FORBIDDEN']);
    }
    const res = await t.gql(`query($id: ID!) { customer(id: $id) { id contracts { totalCount } } }`, { id: rep1Customer }, 'MARKETING');
    expect(res.body.data.customer).toEqual({ id: rep1Customer, contracts: null });
    expect(codes(res)).toEqual(['FORBIDDEN']);
    expect(res.body.errors![0].path).toEqual(['customer', 'contracts']);
  });

  it('writes: SERVICE_AGENT, MARKETING, ANALYST, PARTNER are FORBIDDEN; nothing is written', async () => {
    const before = await count('contract');
    for (const who of ['SERVICE_AGENT', 'MARKETING', 'ANALYST', 'PARTNER'] as Who[]) {
      expect(codes(await t.gql(CREATE, { i: input() }, who))).toEqual(['FORBIDDEN']);
      expect(codes(await t.gql(SIGN, { i: { id: rep1Contract.id, version: 1 } }, who))).toEqual(['FORBIDDEN']);
    }
    expect(codes(await t.gql(TERMINATE, { i: { id: rep1Contract.id, version: 1 } }, integration))).toEqual(['FORBIDDEN']);
    expect(await count('contract')).toBe(before);
  });

  it('rep2 gets null for rep1\'s customer\'s contract by id and NOT_FOUND on every write', async () => {
    expect(ok(await byId(rep1Contract.id, 'SALES_REP_2')).contract).toBeNull();
    expect(ok(await t.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: rep1Contract.id }, 'SALES_REP_2')).node).toBeNull();
    expect((await t.gql(`query($id: ID!) { contracts(filter: { id: { eq: $id } }) { totalCount edges { node { id } } } }`, { id: rep1Contract.id }, 'SALES_REP_2')).body.data.contracts)
      .toEqual({ totalCount: 0, edges: [] });
    for (const [q, name] of [[UPDATE, 'updateContract'], [SIGN, 'signContract'], [TERMINATE, 'terminateContract']]) {
      expect(errorsOf(await mutate(q, name, { id: rep1Contract.id, version: 1 }, 'SALES_REP_2'))).toEqual([{ code: 'NOT_FOUND', field: ['input', 'id'] }]);
    }
    expect((await t.sql('select status, version from contract where id = ?', [rep1Contract.id]))[0]).toEqual({ status: 'DRAFT', version: 1 });
    // the whole list of rep2 holds only contracts of rep2's customers
    const mine = ok(await t.gql('{ contracts(first: 100) { edges { node { customer { ownerId: owner { id } } } } } }', {}, 'SALES_REP_2')).contracts.edges;
    expect(mine.length).toBeGreaterThan(0);
    for (const e of mine) expect(e.node.customer.ownerId.id).toBe(rep2Id);
  });

  it('the manager (team), FINANCE and ADMIN see rep1\'s contract; the manager may change it', async () => {
    for (const who of ['SALES_MANAGER', 'FINANCE', 'ADMIN', 'SALES_REP'] as Who[]) {
      expect(ok(await byId(rep1Contract.id, who)).contract.title).toBe('rep1 only');
    }
    const res = await mutate(UPDATE, 'updateContract', { id: rep1Contract.id, version: 1, renewalDate: '2027-11-01' }, 'SALES_MANAGER');
    expect(res.errors).toEqual([]);
    expect(res.contract).toMatchObject({ renewalDate: '2027-11-01', version: 2 });
    rep1Contract = res.contract;
  });

  it('SERVICE_AGENT reads every contract but not its receivables (null + FORBIDDEN)', async () => {
    const res = await byId(rep1Contract.id, 'SERVICE_AGENT', 'id title value instalments { amount } receivables { id }');
    expect(res.body.data.contract).toMatchObject({ id: rep1Contract.id, title: 'rep1 only', value: '1000.00', receivables: null });
    expect(codes(res)).toEqual(['FORBIDDEN']);
    expect(res.body.errors![0].path).toEqual(['contract', 'receivables']);
  });

  it('PARTNER sees its own account\'s contracts only, without internal notes', async () => {
    const own = await byId(partnerContract.id, 'PARTNER', 'id title value notes receivables { id }');
    expect(own.body.data.contract).toEqual({ id: partnerContract.id, title: 'dealer terms', value: '1000.00', notes: null, receivables: [] });
    expect(codes(own)).toEqual(['FORBIDDEN']);
    expect(own.body.errors![0].path).toEqual(['contract', 'notes']);
    expect(ok(await byId(partnerContract.id, 'ADMIN', 'notes')).contract.notes).toBe('internal: margin is thin');
    expect(ok(await byId(rep1Contract.id, 'PARTNER')).contract).toBeNull();
    const list = ok(await t.gql('{ contracts(first: 100) { totalCount edges { node { customerId } } } }', {}, 'PARTNER')).contracts;
    expect(list.totalCount).toBe(list.edges.length);
    expect(list.edges.length).toBeGreaterThan(0);
    for (const e of list.edges) expect(e.node.customerId).toBe(partnerCustomer);
  });
});

describe('N+1', () => {
  it('Customer.contracts { instalments receivables } runs the same number of statements for 2 and 8 customers', async () => {
    const customers = (await t.sql<{ id: string }>('select id from customer where deleted_at is null order by created_at, id')).map((r) => r.id);
    for (const id of customers) {
      await setLimit(id, '1000000', 'EUR');
      for (const title of ['a', 'b']) {
        const c = await created(input({ customerId: id, title }), 'ADMIN');
        expect((await sign(c, 'ADMIN')).contract.status).toBe('SIGNED');
      }
    }
    const query = (n: number) => `{ customers(first: ${n}) { edges { node { id contracts(first: 3) { totalCount edges { node {
      id number value instalments { position amount } receivables { id amount dueDate } owner { id } customer { id } } } } } } } }`;
    const few = await t.countQueries(async () => {
      const data = ok(await t.gql(query(2), {}, 'ADMIN'));
      expect(data.customers.edges).toHaveLength(2);
      for (const e of data.customers.edges) {
        expect(e.node.contracts.edges.length).toBeGreaterThan(0);
        for (const k of e.node.contracts.edges) {
          expect(k.node.customer.id).toBe(e.node.id);
          const signed = k.node.receivables.length > 0;
          if (signed) expect(k.node.receivables.map((r: any) => r.amount)).toEqual(k.node.instalments.map((i: any) => i.amount));
        }
      }
    });
    const many = await t.countQueries(async () => {
      const data = ok(await t.gql(query(8), {}, 'ADMIN'));
      expect(data.customers.edges).toHaveLength(8);
    });
    expect(many).toBe(few);
  });
});
