/**
 * The `customers` connection through HTTP: keyset pagination forward and backward over several
 * orders (stable under inserts), argument errors, typed filters combined with and/or/not, and search.
 * Expectations are computed with raw SQL on the test database, so the tests check the API and not the
 * seed's randomness.
 */
import { codes, ok, startTestApp, USERS, type TestApp, type Who } from './helpers';

let t: TestApp;
let U: Record<Who, string>;

/** A few extra customers whose sort keys tie with each other and with a seeded customer. */
const TWINS = 3;

beforeAll(async () => {
  t = await startTestApp();
  const users = await t.sql<{ id: string; email: string }>('select id, email from app_user');
  U = Object.fromEntries(Object.entries(USERS).map(([who, email]) => [who, users.find((u) => u.email === email)!.id])) as Record<Who, string>;
  // Same name, revenue and headcount, and (set below) the creation time of a seeded customer: only the id breaks these ties.
  const [seeded] = await t.sql<{ id: string; annual_revenue: string; employee_count: number }>(
    `select id, annual_revenue::text as annual_revenue, employee_count from customer
     where annual_revenue is not null and employee_count is not null order by created_at limit 1 offset 10`);
  const twins: string[] = [];
  for (let i = 0; i < TWINS; i++) {
    const res = ok(await t.gql(CREATE, { input: { name: 'Twin Co', kind: 'BUSINESS', annualRevenue: seeded.annual_revenue, employeeCount: seeded.employee_count } }, 'SALES_REP'));
    expect(res.createCustomer.errors).toEqual([]);
    twins.push(res.createCustomer.customer.id);
  }
  await t.sql(`update customer set created_at = (select created_at from customer where id = ?) where id in (?, ?, ?)`, [seeded.id, ...twins]);
});
afterAll(async () => { await t.close(); });

// ------------------------------------------------------------------------------------------ helpers

const CREATE = `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } errors { code message field } } }`;

const PAGE = `query($first: Int, $after: String, $last: Int, $before: String, $orderBy: [CustomerOrderBy!], $filter: CustomerFilter, $search: String) {
  customers(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy, filter: $filter, search: $search) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } } } }`;

type OrderBy = { field: string; direction: 'ASC' | 'DESC' }[] | null;

/** The same order in SQL: nulls always last, the id breaks ties in the direction of the last key. */
function orderSql(orderBy: OrderBy): string {
  const list = orderBy?.length ? orderBy : [{ field: 'CREATED_AT', direction: 'DESC' as const }];
  const column: Record<string, string> = { NAME: 'c.name', CREATED_AT: 'c.created_at', UPDATED_AT: 'c.updated_at', ANNUAL_REVENUE: 'c.annual_revenue', EMPLOYEE_COUNT: 'c.employee_count' };
  return [...list.map((o) => `${column[o.field]} ${o.direction} nulls last`), `c.id ${list[list.length - 1].direction}`].join(', ');
}

/** Visible customer ids in the expected order. */
async function expectedOrder(orderBy: OrderBy, scope = 'true', params: unknown[] = []): Promise<string[]> {
  return (await t.sql<{ id: string }>(`select c.id from customer c where c.deleted_at is null and ${scope} order by ${orderSql(orderBy)}`, params)).map((r) => r.id);
}

async function sqlIds(where: string, params: unknown[] = []): Promise<string[]> {
  return (await t.sql<{ id: string }>(`select c.id from customer c where c.deleted_at is null and (${where}) order by c.id`, params)).map((r) => r.id);
}

const sortIds = (ids: string[]) => [...ids].sort();

function expectNoDuplicates(ids: string[]) {
  const seen = new Set<string>();
  const dupes = ids.filter((id) => seen.has(id) || !seen.add(id));
  expect(dupes).toEqual([]);
}

/**
 * Walks every page forward, checking pageInfo on each; `between(page, lastId)` runs after each page
 * but the last (to insert rows mid-walk).
 */
async function walkForward(who: Who, orderBy: OrderBy, size: number, between?: (page: number, lastId: string) => Promise<void>) {
  const ids: string[] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const c: any = ok(await t.gql(PAGE, { first: size, after, orderBy }, who)).customers;
    pages++;
    expect(c.pageInfo.hasPreviousPage).toBe(after !== null);
    expect(c.pageInfo.startCursor).toBe(c.edges[0]?.cursor ?? null);
    expect(c.pageInfo.endCursor).toBe(c.edges[c.edges.length - 1]?.cursor ?? null);
    expect(c.edges.length).toBeLessThanOrEqual(size);
    ids.push(...c.edges.map((e: any) => e.node.id));
    if (!c.pageInfo.hasNextPage) break;
    expect(c.edges).toHaveLength(size);
    after = c.pageInfo.endCursor;
    if (between) await between(pages, ids[ids.length - 1]);
    if (pages > 50) throw new Error('walk does not end');
  }
  return { ids, pages };
}

/** Walks every page backward from the end; `between(page, firstId)` runs after each page but the last. */
async function walkBackward(who: Who, orderBy: OrderBy, size: number, between?: (page: number, firstId: string) => Promise<void>) {
  const chunks: string[][] = [];
  let before: string | null = null;
  let pages = 0;
  for (;;) {
    const c: any = ok(await t.gql(PAGE, { last: size, before, orderBy }, who)).customers;
    pages++;
    expect(c.pageInfo.hasNextPage).toBe(before !== null);
    expect(c.pageInfo.startCursor).toBe(c.edges[0]?.cursor ?? null);
    expect(c.pageInfo.endCursor).toBe(c.edges[c.edges.length - 1]?.cursor ?? null);
    expect(c.edges.length).toBeLessThanOrEqual(size);
    const ids = c.edges.map((e: any) => e.node.id);
    chunks.unshift(ids);
    if (!c.pageInfo.hasPreviousPage) break;
    expect(c.edges).toHaveLength(size);
    before = c.pageInfo.startCursor;
    if (between) await between(pages, ids[0]);
    if (pages > 50) throw new Error('walk does not end');
  }
  return { ids: chunks.flat(), pages };
}

async function list(filter: unknown, who: Who = 'ADMIN', search?: string) {
  const c = ok(await t.gql(PAGE, { first: 100, filter, search }, who)).customers;
  return { ids: sortIds(c.edges.map((e: any) => e.node.id)), totalCount: c.totalCount as number };
}

// ---------------------------------------------------------------------------------------- pagination

const ORDERS: [string, OrderBy][] = [
  ['default (createdAt DESC)', null],
  ['NAME ASC', [{ field: 'NAME', direction: 'ASC' }]],
  ['ANNUAL_REVENUE DESC (nulls last)', [{ field: 'ANNUAL_REVENUE', direction: 'DESC' }]],
  ['ANNUAL_REVENUE ASC (nulls still last)', [{ field: 'ANNUAL_REVENUE', direction: 'ASC' }]],
  ['EMPLOYEE_COUNT ASC', [{ field: 'EMPLOYEE_COUNT', direction: 'ASC' }]],
  ['NAME DESC, CREATED_AT ASC', [{ field: 'NAME', direction: 'DESC' }, { field: 'CREATED_AT', direction: 'ASC' }]],
];

describe('pagination', () => {
  test('the fixture has ties and nulls to page through', async () => {
    const [row] = await t.sql<{ n: number; twins: number; null_revenue: number; null_count: number; same_created: number }>(`select count(*)::int as n,
      count(*) filter (where name = 'Twin Co')::int as twins,
      count(*) filter (where annual_revenue is null)::int as null_revenue,
      count(*) filter (where employee_count is null)::int as null_count,
      (select max(k)::int from (select count(*) as k from customer group by created_at) g) as same_created
      from customer where deleted_at is null`);
    expect(row).toMatchObject({ n: 40 + TWINS, twins: TWINS, same_created: TWINS + 1 });
    expect(row.null_revenue).toBeGreaterThan(0);
    expect(row.null_count).toBeGreaterThan(0);
  });

  describe.each(ORDERS)('order %s', (_label, orderBy) => {
    test.each([7, 10, 43, 100])('forward with first: %i visits every row once, in order', async (size) => {
      const expected = await expectedOrder(orderBy);
      const { ids, pages } = await walkForward('ADMIN', orderBy, size);
      expectNoDuplicates(ids);
      expect(ids).toEqual(expected);
      expect(pages).toBe(Math.max(1, Math.ceil(expected.length / size)));
    });

    test.each([7, 43])('backward with last: %i visits every row once, in order', async (size) => {
      const expected = await expectedOrder(orderBy);
      const { ids, pages } = await walkBackward('ADMIN', orderBy, size);
      expectNoDuplicates(ids);
      expect(ids).toEqual(expected);
      expect(pages).toBe(Math.ceil(expected.length / size));
    });
  });

  test('nulls sort last in both directions', async () => {
    for (const direction of ['ASC', 'DESC'] as const) {
      const { ids } = await walkForward('ADMIN', [{ field: 'ANNUAL_REVENUE', direction }], 100);
      const nulls = new Set(await sqlIds('c.annual_revenue is null'));
      const firstNull = ids.findIndex((id) => nulls.has(id));
      expect(firstNull).toBeGreaterThan(0);
      expect(ids.slice(firstNull).every((id) => nulls.has(id))).toBe(true);
    }
  });

  test('a rep pages through exactly their own customers', async () => {
    const orderBy: OrderBy = [{ field: 'NAME', direction: 'ASC' }];
    const expected = await expectedOrder(orderBy, 'c.owner_id = ?', [U.SALES_REP]);
    expect(expected.length).toBe(20 + TWINS);
    const fwd = await walkForward('SALES_REP', orderBy, 6);
    expect(fwd.ids).toEqual(expected);
    const back = await walkBackward('SALES_REP', orderBy, 6);
    expect(back.ids).toEqual(expected);
    const rep2 = await walkForward('SALES_REP_2', orderBy, 6);
    expect(rep2.ids).toEqual(await expectedOrder(orderBy, 'c.owner_id = ?', [U.SALES_REP_2]));
    expect(rep2.ids.filter((id) => fwd.ids.includes(id))).toEqual([]);
  });

  test('a rep stays within their own customers on orders whose cursor condition is an OR (nullable or mixed keys)', async () => {
    for (const orderBy of [
      [{ field: 'ANNUAL_REVENUE', direction: 'DESC' }],
      [{ field: 'NAME', direction: 'DESC' }, { field: 'CREATED_AT', direction: 'ASC' }],
    ] as OrderBy[]) {
      const expected = await expectedOrder(orderBy, 'c.owner_id = ?', [U.SALES_REP]);
      const fwd = await walkForward('SALES_REP', orderBy, 4);
      expect(fwd.ids).toEqual(expected);
      const back = await walkBackward('SALES_REP', orderBy, 4);
      expect(back.ids).toEqual(expected);
    }
  });

  test('pageInfo at both ends, and paging back from the middle', async () => {
    const expected = await expectedOrder(null);
    const first = ok(await t.gql(PAGE, { first: 5 }, 'ADMIN')).customers;
    expect(first.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
    expect(first.totalCount).toBe(expected.length);
    expect(first.edges.map((e: any) => e.node.id)).toEqual(expected.slice(0, 5));

    const second = ok(await t.gql(PAGE, { first: 5, after: first.pageInfo.endCursor }, 'ADMIN')).customers;
    expect(second.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
    expect(second.edges.map((e: any) => e.node.id)).toEqual(expected.slice(5, 10));
    // Back from the start of page 2 is page 1, and nothing precedes it.
    const back = ok(await t.gql(PAGE, { last: 5, before: second.pageInfo.startCursor }, 'ADMIN')).customers;
    expect(back.edges.map((e: any) => e.node.id)).toEqual(expected.slice(0, 5));
    expect(back.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
    // A bigger `last` than what precedes gives what there is.
    const wide = ok(await t.gql(PAGE, { last: 50, before: second.pageInfo.startCursor }, 'ADMIN')).customers;
    expect(wide.edges.map((e: any) => e.node.id)).toEqual(expected.slice(0, 5));
    expect(wide.pageInfo.hasPreviousPage).toBe(false);

    // The tail: `last` alone gives the last rows, nothing after them.
    const tail = ok(await t.gql(PAGE, { last: 4 }, 'ADMIN')).customers;
    expect(tail.edges.map((e: any) => e.node.id)).toEqual(expected.slice(-4));
    expect(tail.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    // After the very last cursor: an empty page.
    const beyond = ok(await t.gql(PAGE, { first: 5, after: tail.pageInfo.endCursor }, 'ADMIN')).customers;
    expect(beyond.edges).toEqual([]);
    expect(beyond.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null });
    expect(beyond.totalCount).toBe(expected.length);
    // Before the very first cursor: an empty page too.
    const ahead = ok(await t.gql(PAGE, { last: 5, before: first.pageInfo.startCursor }, 'ADMIN')).customers;
    expect(ahead.edges).toEqual([]);
    expect(ahead.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: null });
  });

  test('without first or last a page holds 20 rows', async () => {
    const c = ok(await t.gql(PAGE, {}, 'ADMIN')).customers;
    expect(c.edges).toHaveLength(20);
    expect(c.edges.map((e: any) => e.node.id)).toEqual((await expectedOrder(null)).slice(0, 20));
  });

  test('first: 0 gives an empty page; first: 100 is allowed', async () => {
    const total = (await expectedOrder(null)).length;
    const empty = ok(await t.gql(PAGE, { first: 0 }, 'ADMIN')).customers;
    expect(empty.edges).toEqual([]);
    expect(empty.totalCount).toBe(total);
    expect(empty.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: null });
    const full = ok(await t.gql(PAGE, { first: 100 }, 'ADMIN')).customers;
    expect(full.edges).toHaveLength(total);
    expect(full.pageInfo.hasNextPage).toBe(false);
  });

  test.each([
    ['first: 101', { first: 101 }],
    ['last: 101', { last: 101 }],
    ['first: -1', { first: -1 }],
    ['first and last together', { first: 5, last: 5 }],
    ['last with after', { last: 5, after: 'x' }],
    ['first with before', { first: 5, before: 'x' }],
    ['a cursor that is not ours', { first: 5, after: 'bm90IGEgY3Vyc29y' }],
    ['a cursor of garbage', { first: 5, after: '%%%' }],
  ])('%s → BAD_USER_INPUT', async (_label, args) => {
    const res = await t.gql(PAGE, args, 'ADMIN');
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.body.data).toBeNull();
  });

  test('a cursor from one orderBy used with another is BAD_USER_INPUT', async () => {
    const byName = ok(await t.gql(PAGE, { first: 3, orderBy: [{ field: 'NAME', direction: 'ASC' }] }, 'ADMIN')).customers;
    const cursor = byName.pageInfo.endCursor;
    for (const orderBy of [null, [{ field: 'NAME', direction: 'DESC' }], [{ field: 'ANNUAL_REVENUE', direction: 'ASC' }], [{ field: 'NAME', direction: 'ASC' }, { field: 'CREATED_AT', direction: 'ASC' }]]) {
      const forward = await t.gql(PAGE, { first: 3, after: cursor, orderBy }, 'ADMIN');
      expect(codes(forward)).toEqual(['BAD_USER_INPUT']);
      const backward = await t.gql(PAGE, { last: 3, before: cursor, orderBy }, 'ADMIN');
      expect(codes(backward)).toEqual(['BAD_USER_INPUT']);
    }
    // A customers cursor is no contacts cursor either.
    const contacts = await t.gql('query($after: String) { contacts(first: 3, after: $after) { totalCount } }', { after: cursor }, 'ADMIN');
    expect(codes(contacts)).toEqual(['BAD_USER_INPUT']);
    // With its own order it works.
    const same = ok(await t.gql(PAGE, { first: 3, after: cursor, orderBy: [{ field: 'NAME', direction: 'ASC' }] }, 'ADMIN')).customers;
    expect(same.edges.map((e: any) => e.node.id)).toEqual((await expectedOrder([{ field: 'NAME', direction: 'ASC' }])).slice(3, 6));
  });

  describe('rows inserted mid-walk', () => {
    let serial = 0;
    async function insert(input: Record<string, unknown>): Promise<string> {
      const res = ok(await t.gql(CREATE, { input: { kind: 'BUSINESS', ...input, name: input.name ?? `Inserted ${++serial}` } }, 'ADMIN'));
      expect(res.createCustomer.errors).toEqual([]);
      return res.createCustomer.customer.id;
    }

    /**
     * After a walk with inserts: every row that existed is there exactly once, in order; a new row is
     * there exactly when it sorts after the position the walk had reached when it was inserted.
     */
    async function expectStableWalk(walked: string[], existing: string[], orderBy: OrderBy, inserted: { ids: string[]; at: string }[], backward: boolean) {
      expectNoDuplicates(walked);
      const final = await expectedOrder(orderBy);
      const pos = new Map(final.map((id, i) => [id, i]));
      const skipped = new Set(inserted.flatMap(({ ids, at }) => ids.filter((id) => (backward ? pos.get(id)! > pos.get(at)! : pos.get(id)! < pos.get(at)!))));
      expect(walked).toEqual(final.filter((id) => !skipped.has(id)));
      expect(walked.filter((id) => existing.includes(id))).toEqual(existing);
      // The checks above would be vacuous if nothing landed on either side.
      return { skipped: skipped.size, seen: inserted.flatMap(({ ids }) => ids).filter((id) => !skipped.has(id)).length };
    }

    test('forward by createdAt DESC: new customers sort first and are not seen; nothing is repeated', async () => {
      const existing = await expectedOrder(null);
      const inserted: { ids: string[]; at: string }[] = [];
      const { ids } = await walkForward('ADMIN', null, 7, async (page, lastId) => {
        if (page === 2 || page === 4) inserted.push({ at: lastId, ids: [await insert({}), await insert({})] });
      });
      const { skipped, seen } = await expectStableWalk(ids, existing, null, inserted, false);
      expect(skipped).toBe(4);
      expect(seen).toBe(0);
    });

    test('backward by createdAt DESC: new customers sort first and are reached', async () => {
      const existing = await expectedOrder(null);
      const inserted: { ids: string[]; at: string }[] = [];
      const { ids } = await walkBackward('ADMIN', null, 7, async (page, firstId) => {
        if (page === 2) inserted.push({ at: firstId, ids: [await insert({}), await insert({})] });
      });
      const { seen } = await expectStableWalk(ids, existing, null, inserted, true);
      expect(seen).toBe(2);
    });

    test('forward by NAME ASC with names before, equal to and after the cursor', async () => {
      const orderBy: OrderBy = [{ field: 'NAME', direction: 'ASC' }];
      const existing = await expectedOrder(orderBy);
      const names = new Map((await t.sql<{ id: string; name: string }>('select id, name from customer')).map((r) => [r.id, r.name]));
      const inserted: { ids: string[]; at: string }[] = [];
      const { ids } = await walkForward('ADMIN', orderBy, 6, async (page, lastId) => {
        if (page !== 2) return;
        const cursorName = names.get(lastId)!;
        const later = names.get(existing[existing.indexOf(lastId) + 8])!;
        inserted.push({
          at: lastId,
          ids: [
            await insert({ name: 'AAA Early Bird' }), await insert({ name: cursorName }), await insert({ name: cursorName }),
            await insert({ name: later }), await insert({ name: 'zzz Late Comer' }),
          ],
        });
      });
      const { skipped, seen } = await expectStableWalk(ids, existing, orderBy, inserted, false);
      expect(skipped).toBeGreaterThanOrEqual(1);
      expect(seen).toBeGreaterThanOrEqual(2);
    });

    test('forward and backward by ANNUAL_REVENUE DESC with nulls and ties', async () => {
      const orderBy: OrderBy = [{ field: 'ANNUAL_REVENUE', direction: 'DESC' }];
      const revenue = async (id: string) => (await t.sql<{ r: string | null }>('select annual_revenue::text as r from customer where id = ?', [id]))[0].r;
      for (const backward of [false, true]) {
        const existing = await expectedOrder(orderBy);
        const inserted: { ids: string[]; at: string }[] = [];
        // Insert once, where the cursor row has a revenue: then the null and the tiny revenue (smaller than any before) sort after it, the huge one before.
        const between = async (_page: number, cursorId: string) => {
          const tie = await revenue(cursorId);
          if (inserted.length || tie === null) return;
          inserted.push({
            at: cursorId,
            ids: [
              await insert({ annualRevenue: '9999999999999.00' }), await insert({ annualRevenue: null }),
              await insert({ annualRevenue: tie }), await insert({ annualRevenue: tie }), await insert({ annualRevenue: backward ? '1.00' : '2.00' }),
            ],
          });
        };
        const { ids } = backward ? await walkBackward('ADMIN', orderBy, 7, between) : await walkForward('ADMIN', orderBy, 7, between);
        expect(inserted).toHaveLength(1);
        const { skipped, seen } = await expectStableWalk(ids, existing, orderBy, inserted, backward);
        expect(skipped).toBeGreaterThanOrEqual(backward ? 2 : 1);
        expect(seen).toBeGreaterThanOrEqual(backward ? 1 : 2);
      }
    });
  });
});

// -------------------------------------------------------------------------------------------- filters

describe('filters', () => {
  /** The API's answer equals the SQL condition's, and the filter is neither empty nor everything. */
  async function expectFilter(filter: unknown, where: string, params: unknown[] = [], opts: { who?: Who; scope?: string; scopeParams?: unknown[]; allowEmpty?: boolean } = {}) {
    const { who = 'ADMIN', scope = 'true', scopeParams = [], allowEmpty = false } = opts;
    const expected = await sqlIds(`${scope} and (${where})`, [...scopeParams, ...params]);
    const all = await sqlIds(scope, scopeParams);
    const got = await list(filter, who);
    expect(got.ids).toEqual(expected);
    expect(got.totalCount).toBe(expected.length);
    if (!allowEmpty) {
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(all.length);
    }
    return expected;
  }

  test('name: contains and startsWith ignore case; eq is exact; in', async () => {
    const [{ word }] = await t.sql<{ word: string }>(`select split_part(name, ' ', 2) as word from customer where kind = 'BUSINESS' and name <> 'Twin Co' order by created_at limit 1`);
    await expectFilter({ name: { contains: word.toUpperCase() } }, 'lower(c.name) like ?', [`%${word.toLowerCase()}%`]);
    await expectFilter({ name: { contains: word.slice(1, 4).toLowerCase() } }, 'lower(c.name) like ?', [`%${word.slice(1, 4).toLowerCase()}%`]);
    const [{ name }] = await t.sql<{ name: string }>(`select name from customer where kind = 'BUSINESS' and name <> 'Twin Co' order by created_at limit 1 offset 3`);
    await expectFilter({ name: { startsWith: name.slice(0, 4).toLowerCase() } }, 'lower(c.name) like ?', [`${name.slice(0, 4).toLowerCase()}%`]);
    // startsWith is not contains.
    await expectFilter({ name: { startsWith: 'tWiN' } }, "lower(c.name) like 'twin%'");
    expect((await list({ name: { startsWith: 'Co' } })).ids).toEqual(await sqlIds("lower(c.name) like 'co%'"));
    await expectFilter({ name: { eq: name } }, 'c.name = ?', [name]);
    await expectFilter({ name: { eq: name.toUpperCase() } }, 'c.name = ?', [name.toUpperCase()], { allowEmpty: true });
    await expectFilter({ name: { eq: 'Twin Co' } }, "c.name = 'Twin Co'");
    await expectFilter({ name: { in: [name, 'Twin Co', 'No such customer'] } }, 'c.name in (?, ?)', [name, 'Twin Co']);
    await expectFilter({ name: { in: [] } }, 'false', [], { allowEmpty: true });
    await expectFilter({ name: { ne: 'Twin Co' } }, "c.name <> 'Twin Co'");
  });

  test('ANALYST filters on names it may read only: a business name matches, an individual\'s never', async () => {
    const person = await sqlIds("c.kind = 'INDIVIDUAL'");
    const [{ name }] = await t.sql<{ name: string }>('select name from customer where id = ?', [person[0]]);
    await expectFilter({ name: { eq: name } }, 'c.name = ?', [name]);
    expect((await list({ name: { eq: name } }, 'ANALYST')).ids).toEqual([]);
    expect((await list({ name: { startsWith: name.slice(0, 3) } }, 'ANALYST')).ids).toEqual(
      await sqlIds("c.kind = 'BUSINESS' and lower(c.name) like ?", [`${name.slice(0, 3).toLowerCase()}%`]));
    // `ne` and `isNull` over a hidden name tell nothing either: every individual matches them alike.
    expect((await list({ and: [{ kind: { eq: 'INDIVIDUAL' } }, { name: { ne: name } }] }, 'ANALYST')).ids).toEqual(person);
    await expectFilter({ name: { isNull: true } }, "c.kind = 'INDIVIDUAL'", [], { who: 'ANALYST' });
  });

  test('text operators match LIKE wildcards literally', async () => {
    expect((await list({ name: { contains: '%' } })).ids).toEqual([]);
    expect((await list({ name: { contains: '_' } })).ids).toEqual([]);
    expect((await list({ name: { startsWith: '%' } })).ids).toEqual([]);
    expect((await list({ name: { contains: 'T_in' } })).ids).toEqual([]);
  });

  test('enums: tier, sector, status, kind with eq / in / notIn', async () => {
    await expectFilter({ tier: { eq: 'KEY' } }, "c.tier = 'KEY'");
    await expectFilter({ tier: { in: ['KEY', 'TARGET'] } }, "c.tier in ('KEY', 'TARGET')");
    await expectFilter({ tier: { notIn: ['POTENTIAL'] } }, "c.tier <> 'POTENTIAL'");
    await expectFilter({ sector: { eq: 'ENTERPRISE' } }, "c.sector = 'ENTERPRISE'");
    await expectFilter({ sector: { in: ['EDUCATION', 'GOVERNMENT'] } }, "c.sector in ('EDUCATION', 'GOVERNMENT')");
    await expectFilter({ status: { eq: 'AT_RISK' } }, "c.status = 'AT_RISK'");
    await expectFilter({ status: { in: ['AT_RISK', 'CHURNED'] } }, "c.status in ('AT_RISK', 'CHURNED')");
    await expectFilter({ status: { notIn: ['ACTIVE'] } }, "c.status <> 'ACTIVE'");
    await expectFilter({ kind: { eq: 'INDIVIDUAL' } }, "c.kind = 'INDIVIDUAL'");
    // On an optional enum, a missing value counts as "not one of these" (as with `ne`).
    const [{ reason }] = await t.sql<{ reason: string }>('select churn_reason as reason from customer where churn_reason is not null limit 1');
    await expectFilter({ churnReason: { notIn: [reason] } }, 'c.churn_reason is distinct from ?', [reason]);
    await expectFilter({ churnReason: { ne: reason } }, 'c.churn_reason is distinct from ?', [reason]);
    await expectFilter({ isPartner: { eq: true } }, 'c.is_partner');
  });

  test('ownerId, within the caller\'s scope', async () => {
    await expectFilter({ ownerId: { eq: U.SALES_REP_2 } }, 'c.owner_id = ?', [U.SALES_REP_2]);
    await expectFilter({ ownerId: { in: [U.SALES_REP, U.ADMIN] } }, 'c.owner_id in (?, ?)', [U.SALES_REP, U.ADMIN]);
    const rep = { who: 'SALES_REP' as Who, scope: 'c.owner_id = ?', scopeParams: [U.SALES_REP] };
    await expectFilter({ ownerId: { eq: U.SALES_REP_2 } }, 'c.owner_id = ?', [U.SALES_REP_2], { ...rep, allowEmpty: true });
    expect((await list({ ownerId: { eq: U.SALES_REP_2 } }, 'SALES_REP')).totalCount).toBe(0);
    await expectFilter({ tier: { eq: 'KEY' } }, "c.tier = 'KEY'", [], rep);
  });

  test('tags: hasAny and hasAll, compared lower-case', async () => {
    const [pair] = await t.sql<{ a: string; b: string }>(`select tags[1] as a, tags[2] as b from customer where cardinality(tags) >= 2 order by created_at limit 1`);
    expect(pair).toBeDefined();
    await expectFilter({ tags: { hasAny: [pair.a.toUpperCase(), pair.b] } }, 'c.tags && ARRAY[?, ?]::text[]', [pair.a, pair.b]);
    await expectFilter({ tags: { hasAll: [pair.a, ` ${pair.b.toUpperCase()} `] } }, 'c.tags @> ARRAY[?, ?]::text[]', [pair.a, pair.b]);
    await expectFilter({ tags: { hasAll: [pair.a] } }, '? = any(c.tags)', [pair.a]);
    expect((await list({ tags: { hasAny: ['no-such-tag'] } })).ids).toEqual([]);
  });

  test('createdAt: gte / lte are inclusive and accept any offset', async () => {
    const stamps = await t.sql<{ iso: string }>(`select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as iso from customer order by created_at, id`);
    const from = stamps[8].iso;
    const to = stamps[25].iso;
    const where = 'c.created_at >= ?::timestamptz and c.created_at <= ?::timestamptz';
    const expected = await expectFilter({ createdAt: { gte: from, lte: to } }, where, [from, to]);
    expect(expected.length).toBeGreaterThanOrEqual(18);
    // The same instants written with a +02:00 offset.
    const shift = (iso: string) => new Date(new Date(iso).getTime() + 2 * 3_600_000).toISOString().replace('Z', '+02:00');
    expect((await list({ createdAt: { gte: shift(from), lte: shift(to) } })).ids).toEqual(expected);
    await expectFilter({ createdAt: { gt: from } }, 'c.created_at > ?::timestamptz', [from]);
    await expectFilter({ createdAt: { lt: from } }, 'c.created_at < ?::timestamptz', [from]);
  });

  test('annualRevenue: gte / lte as decimal strings compare as numbers', async () => {
    await expectFilter({ annualRevenue: { gte: '99000000' } }, 'c.annual_revenue >= 99000000');
    await expectFilter({ annualRevenue: { lte: '99000000.00' } }, 'c.annual_revenue <= 99000000');
    const values = await t.sql<{ v: string }>('select distinct annual_revenue::text as v from customer where annual_revenue is not null order by 1');
    const sorted = values.map((r) => r.v).sort((a, b) => Number(a) - Number(b));
    const lo = sorted[5];
    const hi = sorted[sorted.length - 6];
    await expectFilter({ annualRevenue: { gte: lo, lte: hi } }, 'c.annual_revenue >= ?::numeric and c.annual_revenue <= ?::numeric', [lo, hi]);
    await expectFilter({ annualRevenue: { eq: hi } }, 'c.annual_revenue = ?::numeric', [hi]);
    await expectFilter({ annualRevenue: { isNull: true } }, 'c.annual_revenue is null');
    // A float is refused rather than rounded.
    const res = await t.gql(PAGE, { first: 5, filter: { annualRevenue: { gte: 1.5 } } }, 'ADMIN');
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
  });

  test('employeeCount: gte / lt / isNull', async () => {
    await expectFilter({ employeeCount: { gte: 100, lt: 400 } }, 'c.employee_count >= 100 and c.employee_count < 400');
    await expectFilter({ employeeCount: { isNull: true } }, 'c.employee_count is null');
    await expectFilter({ employeeCount: { isNull: false } }, 'c.employee_count is not null');
    await expectFilter({ employeeCount: { lt: 400, isNull: false } }, 'c.employee_count < 400');
  });

  test('and / or / not', async () => {
    await expectFilter({ or: [{ tier: { eq: 'KEY' } }, { status: { in: ['AT_RISK', 'CHURNED'] } }] }, "c.tier = 'KEY' or c.status in ('AT_RISK', 'CHURNED')");
    await expectFilter({ not: { kind: { eq: 'INDIVIDUAL' } } }, "c.kind <> 'INDIVIDUAL'");
    await expectFilter(
      { tier: { in: ['KEY', 'TARGET'] }, and: [{ employeeCount: { isNull: false } }, { not: { sector: { eq: 'ENTERPRISE' } } }] },
      "c.tier in ('KEY', 'TARGET') and c.employee_count is not null and c.sector <> 'ENTERPRISE'");
    await expectFilter(
      { or: [{ and: [{ kind: { eq: 'BUSINESS' } }, { annualRevenue: { gte: '200000000' } }] }, { status: { eq: 'CHURNED' } }] },
      "(c.kind = 'BUSINESS' and c.annual_revenue >= 200000000) or c.status = 'CHURNED'");
    await expectFilter({ not: { or: [{ tier: { eq: 'KEY' } }, { sector: { eq: 'CONSUMER' } }] } }, "c.tier <> 'KEY' and c.sector <> 'CONSUMER'");
    await expectFilter({ or: [] }, 'false', [], { allowEmpty: true });
  });

  test('a filter and its `not` split the visible customers, whatever the nulls', async () => {
    for (const filter of [{ employeeCount: { gte: 100 } }, { annualRevenue: { lte: '100000000' } }, { industry: { eq: 'Retail' } }, { tier: { eq: 'KEY' } }]) {
      const all = await sqlIds('true');
      const yes = await list(filter);
      const no = await list({ not: filter });
      expect(yes.ids.filter((id) => no.ids.includes(id))).toEqual([]);
      expect(sortIds([...yes.ids, ...no.ids])).toEqual(all);
      expect(yes.totalCount + no.totalCount).toBe(all.length);
    }
  });

  test('more than 500 values in `in` is BAD_USER_INPUT', async () => {
    const res = await t.gql(PAGE, { first: 5, filter: { name: { in: Array.from({ length: 501 }, (_, i) => `n${i}`) } } }, 'ADMIN');
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
  });
});

// --------------------------------------------------------------------------------------------- search

describe('search', () => {
  /** Distinctive fixtures owned by rep1, so that each search has a known answer. */
  const F: Record<'quarry' | 'person' | 'wombat' | 'percent' | 'lookalike' | 'backslash', string> = {} as any;
  let wombatContact: string;

  beforeAll(async () => {
    const make = async (input: Record<string, unknown>) => {
      const res = ok(await t.gql(CREATE, { input }, 'SALES_REP'));
      expect(res.createCustomer.errors).toEqual([]);
      return res.createCustomer.customer.id as string;
    };
    F.quarry = await make({
      name: 'Quokka Quarry GmbH', kind: 'BUSINESS', marketingConsent: false,
      phones: [{ label: 'switchboard', number: '+49 (30) 555-0142' }], emails: [{ label: 'info', address: 'Hello@Quokka-Quarry.example' }],
    });
    F.person = await make({ name: 'Yolanda Quokkason', kind: 'INDIVIDUAL', marketingConsent: true });
    F.wombat = await make({ name: 'Wombat Works', kind: 'BUSINESS' });
    F.percent = await make({ name: 'Promo 100% Natural_Foods', kind: 'BUSINESS' });
    F.lookalike = await make({ name: 'Promo 1000 NaturalXFoods', kind: 'BUSINESS' });
    F.backslash = await make({ name: 'Back\\Slash Ltd', kind: 'BUSINESS' });
    const contact = ok(await t.gql(`mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } errors { code field } } }`, {
      input: {
        customerId: F.wombat, firstName: 'Zebulon', lastName: 'Xanthopoulos',
        phones: [{ label: 'mobile', number: '+44 20 7946 0123' }], emails: [{ label: 'work', address: 'Z.Xantho@Wombat.example' }],
      },
    }, 'SALES_REP'));
    expect(contact.createContact.errors).toEqual([]);
    wombatContact = contact.createContact.contact.id;
  });

  async function search(term: string, who: Who = 'SERVICE_AGENT', filter?: unknown) {
    return (await list(filter, who, term)).ids;
  }

  test('matches the customer name, ignoring case', async () => {
    expect(await search('QUOKKA')).toEqual(sortIds([F.quarry, F.person]));
    expect(await search('quokka quarry')).toEqual([F.quarry]);
    expect(await search('  wOmBaT  ')).toEqual([F.wombat]);
  });

  test('matches values only, never the JSON keys or labels of phones and e-mails', async () => {
    for (const term of ['address', 'number', 'label', 'switchboard', 'mobile']) {
      expect(await search(term, 'ADMIN')).toEqual([]);
    }
  });

  test('matches seeded customer names as well', async () => {
    const [{ word }] = await t.sql<{ word: string }>(`select split_part(name, ' ', 1) as word from customer where kind = 'BUSINESS' and name <> 'Twin Co' order by created_at limit 1`);
    const byName = await sqlIds('lower(c.name) like ?', [`%${word.toLowerCase()}%`]);
    const found = await search(word.toUpperCase(), 'ADMIN');
    expect(byName.length).toBeGreaterThan(0);
    expect(found).toEqual(expect.arrayContaining(byName));
  });

  test('matches contact names, including first and last name together', async () => {
    expect(await search('zebulon')).toEqual([F.wombat]);
    expect(await search('XANTHOPOULOS')).toEqual([F.wombat]);
    expect(await search('Zebulon Xanthopoulos')).toEqual([F.wombat]);
  });

  test('matches e-mail addresses of customers and contacts', async () => {
    expect(await search('HELLO@quokka-quarry')).toEqual([F.quarry]);
    expect(await search('z.xantho@wombat.EXAMPLE')).toEqual([F.wombat]);
  });

  test('matches phone numbers however they are punctuated', async () => {
    for (const term of ['+49 (30) 555-0142', '49305550142', '+49-30-555 01 42', '49.30.5550142', '555-0142']) {
      expect({ term, ids: await search(term) }).toEqual({ term, ids: [F.quarry] });
    }
    for (const term of ['+44 20 7946 0123', '442079460123', '(20) 7946-0123']) {
      expect({ term, ids: await search(term) }).toEqual({ term, ids: [F.wombat] });
    }
  });

  test('LIKE wildcards are matched literally', async () => {
    expect(await search('100%')).toEqual([F.percent]);
    expect(await search('l_f')).toEqual([F.percent]);
    expect(await search('Promo 100')).toEqual(sortIds([F.percent, F.lookalike]));
    expect(await search('%%')).toEqual([]);
    expect(await search('__')).toEqual([]);
    expect(await search('k\\s')).toEqual([F.backslash]);
    // The same in filters.
    expect((await list({ name: { contains: '0%' } })).ids).toEqual([F.percent]);
    expect((await list({ name: { startsWith: 'back\\' } })).ids).toEqual([F.backslash]);
  });

  test('MARKETING matches names only: not phones, e-mails or contacts', async () => {
    expect(await search('quokka', 'MARKETING')).toEqual(sortIds([F.quarry, F.person]));
    expect(await search('49305550142', 'MARKETING')).toEqual([]);
    expect(await search('+49 (30) 555-0142', 'MARKETING')).toEqual([]);
    expect(await search('hello@quokka', 'MARKETING')).toEqual([]);
    expect(await search('xanthopoulos', 'MARKETING')).toEqual([]);
    // Roles that may read contact details find them.
    for (const who of ['SALES_REP', 'SALES_MANAGER', 'FINANCE', 'ADMIN'] as Who[]) {
      expect({ who, ids: await search('49305550142', who) }).toEqual({ who, ids: [F.quarry] });
    }
  });

  test('ANALYST matches business names only', async () => {
    expect(await search('quokka', 'ANALYST')).toEqual([F.quarry]);
    expect(await search('yolanda', 'ANALYST')).toEqual([]);
    expect(await search('49305550142', 'ANALYST')).toEqual([]);
  });

  test('search stays within the record scope and combines with filters and paging', async () => {
    expect(await search('quokka', 'SALES_REP_2')).toEqual([]);
    expect(await search('quokka', 'SALES_REP')).toEqual(sortIds([F.quarry, F.person]));
    expect(await search('quokka', 'ADMIN', { kind: { eq: 'INDIVIDUAL' } })).toEqual([F.person]);
    const p1 = ok(await t.gql(PAGE, { first: 1, search: 'quokka', orderBy: [{ field: 'NAME', direction: 'ASC' }] }, 'ADMIN')).customers;
    expect(p1.totalCount).toBe(2);
    expect(p1.pageInfo.hasNextPage).toBe(true);
    const p2 = ok(await t.gql(PAGE, { first: 1, after: p1.pageInfo.endCursor, search: 'quokka', orderBy: [{ field: 'NAME', direction: 'ASC' }] }, 'ADMIN')).customers;
    expect(p2.pageInfo.hasNextPage).toBe(false);
    expect([p1.edges[0].node.id, p2.edges[0].node.id]).toEqual([F.quarry, F.person]);
  });

  test('a deleted contact no longer matches', async () => {
    const res = ok(await t.gql('mutation($id: ID!) { deleteContact(input: { id: $id }) { errors { code } } }', { id: wombatContact }, 'SALES_REP'));
    expect(res.deleteContact.errors).toEqual([]);
    expect(await search('xanthopoulos')).toEqual([]);
    expect(await search('442079460123')).toEqual([]);
    expect(await search('wombat')).toEqual([F.wombat]);
  });

  test.each([['a'], [' b '], ['%'], ['x'.repeat(101)]])('search %j → BAD_USER_INPUT', async (term) => {
    const res = await t.gql(PAGE, { first: 5, search: term }, 'ADMIN');
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.body.data).toBeNull();
  });
});
