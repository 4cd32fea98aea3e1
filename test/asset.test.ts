import { Role } from '../src/entities/enums';
import { createAssetsForOrder } from '../src/services/asset.service';
import { codes, startTestApp, type Caller, type GqlResult, type TestApp, type Who } from './helpers';

/**
 * Assets through HTTP: registerAsset / updateAsset (payload errors with field paths, DUPLICATE tags,
 * CONFLICT, ownership transfer audited on both customers), who may read and write, record scope
 * (null by id, by tag, through node), the service-tag lookup in one request with a fixed
 * statement count, warranty status against today, assets created when an order of a serialised
 * product is FULFILLED (one per unit, unique generated tags, idempotent, set-based), filters and
 * sorting, and N+1 for Customer.assets.
 */

let t: TestApp;
let adminId: string;
let rep1Customer: string;
let rep1Other: string;
let rep2Customer: string;
let partnerId: string;
let resold: string;
let partnerKey: Caller;
let integrationKey: Caller;

const SER = `prd_${'a'.repeat(32)}`;
const SER0 = `prd_${'b'.repeat(32)}`;
const PLAIN = `prd_${'c'.repeat(32)}`;

const ok = (res: GqlResult) => {
  if (res.body.errors) throw new Error(`unexpected errors: ${JSON.stringify(res.body.errors)}`);
  return res.body.data;
};
const errorsOf = (res: { errors: any[] }) => res.errors.map((e) => ({ code: e.code, field: e.field }));

/** Calendar dates relative to today in UTC, as the API computes them. */
const day = (offset = 0) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

const ASSET = 'id serviceTag purchaseDate warrantyEnd warrantyStatus notes version createdAt updatedAt productId customerId orderId '
  + 'installedAddress { label line1 line2 city region postalCode country } product { id sku } customer { id name } order { id }';
const PAYLOAD = `asset { ${ASSET} } errors { code message field }`;
const REGISTER = `mutation($i: RegisterAssetInput!) { registerAsset(input: $i) { ${PAYLOAD} } }`;
const UPDATE = `mutation($i: UpdateAssetInput!) { updateAsset(input: $i) { ${PAYLOAD} } }`;
const BY_TAG = `query($tag: String!) { assetByServiceTag(tag: $tag) { id serviceTag warrantyStatus warrantyEnd
  product { name serialised warrantyMonths }
  customer { id name contacts(first: 20) { totalCount edges { node { firstName lastName phones { number } emails { address } } } } } } }`;
const ONE = `query($id: ID!) { asset(id: $id) { id serviceTag } }`;
const NODE = `query($id: ID!) { node(id: $id) { id ... on Asset { serviceTag } } }`;
const LIST = `query($f: AssetFilter, $o: [AssetOrderBy!], $first: Int, $after: String) {
  assets(filter: $f, orderBy: $o, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id serviceTag customerId purchaseDate warrantyEnd } } } }`;

let tagSeq = 0;
const nextTag = () => `T-${Date.now().toString(36).toUpperCase()}-${++tagSeq}`;

async function register(input: Record<string, unknown> = {}, who: Who | Caller = 'SERVICE_AGENT') {
  const i = { serviceTag: nextTag(), productId: SER, customerId: rep1Customer, purchaseDate: day(-10), ...input };
  return ok(await t.gql(REGISTER, { i }, who)).registerAsset as { asset: any; errors: any[] };
}
async function registered(input: Record<string, unknown> = {}, who: Who | Caller = 'SERVICE_AGENT') {
  const res = await register(input, who);
  expect(res.errors).toEqual([]);
  return res.asset;
}
async function update(input: Record<string, unknown>, who: Who | Caller = 'SERVICE_AGENT') {
  return ok(await t.gql(UPDATE, { i: input }, who)).updateAsset as { asset: any; errors: any[] };
}
const assetCount = async () => Number((await t.sql('select count(*)::int as n from asset'))[0].n);

beforeAll(async () => {
  t = await startTestApp({ customers: 10 });
  const users = await t.sql<{ id: string; email: string; partner: string | null }>(`select id, email, partner_customer_id as partner from app_user`);
  const user = (email: string) => users.find((u) => u.email === email)!;
  adminId = user('admin@demo.crm').id;
  partnerId = user('partner@demo.crm').partner!;
  const owned = async (email: string) => (await t.sql<{ id: string }>('select id from customer where owner_id = ? and id <> ? order by created_at, id', [user(email).id, partnerId])).map((r) => r.id);
  [rep1Customer, rep1Other, resold] = await owned('rep1@demo.crm');
  [rep2Customer] = await owned('rep2@demo.crm');
  await t.sql('update customer set resold_by_id = ? where id = ?', [partnerId, resold]);
  await t.sql(`insert into product (id, sku, name, category, list_price, serialised, warranty_months) values
    (?, 'SRV-24', 'Server', 'Servers', 4999.00, true, 24),
    (?, 'SRV-0', 'Refurbished server', 'Servers', 999.00, true, 0),
    (?, 'CAB-9', 'Cable', 'Cables', 9.90, false, 12)`, [SER, SER0, PLAIN]);
  const key = async (input: Record<string, unknown>) => ({
    apiKey: ok(await t.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`, { input }, 'ADMIN')).createApiKey.secret as string,
  });
  partnerKey = await key({ name: 'dealer system', role: 'PARTNER', scopes: ['customers:read', 'cases:write'], partnerCustomerId: partnerId });
  integrationKey = await key({ name: 'shop', role: 'INTEGRATION', scopes: ['customers:read', 'customers:write', 'orders:write', 'products:read'] });
});
afterAll(async () => { await t.close(); });

describe('registerAsset', () => {
  it('registers an asset with an upper-cased tag and the product\'s warranty as default, audited on the customer', async () => {
    const a = await registered({
      serviceTag: '  abc-123x ', purchaseDate: '2025-01-31', notes: ' rack 4 ',
      installedAddress: { label: 'site', line1: '1 Main St', city: 'Berlin', country: 'de' },
    });
    expect(a).toMatchObject({
      serviceTag: 'ABC-123X', purchaseDate: '2025-01-31', warrantyEnd: '2027-01-31', notes: 'rack 4', version: 1,
      productId: SER, customerId: rep1Customer, orderId: null, order: null, product: { id: SER, sku: 'SRV-24' }, customer: { id: rep1Customer },
      installedAddress: { label: 'site', line1: '1 Main St', line2: null, city: 'Berlin', region: null, postalCode: null, country: 'DE' },
    });
    expect(a.id).toMatch(/^ast_[0-9a-f]{32}$/);
    const [row] = await t.sql('select service_tag, warranty_end::text as warranty_end, created_by from asset where id = ?', [a.id]);
    const [agent] = await t.sql<{ id: string }>(`select id from app_user where email = 'service@demo.crm'`);
    expect(row).toEqual({ service_tag: 'ABC-123X', warranty_end: '2027-01-31', created_by: agent.id });
    const audit = await t.sql<{ customer_id: string; action: string; actor_id: string; changes: any }>(
      `select customer_id, action, actor_id, changes from audit_event where entity_type = 'Asset' and entity_id = ?`, [a.id]);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ customer_id: rep1Customer, action: 'CREATE', actor_id: agent.id });
    const changes = typeof audit[0].changes === 'string' ? JSON.parse(audit[0].changes) : audit[0].changes;
    expect(changes).toEqual(expect.arrayContaining([{ field: 'serviceTag', old: null, new: 'ABC-123X' }, { field: 'warrantyEnd', old: null, new: '2027-01-31' }]));
  });

  it('clamps the default warranty end to the month end, and has none for a 0-month product or an explicit null', async () => {
    expect((await registered({ productId: SER, purchaseDate: '2024-02-29' })).warrantyEnd).toBe('2026-02-28');
    const none = await registered({ productId: SER0 });
    expect([none.warrantyEnd, none.warrantyStatus]).toEqual([null, 'NO_WARRANTY']);
    const explicitNone = await registered({ productId: SER, warrantyEnd: null });
    expect([explicitNone.warrantyEnd, explicitNone.warrantyStatus]).toEqual([null, 'NO_WARRANTY']);
    const own = await registered({ productId: SER0, purchaseDate: day(-5), warrantyEnd: day(5) });
    expect([own.warrantyEnd, own.warrantyStatus]).toEqual([day(5), 'IN_WARRANTY']);
  });

  it('refuses bad input naming the field, and writes nothing', async () => {
    const before = await assetCount();
    const cases: [Record<string, unknown>, string[]][] = [
      [{ serviceTag: 'ab' }, ['input', 'serviceTag']],
      [{ serviceTag: 'has space' }, ['input', 'serviceTag']],
      [{ serviceTag: '-ABC' }, ['input', 'serviceTag']],
      [{ serviceTag: 'A'.repeat(41) }, ['input', 'serviceTag']],
      [{ productId: 'nope' }, ['input', 'productId']],
      [{ customerId: rep1Other.replace('cus_', 'prd_') }, ['input', 'customerId']],
      [{ purchaseDate: day(3) }, ['input', 'purchaseDate']],
      [{ purchaseDate: '2025-05-10', warrantyEnd: '2025-05-09' }, ['input', 'warrantyEnd']],
      [{ installedAddress: { label: 'site', line1: '1 Main St', city: 'Berlin', country: 'Germany' } }, ['input', 'installedAddress', 'country']],
      [{ installedAddress: { label: '', line1: '1 Main St', city: 'Berlin', country: 'DE' } }, ['input', 'installedAddress', 'label']],
      [{ notes: 'x'.repeat(4001) }, ['input', 'notes']],
    ];
    for (const [input, field] of cases) expect(errorsOf(await register(input))).toEqual([{ code: 'VALIDATION', field }]);
    expect(errorsOf(await register({ productId: `prd_${'0'.repeat(32)}` }))).toEqual([{ code: 'NOT_FOUND', field: ['input', 'productId'] }]);
    expect(errorsOf(await register({ customerId: `cus_${'0'.repeat(32)}` }))).toEqual([{ code: 'NOT_FOUND', field: ['input', 'customerId'] }]);
    // a malformed calendar date never reaches the service
    expect(codes(await t.gql(REGISTER, { i: { serviceTag: nextTag(), productId: SER, customerId: rep1Customer, purchaseDate: '2025-02-30' } }, 'ADMIN'))).toEqual(['BAD_USER_INPUT']);
    expect(await assetCount()).toBe(before);
  });

  it('refuses a taken tag in any case with DUPLICATE, also when registered concurrently', async () => {
    await registered({ serviceTag: 'DUP-0001' });
    const before = await assetCount();
    expect(errorsOf(await register({ serviceTag: 'dup-0001', customerId: rep2Customer }))).toEqual([{ code: 'DUPLICATE', field: ['input', 'serviceTag'] }]);
    const results = await Promise.all(Array.from({ length: 5 }, () => register({ serviceTag: 'race-1' })));
    expect(results.filter((r) => r.asset).length).toBe(1);
    expect(results.filter((r) => !r.asset).flatMap(errorsOf)).toEqual(Array(4).fill({ code: 'DUPLICATE', field: ['input', 'serviceTag'] }));
    expect(await assetCount()).toBe(before + 1);
  });

  it('lets ADMIN and SERVICE_AGENT register for anyone, PARTNER users and keys for itself and its resold customers only; others FORBIDDEN', async () => {
    expect((await registered({ customerId: rep2Customer }, 'ADMIN')).customerId).toBe(rep2Customer);
    expect((await registered({ customerId: resold }, 'PARTNER')).customerId).toBe(resold);
    expect((await registered({ customerId: partnerId }, 'PARTNER')).customerId).toBe(partnerId);
    expect((await registered({ customerId: resold }, partnerKey)).customerId).toBe(resold);
    const before = await assetCount();
    expect(errorsOf(await register({ customerId: rep1Customer }, 'PARTNER'))).toEqual([{ code: 'NOT_FOUND', field: ['input', 'customerId'] }]);
    expect(errorsOf(await register({ customerId: rep1Customer }, partnerKey))).toEqual([{ code: 'NOT_FOUND', field: ['input', 'customerId'] }]);
    for (const who of ['SALES_MANAGER', 'SALES_REP', 'FINANCE', 'MARKETING', 'ANALYST'] as const) {
      expect(codes(await t.gql(REGISTER, { i: { serviceTag: nextTag(), productId: SER, customerId: rep1Customer, purchaseDate: day(-1) } }, who))).toEqual(['FORBIDDEN']);
    }
    expect(codes(await t.gql(REGISTER, { i: { serviceTag: nextTag(), productId: SER, customerId: rep1Customer, purchaseDate: day(-1) } }, integrationKey))).toEqual(['FORBIDDEN']);
    expect(await assetCount()).toBe(before);
  });
});

describe('updateAsset', () => {
  it('changes address, notes and warranty, bumps the version, audits, and refuses a stale version', async () => {
    const a = await registered({ purchaseDate: '2025-03-01', notes: 'old' });
    const changed = await update({ id: a.id, version: 1, notes: 'moved to hall B', warrantyEnd: '2028-03-01',
      installedAddress: { label: 'hall B', line1: '2 Dock Rd', city: 'Hamburg', postalCode: '20457', country: 'DE' } });
    expect(changed.errors).toEqual([]);
    expect(changed.asset).toMatchObject({ notes: 'moved to hall B', warrantyEnd: '2028-03-01', version: 2, installedAddress: { city: 'Hamburg', postalCode: '20457' } });
    const cleared = await update({ id: a.id, version: 2, notes: null, installedAddress: null, warrantyEnd: null });
    expect(cleared.asset).toMatchObject({ notes: null, installedAddress: null, warrantyEnd: null, warrantyStatus: 'NO_WARRANTY', version: 3 });
    expect(errorsOf(await update({ id: a.id, version: 2, notes: 'stale' }))).toEqual([{ code: 'CONFLICT', field: ['input', 'version'] }]);
    const audit = await t.sql(`select action from audit_event where entity_type = 'Asset' and entity_id = ? order by at, id`, [a.id]);
    expect(audit.map((r: any) => r.action)).toEqual(['CREATE', 'UPDATE', 'UPDATE']);
    const [row] = await t.sql('select notes, version from asset where id = ?', [a.id]);
    expect(row).toEqual({ notes: null, version: 3 });
  });

  it('transfers ownership, recorded in both customers\' history', async () => {
    const a = await registered({ customerId: rep1Customer });
    const moved = await update({ id: a.id, version: 1, customerId: rep2Customer });
    expect(moved.asset).toMatchObject({ customerId: rep2Customer, customer: { id: rep2Customer }, version: 2 });
    const audit = await t.sql<{ customer_id: string; changes: any }>(`select customer_id, changes from audit_event
      where entity_type = 'Asset' and entity_id = ? and action = 'UPDATE'`, [a.id]);
    expect(audit.map((r) => r.customer_id).sort()).toEqual([rep1Customer, rep2Customer].sort());
    const changes = typeof audit[0].changes === 'string' ? JSON.parse(audit[0].changes) : audit[0].changes;
    expect(changes).toEqual([{ field: 'customerId', old: rep1Customer, new: rep2Customer }]);
    // rep1 no longer sees it, rep2 does
    expect(ok(await t.gql(ONE, { id: a.id }, 'SALES_REP')).asset).toBeNull();
    expect(ok(await t.gql(ONE, { id: a.id }, 'SALES_REP_2')).asset.id).toBe(a.id);
  });

  it('refuses bad values, unknown records and other roles, changing nothing', async () => {
    const a = await registered({ purchaseDate: '2025-06-01', notes: 'keep' });
    expect(errorsOf(await update({ id: a.id, version: 1, warrantyEnd: '2025-05-31' }))).toEqual([{ code: 'VALIDATION', field: ['input', 'warrantyEnd'] }]);
    expect(errorsOf(await update({ id: a.id, version: 1, customerId: null }))).toEqual([{ code: 'VALIDATION', field: ['input', 'customerId'] }]);
    expect(errorsOf(await update({ id: a.id, version: 1, notes: 'y'.repeat(4001) }))).toEqual([{ code: 'VALIDATION', field: ['input', 'notes'] }]);
    expect(errorsOf(await update({ id: a.id, version: 1, installedAddress: { label: 'x', line1: '', city: 'Rome', country: 'IT' } }))).toEqual([{ code: 'VALIDATION', field: ['input', 'installedAddress', 'line1'] }]);
    expect(errorsOf(await update({ id: a.id, version: 1, customerId: `cus_${'0'.repeat(32)}` }))).toEqual([{ code: 'NOT_FOUND', field: ['input', 'customerId'] }]);
    expect(errorsOf(await update({ id: `ast_${'0'.repeat(32)}`, version: 1, notes: 'x' }))).toEqual([{ code: 'NOT_FOUND', field: ['input', 'id'] }]);
    expect(errorsOf(await update({ id: 'ast_bad', version: 1 }))).toEqual([{ code: 'VALIDATION', field: ['input', 'id'] }]);
    for (const who of ['PARTNER', 'SALES_MANAGER', 'SALES_REP', 'FINANCE', 'MARKETING', 'ANALYST'] as const) {
      expect(codes(await t.gql(UPDATE, { i: { id: a.id, version: 1, notes: 'no' } }, who))).toEqual(['FORBIDDEN']);
    }
    expect(codes(await t.gql(UPDATE, { i: { id: a.id, version: 1, notes: 'no' } }, partnerKey))).toEqual(['FORBIDDEN']);
    const [row] = await t.sql('select notes, warranty_end::text as warranty_end, customer_id, version from asset where id = ?', [a.id]);
    expect(row).toEqual({ notes: 'keep', warranty_end: '2027-06-01', customer_id: rep1Customer, version: 1 });
  });
});

describe('assetByServiceTag', () => {
  let oneContact: string;
  let eightContacts: string;

  beforeAll(async () => {
    // rep1's customers: one with exactly 1 contact, one with exactly 8.
    oneContact = rep1Customer;
    eightContacts = rep1Other;
    await t.sql(`update contact set deleted_at = now() where customer_id = ? and not "primary"`, [oneContact]);
    const [{ n }] = await t.sql<{ n: number }>('select count(*)::int as n from contact where customer_id = ? and deleted_at is null', [eightContacts]);
    await t.sql(`insert into contact (id, customer_id, first_name, last_name, phones)
      select 'con_' || md5(? || g::text), ?, 'Extra', 'Person ' || g, '[{"label":"work","number":"+49 30 1234567"}]'::jsonb
      from generate_series(1, ?) g`, [eightContacts, eightContacts, 8 - n]);
    await t.sql(`insert into asset (id, service_tag, product_id, customer_id, purchase_date, warranty_end) values
      ('ast_${'1'.repeat(32)}', 'LOOKUP-ONE', ?, ?, ?, ?), ('ast_${'2'.repeat(32)}', 'LOOKUP-EIGHT', ?, ?, ?, null)`,
    [SER, oneContact, day(-100), day(100), SER0, eightContacts, day(-100)]);
  });

  it('finds the asset with customer, contacts, product and warranty status in one request, ignoring case and blanks', async () => {
    const a = ok(await t.gql(BY_TAG, { tag: ' lookup-one ' }, 'SERVICE_AGENT')).assetByServiceTag;
    expect(a).toMatchObject({ serviceTag: 'LOOKUP-ONE', warrantyStatus: 'IN_WARRANTY', warrantyEnd: day(100),
      product: { name: 'Server', serialised: true, warrantyMonths: 24 }, customer: { id: oneContact, contacts: { totalCount: 1 } } });
    expect(a.customer.name).toEqual(expect.any(String));
    expect(a.customer.contacts.edges[0].node.phones[0].number).toEqual(expect.any(String));
    const b = ok(await t.gql(BY_TAG, { tag: 'Lookup-Eight' }, 'SERVICE_AGENT')).assetByServiceTag;
    expect(b).toMatchObject({ warrantyStatus: 'NO_WARRANTY', customer: { id: eightContacts, contacts: { totalCount: 8 } } });
    expect(b.customer.contacts.edges).toHaveLength(8);
  });

  it('runs the same small number of statements for a customer with 1 and with 8 contacts', async () => {
    await t.token('SERVICE_AGENT'); // signing in is not part of the lookup
    const one = await t.countQueries(() => t.gql(BY_TAG, { tag: 'lookup-one' }, 'SERVICE_AGENT'));
    const eight = await t.countQueries(() => t.gql(BY_TAG, { tag: 'lookup-eight' }, 'SERVICE_AGENT'));
    expect(eight).toBe(one);
    expect(one).toBeLessThanOrEqual(6);
  });

  it('is null (no error) for an unknown or malformed tag, and for an asset of a customer outside the caller\'s scope (also by id and node)', async () => {
    expect(ok(await t.gql(BY_TAG, { tag: 'NO-SUCH-TAG' }, 'ADMIN')).assetByServiceTag).toBeNull();
    expect(ok(await t.gql(BY_TAG, { tag: '%' }, 'ADMIN')).assetByServiceTag).toBeNull();
    const id = `ast_${'1'.repeat(32)}`;
    // rep1 owns the customer; rep2 does not
    expect(ok(await t.gql(BY_TAG, { tag: 'lookup-one' }, 'SALES_REP')).assetByServiceTag.id).toBe(id);
    expect(ok(await t.gql(BY_TAG, { tag: 'lookup-one' }, 'SALES_MANAGER')).assetByServiceTag.id).toBe(id);
    expect(ok(await t.gql(BY_TAG, { tag: 'lookup-one' }, 'SALES_REP_2')).assetByServiceTag).toBeNull();
    expect(ok(await t.gql(ONE, { id }, 'SALES_REP_2')).asset).toBeNull();
    expect(ok(await t.gql(NODE, { id }, 'SALES_REP_2')).node).toBeNull();
    expect(ok(await t.gql(NODE, { id }, 'SALES_REP')).node).toEqual({ id, serviceTag: 'LOOKUP-ONE' });
    // the partner: not resold to it
    expect(ok(await t.gql(BY_TAG, { tag: 'lookup-one' }, 'PARTNER')).assetByServiceTag).toBeNull();
    expect(ok(await t.gql(ONE, { id }, 'PARTNER')).asset).toBeNull();
    expect(ok(await t.gql(NODE, { id }, 'PARTNER')).node).toBeNull();
    expect(ok(await t.gql(NODE, { id }, partnerKey)).node).toBeNull();
    // roles that read no assets: FORBIDDEN at the root fields, nothing through node
    for (const who of ['FINANCE', 'MARKETING', 'ANALYST'] as const) {
      expect(codes(await t.gql(BY_TAG, { tag: 'lookup-one' }, who))).toEqual(['FORBIDDEN']);
      expect(ok(await t.gql(NODE, { id }, who)).node).toBeNull();
    }
    expect(codes(await t.gql(BY_TAG, { tag: 'lookup-one' }, integrationKey))).toEqual(['FORBIDDEN']);
  });

  it('shows the partner the assets of its resold customers and its own, by tag, id, node and list', async () => {
    await t.sql(`insert into asset (id, service_tag, product_id, customer_id, purchase_date) values
      ('ast_${'3'.repeat(32)}', 'RESOLD-1', ?, ?, ?), ('ast_${'4'.repeat(32)}', 'DEALER-1', ?, ?, ?)`, [SER, resold, day(-1), SER, partnerId, day(-1)]);
    expect(ok(await t.gql(BY_TAG, { tag: 'resold-1' }, 'PARTNER')).assetByServiceTag.customer.id).toBe(resold);
    expect(ok(await t.gql(BY_TAG, { tag: 'resold-1' }, partnerKey)).assetByServiceTag.id).toBe(`ast_${'3'.repeat(32)}`);
    expect(ok(await t.gql(NODE, { id: `ast_${'4'.repeat(32)}` }, 'PARTNER')).node.serviceTag).toBe('DEALER-1');
    const listed = ok(await t.gql(LIST, { first: 100 }, 'PARTNER')).assets;
    const expected = (await t.sql<{ id: string }>('select id from asset where customer_id in (?, ?)', [resold, partnerId])).map((r) => r.id).sort();
    expect(listed.edges.map((e: any) => e.node.id).sort()).toEqual(expected);
    expect(listed.totalCount).toBe(expected.length);
  });
});

describe('warranty status', () => {
  it('is computed against today (UTC): the last day is covered, the day after is EXPIRED, no end is NO_WARRANTY', async () => {
    await t.sql(`insert into asset (id, service_tag, product_id, customer_id, purchase_date, warranty_end) values
      ('ast_${'5'.repeat(32)}', 'W-TODAY', ?, ?, ?, ?), ('ast_${'6'.repeat(32)}', 'W-YESTERDAY', ?, ?, ?, ?),
      ('ast_${'7'.repeat(32)}', 'W-NONE', ?, ?, ?, null), ('ast_${'8'.repeat(32)}', 'W-TOMORROW', ?, ?, ?, ?)`,
    [SER, rep2Customer, day(-400), day(0), SER, rep2Customer, day(-400), day(-1), SER, rep2Customer, day(-400), SER, rep2Customer, day(-400), day(1)]);
    const status = async (tag: string) => ok(await t.gql(BY_TAG, { tag }, 'ADMIN')).assetByServiceTag.warrantyStatus;
    expect(await status('w-today')).toBe('IN_WARRANTY');
    expect(await status('w-tomorrow')).toBe('IN_WARRANTY');
    expect(await status('w-yesterday')).toBe('EXPIRED');
    expect(await status('w-none')).toBe('NO_WARRANTY');
  });
});

describe('assets from fulfilled orders', () => {
  const PUSH = `mutation($i: PushOrderInput!) { pushOrder(input: $i) { order { id version } errors { code field } } }`;
  const STATUS = `mutation($i: UpdateOrderStatusInput!) { updateOrderStatus(input: $i) { order { id status version } errors { code field } } }`;
  let seq = 0;

  async function confirmedOrder(lines: { sku: string; quantity: number }[], customerId = rep2Customer) {
    seq += 1;
    const pushed = ok(await t.gql(PUSH, { i: { idempotencyKey: `asset-${seq}`, channel: 'web', currency: 'EUR', customer: { customerId },
      lines: lines.map((l) => ({ ...l, unitPrice: '1.00' })) } }, 'ADMIN')).pushOrder;
    expect(pushed.errors).toEqual([]);
    const confirmed = ok(await t.gql(STATUS, { i: { id: pushed.order.id, version: 1, status: 'CONFIRMED' } }, 'ADMIN')).updateOrderStatus;
    expect(confirmed.errors).toEqual([]);
    return pushed.order.id as string;
  }
  const fulfil = async (id: string) => {
    const res = ok(await t.gql(STATUS, { i: { id, version: 2, status: 'FULFILLED' } }, 'ADMIN')).updateOrderStatus;
    expect(res.errors).toEqual([]);
  };
  const assetsOf = (orderId: string) => t.sql<{ id: string; service_tag: string; product_id: string; customer_id: string; order_line_id: string;
    purchase_date: string; warranty_end: string | null; expected_end: string }>(
    `select a.id, a.service_tag, a.product_id, a.customer_id, a.order_line_id, a.purchase_date::text as purchase_date, a.warranty_end::text as warranty_end,
      (a.purchase_date + interval '24 months')::date::text as expected_end
     from asset a where a.order_id = ? order by a.service_tag`, [orderId]);

  it('creates one asset per unit of each serialised line when the order is FULFILLED, none for other products', async () => {
    const orderId = await confirmedOrder([{ sku: 'SRV-24', quantity: 3 }, { sku: 'CAB-9', quantity: 2 }, { sku: 'SRV-0', quantity: 1 }]);
    expect(await assetsOf(orderId)).toEqual([]); // nothing before fulfilment
    await fulfil(orderId);
    const created = await assetsOf(orderId);
    expect(created).toHaveLength(4);
    expect(created.filter((a) => a.product_id === PLAIN)).toEqual([]);
    expect(new Set(created.map((a) => a.service_tag)).size).toBe(4);
    for (const a of created) {
      expect(a.service_tag).toMatch(/^[A-HJ-NP-Z0-9]{7}$/);
      expect(a).toMatchObject({ customer_id: rep2Customer, purchase_date: day(0) });
      expect(a.warranty_end).toBe(a.product_id === SER ? a.expected_end : null);
    }
    const lines = await t.sql<{ id: string; sku: string }>('select id, sku from sales_order_line where order_id = ?', [orderId]);
    const lineOf = (sku: string) => lines.find((l) => l.sku === sku)!.id;
    expect(created.filter((a) => a.order_line_id === lineOf('SRV-24'))).toHaveLength(3);
    expect(created.filter((a) => a.order_line_id === lineOf('SRV-0'))).toHaveLength(1);
    // audited on the customer, one CREATE per asset
    const [{ n }] = await t.sql<{ n: number }>(`select count(*)::int as n from audit_event where entity_type = 'Asset' and action = 'CREATE' and customer_id = ?
      and entity_id in (select id from asset where order_id = ?)`, [rep2Customer, orderId]);
    expect(n).toBe(4);
    // visible through the API with the order
    const tag = created[0].service_tag;
    const a = ok(await t.gql(`query($tag: String!) { assetByServiceTag(tag: $tag) { orderId order { id status } warrantyStatus } }`, { tag: tag.toLowerCase() }, 'SALES_REP_2')).assetByServiceTag;
    expect(a).toMatchObject({ orderId, order: { id: orderId, status: 'FULFILLED' } });
  });

  it('never creates twice for the same line', async () => {
    const orderId = await confirmedOrder([{ sku: 'SRV-24', quantity: 2 }]);
    await fulfil(orderId);
    const first = (await assetsOf(orderId)).map((a) => a.id).sort();
    expect(first).toHaveLength(2);
    const principal = { type: 'USER' as const, id: adminId, role: Role.ADMIN, scopes: [], partnerCustomerId: null };
    await createAssetsForOrder({ em: t.db.orm.em.fork() as any, principal }, orderId);
    await createAssetsForOrder({ em: t.db.orm.em.fork() as any, principal }, orderId);
    expect((await assetsOf(orderId)).map((a) => a.id).sort()).toEqual(first);
    // a line that lost an asset (e.g. deleted by hand) is topped up to its quantity, never beyond
    await t.sql(`delete from audit_event where entity_id = ?`, [first[0]]);
    await t.sql(`delete from asset where id = ?`, [first[0]]);
    await createAssetsForOrder({ em: t.db.orm.em.fork() as any, principal }, orderId);
    expect(await assetsOf(orderId)).toHaveLength(2);
  });

  it('is set-based: fulfilling sends the same number of statements for 1 unit and for 3 lines of 5 units', async () => {
    const small = await confirmedOrder([{ sku: 'SRV-24', quantity: 1 }]);
    const big = await confirmedOrder([{ sku: 'SRV-24', quantity: 5 }, { sku: 'SRV-0', quantity: 5 }, { sku: 'CAB-9', quantity: 3 }, { sku: 'SRV-24', quantity: 5 }]);
    const few = await t.countQueries(() => fulfil(small));
    const many = await t.countQueries(() => fulfil(big));
    expect(many).toBe(few);
    expect(await assetsOf(big)).toHaveLength(15);
  });
});

describe('assets list', () => {
  let ids: string[];
  beforeAll(async () => {
    await t.sql(`insert into asset (id, service_tag, product_id, customer_id, purchase_date, warranty_end, created_at)
      select 'ast_' || md5('list' || g::text), 'LIST-' || lpad(g::text, 2, '0'), case when g % 2 = 0 then ? else ? end, ?,
        date '2020-01-01' + g, case when g % 3 = 0 then null else date '2030-01-01' + g end, now() - g * interval '1 minute'
      from generate_series(1, 12) g`, [SER, SER0, rep1Other]);
    ids = (await t.sql<{ id: string }>(`select id from asset where service_tag like 'LIST-%' order by service_tag`)).map((r) => r.id);
  });
  const list = async (vars: Record<string, unknown>, who: Who | Caller = 'ADMIN') => ok(await t.gql(LIST, vars, who)).assets;

  it('filters by customer, product, tag (any case), purchase date and warranty end', async () => {
    const byCustomer = await list({ f: { customerId: { eq: rep1Other }, serviceTag: { startsWith: 'list-' } }, first: 100 });
    expect(byCustomer.totalCount).toBe(12);
    expect((await list({ f: { productId: { eq: SER }, serviceTag: { startsWith: 'LIST-' } } })).totalCount).toBe(6);
    expect((await list({ f: { serviceTag: { eq: 'list-07' } } })).edges.map((e: any) => e.node.id)).toEqual([ids[6]]);
    expect((await list({ f: { serviceTag: { in: ['list-01', 'List-02'] } } })).totalCount).toBe(2);
    expect((await list({ f: { purchaseDate: { gte: '2020-01-05', lte: '2020-01-08' }, serviceTag: { startsWith: 'LIST-' } } })).totalCount).toBe(4);
    expect((await list({ f: { warrantyEnd: { isNull: true }, serviceTag: { startsWith: 'LIST-' } } })).totalCount).toBe(4);
    expect((await list({ f: { warrantyEnd: { gt: '2030-01-10' }, serviceTag: { startsWith: 'LIST-' } } })).edges.map((e: any) => e.node.serviceTag).sort())
      .toEqual(['LIST-10', 'LIST-11']);
    expect((await list({ f: { or: [{ serviceTag: { eq: 'list-01' } }, { not: { serviceTag: { startsWith: 'list' } }, customerId: { eq: rep1Other } }] } })).edges.map((e: any) => e.node.id))
      .toContain(ids[0]);
  });

  it('sorts by the requested field (warranty end with nulls last) and pages without gaps or repeats', async () => {
    const f = { serviceTag: { startsWith: 'LIST-' } };
    const byTag = await list({ f, o: [{ field: 'SERVICE_TAG', direction: 'DESC' }], first: 100 });
    expect(byTag.edges.map((e: any) => e.node.id)).toEqual([...ids].reverse());
    const byEnd = await list({ f, o: [{ field: 'WARRANTY_END', direction: 'DESC' }], first: 100 });
    const ends = byEnd.edges.map((e: any) => e.node.warrantyEnd);
    expect(ends.slice(0, 8)).toEqual([...ends.slice(0, 8)].sort().reverse());
    expect(ends.slice(8)).toEqual([null, null, null, null]);
    // default order: newest registration first
    expect((await list({ f, first: 1 })).edges[0].node.id).toBe(ids[0]);
    let after: string | null = null;
    const seen: string[] = [];
    do {
      const page: any = await list({ f, o: [{ field: 'WARRANTY_END', direction: 'ASC' }], first: 5, after });
      seen.push(...page.edges.map((e: any) => e.node.id));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toHaveLength(12);
    expect(new Set(seen).size).toBe(12);
  });

  it('shows reps only the assets of their customers; FINANCE, MARKETING, ANALYST and keys are FORBIDDEN', async () => {
    const f = { serviceTag: { startsWith: 'LIST-' } };
    expect((await list({ f }, 'SALES_REP')).totalCount).toBe(12);
    expect((await list({ f }, 'SALES_REP_2')).totalCount).toBe(0);
    const rep2 = await list({ first: 100 }, 'SALES_REP_2');
    const [{ n }] = await t.sql<{ n: number }>('select count(*)::int as n from asset a join customer c on c.id = a.customer_id where c.owner_id = (select id from app_user where email = ?)', ['rep2@demo.crm']);
    expect(rep2.totalCount).toBe(n);
    for (const who of ['FINANCE', 'MARKETING', 'ANALYST'] as const) expect(codes(await t.gql(LIST, {}, who))).toEqual(['FORBIDDEN']);
    expect(codes(await t.gql(LIST, {}, integrationKey))).toEqual(['FORBIDDEN']);
  });
});

describe('Customer.assets', () => {
  const NESTED = `query($n: Int!) { customers(first: $n) { edges { node { id assets(first: 3) { totalCount edges { node { id serviceTag warrantyStatus
    product { name } customer { id } order { id } installedAddress { city } } } } } } } }`;

  it('lists a customer\'s assets; null with FORBIDDEN for roles that do not read assets', async () => {
    const q = `query($id: ID!) { customer(id: $id) { assets(first: 50, filter: { serviceTag: { startsWith: "LIST-" } }, orderBy: [{ field: SERVICE_TAG }]) {
      totalCount edges { node { serviceTag customerId } } } } }`;
    const page = ok(await t.gql(q, { id: rep1Other }, 'SALES_REP')).customer.assets;
    expect(page.totalCount).toBe(12);
    expect(page.edges[0].node).toEqual({ serviceTag: 'LIST-01', customerId: rep1Other });
    const finance = await t.gql(q, { id: rep1Other }, 'FINANCE');
    expect(finance.body.data.customer.assets).toBeNull();
    expect(codes(finance)).toEqual(['FORBIDDEN']);
  });

  it('sends the same number of statements for 2 and for 10 customers (N+1)', async () => {
    // Every customer owns an asset from an order, so both page sizes resolve every nested field.
    await t.sql(`insert into asset (id, service_tag, product_id, customer_id, order_id, purchase_date)
      select 'ast_' || md5('n1' || c.id), 'N1-' || upper(substr(md5(c.id), 1, 8)), ?, c.id, (select o.id from sales_order o order by o.created_at, o.id limit 1), date '2024-05-01'
      from customer c`, [SER]);
    const few = await t.countQueries(() => t.gql(NESTED, { n: 2 }, 'ADMIN'));
    const many = await t.countQueries(() => t.gql(NESTED, { n: 10 }, 'ADMIN'));
    expect(many).toBe(few);
    const res = ok(await t.gql(NESTED, { n: 10 }, 'ADMIN'));
    const withAssets = res.customers.edges.filter((e: any) => e.node.assets.totalCount > 0);
    expect(withAssets.length).toBeGreaterThan(1);
    for (const e of withAssets) expect(e.node.assets.edges.every((a: any) => a.node.customer.id === e.node.id && a.node.product.name)).toBe(true);
  });
});
