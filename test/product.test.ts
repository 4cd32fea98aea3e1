import { codes, startTestApp, type Caller, type GqlResult, type TestApp, type Who } from './helpers';

/**
 * Products through HTTP: create/update with their payload errors (SKU, prices, options schema,
 * DUPLICATE, CONFLICT), who may write, the cost/margin field rule per role, INTEGRATION keys with and
 * without `products:read`, filters, search, cursor walks both ways, `productBySku`, `node`, and N+1.
 */

let t: TestApp;
let readerKey: string;
let otherKey: string;

beforeAll(async () => {
  t = await startTestApp({ customers: 4 });
  // 60 catalogue rows for lists: BULK-001…BULK-060, list price g*10, cost g*5, Cables (even) / Mice (odd), every 10th inactive.
  await t.sql(`insert into product (id, sku, name, category, list_price, cost, active)
    select 'prd_' || md5(g::text), 'BULK-' || lpad(g::text, 3, '0'), 'Bulk item ' || g,
      case when g % 2 = 0 then 'Cables' else 'Mice' end, g * 10, g * 5, g % 10 <> 0
    from generate_series(1, 60) g`);
  const key = async (scopes: string[]) => ok(await t.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`,
    { input: { name: `key ${scopes.join(',')}`, role: 'INTEGRATION', scopes } }, 'ADMIN')).createApiKey.secret as string;
  readerKey = await key(['products:read']);
  otherKey = await key(['customers:read']);
});
afterAll(async () => { await t.close(); });

const ok = (res: GqlResult) => {
  if (res.body.errors) throw new Error(`unexpected errors: ${JSON.stringify(res.body.errors)}`);
  return res.body.data;
};

const PRODUCT = 'id sku name category listPrice memberPrice cost currency active optionsSchema serialised warrantyMonths margin marginPercent version createdAt updatedAt';
const PAYLOAD = `product { ${PRODUCT} } errors { code message field }`;
const CREATE = `mutation($i: CreateProductInput!) { createProduct(input: $i) { ${PAYLOAD} } }`;
const UPDATE = `mutation($i: UpdateProductInput!) { updateProduct(input: $i) { ${PAYLOAD} } }`;

const OPTIONS = { ram: { type: 'enum', values: ['16GB', '32GB'], required: true }, engraving: { type: 'string', maxLength: 30 } };

let skuSeq = 0;
async function create(input: Record<string, unknown> = {}, who: Who = 'ADMIN') {
  skuSeq += 1;
  const res = await t.gql(CREATE, { i: { sku: `T-${skuSeq}`, name: `Test product ${skuSeq}`, category: 'Laptops', listPrice: '1000.00', ...input } }, who);
  return ok(res).createProduct as { product: any; errors: any[] };
}
async function created(input: Record<string, unknown> = {}) {
  const res = await create(input);
  expect(res.errors).toEqual([]);
  return res.product;
}
async function update(input: Record<string, unknown>, who: Who = 'ADMIN') {
  return ok(await t.gql(UPDATE, { i: input }, who)).updateProduct as { product: any; errors: any[] };
}
const errorsOf = (res: { errors: any[] }) => res.errors.map((e) => ({ code: e.code, field: e.field }));

describe('createProduct', () => {
  it('creates a product with normalized SKU and prices, options schema and margins', async () => {
    const p = await created({ sku: 'lap-14.pro_x', name: 'Laptop 14 Pro', listPrice: '1299', memberPrice: '1199.5', cost: '800.00', optionsSchema: OPTIONS });
    expect(p).toMatchObject({
      sku: 'LAP-14.PRO_X', name: 'Laptop 14 Pro', category: 'Laptops', listPrice: '1299.00', memberPrice: '1199.50', cost: '800.00',
      currency: 'EUR', active: true, optionsSchema: OPTIONS, margin: '499.00', marginPercent: '38.41', version: 1,
    });
    expect(p.id).toMatch(/^prd_[0-9a-f]{32}$/);
    const [row] = await t.sql<{ list_price: string }>('select list_price::text as list_price from product where id = ?', [p.id]);
    expect(row.list_price).toBe('1299.00');
  });

  it('has null margins without a cost, and a null percent with a zero list price', async () => {
    const noCost = await created({ listPrice: '10.00' });
    expect([noCost.cost, noCost.margin, noCost.marginPercent]).toEqual([null, null, null]);
    const free = await created({ listPrice: '0', cost: '2.50' });
    expect([free.margin, free.marginPercent]).toEqual(['-2.50', null]);
  });

  it('refuses a bad SKU, negative or malformed prices, a bad currency and a member price above the list price, naming the field', async () => {
    expect(errorsOf(await create({ sku: 'has space' }))).toEqual([{ code: 'VALIDATION', field: ['input', 'sku'] }]);
    expect(errorsOf(await create({ sku: 'A'.repeat(65) }))).toEqual([{ code: 'VALIDATION', field: ['input', 'sku'] }]);
    expect(errorsOf(await create({ sku: '' }))).toEqual([{ code: 'VALIDATION', field: ['input', 'sku'] }]);
    expect(errorsOf(await create({ listPrice: '-1.00' }))).toEqual([{ code: 'VALIDATION', field: ['input', 'listPrice'] }]);
    expect(errorsOf(await create({ cost: '-0.01' }))).toEqual([{ code: 'VALIDATION', field: ['input', 'cost'] }]);
    expect(errorsOf(await create({ memberPrice: '1.234' }))).toEqual([{ code: 'VALIDATION', field: ['input', 'memberPrice'] }]);
    expect(errorsOf(await create({ currency: 'EURO' }))).toEqual([{ code: 'VALIDATION', field: ['input', 'currency'] }]);
    expect(errorsOf(await create({ listPrice: '100', memberPrice: '100.01' }))).toEqual([{ code: 'VALIDATION', field: ['input', 'memberPrice'] }]);
    expect(errorsOf(await create({ name: '  ' }))).toEqual([{ code: 'VALIDATION', field: ['input', 'name'] }]);
    // a float is refused by the Decimal scalar itself
    expect(codes(await t.gql(CREATE, { i: { sku: 'FLOAT', name: 'x', category: 'x', listPrice: 1.5 } }, 'ADMIN'))).toEqual(['BAD_USER_INPUT']);
    expect(Number((await t.sql('select count(*)::int as n from product where sku like ?', ['T-%']))[0].n)).toBe(2);
  });

  it('refuses a malformed options schema at the offending path', async () => {
    const bad = async (optionsSchema: unknown) => errorsOf(await create({ optionsSchema }));
    expect(await bad({ ram: { type: 'enum', values: [] } })).toEqual([{ code: 'VALIDATION', field: ['input', 'optionsSchema', 'ram', 'values'] }]);
    expect(await bad({ ram: { type: 'enum' } })).toEqual([{ code: 'VALIDATION', field: ['input', 'optionsSchema', 'ram', 'values'] }]);
    expect(await bad({ ram: { type: 'enum', values: ['a', 'a'] } })).toEqual([{ code: 'VALIDATION', field: ['input', 'optionsSchema', 'ram', 'values'] }]);
    expect(await bad({ color: { type: 'colour' } })).toEqual([{ code: 'VALIDATION', field: ['input', 'optionsSchema', 'color', 'type'] }]);
    expect(await bad({ engraving: { type: 'string', maxLength: 'thirty' } })).toEqual([{ code: 'VALIDATION', field: ['input', 'optionsSchema', 'engraving', 'maxLength'] }]);
    expect(await bad({ engraving: { type: 'string', font: 'serif' } })).toEqual([{ code: 'VALIDATION', field: ['input', 'optionsSchema', 'engraving'] }]);
    expect(await bad({ qty: { type: 'integer', min: 5, max: 1 } })).toEqual([{ code: 'VALIDATION', field: ['input', 'optionsSchema', 'qty', 'min'] }]);
    expect(await bad({ '9lives': { type: 'boolean' } })).toEqual([{ code: 'VALIDATION', field: ['input', 'optionsSchema', '9lives'] }]);
    expect(await bad({ ram: 'big' })).toEqual([{ code: 'VALIDATION', field: ['input', 'optionsSchema', 'ram'] }]);
    const good = await created({ optionsSchema: { qty: { type: 'integer', min: 1, max: 4 }, gift: { type: 'boolean' } } });
    expect(good.optionsSchema).toEqual({ qty: { type: 'integer', min: 1, max: 4 }, gift: { type: 'boolean' } });
  });

  it('refuses a duplicate SKU (also in another case), also when created concurrently', async () => {
    await created({ sku: 'DUP-1' });
    const res = await create({ sku: 'dup-1' });
    expect(res.product).toBeNull();
    expect(errorsOf(res)).toEqual([{ code: 'DUPLICATE', field: ['input', 'sku'] }]);
    const all = await Promise.all(Array.from({ length: 5 }, () => t.gql(CREATE, { i: { sku: 'RACE-1', name: 'Race', category: 'x', listPrice: '1' } }, 'ADMIN')));
    const results = all.map((r) => ok(r).createProduct);
    expect(results.filter((r) => r.product).length).toBe(1);
    for (const r of results.filter((x) => !x.product)) expect(errorsOf(r)).toEqual([{ code: 'DUPLICATE', field: ['input', 'sku'] }]);
    expect((await t.sql('select id from product where sku = ?', ['RACE-1'])).length).toBe(1);
  });
});

describe('serialised products and warranty', () => {
  it('defaults to not serialised without warranty, and stores both on create and update', async () => {
    const plain = await created();
    expect([plain.serialised, plain.warrantyMonths]).toEqual([false, 0]);
    const server = await created({ serialised: true, warrantyMonths: 36 });
    expect([server.serialised, server.warrantyMonths]).toEqual([true, 36]);
    const changed = await update({ id: server.id, version: 1, serialised: false, warrantyMonths: 240 });
    expect(changed.errors).toEqual([]);
    expect(changed.product).toMatchObject({ serialised: false, warrantyMonths: 240, version: 2 });
    const untouched = await update({ id: server.id, version: 2, name: 'Server 2' });
    expect(untouched.product).toMatchObject({ serialised: false, warrantyMonths: 240 });
    const [row] = await t.sql<{ serialised: boolean; warranty_months: number }>('select serialised, warranty_months from product where id = ?', [server.id]);
    expect(row).toEqual({ serialised: false, warranty_months: 240 });
  });

  it('refuses warranty months outside 0–240 and nulls on update, naming the field and changing nothing', async () => {
    const before = Number((await t.sql('select count(*)::int as n from product'))[0].n);
    expect(errorsOf(await create({ warrantyMonths: -1 }))).toEqual([{ code: 'VALIDATION', field: ['input', 'warrantyMonths'] }]);
    expect(errorsOf(await create({ warrantyMonths: 241 }))).toEqual([{ code: 'VALIDATION', field: ['input', 'warrantyMonths'] }]);
    expect(Number((await t.sql('select count(*)::int as n from product'))[0].n)).toBe(before);
    const p = await created({ serialised: true, warrantyMonths: 12 });
    expect(errorsOf(await update({ id: p.id, version: 1, warrantyMonths: 241 }))).toEqual([{ code: 'VALIDATION', field: ['input', 'warrantyMonths'] }]);
    expect(errorsOf(await update({ id: p.id, version: 1, warrantyMonths: null }))).toEqual([{ code: 'VALIDATION', field: ['input', 'warrantyMonths'] }]);
    expect(errorsOf(await update({ id: p.id, version: 1, serialised: null }))).toEqual([{ code: 'VALIDATION', field: ['input', 'serialised'] }]);
    // a fraction is not an Int: refused by GraphQL before the service
    expect(codes(await t.gql(UPDATE, { i: { id: p.id, version: 1, warrantyMonths: 1.5 } }, 'ADMIN'))).toEqual(['BAD_USER_INPUT']);
    const [row] = await t.sql<{ serialised: boolean; warranty_months: number; version: number }>('select serialised, warranty_months, version from product where id = ?', [p.id]);
    expect(row).toEqual({ serialised: true, warranty_months: 12, version: 1 });
  });
});

describe('updateProduct', () => {
  it('changes fields, bumps the version, and refuses a stale version with CONFLICT', async () => {
    const p = await created({ cost: '400' });
    const res = await update({ id: p.id, version: 1, name: 'Renamed', listPrice: '1100', cost: null, active: false, optionsSchema: OPTIONS });
    expect(res.errors).toEqual([]);
    expect(res.product).toMatchObject({ name: 'Renamed', listPrice: '1100.00', cost: null, margin: null, active: false, optionsSchema: OPTIONS, version: 2 });
    const stale = await update({ id: p.id, version: 1, name: 'Lost update' });
    expect(stale.product).toBeNull();
    expect(errorsOf(stale)).toEqual([{ code: 'CONFLICT', field: ['input', 'version'] }]);
    const [row] = await t.sql<{ name: string }>('select name from product where id = ?', [p.id]);
    expect(row.name).toBe('Renamed');
  });

  it('refuses a taken SKU, nulls on required fields, bad values and unknown ids', async () => {
    const a = await created();
    const b = await created();
    expect(errorsOf(await update({ id: b.id, version: 1, sku: a.sku.toLowerCase() }))).toEqual([{ code: 'DUPLICATE', field: ['input', 'sku'] }]);
    expect(errorsOf(await update({ id: b.id, version: 1, name: null }))).toEqual([{ code: 'VALIDATION', field: ['input', 'name'] }]);
    expect(errorsOf(await update({ id: b.id, version: 1, listPrice: '-5' }))).toEqual([{ code: 'VALIDATION', field: ['input', 'listPrice'] }]);
    expect(errorsOf(await update({ id: b.id, version: 1, optionsSchema: { x: { type: 'enum', values: [1] } } })))
      .toEqual([{ code: 'VALIDATION', field: ['input', 'optionsSchema', 'x', 'values', '0'] }]);
    expect(errorsOf(await update({ id: b.id, version: 1, memberPrice: '5000' }))).toEqual([{ code: 'VALIDATION', field: ['input', 'memberPrice'] }]);
    expect(errorsOf(await update({ id: 'prd_' + '0'.repeat(32), version: 1, name: 'x' }))).toEqual([{ code: 'NOT_FOUND', field: ['input', 'id'] }]);
    expect(errorsOf(await update({ id: 'cus_' + '0'.repeat(32), version: 1, name: 'x' }))).toEqual([{ code: 'VALIDATION', field: ['input', 'id'] }]);
    const [row] = await t.sql<{ version: number; sku: string }>('select version, sku from product where id = ?', [b.id]);
    expect(row).toEqual({ version: 1, sku: b.sku });
  });
});

describe('who may write', () => {
  it('lets only ADMIN create or update products', async () => {
    const p = await created();
    for (const who of ['SALES_MANAGER', 'SALES_REP', 'FINANCE', 'SERVICE_AGENT', 'MARKETING', 'ANALYST', 'PARTNER'] as const) {
      const c = await t.gql(CREATE, { i: { sku: `NOPE-${who}`, name: 'x', category: 'x', listPrice: '1' } }, who);
      expect(codes(c)).toEqual(['FORBIDDEN']);
      expect(c.body.data?.createProduct ?? null).toBeNull();
      expect(codes(await t.gql(UPDATE, { i: { id: p.id, version: 1, name: 'x' } }, who))).toEqual(['FORBIDDEN']);
    }
    expect(codes(await t.gql(CREATE, { i: { sku: 'NOPE-KEY', name: 'x', category: 'x', listPrice: '1' } }, { apiKey: readerKey }))).toEqual(['FORBIDDEN']);
    expect(codes(await t.gql(CREATE, { i: { sku: 'NOPE-ANON', name: 'x', category: 'x', listPrice: '1' } }, null))).toEqual(['UNAUTHENTICATED']);
    expect((await t.sql(`select id from product where sku like 'NOPE-%'`)).length).toBe(0);
    expect((await t.sql<{ version: number }>('select version from product where id = ?', [p.id]))[0].version).toBe(1);
  });
});

describe('reading', () => {
  const ONE = 'query($id: ID!) { product(id: $id) { id sku listPrice memberPrice cost margin marginPercent } }';

  it('shows cost and margins only to SALES_MANAGER, FINANCE and ADMIN; null + FORBIDDEN for everyone else', async () => {
    const p = await created({ listPrice: '200', cost: '150' });
    for (const who of ['SALES_MANAGER', 'FINANCE', 'ADMIN'] as const) {
      const res = await t.gql(ONE, { id: p.id }, who);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.product).toMatchObject({ cost: '150.00', margin: '50.00', marginPercent: '25.00' });
    }
    const denied: (Who | Caller)[] = ['SALES_REP', 'SALES_REP_2', 'SERVICE_AGENT', 'MARKETING', 'ANALYST', 'PARTNER', { apiKey: readerKey }];
    for (const who of denied) {
      const res = await t.gql(ONE, { id: p.id }, who);
      expect(res.body.data.product).toMatchObject({ id: p.id, listPrice: '200.00', cost: null, margin: null, marginPercent: null });
      expect(res.body.errors!.map((e) => [e.extensions?.code, e.path?.join('.')]).sort())
        .toEqual([['FORBIDDEN', 'product.cost'], ['FORBIDDEN', 'product.margin'], ['FORBIDDEN', 'product.marginPercent']]);
    }
  });

  it('lets INTEGRATION keys with products:read read the catalogue, and refuses keys without it', async () => {
    const p = await created();
    const list = await t.gql('{ products(first: 3, filter: { category: { eq: "Cables" } }) { totalCount edges { node { sku listPrice } } } }', {}, { apiKey: readerKey });
    expect(list.body.errors).toBeUndefined();
    expect(list.body.data.products.totalCount).toBe(30);
    expect(ok(await t.gql('query($s: String!) { productBySku(sku: $s) { id } }', { s: p.sku }, { apiKey: readerKey })).productBySku.id).toBe(p.id);
    expect(ok(await t.gql('query($id: ID!) { node(id: $id) { id ... on Product { sku } } }', { id: p.id }, { apiKey: readerKey })).node).toEqual({ id: p.id, sku: p.sku });

    expect(codes(await t.gql('{ products(first: 3) { totalCount } }', {}, { apiKey: otherKey }))).toEqual(['FORBIDDEN']);
    expect(codes(await t.gql(ONE, { id: p.id }, { apiKey: otherKey }))).toEqual(['FORBIDDEN']);
    expect(ok(await t.gql('query($id: ID!) { node(id: $id) { id } }', { id: p.id }, { apiKey: otherKey })).node).toBeNull();
    expect(codes(await t.gql('{ products(first: 3) { totalCount } }', {}, null))).toEqual(['UNAUTHENTICATED']);
  });

  it('lets every staff role and PARTNER list products', async () => {
    for (const who of ['ADMIN', 'SALES_MANAGER', 'SALES_REP', 'SERVICE_AGENT', 'MARKETING', 'FINANCE', 'ANALYST', 'PARTNER'] as const) {
      const res = await t.gql('{ products(first: 1, filter: { sku: { eq: "BULK-001" } }) { totalCount edges { node { name } } } }', {}, who);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.products).toEqual({ totalCount: 1, edges: [{ node: { name: 'Bulk item 1' } }] });
    }
  });

  it('finds by id and SKU (case-insensitive), null otherwise', async () => {
    expect(ok(await t.gql('{ productBySku(sku: " bulk-007 ") { name } }', {}, 'SALES_REP')).productBySku.name).toBe('Bulk item 7');
    expect(ok(await t.gql('{ productBySku(sku: "NO-SUCH") { id } }', {}, 'SALES_REP')).productBySku).toBeNull();
    expect(ok(await t.gql(ONE, { id: 'prd_' + 'f'.repeat(32) }, 'SALES_REP')).product).toBeNull();
  });
});

describe('products list', () => {
  const LIST = `query($first: Int, $after: String, $last: Int, $before: String, $filter: ProductFilter, $orderBy: [ProductOrderBy!], $search: String) {
    products(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy, search: $search) {
      totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id sku name listPrice active } } } }`;
  const list = async (vars: Record<string, unknown>, who: Who = 'SALES_REP') => ok(await t.gql(LIST, vars, who)).products;
  const BULK = { category: { in: ['Cables', 'Mice'] } };

  it('filters by sku, name, category, active and list price range', async () => {
    expect((await list({ filter: { category: { eq: 'Cables' } } })).totalCount).toBe(30);
    expect((await list({ filter: { ...BULK, active: { eq: false } } })).totalCount).toBe(6);
    const range = await list({ first: 50, filter: { ...BULK, listPrice: { gte: '100', lte: '200' } } });
    expect(range.totalCount).toBe(11);
    expect(range.edges.every((e: any) => Number(e.node.listPrice) >= 100 && Number(e.node.listPrice) <= 200)).toBe(true);
    expect((await list({ filter: { sku: { startsWith: 'bulk-05' } } })).totalCount).toBe(10);
    expect((await list({ filter: { name: { contains: 'ITEM 4' } } })).totalCount).toBe(11); // 4, 40–49
    expect((await list({ filter: { ...BULK, not: { active: { eq: true } }, listPrice: { lt: '300' } } })).totalCount).toBe(2); // 10, 20
    expect(codes(await t.gql(LIST, { filter: { listPrice: { gt: 1.5 } } }, 'SALES_REP'))).toEqual(['BAD_USER_INPUT']);
  });

  it('searches name and SKU, and refuses a search shorter than 2 characters', async () => {
    const bySku = await list({ first: 50, search: 'bulk-00' });
    expect(bySku.totalCount).toBe(9);
    expect(bySku.edges.map((e: any) => e.node.sku).sort()).toEqual(Array.from({ length: 9 }, (_, i) => `BULK-00${i + 1}`));
    expect((await list({ search: 'ITEM 5' })).totalCount).toBe(11); // 5, 50–59
    expect((await list({ search: '100%' })).totalCount).toBe(0);
    expect(codes(await t.gql(LIST, { search: 'x' }, 'SALES_REP'))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await t.gql(LIST, { first: 101 }, 'SALES_REP'))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await t.gql(LIST, { after: 'garbage' }, 'SALES_REP'))).toEqual(['BAD_USER_INPUT']);
  });

  it('walks pages forward and backward in every order without gaps or repeats', async () => {
    const expected = async (order: string) => (await t.sql<{ id: string }>(`select id from product where category in ('Cables', 'Mice') order by ${order}`)).map((r) => r.id);
    const cases: [Record<string, unknown>[], string][] = [
      [[{ field: 'LIST_PRICE', direction: 'DESC' }], 'list_price desc, id desc'],
      [[{ field: 'SKU', direction: 'ASC' }], 'sku asc, id asc'],
      [[{ field: 'NAME', direction: 'ASC' }], 'name asc, id asc'],
      [[{ field: 'CREATED_AT', direction: 'DESC' }], 'created_at desc, id desc'],
      [[{ field: 'NAME', direction: 'DESC' }], 'name desc, id desc'],
      [[{ field: 'LIST_PRICE', direction: 'ASC' }, { field: 'NAME', direction: 'DESC' }], 'list_price asc, name desc, id desc'],
    ];
    for (const [orderBy, sqlOrder] of cases) {
      const want = await expected(sqlOrder);
      const forward: string[] = [];
      let after: string | null = null;
      for (let i = 0; i < 20; i++) {
        const page: any = await list({ first: 7, after, filter: BULK, orderBy });
        forward.push(...page.edges.map((e: any) => e.node.id));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(forward).toEqual(want);
      const backward: string[] = [];
      let before: string | null = null;
      for (let i = 0; i < 20; i++) {
        const page: any = await list({ last: 7, before, filter: BULK, orderBy });
        backward.unshift(...page.edges.map((e: any) => e.node.id));
        if (!page.pageInfo.hasPreviousPage) break;
        before = page.pageInfo.startCursor;
      }
      expect(backward).toEqual(want);
    }
  });

  it('sorts by name by default', async () => {
    const page = await list({ first: 3, filter: BULK });
    expect(page.edges.map((e: any) => e.node.name)).toEqual(['Bulk item 1', 'Bulk item 10', 'Bulk item 11']);
  });

  it('sends the same number of statements for 5 and for 50 products (N+1)', async () => {
    const query = `query($n: Int) { products(first: $n, filter: { category: { in: ["Cables", "Mice"] } }) { totalCount
      edges { node { id sku name listPrice cost margin marginPercent optionsSchema } } } }`;
    let five: any;
    let fifty: any;
    const small = await t.countQueries(async () => { five = ok(await t.gql(query, { n: 5 }, 'ADMIN')); });
    const large = await t.countQueries(async () => { fifty = ok(await t.gql(query, { n: 50 }, 'ADMIN')); });
    expect(five.products.edges).toHaveLength(5);
    expect(fifty.products.edges).toHaveLength(50);
    expect(fifty.products.edges[0].node.margin).not.toBeNull();
    expect(large).toBe(small);
    expect(small).toBeLessThanOrEqual(4);
  });
});
