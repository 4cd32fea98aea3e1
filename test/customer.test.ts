/**
 * Customers through HTTP: record scope and field rules per role, node/nodes, every customer mutation
 * (create, update, delete, restore, reassign) with their payload errors and rollbacks, and the audit
 * history with redaction. Pagination, filters and search are in customer-pagination.test.ts.
 * Expectations come from raw SQL on the test database, never from the seed's randomness.
 */
import { codes, ok, startTestApp, USERS, type GqlResult, type TestApp, type Who } from './helpers';

let t: TestApp;
/** User ids by role key. */
let U: Record<Who, string>;
/** The customer record the demo partner user acts for. */
let partnerCustomerId: string;

beforeAll(async () => {
  t = await startTestApp();
  const users = await t.sql<{ id: string; email: string; partner_customer_id: string | null }>('select id, email, partner_customer_id from app_user');
  U = Object.fromEntries(Object.entries(USERS).map(([who, email]) => [who, users.find((u) => u.email === email)!.id])) as Record<Who, string>;
  partnerCustomerId = users.find((u) => u.email === USERS.PARTNER)!.partner_customer_id!;
});
afterAll(async () => { await t.close(); });

// ------------------------------------------------------------------------------------------ helpers

/** Error codes keyed by path, e.g. "customers.edges.3.node.creditLimit" → "FORBIDDEN". */
function errorsByPath(res: GqlResult): Map<string, string | undefined> {
  return new Map((res.body.errors ?? []).map((e) => [(e.path ?? []).join('.'), e.extensions?.code]));
}

const sortIds = (ids: string[]) => [...ids].sort();

async function sqlIds(where: string, params: unknown[] = []): Promise<string[]> {
  return (await t.sql<{ id: string }>(`select c.id from customer c where ${where} order by c.id`, params)).map((r) => r.id);
}

/** Every visible customer id for a caller (the default seed fits in one page of 100). */
async function visibleIds(who: Who): Promise<{ ids: string[]; totalCount: number }> {
  const data = ok(await t.gql('{ customers(first: 100) { totalCount edges { node { id } } } }', {}, who));
  return { ids: data.customers.edges.map((e: any) => e.node.id), totalCount: data.customers.totalCount };
}

/** Counts that a refused mutation must leave unchanged. */
async function counts() {
  const [row] = await t.sql<{ customers: number; audits: number; refs: number; contacts: number }>(`select
    (select count(*)::int from customer) as customers, (select count(*)::int from audit_event) as audits,
    (select count(*)::int from customer_external_ref) as refs, (select count(*)::int from contact) as contacts`);
  return row;
}

/** Everything stored about one customer: the row, its external refs and its audit entries. */
async function stored(id: string) {
  const [row] = await t.sql<{ j: unknown }>(`select to_jsonb(c) as j from customer c where c.id = ?`, [id]);
  const refs = await t.sql('select system, ref from customer_external_ref where customer_id = ? order by system, ref', [id]);
  const audit = await t.sql(`select id, action, changes from audit_event where customer_id = ? order by id`, [id]);
  return { row: row?.j, refs, audit };
}

async function liveCustomerOf(who: Who, extra = 'true', params: unknown[] = []): Promise<{ id: string; version: number; name: string; kind: string }> {
  const [row] = await t.sql<{ id: string; version: number; name: string; kind: string }>(
    `select c.id, c.version, c.name, c.kind from customer c where c.owner_id = ? and c.deleted_at is null and ${extra} order by c.created_at, c.id limit 1`,
    [U[who], ...params]);
  if (!row) throw new Error(`no customer of ${who} matching ${extra}`);
  return row;
}

const CREATE = `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) {
  customer { id name kind sector tier vip status churnReason isPartner channelType employeeCount version owner { id } tags customAttributes
    emails { label address } phones { label number } externalRefs { system ref } createdAt updatedAt }
  errors { code message field } } }`;

const UPDATE = `mutation($input: UpdateCustomerInput!) { updateCustomer(input: $input) {
  customer { id name tier industry tags version updatedAt phones { number } externalRefs { system ref } owner { id } }
  errors { code message field } } }`;

const DELETE = 'mutation($id: ID!) { deleteCustomer(input: { id: $id }) { customer { id } errors { code message field } } }';
const RESTORE = 'mutation($id: ID!) { restoreCustomer(input: { id: $id }) { customer { id name } errors { code message field } } }';
const REASSIGN = `mutation($from: ID!, $to: ID!) { reassignCustomers(input: { fromUserId: $from, toUserId: $to }) {
  movedCount errors { code message field } } }`;

const HISTORY = `query($id: ID!, $first: Int, $after: String) { customer(id: $id) { id history(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { node { id entityType entityId action actorType at actor { id } changes { field oldValue newValue redacted } } } } } }`;

async function create(input: Record<string, unknown>, who: Who = 'SALES_REP') {
  const res = await t.gql(CREATE, { input }, who);
  return ok(res).createCustomer as { customer: any; errors: { code: string; message: string; field: string[] | null }[] };
}

async function history(id: string, who: Who, first = 50) {
  return ok(await t.gql(HISTORY, { id, first }, who)).customer.history as { totalCount: number; edges: { node: any }[] };
}

// -------------------------------------------------------------------------------- reads per role

describe('customers and customer(id) per role', () => {
  test('SALES_REP sees exactly their own 20 customers', async () => {
    const own = await sqlIds('c.owner_id = ? and c.deleted_at is null', [U.SALES_REP]);
    expect(own).toHaveLength(20);
    const { ids, totalCount } = await visibleIds('SALES_REP');
    expect(totalCount).toBe(20);
    expect(sortIds(ids)).toEqual(own);
  });

  test('SALES_REP_2 sees exactly their own 20 customers', async () => {
    const own = await sqlIds('c.owner_id = ? and c.deleted_at is null', [U.SALES_REP_2]);
    const { ids, totalCount } = await visibleIds('SALES_REP_2');
    expect(totalCount).toBe(20);
    expect(sortIds(ids)).toEqual(own);
  });

  test('SALES_MANAGER sees the customers of both reps (40)', async () => {
    const data = ok(await t.gql('{ customers(first: 100) { totalCount edges { node { id owner { id } } } } }', {}, 'SALES_MANAGER'));
    expect(data.customers.totalCount).toBe(40);
    expect(sortIds(data.customers.edges.map((e: any) => e.node.id))).toEqual(await sqlIds('c.deleted_at is null'));
    const owners = new Set(data.customers.edges.map((e: any) => e.node.owner.id));
    expect(owners).toEqual(new Set([U.SALES_REP, U.SALES_REP_2]));
  });

  test.each(['SERVICE_AGENT', 'MARKETING', 'FINANCE', 'ANALYST', 'ADMIN'] as Who[])('%s sees all 40 customers', async (who) => {
    const { ids, totalCount } = await visibleIds(who);
    expect(totalCount).toBe(40);
    expect(sortIds(ids)).toEqual(await sqlIds('c.deleted_at is null'));
  });

  test('PARTNER sees only its own record', async () => {
    const { ids, totalCount } = await visibleIds('PARTNER');
    expect(totalCount).toBe(1);
    expect(ids).toEqual([partnerCustomerId]);
    const [other] = await sqlIds('c.id <> ?', [partnerCustomerId]);
    const res = await t.gql('query($id: ID!) { customer(id: $id) { id } }', { id: other }, 'PARTNER');
    expect(codes(res)).toEqual([]);
    expect(res.body.data).toEqual({ customer: null });
    const own = ok(await t.gql('query($id: ID!) { customer(id: $id) { id isPartner } }', { id: partnerCustomerId }, 'PARTNER'));
    expect(own.customer).toEqual({ id: partnerCustomerId, isPartner: true });
  });

  test("SALES_REP reads their own customer by id, and gets null (no error) for rep2's", async () => {
    const mine = await liveCustomerOf('SALES_REP');
    const theirs = await liveCustomerOf('SALES_REP_2');
    const own = ok(await t.gql('query($id: ID!) { customer(id: $id) { id name owner { id } } }', { id: mine.id }, 'SALES_REP'));
    expect(own.customer).toEqual({ id: mine.id, name: mine.name, owner: { id: U.SALES_REP } });

    const res = await t.gql('query($id: ID!) { customer(id: $id) { id name } }', { id: theirs.id }, 'SALES_REP');
    expect(codes(res)).toEqual([]);
    expect(res.body.data).toEqual({ customer: null });
    // Not visible looks the same as an id that never existed.
    const ghost = await t.gql('query($id: ID!) { customer(id: $id) { id name } }', { id: `cus_${'0'.repeat(32)}` }, 'SALES_REP');
    expect(ghost.body).toEqual(res.body);
  });

  test('node(id) of an invisible customer is null (no error) and nodes() gives null for it', async () => {
    const mine = await liveCustomerOf('SALES_REP');
    const theirs = await liveCustomerOf('SALES_REP_2');
    const res = await t.gql('query($id: ID!) { node(id: $id) { id } }', { id: theirs.id }, 'SALES_REP');
    expect(codes(res)).toEqual([]);
    expect(res.body.data).toEqual({ node: null });

    const visible = ok(await t.gql('query($id: ID!) { node(id: $id) { id ... on Customer { name } } }', { id: mine.id }, 'SALES_REP'));
    expect(visible.node).toEqual({ id: mine.id, name: mine.name });

    const many = ok(await t.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Customer { name } } }', { ids: [theirs.id, mine.id, theirs.id] }, 'SALES_REP'));
    expect(many.nodes).toEqual([null, { id: mine.id, name: mine.name }, null]);
    // The manager sees both.
    const mgr = ok(await t.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: [theirs.id, mine.id] }, 'SALES_MANAGER'));
    expect(mgr.nodes).toEqual([{ id: theirs.id }, { id: mine.id }]);
  });

  test('totalCount never counts invisible rows, whatever the filter', async () => {
    const data = ok(await t.gql('query($f: CustomerFilter) { customers(first: 5, filter: $f) { totalCount edges { node { id } } pageInfo { hasNextPage } } }',
      { f: { ownerId: { eq: U.SALES_REP_2 } } }, 'SALES_REP'));
    expect(data.customers).toEqual({ totalCount: 0, edges: [], pageInfo: { hasNextPage: false } });
    const theirs = await liveCustomerOf('SALES_REP_2');
    const byId = ok(await t.gql('query($f: CustomerFilter) { customers(filter: $f) { totalCount edges { node { id } } } }',
      { f: { id: { in: [theirs.id] } } }, 'SALES_REP'));
    expect(byId.customers).toEqual({ totalCount: 0, edges: [] });
    const partner = ok(await t.gql('query($f: CustomerFilter) { customers(filter: $f) { totalCount } }', { f: { isPartner: { eq: true } } }, 'PARTNER'));
    expect(partner.customers.totalCount).toBe(1);
  });

  test('anonymous callers are UNAUTHENTICATED', async () => {
    const res = await t.gql('{ customers(first: 1) { totalCount } }', {}, null);
    expect(codes(res)).toEqual(['UNAUTHENTICATED']);
  });

  test('customAttributeDefinitions lists the declared attributes', async () => {
    const data = ok(await t.gql('{ customAttributeDefinitions { key type description options } }', {}, 'SALES_REP'));
    const defs = data.customAttributeDefinitions as { key: string; type: string; description: string; options: string[] | null }[];
    expect(defs.map((d) => [d.key, d.type])).toEqual([
      ['loyaltyCardNumber', 'STRING'], ['preferredDeliveryDay', 'ENUM'], ['fleetSize', 'INTEGER'],
      ['itBudget', 'DECIMAL'], ['newsletter', 'BOOLEAN'], ['fiscalYearStart', 'DATE'],
    ]);
    expect(defs.find((d) => d.key === 'preferredDeliveryDay')!.options).toEqual(['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT']);
    expect(defs.filter((d) => d.type !== 'ENUM').every((d) => d.options === null)).toBe(true);
    expect(defs.every((d) => d.description.length > 0)).toBe(true);
    // Every role that reads customers gets the same list.
    const analyst = ok(await t.gql('{ customAttributeDefinitions { key } }', {}, 'ANALYST'));
    expect(analyst.customAttributeDefinitions.map((d: any) => d.key)).toEqual(defs.map((d) => d.key));
  });
});

// ---------------------------------------------------------------------------------- field rules

describe('field rules on customers', () => {
  const FIELDS = '{ customers(first: 100) { edges { node { id kind name marketingConsent creditLimit creditRating phones { number } emails { address } } } } }';

  async function expectedRows() {
    const rows = await t.sql<{ id: string; kind: string; name: string; marketing_consent: boolean; credit_limit: string | null; credit_rating: string | null; phones: any }>(
      `select id, kind, name, marketing_consent, credit_limit::text as credit_limit, credit_rating, phones from customer where deleted_at is null`);
    return new Map(rows.map((r) => [r.id, { ...r, phones: typeof r.phones === 'string' ? JSON.parse(r.phones) : r.phones }]));
  }

  test.each(['FINANCE', 'SALES_MANAGER', 'ADMIN'] as Who[])('%s sees creditLimit and creditRating', async (who) => {
    const res = await t.gql(FIELDS, {}, who);
    const data = ok(res);
    const expected = await expectedRows();
    expect(data.customers.edges).toHaveLength(40);
    let assessed = 0;
    for (const { node } of data.customers.edges) {
      const row = expected.get(node.id)!;
      expect(node.creditLimit).toBe(row.credit_limit);
      expect(node.creditRating).toBe(row.credit_rating);
      if (row.credit_limit != null) assessed++;
    }
    expect(assessed).toBeGreaterThan(0);
  });

  test.each(['SALES_REP', 'SERVICE_AGENT', 'MARKETING', 'ANALYST'] as Who[])('%s gets null + FORBIDDEN for creditLimit and creditRating', async (who) => {
    const res = await t.gql(FIELDS, {}, who);
    const errors = errorsByPath(res);
    const edges = res.body.data.customers.edges;
    expect(edges.length).toBe(who === 'SALES_REP' ? 20 : 40);
    edges.forEach(({ node }: any, i: number) => {
      expect(node.creditLimit).toBeNull();
      expect(node.creditRating).toBeNull();
      expect(errors.get(`customers.edges.${i}.node.creditLimit`)).toBe('FORBIDDEN');
      expect(errors.get(`customers.edges.${i}.node.creditRating`)).toBe('FORBIDDEN');
    });
    // The rest of the data still arrives.
    expect(edges.every(({ node }: any) => typeof node.id === 'string' && typeof node.kind === 'string')).toBe(true);
  });

  test('PARTNER sees the credit limit of its own record', async () => {
    const [row] = await t.sql<{ credit_limit: string }>('select credit_limit::text as credit_limit from customer where id = ?', [partnerCustomerId]);
    expect(row.credit_limit).not.toBeNull();
    const data = ok(await t.gql('query($id: ID!) { customer(id: $id) { id creditLimit } }', { id: partnerCustomerId }, 'PARTNER'));
    expect(data.customer).toEqual({ id: partnerCustomerId, creditLimit: row.credit_limit });
  });

  test('PARTNER may not read customAttributes of its own record', async () => {
    const res = await t.gql('query($id: ID!) { customer(id: $id) { id customAttributes } }', { id: partnerCustomerId }, 'PARTNER');
    expect(res.body.data.customer).toEqual({ id: partnerCustomerId, customAttributes: null });
    expect(errorsByPath(res).get('customer.customAttributes')).toBe('FORBIDDEN');
  });

  test("ANALYST gets null + FORBIDDEN for an INDIVIDUAL's name but sees BUSINESS names", async () => {
    const res = await t.gql(FIELDS, {}, 'ANALYST');
    const errors = errorsByPath(res);
    const expected = await expectedRows();
    let individuals = 0;
    let businesses = 0;
    res.body.data.customers.edges.forEach(({ node }: any, i: number) => {
      const row = expected.get(node.id)!;
      expect(node.kind).toBe(row.kind);
      if (row.kind === 'INDIVIDUAL') {
        individuals++;
        expect(node.name).toBeNull();
        expect(errors.get(`customers.edges.${i}.node.name`)).toBe('FORBIDDEN');
      } else {
        businesses++;
        expect(node.name).toBe(row.name);
        expect(errors.has(`customers.edges.${i}.node.name`)).toBe(false);
      }
      // Contact details: never ANALYST.
      expect(node.phones).toBeNull();
      expect(errors.get(`customers.edges.${i}.node.phones`)).toBe('FORBIDDEN');
    });
    expect(individuals).toBe(8);
    expect(businesses).toBe(32);
  });

  test('MARKETING sees phones and e-mails only where marketingConsent is true', async () => {
    const res = await t.gql(FIELDS, {}, 'MARKETING');
    const errors = errorsByPath(res);
    const expected = await expectedRows();
    let consenting = 0;
    let refusing = 0;
    res.body.data.customers.edges.forEach(({ node }: any, i: number) => {
      const row = expected.get(node.id)!;
      expect(node.marketingConsent).toBe(row.marketing_consent);
      expect(node.name).toBe(row.name);
      if (row.marketing_consent) {
        consenting++;
        expect(node.phones).toEqual(row.phones.map((p: any) => ({ number: p.number })));
        expect(node.emails).not.toBeNull();
        expect(errors.has(`customers.edges.${i}.node.phones`)).toBe(false);
      } else {
        refusing++;
        expect(node.phones).toBeNull();
        expect(node.emails).toBeNull();
        expect(errors.get(`customers.edges.${i}.node.phones`)).toBe('FORBIDDEN');
        expect(errors.get(`customers.edges.${i}.node.emails`)).toBe('FORBIDDEN');
      }
    });
    expect(consenting).toBeGreaterThan(0);
    expect(refusing).toBeGreaterThan(0);
  });

  test('SERVICE_AGENT and SALES_REP read contact details of every visible customer', async () => {
    for (const who of ['SERVICE_AGENT', 'SALES_REP'] as Who[]) {
      const data = ok(await t.gql(FIELDS.replace(/creditLimit creditRating /, ''), {}, who));
      const expected = await expectedRows();
      for (const { node } of data.customers.edges) {
        expect(node.phones).toEqual(expected.get(node.id)!.phones.map((p: any) => ({ number: p.number })));
      }
    }
  });
});

// ------------------------------------------------------------------------------------ createCustomer

describe('createCustomer', () => {
  test('a rep owns what they create; defaults are applied and a CREATE entry is audited', async () => {
    const before = await counts();
    const { customer, errors } = await create({
      name: '  Acme Widgets GmbH ', kind: 'BUSINESS', employeeCount: 12,
      emails: [{ label: 'info', address: 'Info@Acme.EXAMPLE' }], phones: [{ label: 'switchboard', number: '+49 30 5550100' }],
      tags: ['Pilot', 'pilot', ' North '], customAttributes: { fleetSize: 40, preferredDeliveryDay: 'TUE' },
      externalRefs: [{ system: 'ERP', ref: 'ACME-1' }],
    });
    expect(errors).toEqual([]);
    expect(customer).toMatchObject({
      name: 'Acme Widgets GmbH', kind: 'BUSINESS', sector: 'SMALL_BUSINESS', tier: 'POTENTIAL', vip: false, status: 'ACTIVE',
      isPartner: false, channelType: null, version: 1, owner: { id: U.SALES_REP },
      tags: ['pilot', 'north'], customAttributes: { fleetSize: 40, preferredDeliveryDay: 'TUE' },
      emails: [{ label: 'info', address: 'info@acme.example' }], externalRefs: [{ system: 'erp', ref: 'ACME-1' }],
    });
    expect(customer.id).toMatch(/^cus_[0-9a-f]{32}$/);
    const after = await counts();
    expect(after).toEqual({ ...before, customers: before.customers + 1, audits: before.audits + 1, refs: before.refs + 1 });
    const [row] = await t.sql('select owner_id, created_by, sector from customer where id = ?', [customer.id]);
    expect(row).toEqual({ owner_id: U.SALES_REP, created_by: U.SALES_REP, sector: 'SMALL_BUSINESS' });
    const audit = await t.sql<{ action: string; actor_id: string; actor_type: string; entity_type: string }>(
      'select action, actor_id, actor_type, entity_type from audit_event where entity_id = ?', [customer.id]);
    expect(audit).toEqual([{ action: 'CREATE', actor_id: U.SALES_REP, actor_type: 'USER', entity_type: 'Customer' }]);
    // The rep now sees it; rep2 does not.
    const mine = ok(await t.gql('query($id: ID!) { customer(id: $id) { id } }', { id: customer.id }, 'SALES_REP'));
    expect(mine.customer.id).toBe(customer.id);
    expect(ok(await t.gql('query($id: ID!) { customer(id: $id) { id } }', { id: customer.id }, 'SALES_REP_2')).customer).toBeNull();
  });

  test.each([
    [{ kind: 'BUSINESS', employeeCount: 400 }, 'ENTERPRISE'],
    [{ kind: 'BUSINESS', employeeCount: 399 }, 'SMALL_BUSINESS'],
    [{ kind: 'BUSINESS' }, 'OTHER'],
    [{ kind: 'INDIVIDUAL' }, 'CONSUMER'],
    [{ kind: 'BUSINESS', employeeCount: 20, sector: 'GOVERNMENT' }, 'GOVERNMENT'],
  ])('sector defaults from kind and headcount: %j → %s', async (input, sector) => {
    const { customer, errors } = await create({ name: `Sector test ${sector}`, ...input });
    expect(errors).toEqual([]);
    expect(customer.sector).toBe(sector);
  });

  test('a rep cannot set another owner: FORBIDDEN on ["input","ownerId"], nothing created', async () => {
    const before = await counts();
    const { customer, errors } = await create({ name: 'Not mine Ltd', kind: 'BUSINESS', ownerId: U.SALES_REP_2 });
    expect(customer).toBeNull();
    expect(errors).toEqual([{ code: 'FORBIDDEN', message: expect.any(String), field: ['input', 'ownerId'] }]);
    expect(await counts()).toEqual(before);
    // Naming themselves is fine.
    const self = await create({ name: 'Mine Ltd', kind: 'BUSINESS', ownerId: U.SALES_REP });
    expect(self.errors).toEqual([]);
    expect(self.customer.owner.id).toBe(U.SALES_REP);
  });

  test('a manager can assign a new customer to rep2, but not to someone outside their team', async () => {
    const { customer, errors } = await create({ name: 'Assigned Ltd', kind: 'BUSINESS', ownerId: U.SALES_REP_2 }, 'SALES_MANAGER');
    expect(errors).toEqual([]);
    expect(customer.owner.id).toBe(U.SALES_REP_2);
    const seen = ok(await t.gql('query($id: ID!) { customer(id: $id) { id } }', { id: customer.id }, 'SALES_REP_2'));
    expect(seen.customer.id).toBe(customer.id);

    const before = await counts();
    const outside = await create({ name: 'Outside Ltd', kind: 'BUSINESS', ownerId: U.SERVICE_AGENT }, 'SALES_MANAGER');
    expect(outside.customer).toBeNull();
    expect(outside.errors).toEqual([{ code: 'NOT_FOUND', message: expect.any(String), field: ['input', 'ownerId'] }]);
    // ADMIN may pick anyone, but only people in sales own customers.
    const notSales = await create({ name: 'Service owned Ltd', kind: 'BUSINESS', ownerId: U.SERVICE_AGENT }, 'ADMIN');
    expect(notSales.errors).toEqual([{ code: 'VALIDATION', message: expect.any(String), field: ['input', 'ownerId'] }]);
    expect(await counts()).toEqual(before);
  });

  describe('invalid input names the field and leaves nothing behind', () => {
    const cases: [string, Record<string, unknown>, string, string[]][] = [
      ['bad e-mail', { emails: [{ label: 'work', address: 'not-an-address' }] }, 'VALIDATION', ['input', 'emails', '0', 'address']],
      ['second e-mail bad', { emails: [{ label: 'work', address: 'a@b.example' }, { label: 'home', address: 'x@' }] }, 'VALIDATION', ['input', 'emails', '1', 'address']],
      ['bad phone', { phones: [{ label: 'mobile', number: 'call me maybe' }] }, 'VALIDATION', ['input', 'phones', '0', 'number']],
      ['phone with too few digits', { phones: [{ label: 'mobile', number: '+1 (2) 3' }] }, 'VALIDATION', ['input', 'phones', '0', 'number']],
      ['too-long name', { name: 'x'.repeat(201) }, 'VALIDATION', ['input', 'name']],
      ['blank name', { name: '   ' }, 'VALIDATION', ['input', 'name']],
      ['ENTERPRISE with 10 employees', { sector: 'ENTERPRISE', employeeCount: 10 }, 'VALIDATION', ['input', 'sector']],
      ['negative headcount', { employeeCount: -1 }, 'VALIDATION', ['input', 'employeeCount']],
      ['vip on a non-KEY tier', { tier: 'TARGET', vip: true }, 'VALIDATION', ['input', 'vip']],
      ['CHURNED without churnReason', { status: 'CHURNED' }, 'VALIDATION', ['input', 'churnReason']],
      ['churnReason while ACTIVE', { churnReason: 'PRICE' }, 'VALIDATION', ['input', 'churnReason']],
      ['channelType without isPartner', { channelType: 'ONLINE' }, 'VALIDATION', ['input', 'channelType']],
      ['unknown custom attribute', { customAttributes: { shoeSize: 42 } }, 'VALIDATION', ['input', 'customAttributes', 'shoeSize']],
      ['custom attribute of the wrong type', { customAttributes: { fleetSize: 'many' } }, 'VALIDATION', ['input', 'customAttributes', 'fleetSize']],
      ['custom enum attribute out of its options', { customAttributes: { preferredDeliveryDay: 'SUN' } }, 'VALIDATION', ['input', 'customAttributes', 'preferredDeliveryDay']],
      ['bad website', { website: 'not a url' }, 'VALIDATION', ['input', 'website']],
      ['two refs for one system', { externalRefs: [{ system: 'shop', ref: 'A' }, { system: 'SHOP', ref: 'B' }] }, 'VALIDATION', ['input', 'externalRefs', '1', 'system']],
    ];
    test.each(cases)('%s', async (_label, input, code, field) => {
      const before = await counts();
      const { customer, errors } = await create({ name: 'Invalid Co', kind: 'BUSINESS', ...input });
      expect(customer).toBeNull();
      expect(errors).toContainEqual({ code, message: expect.any(String), field });
      expect(errors.every((e) => e.message.length > 0)).toBe(true);
      expect(await counts()).toEqual(before);
    });

    test('an external ref of another customer is DUPLICATE', async () => {
      const [taken] = await t.sql<{ system: string; ref: string }>('select system, ref from customer_external_ref order by ref limit 1');
      const before = await counts();
      const { customer, errors } = await create({
        name: 'Copycat Ltd', kind: 'BUSINESS',
        externalRefs: [{ system: 'shop', ref: 'COPY-1' }, { system: taken.system.toUpperCase(), ref: taken.ref }],
      });
      expect(customer).toBeNull();
      expect(errors).toEqual([{ code: 'DUPLICATE', message: expect.stringContaining(taken.ref), field: ['input', 'externalRefs', '1', 'ref'] }]);
      expect(await counts()).toEqual(before);
      expect(await t.sql("select 1 from customer_external_ref where ref = 'COPY-1'")).toEqual([]);
    });

    test('a referredById the caller cannot see is NOT_FOUND', async () => {
      const theirs = await liveCustomerOf('SALES_REP_2');
      const before = await counts();
      const { customer, errors } = await create({ name: 'Referred Ltd', kind: 'BUSINESS', referredById: theirs.id });
      expect(customer).toBeNull();
      expect(errors).toEqual([{ code: 'NOT_FOUND', message: expect.any(String), field: ['input', 'referredById'] }]);
      expect(await counts()).toEqual(before);
    });
  });

  test.each(['MARKETING', 'FINANCE', 'ANALYST', 'SERVICE_AGENT', 'PARTNER'] as Who[])('%s may not call createCustomer: FORBIDDEN', async (who) => {
    const before = await counts();
    const res = await t.gql(CREATE, { input: { name: `By ${who}`, kind: 'BUSINESS' } }, who);
    expect(codes(res)).toEqual(['FORBIDDEN']);
    expect(res.body.errors![0].path).toEqual(['createCustomer']);
    expect(res.body.data).toBeNull();
    expect(await counts()).toEqual(before);
  });
});

// ------------------------------------------------------------------------------------ updateCustomer

describe('updateCustomer', () => {
  test('the happy path increments version, changes updatedAt and audits exactly the changed fields', async () => {
    const target = await liveCustomerOf('SALES_REP', "c.kind = 'BUSINESS' and c.tier <> 'KEY'");
    const [before] = await t.sql<{ updated_at: string; tier: string; industry: string | null }>(
      `select to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as updated_at, tier, industry from customer where id = ?`, [target.id]);
    const { customer, errors } = ok(await t.gql(UPDATE, { input: { id: target.id, version: target.version, tier: 'KEY', industry: 'Space travel', name: target.name } }, 'SALES_REP')).updateCustomer;
    expect(errors).toEqual([]);
    expect(customer).toMatchObject({ id: target.id, tier: 'KEY', industry: 'Space travel', name: target.name, version: target.version + 1 });
    expect(customer.updatedAt).not.toBe(before.updated_at);
    expect(new Date(customer.updatedAt).getTime()).toBeGreaterThan(new Date(before.updated_at).getTime());
    const [row] = await t.sql('select tier, industry, version from customer where id = ?', [target.id]);
    expect(row).toEqual({ tier: 'KEY', industry: 'Space travel', version: target.version + 1 });

    const h = await history(target.id, 'SALES_REP');
    expect(h.edges[0].node).toMatchObject({ action: 'UPDATE', entityType: 'Customer', entityId: target.id, actorType: 'USER', actor: { id: U.SALES_REP } });
    expect(h.edges[0].node.changes).toEqual([
      { field: 'tier', oldValue: before.tier, newValue: 'KEY', redacted: false },
      { field: 'industry', oldValue: before.industry, newValue: 'Space travel', redacted: false },
    ]);
  });

  test('an update that changes nothing keeps the version and writes no audit entry', async () => {
    const target = await liveCustomerOf('SALES_REP', "c.kind = 'BUSINESS'");
    const was = await stored(target.id);
    const { customer, errors } = ok(await t.gql(UPDATE, { input: { id: target.id, version: target.version, name: target.name } }, 'SALES_REP')).updateCustomer;
    expect(errors).toEqual([]);
    expect(customer.version).toBe(target.version);
    expect(await stored(target.id)).toEqual(was);
  });

  test('a stale version is a CONFLICT and changes nothing', async () => {
    const target = await liveCustomerOf('SALES_REP', "c.kind = 'BUSINESS'");
    const first = ok(await t.gql(UPDATE, { input: { id: target.id, version: target.version, industry: 'First writer' } }, 'SALES_REP')).updateCustomer;
    expect(first.errors).toEqual([]);
    const was = await stored(target.id);
    const before = await counts();
    const { customer, errors } = ok(await t.gql(UPDATE, { input: { id: target.id, version: target.version, industry: 'Second writer', tags: ['late'] } }, 'SALES_REP')).updateCustomer;
    expect(customer).toBeNull();
    expect(errors).toEqual([{ code: 'CONFLICT', message: expect.any(String), field: ['input', 'version'] }]);
    expect(await stored(target.id)).toEqual(was);
    expect(await counts()).toEqual(before);
  });

  test("a rep updating rep2's customer gets a NOT_FOUND payload error", async () => {
    const theirs = await liveCustomerOf('SALES_REP_2');
    const was = await stored(theirs.id);
    const { customer, errors } = ok(await t.gql(UPDATE, { input: { id: theirs.id, version: theirs.version, industry: 'Hijacked' } }, 'SALES_REP')).updateCustomer;
    expect(customer).toBeNull();
    expect(errors).toEqual([{ code: 'NOT_FOUND', message: expect.any(String), field: ['input', 'id'] }]);
    expect(await stored(theirs.id)).toEqual(was);
  });

  test('a rep cannot move their customer to someone else; a manager can', async () => {
    const target = await liveCustomerOf('SALES_REP', "c.kind = 'BUSINESS'");
    const refused = ok(await t.gql(UPDATE, { input: { id: target.id, version: target.version, ownerId: U.SALES_REP_2 } }, 'SALES_REP')).updateCustomer;
    expect(refused.errors).toEqual([{ code: 'FORBIDDEN', message: expect.any(String), field: ['input', 'ownerId'] }]);
    const moved = ok(await t.gql(UPDATE, { input: { id: target.id, version: target.version, ownerId: U.SALES_REP_2 } }, 'SALES_MANAGER')).updateCustomer;
    expect(moved.errors).toEqual([]);
    expect(moved.customer.owner.id).toBe(U.SALES_REP_2);
    const back = ok(await t.gql(UPDATE, { input: { id: target.id, version: moved.customer.version, ownerId: U.SALES_REP } }, 'SALES_MANAGER')).updateCustomer;
    expect(back.errors).toEqual([]);
    expect(back.customer.owner.id).toBe(U.SALES_REP);
  });

  test.each(['name', 'tier', 'kind', 'tags', 'status'])('null for the non-nullable %s is a VALIDATION error', async (field) => {
    const target = await liveCustomerOf('SALES_REP', "c.kind = 'BUSINESS'");
    const was = await stored(target.id);
    const { customer, errors } = ok(await t.gql(UPDATE, { input: { id: target.id, version: target.version, industry: 'Changed too', [field]: null } }, 'SALES_REP')).updateCustomer;
    expect(customer).toBeNull();
    expect(errors).toContainEqual({ code: 'VALIDATION', message: expect.any(String), field: ['input', field] });
    expect(await stored(target.id)).toEqual(was);
  });

  test('null clears an optional field', async () => {
    const target = await liveCustomerOf('SALES_REP', "c.kind = 'BUSINESS' and c.industry is not null");
    const { errors, customer } = ok(await t.gql(UPDATE, { input: { id: target.id, version: target.version, industry: null } }, 'SALES_REP')).updateCustomer;
    expect(errors).toEqual([]);
    expect(customer.industry).toBeNull();
  });

  test('rules across fields are checked on the resulting state', async () => {
    const target = await liveCustomerOf('SALES_REP', "c.kind = 'BUSINESS' and c.tier <> 'KEY'");
    const was = await stored(target.id);
    const { errors } = ok(await t.gql(UPDATE, { input: { id: target.id, version: target.version, vip: true } }, 'SALES_REP')).updateCustomer;
    expect(errors).toEqual([{ code: 'VALIDATION', message: expect.any(String), field: ['input', 'vip'] }]);
    expect(await stored(target.id)).toEqual(was);
  });

  test('rollback: a duplicate external ref together with other changes leaves the row, refs and audit log as before', async () => {
    const target = await liveCustomerOf('SALES_REP', "c.kind = 'BUSINESS' and c.tier <> 'KEY' and not exists (select 1 from customer_external_ref r where r.customer_id = c.id)");
    const [taken] = await t.sql<{ system: string; ref: string }>('select system, ref from customer_external_ref where customer_id <> ? order by ref limit 1', [target.id]);
    const was = await stored(target.id);
    const before = await counts();
    const { customer, errors } = ok(await t.gql(UPDATE, { input: {
      id: target.id, version: target.version, name: 'Renamed in a doomed update', tier: 'KEY', vip: true, tags: ['doomed'],
      phones: [{ label: 'new', number: '+1 555 0100' }],
      externalRefs: [{ system: 'webshop', ref: 'DOOMED-1' }, { system: taken.system, ref: taken.ref }],
    } }, 'SALES_REP')).updateCustomer;
    expect(customer).toBeNull();
    expect(errors).toEqual([{ code: 'DUPLICATE', message: expect.any(String), field: ['input', 'externalRefs', '1', 'ref'] }]);
    expect(await stored(target.id)).toEqual(was);
    expect(await counts()).toEqual(before);
    expect(await t.sql("select 1 from customer_external_ref where ref = 'DOOMED-1'")).toEqual([]);
    // The same request without the duplicate goes through (so it was the duplicate that stopped it).
    const fine = ok(await t.gql(UPDATE, { input: {
      id: target.id, version: target.version, name: 'Renamed for real', externalRefs: [{ system: 'webshop', ref: 'REAL-1' }],
    } }, 'SALES_REP')).updateCustomer;
    expect(fine.errors).toEqual([]);
    expect(fine.customer.externalRefs).toEqual([{ system: 'webshop', ref: 'REAL-1' }]);
    // Keeping one's own reference is not a duplicate.
    const again = ok(await t.gql(UPDATE, { input: {
      id: target.id, version: fine.customer.version, industry: 'Keeps its ref', externalRefs: [{ system: 'webshop', ref: 'REAL-1' }],
    } }, 'SALES_REP')).updateCustomer;
    expect(again.errors).toEqual([]);
  });

  test('rollback: of two concurrent updates from the same version exactly one wins, and the loser leaves no trace', async () => {
    const target = await liveCustomerOf('SALES_REP', "c.kind = 'BUSINESS' and not exists (select 1 from customer_external_ref r where r.customer_id = c.id)");
    const before = await stored(target.id);
    const input = (n: number) => ({ id: target.id, version: target.version, industry: `Writer ${n}`, tags: [`writer-${n}`], externalRefs: [{ system: 'race', ref: `RACE-${n}` }] });
    const results = await Promise.all([1, 2].map(async (n) => ok(await t.gql(UPDATE, { input: input(n) }, 'SALES_REP')).updateCustomer));
    const winners = results.map((r, i) => (r.errors.length ? null : i + 1)).filter((n): n is number => n !== null);
    expect(winners).toHaveLength(1);
    const loser = results.find((r) => r.errors.length)!;
    expect(loser.customer).toBeNull();
    expect(loser.errors).toEqual([{ code: 'CONFLICT', message: expect.any(String), field: ['input', 'version'] }]);
    const w = winners[0];
    const after = await stored(target.id);
    expect((after.row as any).industry).toBe(`Writer ${w}`);
    expect((after.row as any).tags).toEqual([`writer-${w}`]);
    expect((after.row as any).version).toBe(target.version + 1);
    expect(after.refs).toEqual([{ system: 'race', ref: `RACE-${w}` }]);
    expect(after.audit).toHaveLength(before.audit.length + 1);
    expect(await t.sql("select ref from customer_external_ref where system = 'race'")).toEqual([{ ref: `RACE-${w}` }]);
  });

  test.each(['MARKETING', 'FINANCE', 'ANALYST', 'SERVICE_AGENT', 'PARTNER'] as Who[])('%s may not call updateCustomer: FORBIDDEN', async (who) => {
    const [row] = await t.sql<{ id: string; version: number }>('select id, version from customer where id = ?', [partnerCustomerId]);
    const was = await stored(row.id);
    const res = await t.gql(UPDATE, { input: { id: row.id, version: row.version, industry: 'Nope' } }, who);
    expect(codes(res)).toEqual(['FORBIDDEN']);
    expect(res.body.data).toBeNull();
    expect(await stored(row.id)).toEqual(was);
  });
});

// --------------------------------------------------------------------------------- delete / restore

describe('deleteCustomer and restoreCustomer', () => {
  const CONTACTS = 'query($f: ContactFilter) { contacts(first: 100, filter: $f) { totalCount edges { node { id } } } }';

  async function liveContactCount(ownerId: string) {
    const [row] = await t.sql<{ n: number }>(`select count(*)::int as n from contact k join customer c on c.id = k.customer_id
      where k.deleted_at is null and c.deleted_at is null and c.owner_id = ?`, [ownerId]);
    return row.n;
  }

  test('a soft-deleted customer disappears from lists, counts, by id and with its contacts; a manager restores it', async () => {
    const target = await liveCustomerOf('SALES_REP', "c.kind = 'BUSINESS' and (select count(*) from contact k where k.customer_id = c.id) > 1");
    const contactIds = (await t.sql<{ id: string }>('select id from contact where customer_id = ? and deleted_at is null order by id', [target.id])).map((r) => r.id);
    const repBefore = await visibleIds('SALES_REP');
    const adminBefore = await visibleIds('ADMIN');
    const contactsBefore = ok(await t.gql(CONTACTS, {}, 'SALES_REP')).contacts.totalCount;
    expect(contactsBefore).toBe(await liveContactCount(U.SALES_REP));
    const own = ok(await t.gql(CONTACTS, { f: { customerId: { eq: target.id } } }, 'SALES_REP')).contacts;
    expect(sortIds(own.edges.map((e: any) => e.node.id))).toEqual(contactIds);

    const del = ok(await t.gql(DELETE, { id: target.id }, 'SALES_REP')).deleteCustomer;
    expect(del).toEqual({ customer: { id: target.id }, errors: [] });
    const [row] = await t.sql<{ deleted: boolean }>('select deleted_at is not null as deleted from customer where id = ?', [target.id]);
    expect(row.deleted).toBe(true);

    const repAfter = await visibleIds('SALES_REP');
    expect(repAfter.totalCount).toBe(repBefore.totalCount - 1);
    expect(repAfter.ids).not.toContain(target.id);
    const adminAfter = await visibleIds('ADMIN');
    expect(adminAfter.totalCount).toBe(adminBefore.totalCount - 1);
    expect(adminAfter.ids).not.toContain(target.id);
    for (const who of ['SALES_REP', 'ADMIN'] as Who[]) {
      expect(ok(await t.gql('query($id: ID!) { customer(id: $id) { id } }', { id: target.id }, who)).customer).toBeNull();
      expect(ok(await t.gql('query($id: ID!) { node(id: $id) { id } }', { id: target.id }, who)).node).toBeNull();
    }
    expect(ok(await t.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: [target.id, contactIds[0]] }, 'ADMIN')).nodes).toEqual([null, null]);
    const gone = ok(await t.gql(CONTACTS, { f: { customerId: { eq: target.id } } }, 'SALES_REP')).contacts;
    expect(gone).toEqual({ totalCount: 0, edges: [] });
    expect(ok(await t.gql(CONTACTS, {}, 'SALES_REP')).contacts.totalCount).toBe(contactsBefore - contactIds.length);
    expect(ok(await t.gql('query($id: ID!) { contact(id: $id) { id } }', { id: contactIds[0] }, 'SALES_REP')).contact).toBeNull();
    // Search does not find it either.
    const searched = ok(await t.gql('query($s: String) { customers(search: $s) { edges { node { id } } } }', { s: target.name }, 'ADMIN'));
    expect(searched.customers.edges.map((e: any) => e.node.id)).not.toContain(target.id);

    // Deleting it again: it no longer exists for writes.
    const again = ok(await t.gql(DELETE, { id: target.id }, 'SALES_REP')).deleteCustomer;
    expect(again).toEqual({ customer: null, errors: [{ code: 'NOT_FOUND', message: expect.any(String), field: ['input', 'id'] }] });
    // Nor for updates.
    const upd = ok(await t.gql(UPDATE, { input: { id: target.id, version: target.version, industry: 'Ghost' } }, 'SALES_REP')).updateCustomer;
    expect(upd.errors).toEqual([{ code: 'NOT_FOUND', message: expect.any(String), field: ['input', 'id'] }]);

    // A rep cannot restore.
    const repRestore = await t.gql(RESTORE, { id: target.id }, 'SALES_REP');
    expect(codes(repRestore)).toEqual(['FORBIDDEN']);
    expect(repRestore.body.data).toBeNull();
    expect((await t.sql<{ deleted: boolean }>('select deleted_at is not null as deleted from customer where id = ?', [target.id]))[0].deleted).toBe(true);

    // The manager can.
    const restored = ok(await t.gql(RESTORE, { id: target.id }, 'SALES_MANAGER')).restoreCustomer;
    expect(restored).toEqual({ customer: { id: target.id, name: target.name }, errors: [] });
    const repBack = await visibleIds('SALES_REP');
    expect(repBack.totalCount).toBe(repBefore.totalCount);
    expect(sortIds(repBack.ids)).toEqual(sortIds(repBefore.ids));
    expect((await visibleIds('ADMIN')).totalCount).toBe(adminBefore.totalCount);
    expect(ok(await t.gql('query($id: ID!) { customer(id: $id) { id } }', { id: target.id }, 'SALES_REP')).customer.id).toBe(target.id);
    expect(ok(await t.gql(CONTACTS, {}, 'SALES_REP')).contacts.totalCount).toBe(contactsBefore);
    const back = ok(await t.gql(CONTACTS, { f: { customerId: { eq: target.id } } }, 'SALES_REP')).contacts;
    expect(sortIds(back.edges.map((e: any) => e.node.id))).toEqual(contactIds);
  });

  test('ADMIN restores too; restoring a live customer is a NOT_FOUND payload error', async () => {
    const target = await liveCustomerOf('SALES_REP_2', "c.kind = 'BUSINESS'");
    expect(ok(await t.gql(DELETE, { id: target.id }, 'SALES_MANAGER')).deleteCustomer.errors).toEqual([]);
    const restored = ok(await t.gql(RESTORE, { id: target.id }, 'ADMIN')).restoreCustomer;
    expect(restored.errors).toEqual([]);
    expect(restored.customer.id).toBe(target.id);
    const was = await stored(target.id);
    for (const who of ['ADMIN', 'SALES_MANAGER'] as Who[]) {
      const live = ok(await t.gql(RESTORE, { id: target.id }, who)).restoreCustomer;
      expect(live).toEqual({ customer: null, errors: [{ code: 'NOT_FOUND', message: expect.any(String), field: ['input', 'id'] }] });
    }
    expect(await stored(target.id)).toEqual(was);
  });

  test("a rep cannot delete rep2's customer; roles without the right get FORBIDDEN", async () => {
    const theirs = await liveCustomerOf('SALES_REP_2');
    const was = await stored(theirs.id);
    const res = ok(await t.gql(DELETE, { id: theirs.id }, 'SALES_REP')).deleteCustomer;
    expect(res).toEqual({ customer: null, errors: [{ code: 'NOT_FOUND', message: expect.any(String), field: ['input', 'id'] }] });
    for (const who of ['MARKETING', 'FINANCE', 'ANALYST', 'SERVICE_AGENT', 'PARTNER'] as Who[]) {
      const denied = await t.gql(DELETE, { id: theirs.id }, who);
      expect(codes(denied)).toEqual(['FORBIDDEN']);
    }
    expect(await stored(theirs.id)).toEqual(was);
  });
});

// ------------------------------------------------------------------------------------------ history

describe('history', () => {
  test('create, update, delete and restore entries, newest first, with changes and actors', async () => {
    const { customer } = await create({ name: 'History Ltd', kind: 'BUSINESS', employeeCount: 50, tags: ['pilot'] });
    const id = customer.id;
    const upd = ok(await t.gql(UPDATE, { input: { id, version: 1, name: 'History Two Ltd', tags: ['pilot', 'renewal'], employeeCount: 60 } }, 'SALES_REP')).updateCustomer;
    expect(upd.errors).toEqual([]);
    expect(ok(await t.gql(DELETE, { id }, 'SALES_REP')).deleteCustomer.errors).toEqual([]);
    expect(ok(await t.gql(RESTORE, { id }, 'SALES_MANAGER')).restoreCustomer.errors).toEqual([]);

    const h = await history(id, 'SALES_MANAGER');
    expect(h.totalCount).toBe(4);
    const nodes = h.edges.map((e) => e.node);
    expect(nodes.map((n) => n.action)).toEqual(['RESTORE', 'DELETE', 'UPDATE', 'CREATE']);
    expect(nodes.map((n) => n.actor.id)).toEqual([U.SALES_MANAGER, U.SALES_REP, U.SALES_REP, U.SALES_REP]);
    const times = nodes.map((n) => new Date(n.at).getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(nodes.every((n) => n.entityType === 'Customer' && n.entityId === id && n.actorType === 'USER')).toBe(true);

    const [restore, del, update, createEntry] = nodes;
    expect(update.changes).toEqual([
      { field: 'name', oldValue: 'History Ltd', newValue: 'History Two Ltd', redacted: false },
      { field: 'employeeCount', oldValue: 50, newValue: 60, redacted: false },
      { field: 'tags', oldValue: ['pilot'], newValue: ['pilot', 'renewal'], redacted: false },
    ]);
    expect(del.changes).toEqual([{ field: 'deletedAt', oldValue: null, newValue: expect.any(String), redacted: false }]);
    expect(restore.changes).toEqual([{ field: 'deletedAt', oldValue: del.changes[0].newValue, newValue: null, redacted: false }]);
    const created = Object.fromEntries(createEntry.changes.map((c: any) => [c.field, c]));
    expect(created.name).toEqual({ field: 'name', oldValue: null, newValue: 'History Ltd', redacted: false });
    expect(created.ownerId).toEqual({ field: 'ownerId', oldValue: null, newValue: U.SALES_REP, redacted: false });
    expect(created.sector.newValue).toBe('SMALL_BUSINESS');
    expect(createEntry.changes.every((c: any) => c.oldValue === null && c.redacted === false)).toBe(true);

    // Paging through the history gives the same entries.
    const p1 = ok(await t.gql(HISTORY, { id, first: 3 }, 'SALES_REP')).customer.history;
    expect(p1.pageInfo.hasNextPage).toBe(true);
    const p2 = ok(await t.gql(HISTORY, { id, first: 3, after: p1.pageInfo.endCursor }, 'SALES_REP')).customer.history;
    expect(p2.pageInfo.hasNextPage).toBe(false);
    expect([...p1.edges, ...p2.edges].map((e: any) => e.node.id)).toEqual(nodes.map((n) => n.id));
  });

  test('MARKETING sees phone changes redacted for a customer without marketing consent', async () => {
    const noConsent = await liveCustomerOf('SALES_REP', "c.kind = 'BUSINESS' and c.marketing_consent = false and c.tier <> 'KEY'");
    const consent = await liveCustomerOf('SALES_REP', "c.kind = 'BUSINESS' and c.marketing_consent = true and c.tier <> 'KEY'");
    for (const c of [noConsent, consent]) {
      const r = ok(await t.gql(UPDATE, { input: { id: c.id, version: c.version, phones: [{ label: 'direct', number: '+44 20 7946 0958' }], tier: 'KEY' } }, 'SALES_REP')).updateCustomer;
      expect(r.errors).toEqual([]);
    }
    const hidden = (await history(noConsent.id, 'MARKETING')).edges[0].node;
    expect(hidden.action).toBe('UPDATE');
    const byField = Object.fromEntries(hidden.changes.map((ch: any) => [ch.field, ch]));
    expect(byField.phones).toEqual({ field: 'phones', oldValue: null, newValue: null, redacted: true });
    expect(byField.tier).toEqual({ field: 'tier', oldValue: expect.any(String), newValue: 'KEY', redacted: false });

    const shown = (await history(consent.id, 'MARKETING')).edges[0].node;
    const shownByField = Object.fromEntries(shown.changes.map((ch: any) => [ch.field, ch]));
    expect(shownByField.phones.redacted).toBe(false);
    expect(shownByField.phones.newValue).toEqual([{ label: 'direct', number: '+44 20 7946 0958' }]);

    // The rep who may read phones sees them in both.
    const rep = (await history(noConsent.id, 'SALES_REP')).edges[0].node;
    expect(rep.changes.find((ch: any) => ch.field === 'phones')).toMatchObject({ redacted: false, newValue: [{ label: 'direct', number: '+44 20 7946 0958' }] });
    // ANALYST never sees phones.
    const analyst = (await history(consent.id, 'ANALYST')).edges[0].node;
    expect(analyst.changes.find((ch: any) => ch.field === 'phones')).toEqual({ field: 'phones', oldValue: null, newValue: null, redacted: true });
  });

  test("ANALYST sees name changes of an INDIVIDUAL redacted, of a BUSINESS in clear", async () => {
    const person = await liveCustomerOf('SALES_REP', "c.kind = 'INDIVIDUAL'");
    const company = await liveCustomerOf('SALES_REP', "c.kind = 'BUSINESS'");
    for (const [c, name] of [[person, 'Renamed Person'], [company, 'Renamed Company AG']] as const) {
      expect(ok(await t.gql(UPDATE, { input: { id: c.id, version: c.version, name } }, 'SALES_REP')).updateCustomer.errors).toEqual([]);
    }
    const personEntry = (await history(person.id, 'ANALYST')).edges[0].node;
    expect(personEntry.changes).toEqual([{ field: 'name', oldValue: null, newValue: null, redacted: true }]);
    const companyEntry = (await history(company.id, 'ANALYST')).edges[0].node;
    expect(companyEntry.changes).toEqual([{ field: 'name', oldValue: company.name, newValue: 'Renamed Company AG', redacted: false }]);
    const managerView = (await history(person.id, 'SALES_MANAGER')).edges[0].node;
    expect(managerView.changes).toEqual([{ field: 'name', oldValue: person.name, newValue: 'Renamed Person', redacted: false }]);
  });

  test('PARTNER asking for history gets null + FORBIDDEN, the rest of the customer still arrives', async () => {
    const res = await t.gql('query($id: ID!) { customer(id: $id) { id history { totalCount } } }', { id: partnerCustomerId }, 'PARTNER');
    expect(res.body.data.customer).toEqual({ id: partnerCustomerId, history: null });
    expect(errorsByPath(res).get('customer.history')).toBe('FORBIDDEN');
  });

  test('a rep cannot read the history of a customer they cannot see', async () => {
    const theirs = await liveCustomerOf('SALES_REP_2');
    const res = await t.gql(HISTORY, { id: theirs.id, first: 5 }, 'SALES_REP');
    expect(codes(res)).toEqual([]);
    expect(res.body.data).toEqual({ customer: null });
  });

  test("entries of an order or a lead follow that record's own scope, in history, its count and node(id)", async () => {
    // rep1's customer with an order and a lead of rep2 (converted into it), each with an audit entry.
    const c = await liveCustomerOf('SALES_REP');
    const hex = (ch: string) => ch.repeat(32);
    const [orderId, leadId, orderEntry, leadEntry] = [`ord_${hex('e')}`, `led_${hex('e')}`, `aud_${hex('e')}`, `aud_${hex('f')}`];
    await t.sql(`insert into sales_order (id, customer_id, bill_to_id, channel, currency, subtotal, total, created_by)
      values (?, ?, ?, 'WEB', 'EUR', 99, 99, ?)`, [orderId, c.id, c.id, U.ADMIN]);
    await t.sql(`insert into lead (id, first_name, last_name, source, owner_id, status) values (?, 'Lea', 'Lead', 'WEB', ?, 'WORKING')`, [leadId, U.SALES_REP_2]);
    for (const [id, type, entity, field] of [[orderEntry, 'Order', orderId, 'total'], [leadEntry, 'Lead', leadId, 'status']]) {
      await t.sql(`insert into audit_event (id, entity_type, entity_id, customer_id, action, actor_type, actor_id, at, changes)
        values (?, ?, ?, ?, 'UPDATE', 'USER', ?, now(), ?::jsonb)`, [id, type, entity, c.id, U.ADMIN, JSON.stringify([{ field, old: null, new: 'x' }])]);
    }
    const key = ok(await t.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`,
      { input: { name: 'history reader', role: 'INTEGRATION', scopes: ['customers:read'] } }, 'ADMIN')).createApiKey.secret;
    // Readers of orders see the order's entry; readers of the lead (ADMIN, MARKETING, rep2's manager) its entry.
    const expected: [Who | 'INTEGRATION', string[]][] = [
      ['ADMIN', ['Lead', 'Order']], ['SALES_MANAGER', ['Lead', 'Order']], ['SALES_REP', ['Order']], ['SERVICE_AGENT', ['Order']],
      ['FINANCE', ['Order']], ['MARKETING', ['Lead']], ['ANALYST', []], ['INTEGRATION', []],
    ];
    for (const [who, types] of expected) {
      const as = who === 'INTEGRATION' ? { apiKey: key } : who;
      const h = ok(await t.gql(HISTORY, { id: c.id, first: 100 }, as)).customer.history;
      const seen = h.edges.map((e: any) => e.node).filter((n: any) => [orderEntry, leadEntry].includes(n.id)).map((n: any) => n.entityType).sort();
      expect([who, seen]).toEqual([who, types]);
      expect([who, h.totalCount]).toEqual([who, h.edges.length]);
      const nodes = ok(await t.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: [orderEntry, leadEntry] }, as)).nodes;
      expect([who, nodes.filter(Boolean).length]).toEqual([who, types.length]);
    }
  });
});

// --------------------------------------------------------------------------------------- reassign

describe('reassignCustomers', () => {
  test('a rep may not call it: FORBIDDEN', async () => {
    const before = await counts();
    const res = await t.gql(REASSIGN, { from: U.SALES_REP, to: U.SALES_REP_2 }, 'SALES_REP');
    expect(codes(res)).toEqual(['FORBIDDEN']);
    expect(res.body.data).toBeNull();
    for (const who of ['MARKETING', 'FINANCE', 'ANALYST', 'SERVICE_AGENT', 'PARTNER'] as Who[]) {
      expect(codes(await t.gql(REASSIGN, { from: U.SALES_REP, to: U.SALES_REP_2 }, who))).toEqual(['FORBIDDEN']);
    }
    expect(await counts()).toEqual(before);
    expect(await sqlIds('c.owner_id = ?', [U.SALES_REP])).not.toEqual([]);
  });

  test('a manager cannot move customers to someone outside their team; from == to is VALIDATION', async () => {
    const owned = await sqlIds('c.owner_id = ?', [U.SALES_REP]);
    const before = await counts();
    const outside = ok(await t.gql(REASSIGN, { from: U.SALES_REP, to: U.SERVICE_AGENT }, 'SALES_MANAGER')).reassignCustomers;
    expect(outside.movedCount).toBe(0);
    expect(outside.errors).toEqual([{ code: 'NOT_FOUND', message: expect.any(String), field: ['input', 'toUserId'] }]);
    const notSales = ok(await t.gql(REASSIGN, { from: U.SALES_REP, to: U.SERVICE_AGENT }, 'ADMIN')).reassignCustomers;
    expect(notSales.movedCount).toBe(0);
    expect(notSales.errors).toEqual([{ code: 'VALIDATION', message: expect.any(String), field: ['input', 'toUserId'] }]);
    const fromOutside = ok(await t.gql(REASSIGN, { from: U.ADMIN, to: U.SALES_REP }, 'SALES_MANAGER')).reassignCustomers;
    expect(fromOutside.errors).toEqual([{ code: 'NOT_FOUND', message: expect.any(String), field: ['input', 'fromUserId'] }]);
    const same = ok(await t.gql(REASSIGN, { from: U.SALES_REP, to: U.SALES_REP }, 'SALES_MANAGER')).reassignCustomers;
    expect(same.movedCount).toBe(0);
    expect(same.errors).toEqual([{ code: 'VALIDATION', message: expect.any(String), field: ['input', 'toUserId'] }]);
    expect(await counts()).toEqual(before);
    expect(await sqlIds('c.owner_id = ?', [U.SALES_REP])).toEqual(owned);
  });

  test('the manager moves every rep1 customer (soft-deleted ones too) to rep2 in one transaction, each move audited', async () => {
    // One of rep1's customers is soft-deleted first: it must move as well.
    const deleted = await liveCustomerOf('SALES_REP', "c.kind = 'BUSINESS'");
    expect(ok(await t.gql(DELETE, { id: deleted.id }, 'SALES_REP')).deleteCustomer.errors).toEqual([]);
    const fromRep1 = await sqlIds('c.owner_id = ?', [U.SALES_REP]);
    const rep2Before = await sqlIds('c.owner_id = ?', [U.SALES_REP_2]);
    expect(fromRep1).toContain(deleted.id);
    const versions = new Map((await t.sql<{ id: string; version: number }>('select id, version from customer where owner_id = ?', [U.SALES_REP])).map((r) => [r.id, r.version]));
    const auditsBefore = (await counts()).audits;

    const res = ok(await t.gql(REASSIGN, { from: U.SALES_REP, to: U.SALES_REP_2 }, 'SALES_MANAGER')).reassignCustomers;
    expect(res).toEqual({ movedCount: fromRep1.length, errors: [] });

    expect(await sqlIds('c.owner_id = ?', [U.SALES_REP])).toEqual([]);
    expect(await sqlIds('c.owner_id = ?', [U.SALES_REP_2])).toEqual(sortIds([...rep2Before, ...fromRep1]));
    const moved = await t.sql<{ id: string; version: number; updated_at: unknown }>(`select id, version, updated_at from customer where id in (${fromRep1.map(() => '?').join(', ')})`, fromRep1);
    for (const row of moved) expect(row.version).toBe(versions.get(row.id)! + 1);
    // One statement in one transaction: every row carries the same transaction time.
    const [stamps] = await t.sql<{ n: number; a: number }>(`select count(distinct c.updated_at)::int as n,
      (select count(distinct a.at)::int from audit_event a where a.action = 'REASSIGN') as a
      from customer c where c.id in (${fromRep1.map(() => '?').join(', ')})`, fromRep1);
    expect(stamps).toEqual({ n: 1, a: 1 });

    const audits = await t.sql<{ entity_id: string; actor_id: string; changes: any }>(`select entity_id, actor_id, changes from audit_event where action = 'REASSIGN' order by entity_id`);
    expect(audits.map((a) => a.entity_id)).toEqual(fromRep1);
    expect(audits.every((a) => a.actor_id === U.SALES_MANAGER)).toBe(true);
    expect((await counts()).audits).toBe(auditsBefore + fromRep1.length);

    // rep1 sees nothing now, rep2 sees every live one, and the history tells the story.
    expect(await visibleIds('SALES_REP')).toEqual({ ids: [], totalCount: 0 });
    const rep2 = await visibleIds('SALES_REP_2');
    expect(sortIds(rep2.ids)).toEqual(await sqlIds('c.owner_id = ? and c.deleted_at is null', [U.SALES_REP_2]));
    expect(rep2.ids).not.toContain(deleted.id);
    const live = fromRep1.find((id) => id !== deleted.id)!;
    const h = await history(live, 'SALES_REP_2');
    expect(h.edges[0].node).toMatchObject({
      action: 'REASSIGN', actorType: 'USER', actor: { id: U.SALES_MANAGER }, entityId: live,
      changes: [{ field: 'ownerId', oldValue: U.SALES_REP, newValue: U.SALES_REP_2, redacted: false }],
    });
    expect(h.edges.filter((e) => e.node.action === 'REASSIGN')).toHaveLength(1);

    // The deleted one, once restored, belongs to rep2 with its REASSIGN entry.
    expect(ok(await t.gql(RESTORE, { id: deleted.id }, 'SALES_MANAGER')).restoreCustomer.errors).toEqual([]);
    const restored = ok(await t.gql('query($id: ID!) { customer(id: $id) { owner { id } } }', { id: deleted.id }, 'SALES_REP_2'));
    expect(restored.customer.owner.id).toBe(U.SALES_REP_2);
    const dh = (await history(deleted.id, 'SALES_REP_2')).edges.map((e) => e.node.action);
    expect(dh.slice(0, 3)).toEqual(['RESTORE', 'REASSIGN', 'DELETE']);

    // Nothing left to move: a second run moves 0.
    const again = ok(await t.gql(REASSIGN, { from: U.SALES_REP, to: U.SALES_REP_2 }, 'SALES_MANAGER')).reassignCustomers;
    expect(again).toEqual({ movedCount: 0, errors: [] });
  });
});
