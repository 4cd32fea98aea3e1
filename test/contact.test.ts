import { codes, ok, startTestApp, type GqlResult, type TestApp, type Who } from './helpers';

/**
 * Contacts through HTTP: record scope per role, filters, orders with cursor walks, search, nested
 * pagination under customers, the writes (validation, scope, roles, primary, versions, soft delete,
 * audit) and the field rules on contact details and names.
 */

let t: TestApp;
const userIds: Record<string, string> = {};

interface CustomerFixture { id: string; owner_id: string; kind: string; is_partner: boolean }
let customers: CustomerFixture[];

beforeAll(async () => {
  t = await startTestApp();
  for (const u of await t.sql<{ id: string; email: string }>('select id, email from app_user')) userIds[u.email] = u.id;
  customers = await t.sql<CustomerFixture>('select id, owner_id, kind, is_partner from customer order by created_at, id');
});
afterAll(async () => { await t.close(); });

const REP1 = () => userIds['rep1@demo.crm'];
const REP2 = () => userIds['rep2@demo.crm'];
const PARTNER_CUSTOMER = async () => (await t.sql<{ id: string }>(`select partner_customer_id as id from app_user where email = 'partner@demo.crm'`))[0].id;

/** Live contacts of live customers matching `where` (SQL over `k` = contact, `c` = customer), in `order`. */
async function expectedIds(where = 'true', params: unknown[] = [], order = 'k.last_name, k.first_name, k.id'): Promise<string[]> {
  const found = await t.sql<{ id: string }>(`select k.id from contact k join customer c on c.id = k.customer_id
    where k.deleted_at is null and c.deleted_at is null and (${where}) order by ${order}`, params);
  return found.map((r) => r.id);
}


const LIST = `query List($first: Int, $after: String, $last: Int, $before: String, $filter: ContactFilter, $orderBy: [ContactOrderBy!], $search: String) {
  contacts(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy, search: $search) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id customer { id } } }
  }
}`;

/** Walks every page of `contacts` forward and returns the ids in order, checking page invariants on the way. */
async function walk(who: Who, vars: Record<string, unknown> = {}, pageSize = 7): Promise<{ ids: string[]; totalCount: number; pages: number }> {
  const ids: string[] = [];
  let after: string | null = null;
  let totalCount = -1;
  let pages = 0;
  for (;;) {
    const data = ok(await t.gql(LIST, { ...vars, first: pageSize, after }, who));
    const conn = data.contacts;
    pages += 1;
    if (pages > 200) throw new Error('cursor walk does not end');
    if (totalCount === -1) totalCount = conn.totalCount;
    expect(conn.totalCount).toBe(totalCount);
    expect(conn.edges.length).toBeLessThanOrEqual(pageSize);
    expect(conn.pageInfo.hasPreviousPage).toBe(after !== null);
    ids.push(...conn.edges.map((e: any) => e.node.id));
    if (!conn.pageInfo.hasNextPage) break;
    expect(conn.edges).toHaveLength(pageSize);
    expect(conn.pageInfo.endCursor).toBe(conn.edges[conn.edges.length - 1].cursor);
    after = conn.pageInfo.endCursor;
  }
  return { ids, totalCount, pages };
}

/** Walks every page backward (`last` + `before`) and returns the ids in list order. */
async function walkBackward(who: Who, vars: Record<string, unknown> = {}, pageSize = 7): Promise<string[]> {
  const ids: string[] = [];
  let before: string | null = null;
  for (let pages = 0; ; pages++) {
    if (pages > 200) throw new Error('cursor walk does not end');
    const conn: any = ok(await t.gql(LIST, { ...vars, last: pageSize, before }, who)).contacts;
    ids.unshift(...conn.edges.map((e: any) => e.node.id));
    expect(conn.pageInfo.hasNextPage).toBe(before !== null);
    if (!conn.pageInfo.hasPreviousPage) break;
    before = conn.pageInfo.startCursor;
  }
  return ids;
}

const CONTACT_BY_ID = 'query($id: ID!) { contact(id: $id) { id firstName customer { id } } }';

const CREATE = `mutation($input: CreateContactInput!) { createContact(input: $input) {
  contact { id firstName lastName title primary marketingConsent consentAt version buyingRole
    phones { label number } emails { label address } addresses { label line1 city country } customer { id } }
  errors { code message field }
} }`;
const UPDATE = `mutation($input: UpdateContactInput!) { updateContact(input: $input) {
  contact { id firstName lastName primary version } errors { code message field } } }`;
const DELETE = 'mutation($input: ContactIdInput!) { deleteContact(input: $input) { contact { id } errors { code message field } } }';
const HISTORY = `query($id: ID!) { customer(id: $id) { history(first: 100) { totalCount edges { node {
  entityType entityId action actorType actor { id } changes { field oldValue newValue redacted } } } } } }`;

// ------------------------------------------------------------------------------------ record scope

describe('record scope', () => {
  test('a rep lists only contacts of customers they own', async () => {
    const expected = await expectedIds('c.owner_id = ?', [REP1()]);
    expect(expected.length).toBeGreaterThan(10);
    const { ids, totalCount } = await walk('SALES_REP');
    expect(ids).toEqual(expected);
    expect(totalCount).toBe(expected.length);
    // and all of them say so through Contact.customer
    const owners = ok(await t.gql('{ contacts(first: 100) { edges { node { customer { owner { id } } } } } }', {}, 'SALES_REP'));
    expect(new Set(owners.contacts.edges.map((e: any) => e.node.customer.owner.id))).toEqual(new Set([REP1()]));
  });

  test('a rep gets null (no error) for a contact of another rep, and it is absent from filters and nodes', async () => {
    const [other] = await expectedIds('c.owner_id = ?', [REP2()]);
    const [mine] = await expectedIds('c.owner_id = ?', [REP1()]);
    const denied = await t.gql(CONTACT_BY_ID, { id: other }, 'SALES_REP');
    expect(codes(denied)).toEqual([]);
    expect(denied.body.data).toEqual({ contact: null });
    const allowed = await t.gql(CONTACT_BY_ID, { id: mine }, 'SALES_REP');
    expect(ok(allowed).contact.id).toBe(mine);
    // the same id as REP2 works
    expect(ok(await t.gql(CONTACT_BY_ID, { id: other }, 'SALES_REP_2')).contact.id).toBe(other);

    const otherCustomer = customers.find((c) => c.owner_id === REP2())!.id;
    const filtered = ok(await t.gql(LIST, { first: 50, filter: { customerId: { eq: otherCustomer } } }, 'SALES_REP'));
    expect(filtered.contacts.totalCount).toBe(0);
    expect(filtered.contacts.edges).toEqual([]);
    const nodes = ok(await t.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: [other, mine] }, 'SALES_REP'));
    expect(nodes.nodes).toEqual([null, { id: mine }]);
  });

  test('a manager sees the contacts of both reps but not of customers outside the team', async () => {
    // A customer owned by ADMIN (outside the manager's subtree) with one contact.
    const created = ok(await t.gql(`mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } errors { field } } }`,
      { input: { name: 'Outside Team Ltd', kind: 'BUSINESS', ownerId: userIds['admin@demo.crm'] } }, 'ADMIN')).createCustomer;
    expect(created.errors).toEqual([]);
    const outside = ok(await t.gql(CREATE, { input: { customerId: created.customer.id, firstName: 'Olga', lastName: 'Outsider' } }, 'ADMIN')).createContact;
    expect(outside.errors).toEqual([]);

    const expected = await expectedIds('c.owner_id in (?, ?)', [REP1(), REP2()]);
    const { ids, totalCount } = await walk('SALES_MANAGER', {}, 25);
    expect(ids).toEqual(expected);
    expect(totalCount).toBe(expected.length);
    expect(ids).not.toContain(outside.contact.id);
    expect(ok(await t.gql(CONTACT_BY_ID, { id: outside.contact.id }, 'SALES_MANAGER')).contact).toBeNull();
    // staff who read everything do see it
    const all = await walk('SERVICE_AGENT', {}, 50);
    expect(all.ids).toEqual(await expectedIds());
    expect(all.ids).toContain(outside.contact.id);
  });

  test('a partner sees only the contacts of its own customer record', async () => {
    const own = await PARTNER_CUSTOMER();
    const expected = await expectedIds('c.id = ?', [own]);
    expect(expected.length).toBeGreaterThan(0);
    const { ids, totalCount } = await walk('PARTNER');
    expect(ids).toEqual(expected);
    expect(totalCount).toBe(expected.length);
    const [foreign] = await expectedIds('c.id <> ?', [own]);
    expect(ok(await t.gql(CONTACT_BY_ID, { id: foreign }, 'PARTNER')).contact).toBeNull();
    const mine = ok(await t.gql(CONTACT_BY_ID, { id: expected[0] }, 'PARTNER'));
    expect(mine.contact.customer.id).toBe(own);
  });
});

// ------------------------------------------------------------------------------------------- filters

describe('filters', () => {
  test('customerId eq and in', async () => {
    const one = customers[0].id;
    const { ids } = await walk('ADMIN', { filter: { customerId: { eq: one } } });
    expect(ids).toEqual(await expectedIds('k.customer_id = ?', [one]));
    const two = [customers[1].id, customers[2].id];
    const both = await walk('ADMIN', { filter: { customerId: { in: two } } });
    expect(both.ids).toEqual(await expectedIds('k.customer_id in (?, ?)', two));
    expect(both.ids.length).toBeGreaterThanOrEqual(2);
  });

  test('lastName contains ignores case', async () => {
    const [{ last_name: name }] = await t.sql<{ last_name: string }>('select last_name from contact where length(last_name) >= 5 order by created_at limit 1');
    const term = name.slice(1, 4).toUpperCase();
    const { ids, totalCount } = await walk('ADMIN', { filter: { lastName: { contains: term } } });
    const expected = await expectedIds('k.last_name ilike ?', [`%${term}%`]);
    expect(expected.length).toBeGreaterThan(0);
    expect(ids).toEqual(expected);
    expect(totalCount).toBe(expected.length);
  });

  test('buyingRole in', async () => {
    const roles = ['DECISION_MAKER', 'PURCHASER'];
    const { ids } = await walk('ADMIN', { filter: { buyingRole: { in: roles } } }, 20);
    const expected = await expectedIds('k.buying_role in (?, ?)', roles);
    expect(expected.length).toBeGreaterThan(0);
    expect(ids).toEqual(expected);
  });

  test('primary and marketingConsent, also combined', async () => {
    const primary = await walk('ADMIN', { filter: { primary: { eq: true } } }, 25);
    const expectedPrimary = await expectedIds('k."primary"');
    expect(primary.ids).toEqual(expectedPrimary);
    expect(primary.ids.length).toBeGreaterThanOrEqual(customers.length);

    const noConsent = await walk('ADMIN', { filter: { marketingConsent: { eq: false } } }, 25);
    const expectedNoConsent = await expectedIds('not k.marketing_consent');
    expect(expectedNoConsent.length).toBeGreaterThan(0);
    expect(noConsent.ids).toEqual(expectedNoConsent);

    const both = await walk('SALES_REP', { filter: { primary: { eq: false }, marketingConsent: { eq: true } } }, 25);
    expect(both.ids).toEqual(await expectedIds('not k."primary" and k.marketing_consent and c.owner_id = ?', [REP1()]));
  });
});

// ---------------------------------------------------------------------------------- orders and cursors

describe('orders and cursor walks', () => {
  const ORDERS: [string, string, string][] = [
    ['NAME', 'ASC', 'k.last_name asc, k.first_name asc, k.id asc'],
    ['NAME', 'DESC', 'k.last_name desc, k.first_name desc, k.id desc'],
    ['CREATED_AT', 'ASC', 'k.created_at asc, k.id asc'],
    ['CREATED_AT', 'DESC', 'k.created_at desc, k.id desc'],
  ];

  test.each(ORDERS)('orderBy %s %s walks every contact once, in order', async (field, direction, order) => {
    const expected = await expectedIds('true', [], order);
    const { ids, totalCount, pages } = await walk('ADMIN', { orderBy: [{ field, direction }] }, 9);
    expect(pages).toBeGreaterThan(3);
    expect(new Set(ids).size).toBe(ids.length); // no duplicates
    expect(ids).toEqual(expected); // no gaps, right order
    expect(totalCount).toBe(expected.length);
  });

  test.each(ORDERS)('orderBy %s %s walks backward to the same list', async (field, direction, order) => {
    const expected = await expectedIds('c.owner_id = ?', [REP1()], order);
    expect(await walkBackward('SALES_REP', { orderBy: [{ field, direction }] }, 6)).toEqual(expected);
  });

  test('a cursor from another order is refused', async () => {
    const first = ok(await t.gql(LIST, { first: 2, orderBy: [{ field: 'NAME', direction: 'ASC' }] }, 'ADMIN'));
    const res = await t.gql(LIST, { first: 2, after: first.contacts.pageInfo.endCursor, orderBy: [{ field: 'CREATED_AT', direction: 'ASC' }] }, 'ADMIN');
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(codes(await t.gql(LIST, { first: 101 }, 'ADMIN'))).toEqual(['BAD_USER_INPUT']);
  });
});

// ------------------------------------------------------------------------------------------- search

describe('search', () => {
  interface Person { id: string; first_name: string; last_name: string; emails: any; phones: any; customer_id: string }
  let person: Person;
  beforeAll(async () => {
    // A contact of rep1 with a distinctive last name.
    [person] = await t.sql<Person>(`select k.id, k.first_name, k.last_name, k.emails, k.phones, k.customer_id from contact k
      join customer c on c.id = k.customer_id where c.owner_id = ? and k.deleted_at is null order by k.created_at limit 1`, [REP1()]);
  });
  const emailOf = (p: Person) => (typeof p.emails === 'string' ? JSON.parse(p.emails) : p.emails)[0].address as string;
  const phoneOf = (p: Person) => (typeof p.phones === 'string' ? JSON.parse(p.phones) : p.phones)[0].number as string;

  test('by name', async () => {
    const { ids } = await walk('ADMIN', { search: person.last_name.toUpperCase() }, 50);
    expect(ids).toContain(person.id);
    expect(ids).toEqual(await expectedIds(`(k.first_name || ' ' || k.last_name) ilike ?`, [`%${person.last_name}%`]));
    const full = await walk('SALES_REP', { search: `${person.first_name} ${person.last_name}` }, 50);
    expect(full.ids).toContain(person.id);
  });

  test('by e-mail and by phone (formatted or digits only)', async () => {
    const byEmail = await walk('ADMIN', { search: emailOf(person) }, 50);
    expect(byEmail.ids).toEqual([person.id]);
    const phone = phoneOf(person);
    const byPhone = await walk('SERVICE_AGENT', { search: phone.slice(4) }, 50);
    expect(byPhone.ids).toContain(person.id);
    const byDigits = await walk('SERVICE_AGENT', { search: phone.replace(/\D/g, '').slice(-9) }, 50);
    expect(byDigits.ids).toContain(person.id);
  });

  test('search stays inside the record scope', async () => {
    const res = await walk('SALES_REP_2', { search: emailOf(person) }, 50);
    expect(res.ids).toEqual([]);
    expect(res.totalCount).toBe(0);
  });

  test('MARKETING matches names only, never contact details', async () => {
    const byName = await walk('MARKETING', { search: person.last_name }, 50);
    expect(byName.ids).toContain(person.id);
    const byEmail = await walk('MARKETING', { search: emailOf(person) }, 50);
    expect(byEmail.ids).toEqual([]);
    const byPhone = await walk('MARKETING', { search: phoneOf(person).slice(4) }, 50);
    expect(byPhone.ids).toEqual([]);
  });

  test('ANALYST may not search people: FORBIDDEN', async () => {
    const res = await t.gql(LIST, { first: 5, search: person.last_name }, 'ANALYST');
    expect(codes(res)).toEqual(['FORBIDDEN']);
    expect(res.body.data).toBeNull();
    // listing without search is allowed
    expect(ok(await t.gql(LIST, { first: 5 }, 'ANALYST')).contacts.edges).toHaveLength(5);
  });

  test('a search shorter than 2 characters is BAD_USER_INPUT', async () => {
    expect(codes(await t.gql(LIST, { first: 5, search: ' a ' }, 'ADMIN'))).toEqual(['BAD_USER_INPUT']);
  });
});

// ------------------------------------------------------------------------------- relations both ways

describe('Contact.customer and Customer.contacts', () => {
  test('Contact.customer is the contact\'s customer', async () => {
    const data = ok(await t.gql('{ contacts(first: 30, orderBy: [{ field: CREATED_AT }]) { edges { node { id customer { id name kind } } } } }', {}, 'ADMIN'));
    const rows = await t.sql<{ id: string; customer_id: string; name: string }>(`select k.id, k.customer_id, c.name from contact k
      join customer c on c.id = k.customer_id where k.deleted_at is null and c.deleted_at is null order by k.created_at, k.id limit 30`);
    expect(data.contacts.edges.map((e: any) => [e.node.id, e.node.customer.id, e.node.customer.name])).toEqual(rows.map((r) => [r.id, r.customer_id, r.name]));
  });

  test('Customer.contacts pages with first/after and counts one customer', async () => {
    const [big] = await t.sql<{ id: string; n: number }>(`select customer_id as id, count(*)::int as n from contact where deleted_at is null
      group by customer_id having count(*) >= 4 order by count(*) desc, customer_id limit 1`);
    expect(big).toBeDefined();
    const expected = await expectedIds('k.customer_id = ?', [big.id]);
    const Q = `query($id: ID!, $after: String) { customer(id: $id) { contacts(first: 2, after: $after) {
      totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { node { id customer { id } } } } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 20; i++) {
      const conn: any = ok(await t.gql(Q, { id: big.id, after }, 'ADMIN')).customer.contacts;
      expect(conn.totalCount).toBe(big.n);
      expect(conn.pageInfo.hasPreviousPage).toBe(after !== null);
      for (const e of conn.edges) expect(e.node.customer.id).toBe(big.id);
      seen.push(...conn.edges.map((e: any) => e.node.id));
      if (!conn.pageInfo.hasNextPage) break;
      expect(conn.edges).toHaveLength(2);
      after = conn.pageInfo.endCursor;
    }
    expect(seen).toEqual(expected);
  });

  test('nested contacts of a customers page are each customer\'s own, with per-customer totals', async () => {
    const data = ok(await t.gql(`{ customers(first: 12) { edges { node { id contacts(first: 2) { totalCount edges { node { id customer { id } } } } } } } }`, {}, 'SALES_MANAGER'));
    const counts = new Map((await t.sql<{ id: string; n: number }>('select customer_id as id, count(*)::int as n from contact where deleted_at is null group by customer_id')).map((r) => [r.id, r.n]));
    expect(data.customers.edges).toHaveLength(12);
    for (const { node } of data.customers.edges) {
      expect(node.contacts.totalCount).toBe(counts.get(node.id) ?? 0);
      const expected = (await expectedIds('k.customer_id = ?', [node.id])).slice(0, 2);
      expect(node.contacts.edges.map((e: any) => e.node.id)).toEqual(expected);
    }
  });
});

// -------------------------------------------------------------------------------------------- writes

describe('createContact', () => {
  const rep1Customer = () => customers.find((c) => c.owner_id === REP1())!.id;
  const rep2Customer = () => customers.find((c) => c.owner_id === REP2())!.id;

  test('a rep adds a contact to their customer', async () => {
    const customerId = rep1Customer();
    const before = (await expectedIds('k.customer_id = ?', [customerId])).length;
    const res = ok(await t.gql(CREATE, {
      input: {
        customerId, firstName: ' Greta ', lastName: 'Gruber', title: 'Buyer', buyingRole: 'PURCHASER', marketingConsent: true,
        emails: [{ label: 'work', address: 'Greta.Gruber@Example.COM' }], phones: [{ label: 'mobile', number: '+43 660 1234567' }],
        addresses: [{ label: 'office', line1: '1 Ring', city: 'Vienna', country: 'at' }],
      },
    }, 'SALES_REP')).createContact;
    expect(res.errors).toEqual([]);
    const c = res.contact;
    expect(c).toMatchObject({
      firstName: 'Greta', lastName: 'Gruber', title: 'Buyer', buyingRole: 'PURCHASER', primary: false, marketingConsent: true, version: 1,
      emails: [{ label: 'work', address: 'greta.gruber@example.com' }], phones: [{ label: 'mobile', number: '+43 660 1234567' }],
      addresses: [{ label: 'office', line1: '1 Ring', city: 'Vienna', country: 'AT' }], customer: { id: customerId },
    });
    expect(c.id).toMatch(/^con_[0-9a-f]{32}$/);
    expect(c.consentAt).not.toBeNull();
    expect((await expectedIds('k.customer_id = ?', [customerId])).length).toBe(before + 1);
    expect(ok(await t.gql(CONTACT_BY_ID, { id: c.id }, 'SALES_REP')).contact.firstName).toBe('Greta');
    const [row] = await t.sql<{ created_by: string }>('select created_by from contact where id = ?', [c.id]);
    expect(row.created_by).toBe(REP1());
    const history = ok(await t.gql(HISTORY, { id: customerId }, 'SALES_REP')).customer.history.edges.map((e: any) => e.node);
    expect(history).toContainEqual(expect.objectContaining({ entityType: 'Contact', entityId: c.id, action: 'CREATE', actor: { id: REP1() } }));
  });

  test('validation errors name the field and create nothing', async () => {
    const customerId = rep1Customer();
    const before = (await t.sql<{ n: number }>('select count(*)::int as n from contact'))[0].n;
    const res = ok(await t.gql(CREATE, {
      input: {
        customerId, firstName: '   ', lastName: 'Valid',
        emails: [{ label: 'work', address: 'ok@example.com' }, { label: 'home', address: 'not-an-address' }],
        phones: [{ label: 'mobile', number: 'call me' }],
        addresses: [{ label: 'x', line1: 'Street 1', city: 'Paris', country: 'France' }],
      },
    }, 'SALES_REP')).createContact;
    expect(res.contact).toBeNull();
    expect(res.errors.every((e: any) => e.code === 'VALIDATION' && e.message.length > 0)).toBe(true);
    const fields = res.errors.map((e: any) => e.field);
    expect(fields).toEqual(expect.arrayContaining([
      ['input', 'firstName'], ['input', 'emails', '1', 'address'], ['input', 'phones', '0', 'number'], ['input', 'addresses', '0', 'country'],
    ]));
    expect(fields).not.toContainEqual(['input', 'emails', '0', 'address']);
    expect((await t.sql<{ n: number }>('select count(*)::int as n from contact'))[0].n).toBe(before);

    const single = ok(await t.gql(CREATE, { input: { customerId, firstName: 'A', lastName: 'B', emails: [{ label: 'w', address: 'x@' }] } }, 'SALES_REP')).createContact;
    expect(single.errors).toEqual([{ code: 'VALIDATION', message: expect.any(String), field: ['input', 'emails', '0', 'address'] }]);
  });

  test('a customer that is not visible (or does not exist) is a NOT_FOUND payload error on customerId', async () => {
    const before = (await t.sql<{ n: number }>('select count(*)::int as n from contact'))[0].n;
    for (const customerId of [rep2Customer(), `cus_${'0'.repeat(32)}`]) {
      const res = ok(await t.gql(CREATE, { input: { customerId, firstName: 'Nina', lastName: 'Nowhere' } }, 'SALES_REP')).createContact;
      expect(res.contact).toBeNull();
      expect(res.errors).toEqual([{ code: 'NOT_FOUND', message: expect.any(String), field: ['input', 'customerId'] }]);
    }
    const partner = ok(await t.gql(CREATE, { input: { customerId: rep1Customer(), firstName: 'Nina', lastName: 'Nowhere' } }, 'SERVICE_AGENT')).createContact;
    expect(partner.errors).toEqual([]); // SERVICE_AGENT sees every customer
    expect((await t.sql<{ n: number }>('select count(*)::int as n from contact'))[0].n).toBe(before + 1);
  });

  test.each(['MARKETING', 'FINANCE', 'ANALYST', 'PARTNER'] as Who[])('%s may not create contacts: FORBIDDEN', async (who) => {
    const customerId = who === 'PARTNER' ? await PARTNER_CUSTOMER() : rep1Customer();
    const before = (await t.sql<{ n: number }>('select count(*)::int as n from contact'))[0].n;
    const res = await t.gql(CREATE, { input: { customerId, firstName: 'Fay', lastName: 'Forbidden' } }, who);
    expect(codes(res)).toEqual(['FORBIDDEN']);
    expect(res.body.errors![0].path).toEqual(['createContact']);
    expect(res.body.data?.createContact ?? null).toBeNull();
    expect((await t.sql<{ n: number }>('select count(*)::int as n from contact'))[0].n).toBe(before);
  });

  test('SERVICE_AGENT and anonymous', async () => {
    const res = ok(await t.gql(CREATE, { input: { customerId: rep2Customer(), firstName: 'Sara', lastName: 'Service' } }, 'SERVICE_AGENT')).createContact;
    expect(res.errors).toEqual([]);
    expect(res.contact.customer.id).toBe(rep2Customer());
    const anon = await t.gql(CREATE, { input: { customerId: rep2Customer(), firstName: 'A', lastName: 'Non' } }, null);
    expect(codes(anon)).toEqual(['UNAUTHENTICATED']);
  });
});

describe('primary contact', () => {
  const primaries = async (customerId: string) =>
    (await t.sql<{ id: string }>(`select id from contact where customer_id = ? and "primary" and deleted_at is null`, [customerId])).map((r) => r.id);

  test('creating a primary contact demotes the previous one, audited', async () => {
    const customerId = customers.find((c) => c.owner_id === REP1() && c.kind === 'BUSINESS')!.id;
    const [previous] = await primaries(customerId);
    expect(previous).toBeDefined();
    const res = ok(await t.gql(CREATE, { input: { customerId, firstName: 'Pia', lastName: 'Primary', primary: true } }, 'SALES_REP')).createContact;
    expect(res.errors).toEqual([]);
    expect(res.contact.primary).toBe(true);
    expect(await primaries(customerId)).toEqual([res.contact.id]);
    const old = ok(await t.gql('query($id: ID!) { contact(id: $id) { primary } }', { id: previous }, 'SALES_REP')).contact;
    expect(old.primary).toBe(false);
    const primaryFilter = ok(await t.gql(LIST, { first: 10, filter: { customerId: { eq: customerId }, primary: { eq: true } } }, 'SALES_REP'));
    expect(primaryFilter.contacts.edges.map((e: any) => e.node.id)).toEqual([res.contact.id]);
    const history = ok(await t.gql(HISTORY, { id: customerId }, 'SALES_REP')).customer.history.edges.map((e: any) => e.node);
    expect(history).toContainEqual({
      entityType: 'Contact', entityId: previous, action: 'UPDATE', actorType: 'USER', actor: { id: REP1() },
      changes: [{ field: 'primary', oldValue: true, newValue: false, redacted: false }],
    });
  });

  test('updating a contact to primary demotes the previous one, audited', async () => {
    const customerId = customers.filter((c) => c.owner_id === REP2() && c.kind === 'BUSINESS')[1].id;
    await t.gql(CREATE, { input: { customerId, firstName: 'Second', lastName: 'Contact' } }, 'SALES_REP_2');
    const [previous] = await primaries(customerId);
    const [other] = await t.sql<{ id: string; version: number }>(`select id, version from contact where customer_id = ? and not "primary" and deleted_at is null order by created_at limit 1`, [customerId]);
    const res = ok(await t.gql(UPDATE, { input: { id: other.id, version: other.version, primary: true } }, 'SALES_REP_2')).updateContact;
    expect(res.errors).toEqual([]);
    expect(res.contact.primary).toBe(true);
    expect(await primaries(customerId)).toEqual([other.id]);
    const history = ok(await t.gql(HISTORY, { id: customerId }, 'SALES_MANAGER')).customer.history.edges.map((e: any) => e.node);
    expect(history).toContainEqual(expect.objectContaining({
      entityType: 'Contact', entityId: previous, action: 'UPDATE', changes: [{ field: 'primary', oldValue: true, newValue: false, redacted: false }],
    }));
    expect(history).toContainEqual(expect.objectContaining({
      entityType: 'Contact', entityId: other.id, action: 'UPDATE', changes: [{ field: 'primary', oldValue: false, newValue: true, redacted: false }],
    }));
  });
});

describe('updateContact and deleteContact', () => {
  test('a stale version is a CONFLICT and changes nothing', async () => {
    const [mine] = await expectedIds('c.owner_id = ?', [REP1()]);
    const read = ok(await t.gql('query($id: ID!) { contact(id: $id) { version title } }', { id: mine }, 'SALES_REP')).contact;
    const first = ok(await t.gql(UPDATE, { input: { id: mine, version: read.version, title: 'Head of Things' } }, 'SALES_REP')).updateContact;
    expect(first.errors).toEqual([]);
    expect(first.contact.version).toBeGreaterThan(read.version);
    const stale = ok(await t.gql(UPDATE, { input: { id: mine, version: read.version, title: 'Overwritten' } }, 'SALES_REP')).updateContact;
    expect(stale.contact).toBeNull();
    expect(stale.errors).toEqual([{ code: 'CONFLICT', message: expect.any(String), field: ['input', 'version'] }]);
    const now = ok(await t.gql('query($id: ID!) { contact(id: $id) { version title } }', { id: mine }, 'SALES_REP')).contact;
    expect(now).toEqual({ version: first.contact.version, title: 'Head of Things' });
  });

  test('update: another rep\'s contact is NOT_FOUND; MARKETING is FORBIDDEN', async () => {
    const [other] = await t.sql<{ id: string; version: number }>(`select k.id, k.version from contact k join customer c on c.id = k.customer_id
      where c.owner_id = ? and k.deleted_at is null limit 1`, [REP2()]);
    const res = ok(await t.gql(UPDATE, { input: { id: other.id, version: other.version, title: 'x' } }, 'SALES_REP')).updateContact;
    expect(res.errors).toEqual([{ code: 'NOT_FOUND', message: expect.any(String), field: ['input', 'id'] }]);
    expect(codes(await t.gql(UPDATE, { input: { id: other.id, version: other.version, title: 'x' } }, 'MARKETING'))).toEqual(['FORBIDDEN']);
  });

  test('delete is soft: gone from reads and counts, audited on the customer as a Contact', async () => {
    const customerId = customers.find((c) => c.owner_id === REP1() && c.kind === 'BUSINESS')!.id;
    const contactsOf = `query($id: ID!) { customer(id: $id) { contacts(first: 50) { totalCount edges { node { id } } } } }`;
    const before = ok(await t.gql(contactsOf, { id: customerId }, 'SALES_REP')).customer.contacts;
    const listBefore = ok(await t.gql(LIST, { first: 1 }, 'SALES_REP')).contacts.totalCount;
    const victim = before.edges[before.edges.length - 1].node.id;

    const res = ok(await t.gql(DELETE, { input: { id: victim } }, 'SALES_REP')).deleteContact;
    expect(res.errors).toEqual([]);
    expect(res.contact.id).toBe(victim);

    expect(ok(await t.gql(CONTACT_BY_ID, { id: victim }, 'SALES_REP')).contact).toBeNull();
    expect(ok(await t.gql(CONTACT_BY_ID, { id: victim }, 'ADMIN')).contact).toBeNull();
    const after = ok(await t.gql(contactsOf, { id: customerId }, 'SALES_REP')).customer.contacts;
    expect(after.totalCount).toBe(before.totalCount - 1);
    expect(after.edges.map((e: any) => e.node.id)).not.toContain(victim);
    expect(ok(await t.gql(LIST, { first: 1 }, 'SALES_REP')).contacts.totalCount).toBe(listBefore - 1);
    expect((await walk('ADMIN', { filter: { customerId: { eq: customerId } } })).ids).not.toContain(victim);
    expect(ok(await t.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: [victim] }, 'ADMIN')).nodes).toEqual([null]);

    const [row] = await t.sql<{ deleted_at: Date | null }>('select deleted_at from contact where id = ?', [victim]);
    expect(row.deleted_at).not.toBeNull(); // still there, soft-deleted

    const history = ok(await t.gql(HISTORY, { id: customerId }, 'SALES_REP')).customer.history.edges.map((e: any) => e.node);
    expect(history).toContainEqual(expect.objectContaining({ entityType: 'Contact', entityId: victim, action: 'DELETE', actor: { id: REP1() } }));

    // deleting it again: NOT_FOUND
    const again = ok(await t.gql(DELETE, { input: { id: victim } }, 'SALES_REP')).deleteContact;
    expect(again.errors).toEqual([{ code: 'NOT_FOUND', message: expect.any(String), field: ['input', 'id'] }]);
  });
});

// --------------------------------------------------------------------------------------- field rules

describe('field rules on contacts', () => {
  const FIELDS = `{ contacts(first: 40, orderBy: [{ field: CREATED_AT }]) { totalCount edges { node {
    id title marketingConsent primary firstName lastName phones { number } emails { address } addresses { city } } } } }`;
  const PII = ['phones', 'emails', 'addresses'];

  const forbiddenPaths = (res: GqlResult) => {
    for (const e of res.body.errors ?? []) expect(e.extensions?.code).toBe('FORBIDDEN');
    return new Set((res.body.errors ?? []).map((e) => e.path!.join('.')));
  };

  test('ANALYST: names and contact details null + FORBIDDEN, everything else still arrives', async () => {
    const res = await t.gql(FIELDS, {}, 'ANALYST');
    const edges = res.body.data.contacts.edges;
    expect(edges).toHaveLength(40);
    expect(res.body.data.contacts.totalCount).toBeGreaterThan(40);
    const expected = new Set<string>();
    edges.forEach((e: any, i: number) => {
      expect(e.node.id).toMatch(/^con_/);
      expect(typeof e.node.marketingConsent).toBe('boolean');
      for (const f of ['firstName', 'lastName', ...PII]) {
        expect(e.node[f]).toBeNull();
        expected.add(`contacts.edges.${i}.node.${f}`);
      }
    });
    expect(forbiddenPaths(res)).toEqual(expected);
    expect(edges.some((e: any) => e.node.title !== null)).toBe(true);
  });

  test('names hidden from a caller cannot be probed: name filters match nothing, cursors carry no names', async () => {
    const [first] = await t.sql<{ id: string; last_name: string; first_name: string }>(`select k.id, k.last_name, k.first_name from contact k
      join customer c on c.id = k.customer_id where k.deleted_at is null and c.deleted_at is null order by k.last_name, k.first_name, k.id limit 1`);
    const BY_NAME = `query($filter: ContactFilter) { contacts(first: 5, filter: $filter) { totalCount edges { cursor node { id } } pageInfo { endCursor } } }`;
    const key = ok(await t.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`,
      { input: { name: 'contact reader', role: 'INTEGRATION', scopes: ['customers:read'] } }, 'ADMIN')).createApiKey.secret;
    for (const filter of [{ lastName: { eq: first.last_name } }, { firstName: { startsWith: first.first_name.slice(0, 2) } }, { lastName: { in: [first.last_name] } }]) {
      expect(ok(await t.gql(BY_NAME, { filter }, 'ADMIN')).contacts.totalCount).toBeGreaterThan(0);
      for (const who of ['ANALYST', { apiKey: key }] as const) {
        expect([filter, ok(await t.gql(BY_NAME, { filter }, who)).contacts.totalCount]).toEqual([filter, 0]);
      }
    }
    // The default order is by name: the cursors of that page are opaque (no name, no id inside).
    const page = ok(await t.gql(BY_NAME, {}, 'ANALYST')).contacts;
    expect(page.edges[0].node.id).toBe(first.id);
    for (const cursor of [...page.edges.map((e: any) => e.cursor), page.pageInfo.endCursor]) {
      const decoded = Buffer.from(cursor, 'base64url').toString('latin1');
      expect(decoded).not.toContain(first.last_name.slice(0, 3));
      expect(decoded).not.toContain('con_');
    }
    // and they still page: the next page starts after the first five
    const next = ok(await t.gql('query($after: String) { contacts(first: 5, after: $after) { edges { node { id } } } }', { after: page.pageInfo.endCursor }, 'ANALYST'));
    expect(next.contacts.edges[0].node.id).toBe((await expectedIds())[5]);
  });

  test('MARKETING: contact details only of contacts with consent, in the same list', async () => {
    const res = await t.gql(FIELDS, {}, 'MARKETING');
    const edges = res.body.data.contacts.edges;
    expect(edges).toHaveLength(40);
    const consenting = edges.filter((e: any) => e.node.marketingConsent);
    expect(consenting.length).toBeGreaterThan(0);
    expect(consenting.length).toBeLessThan(edges.length);
    const expected = new Set<string>();
    edges.forEach((e: any, i: number) => {
      expect(e.node.firstName).toEqual(expect.any(String));
      expect(e.node.lastName).toEqual(expect.any(String));
      for (const f of PII) {
        if (e.node.marketingConsent) expect(e.node[f]).toEqual(expect.any(Array));
        else {
          expect(e.node[f]).toBeNull();
          expected.add(`contacts.edges.${i}.node.${f}`);
        }
      }
    });
    expect(forbiddenPaths(res)).toEqual(expected);
    expect(consenting.some((e: any) => e.node.phones.length > 0 && e.node.emails.length > 0)).toBe(true);
  });

  test('MARKETING sees details once consent is given', async () => {
    const [k] = await t.sql<{ id: string; version: number }>(`select id, version from contact where not marketing_consent and deleted_at is null
      and phones <> '[]'::jsonb order by created_at limit 1`);
    const Q = 'query($id: ID!) { contact(id: $id) { firstName phones { number } } }';
    const denied = await t.gql(Q, { id: k.id }, 'MARKETING');
    expect(codes(denied)).toEqual(['FORBIDDEN']);
    expect(denied.body.data.contact.phones).toBeNull();
    expect(denied.body.data.contact.firstName).toEqual(expect.any(String));
    const upd = ok(await t.gql(UPDATE, { input: { id: k.id, version: k.version, marketingConsent: true } }, 'ADMIN')).updateContact;
    expect(upd.errors).toEqual([]);
    const allowed = ok(await t.gql(Q, { id: k.id }, 'MARKETING'));
    expect(allowed.contact.phones.length).toBeGreaterThan(0);
  });

  test.each(['SERVICE_AGENT', 'FINANCE', 'SALES_REP', 'SALES_MANAGER', 'ADMIN', 'PARTNER'] as Who[])('%s sees names and contact details', async (who) => {
    const res = await t.gql(FIELDS, {}, who);
    expect(res.body.errors).toBeUndefined();
    const edges = res.body.data.contacts.edges;
    expect(edges.length).toBeGreaterThan(0);
    for (const e of edges) {
      expect(e.node.firstName).toEqual(expect.any(String));
      expect(e.node.lastName).toEqual(expect.any(String));
      for (const f of PII) expect(e.node[f]).toEqual(expect.any(Array));
    }
  });

  test('a denied field inside a nested list does not wipe out its customers', async () => {
    const res = await t.gql(`{ customers(first: 5) { edges { node { id kind contacts(first: 3) { edges { node { id firstName emails { address } } } } } } } }`, {}, 'ANALYST');
    const edges = res.body.data.customers.edges;
    expect(edges).toHaveLength(5);
    for (const e of edges) {
      expect(e.node.id).toMatch(/^cus_/);
      expect(e.node.contacts.edges.length).toBeGreaterThan(0);
      for (const k of e.node.contacts.edges) {
        expect(k.node.id).toMatch(/^con_/);
        expect(k.node.firstName).toBeNull();
        expect(k.node.emails).toBeNull();
      }
    }
    const n = edges.reduce((s: number, e: any) => s + e.node.contacts.edges.length, 0);
    expect(codes(res)).toEqual(Array(2 * n).fill('FORBIDDEN'));
  });
});
