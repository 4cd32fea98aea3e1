import { ok, startTestApp, type TestApp, type Who } from './helpers';

/**
 * The N+1 rule: the number of SQL statements of an operation depends on its shape, never on how many
 * rows it returns. Each shape runs with a small and a large page, as the same role, after a warm-up
 * run of both, and the two counts must be equal.
 */

let t: TestApp;

beforeAll(async () => { t = await startTestApp({ customers: 60 }); });
afterAll(async () => { await t.close(); });


/** Statements sent for one run of `query`, with the data it returned. */
async function measure(query: string, variables: Record<string, unknown>, who: Who): Promise<{ count: number; data: any }> {
  let data: any;
  const count = await t.countQueries(async () => { data = ok(await t.gql(query, variables, who)); });
  return { count, data };
}

/** Warms up both variants, then counts each; returns the two counts and the data of each run. */
async function compare(query: string, small: Record<string, unknown>, large: Record<string, unknown>, who: Who = 'ADMIN') {
  await t.gql(query, small, who); // sign-in and first-run effects stay out of the counts
  await t.gql(query, large, who);
  const a = await measure(query, small, who);
  const b = await measure(query, large, who);
  expect(a.count).toBeGreaterThan(0); // the counter sees this database
  return { small: a, large: b };
}

test('customers with owner, external refs, contacts and each contact\'s customer', async () => {
  const query = `query($n: Int) { customers(first: $n) { edges { node { id owner { name } externalRefs { system }
    contacts(first: 10) { totalCount edges { node { id customer { id } } } } } } } }`;
  const { small, large } = await compare(query, { n: 5 }, { n: 50 });
  const edges = large.data.customers.edges;
  expect(small.data.customers.edges).toHaveLength(5);
  expect(edges).toHaveLength(50);
  // the large page really reached every level
  for (const { node } of edges) {
    expect(node.owner.name).toEqual(expect.any(String));
    expect(node.contacts.totalCount).toBeGreaterThan(0);
    expect(node.contacts.edges.length).toBe(Math.min(10, node.contacts.totalCount));
    for (const k of node.contacts.edges) expect(k.node.customer.id).toBe(node.id);
  }
  expect(edges.filter((e: any) => e.node.externalRefs.length > 0).length).toBeGreaterThan(5);
  expect(edges.reduce((n: number, e: any) => n + e.node.contacts.edges.length, 0)).toBeGreaterThan(100);
  expect(large.count).toBe(small.count);
});

test('the same as SALES_MANAGER (record scope in every statement)', async () => {
  const query = `query($n: Int) { customers(first: $n) { totalCount edges { node { id owner { name manager { name } }
    contacts(first: 3) { totalCount edges { node { id firstName customer { name } } } } } } } }`;
  const { small, large } = await compare(query, { n: 5 }, { n: 50 }, 'SALES_MANAGER');
  expect(large.data.customers.edges).toHaveLength(50);
  expect(large.data.customers.edges.every((e: any) => e.node.owner.manager.name)).toBe(true);
  expect(large.count).toBe(small.count);
});

test('contacts with their customer and its owner', async () => {
  const query = 'query($n: Int) { contacts(first: $n) { edges { node { id customer { name owner { name } } } } } }';
  const { small, large } = await compare(query, { n: 5 }, { n: 50 });
  const edges = large.data.contacts.edges;
  expect(small.data.contacts.edges).toHaveLength(5);
  expect(edges).toHaveLength(50);
  expect(new Set(edges.map((e: any) => e.node.customer.name)).size).toBeGreaterThan(10); // many different customers
  for (const e of edges) expect(e.node.customer.owner.name).toEqual(expect.any(String));
  expect(large.count).toBe(small.count);
});

test('nodes: customers, contacts and users by id', async () => {
  const customers = (await t.sql<{ id: string }>('select id from customer order by created_at, id')).map((r) => r.id);
  // contacts of other customers than those asked for, so no row is served from the loader's cache in one run only
  const contacts = (await t.sql<{ id: string }>(`select k.id from contact k join customer c on c.id = k.customer_id
    where c.id not in (select id from customer order by created_at, id limit 30) order by k.created_at, k.id`)).map((r) => r.id);
  const users = (await t.sql<{ id: string }>(`select id from app_user order by email`)).map((r) => r.id);
  expect(contacts.length).toBeGreaterThanOrEqual(20);
  expect(users.length).toBeGreaterThanOrEqual(5);
  const fewIds = [customers[0], customers[1], contacts[0], contacts[1], users[0]];
  const manyIds = [...customers.slice(0, 25), ...contacts.slice(0, 20), ...users.slice(0, 5)];
  expect(manyIds).toHaveLength(50);
  const query = `query($ids: [ID!]!) { nodes(ids: $ids) { id
    ... on Customer { name owner { name } contacts(first: 2) { totalCount edges { node { id } } } }
    ... on Contact { firstName customer { name owner { name } } }
    ... on User { name manager { name } } } }`;
  const { small, large } = await compare(query, { ids: fewIds }, { ids: manyIds });
  expect(small.data.nodes.map((n: any) => n?.id)).toEqual(fewIds);
  expect(large.data.nodes.map((n: any) => n?.id)).toEqual(manyIds);
  expect(large.data.nodes.slice(0, 25).every((n: any) => n.owner.name && n.contacts.totalCount > 0)).toBe(true);
  expect(large.data.nodes.slice(25, 45).every((n: any) => n.firstName && n.customer.owner.name)).toBe(true);
  expect(large.count).toBe(small.count);
});

test('a customer\'s history with actors and changes', async () => {
  const [customer] = await t.sql<{ id: string; version: number }>(`select c.id, c.version from customer c where c.kind = 'BUSINESS'
    and c.owner_id = (select id from app_user where email = 'rep1@demo.crm') order by c.created_at limit 1`);
  const [contact] = await t.sql<{ id: string; version: number }>('select id, version from contact where customer_id = ? order by created_at limit 1', [customer.id]);
  let customerVersion = customer.version;
  let contactVersion = contact.version;
  // 60 entries, alternating customer updates (ADMIN) and contact updates (the owning rep)
  for (let i = 0; i < 30; i++) {
    const c = ok(await t.gql(`mutation($input: UpdateCustomerInput!) { updateCustomer(input: $input) { customer { version } errors { field message } } }`,
      { input: { id: customer.id, version: customerVersion, industry: `Industry ${i}`, tags: [`t${i}`] } }, 'ADMIN')).updateCustomer;
    expect(c.errors).toEqual([]);
    customerVersion = c.customer.version;
    const k = ok(await t.gql(`mutation($input: UpdateContactInput!) { updateContact(input: $input) { contact { version } errors { field message } } }`,
      { input: { id: contact.id, version: contactVersion, title: `Title ${i}` } }, 'SALES_REP')).updateContact;
    expect(k.errors).toEqual([]);
    contactVersion = k.contact.version;
  }
  const query = `query($id: ID!, $n: Int) { customer(id: $id) { history(first: $n) { totalCount edges { node {
    entityType actor { name } changes { field newValue } } } } } }`;
  const { small, large } = await compare(query, { id: customer.id, n: 5 }, { id: customer.id, n: 50 });
  const edges = large.data.customer.history.edges;
  expect(small.data.customer.history.edges).toHaveLength(5);
  expect(edges).toHaveLength(50);
  expect(large.data.customer.history.totalCount).toBeGreaterThanOrEqual(60);
  // both kinds of entries, both actors, each with its changes, in the small page as in the large one
  for (const page of [small, large]) {
    const nodes = page.data.customer.history.edges.map((e: any) => e.node);
    expect(new Set(nodes.map((n: any) => n.entityType))).toEqual(new Set(['Customer', 'Contact']));
    expect(new Set(nodes.map((n: any) => n.actor.name)).size).toBe(2);
  }
  for (const e of edges) expect(e.node.changes.length).toBeGreaterThan(0);
  expect(large.count).toBe(small.count);
});

test('a list of customers each with its history (one page of audit entries per customer, batched)', async () => {
  // Give every customer at least two audit entries beyond its CREATE.
  const rows = await t.sql<{ id: string; version: number }>('select id, version from customer');
  for (const r of rows) {
    const res = await t.gql('mutation($i: UpdateCustomerInput!) { updateCustomer(input: $i) { errors { code } } }',
      { i: { id: r.id, version: r.version, industry: 'Audited' } }, 'ADMIN');
    expect(res.body.data.updateCustomer.errors).toEqual([]);
  }
  const query = `query($n: Int) { customers(first: $n) { edges { node { id history(first: 2) { totalCount
    edges { node { action actor { name } changes { field } } } } } } } }`;
  const { small, large } = await compare(query, { n: 5 }, { n: 50 });
  const edges = large.data.customers.edges;
  expect(edges).toHaveLength(50);
  for (const { node } of edges) {
    expect(node.history.totalCount).toBeGreaterThanOrEqual(1);
    expect(node.history.edges.length).toBe(Math.min(2, node.history.totalCount));
  }
  expect(edges.filter((e: any) => e.node.history.edges.some((h: any) => h.node.action === 'UPDATE')).length).toBe(50);
  expect(large.count).toBe(small.count);
});

describe('nested pages read in their parent\'s statement (issue 13)', () => {
  // The caller is looked up first (one statement: revocation holds on the next request); the rest is one statement.
  test('a page of customers with owners and contacts is one statement after the caller\'s, as ADMIN and as a rep', async () => {
    const query = `query($n: Int) { customers(first: $n) { edges { node { id name owner { name }
      contacts(first: 3) { edges { node { id firstName emails { address } } } } } } } }`;
    for (const who of ['ADMIN', 'SALES_REP'] as const) {
      const { small, large } = await compare(query, { n: 5 }, { n: 50 }, who);
      expect(large.data.customers.edges.length).toBeGreaterThan(5);
      expect(large.data.customers.edges.some((e: any) => e.node.contacts.edges.length > 0)).toBe(true);
      expect([small.count, large.count]).toEqual([2, 2]);
    }
  });

  test('one customer with owner, contacts, deals, orders and cases is one statement after the caller\'s', async () => {
    const [{ id }] = await t.sql<{ id: string }>('select c.id from customer c where exists (select 1 from contact k where k.customer_id = c.id) order by c.created_at limit 1');
    const query = `query($id: ID!) { customer(id: $id) { id name owner { name } contacts(first: 10) { edges { node { id lastName } } }
      opportunities(first: 5) { edges { node { id name } } } orders(first: 5) { edges { node { id status } } }
      cases(first: 5) { edges { node { id subject } } } } }`;
    await t.gql(query, { id }, 'ADMIN');
    const run = await measure(query, { id }, 'ADMIN');
    expect(run.data.customer.contacts.edges.length).toBeGreaterThan(0);
    expect(run.count).toBe(2);
  });

  test('the rows are the batched loader\'s: the same contacts through customer(id) (read with the customer) and node(id) (through the loader)', async () => {
    const [{ id }] = await t.sql<{ id: string }>('select c.id from customer c where (select count(*) from contact k where k.customer_id = c.id) > 1 order by c.created_at limit 1');
    const nested = 'contacts(first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id firstName lastName phones { number } } } }';
    const embedded = ok(await t.gql(`query($id: ID!) { customer(id: $id) { ${nested} } }`, { id }, 'SALES_MANAGER')).customer.contacts;
    const loaded = ok(await t.gql(`query($id: ID!) { node(id: $id) { ... on Customer { ${nested} } } }`, { id }, 'SALES_MANAGER')).node.contacts;
    expect(embedded.edges.length).toBeGreaterThan(0);
    expect(embedded).toEqual(loaded);
  });
});

describe('an agent\'s lookup (issue 13)', () => {
  test('an asset with its product, its customer and the customer\'s contacts and cases is one statement after the caller\'s', async () => {
    const productId = ok(await t.gql('mutation($i: CreateProductInput!) { createProduct(input: $i) { product { id } } }',
      { i: { sku: 'nplus1-lookup', name: 'Lookup', category: 'Tests', listPrice: '10.00' } }, 'ADMIN')).createProduct.product.id;
    const [{ id: customerId }] = await t.sql<{ id: string }>('select c.id from customer c where exists (select 1 from contact k where k.customer_id = c.id) order by c.created_at limit 1');
    const registered = ok(await t.gql(`mutation($i: RegisterAssetInput!) { registerAsset(input: $i) { asset { serviceTag } errors { code field } } }`,
      { i: { serviceTag: 'NPLUS1-LOOKUP', productId, customerId, purchaseDate: '2026-01-15' } }, 'ADMIN')).registerAsset;
    expect(registered.errors).toEqual([]);
    const query = `query($tag: String!) { assetByServiceTag(tag: $tag) { serviceTag warrantyStatus product { name } customer { id name
      contacts(first: 10) { edges { node { id lastName phones { number } } } } cases(first: 5) { edges { node { id subject } } } } } }`;
    await t.gql(query, { tag: 'nplus1-lookup' }, 'SERVICE_AGENT');
    const run = await measure(query, { tag: 'nplus1-lookup' }, 'SERVICE_AGENT');
    expect(run.data.assetByServiceTag.customer.id).toBe(customerId);
    expect(run.data.assetByServiceTag.product.name).toEqual(expect.any(String));
    expect(run.data.assetByServiceTag.customer.contacts.edges.length).toBeGreaterThan(0);
    expect(run.count).toBe(2);
  });
});
