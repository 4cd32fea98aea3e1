import { startTestApp, type TestApp } from './helpers';

let t: TestApp;
beforeAll(async () => { t = await startTestApp({ customers: 10 }); });
afterAll(async () => { await t.close(); });

const CREATE = 'mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } errors { code field } } }';
const UPDATE = 'mutation($i: UpdateCustomerInput!) { updateCustomer(input: $i) { customer { version } errors { code field } } }';

test('concurrent writes, some failing mid-transaction, interleaved with reads: each is all-or-nothing', async () => {
  await t.token('SALES_REP');
  const before = await t.sql('select count(*)::int as n from customer');
  const ok = Array.from({ length: 15 }, (_, i) => t.gql(CREATE, { i: { name: `Parallel ${i}`, kind: 'BUSINESS', externalRefs: [{ system: 'shop', ref: `P-${i}` }] } }, 'SALES_REP'));
  // These pass validation but fail inside the transaction (duplicate external ref of the first batch).
  const clash = Array.from({ length: 5 }, (_, i) => t.gql(CREATE, { i: { name: `Clash ${i}`, kind: 'BUSINESS', externalRefs: [{ system: 'shop', ref: 'P-0' }] } }, 'SALES_REP'));
  const reads = Array.from({ length: 10 }, () => t.gql('{ customers(first: 50) { totalCount } }', {}, 'SALES_REP'));
  const results = await Promise.all([...ok, ...clash, ...reads]);
  const created = results.slice(1, 15).map((r) => r.body.data.createCustomer);
  expect(created.every((c) => c.errors.length === 0)).toBe(true);
  // Six requests want the ref P-0 (the first of the batch and the five clashes): whichever commits first gets it,
  // each of the other five fails with DUPLICATE at the field and leaves nothing behind — never two customers with one ref.
  const contenders = [results[0], ...results.slice(15, 20)].map((r) => r.body.data.createCustomer);
  expect(contenders.filter((c) => c.errors.length === 0)).toHaveLength(1);
  for (const c of contenders.filter((c) => c.errors.length > 0)) {
    expect(c.errors[0].code).toBe('DUPLICATE');
    expect(c.errors[0].field?.slice(0, 2)).toEqual(['input', 'externalRefs']);
    expect(c.customer).toBeNull();
  }
  for (const r of results.slice(20)) expect(r.body.errors).toBeUndefined();
  const after = await t.sql('select count(*)::int as n from customer');
  expect(after[0].n).toBe(before[0].n + 15);
  const refs = await t.sql("select count(*)::int as n from customer_external_ref where system = 'shop'");
  expect(refs[0].n).toBe(15);
  const audit = await t.sql("select count(*)::int as n from audit_event where action = 'CREATE'");
  expect(audit[0].n).toBe(15);
});

test('two updates from the same version: exactly one wins, the other gets CONFLICT', async () => {
  const [row] = await t.sql("select c.id, c.version from customer c join app_user u on u.id = c.owner_id where u.email = 'rep1@demo.crm' limit 1");
  const [a, b] = await Promise.all([
    t.gql(UPDATE, { i: { id: row.id, version: row.version, industry: 'A' } }, 'SALES_REP'),
    t.gql(UPDATE, { i: { id: row.id, version: row.version, industry: 'B' } }, 'SALES_MANAGER'),
  ]);
  const outcomes = [a, b].map((r) => r.body.data.updateCustomer.errors[0]?.code ?? 'OK').sort();
  expect(outcomes).toEqual(['CONFLICT', 'OK']);
  const [now] = await t.sql('select version from customer where id = ?', [row.id]);
  expect(now.version).toBe(row.version + 1);
});
