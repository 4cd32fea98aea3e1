import { getNullableType, isListType, isNonNullType, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { idPrefixes } from '../src/entities/ids';
import { buildBareSchema } from '../src/schema';
import { codes, ok, startTestApp, type TestApp } from './helpers';

/**
 * Single-record lookups (`customer(id)`, `node(id)`, `productBySku`, …) answer null without an error
 * for a record that does not exist, was deleted or is not visible, as Relay expects of `node`: one
 * missing record must not wipe out the unrelated fields of the same query. A role that may not use
 * the root at all still gets FORBIDDEN. Mutations keep NOT_FOUND (their own tests cover that).
 */

/** The lookups by something other than an id, and what each takes. */
const BY_KEY: Record<string, { arg: string; missing: string }> = {
  productBySku: { arg: 'sku', missing: 'NO-SUCH-SKU' },
  assetByServiceTag: { arg: 'tag', missing: 'NO-SUCH-TAG' },
};

/** Every Query root returning one record: those taking an `id` argument, and the lookups by key. */
function singleRecordLookups(schema: GraphQLSchema) {
  return Object.values((schema.getType('Query') as GraphQLObjectType).getFields())
    .filter((f) => !isListType(getNullableType(f.type)) && (f.args.some((a) => a.name === 'id') || BY_KEY[f.name]));
}

describe('the schema', () => {
  test('every single-record lookup is nullable', async () => {
    const lookups = singleRecordLookups(await buildBareSchema());
    expect(lookups.map((f) => f.name).sort()).toEqual(expect.arrayContaining([
      'activity', 'asset', 'assetByServiceTag', 'campaign', 'case', 'contact', 'contract', 'creditHold', 'customer', 'feedback', 'lead', 'node',
      'opportunity', 'order', 'payment', 'product', 'productBySku', 'receivable', 'task',
    ]));
    expect(lookups.filter((f) => isNonNullType(f.type)).map((f) => f.name)).toEqual([]);
  });
});

describe('through HTTP', () => {
  let t: TestApp;
  let lookups: { name: string; type: string }[];
  let rep1Customer: string;
  beforeAll(async () => {
    t = await startTestApp({ customers: 10 });
    lookups = singleRecordLookups(await buildBareSchema()).map((f) => ({ name: f.name, type: (getNullableType(f.type) as GraphQLObjectType).name }));
    [{ id: rep1Customer }] = await t.sql<{ id: string }>(`select c.id from customer c join app_user u on u.id = c.owner_id
      where u.email = 'rep1@demo.crm' and c.deleted_at is null order by c.id limit 1`);
  });
  afterAll(async () => { await t.close(); });

  /** A well-formed id of the lookup's type that belongs to nothing. */
  const unknownId = (type: string) => `${idPrefixes().get(type) ?? 'cus'}_${'0'.repeat(32)}`;
  const call = (name: string, value: string) => `${name}(${BY_KEY[name]?.arg ?? 'id'}: ${JSON.stringify(value)})`;

  test('a missing record is null next to the unrelated fields of the same query, for every lookup (unknown and malformed ids)', async () => {
    expect(lookups.length).toBeGreaterThanOrEqual(19);
    for (const { name, type } of lookups) {
      const missing = BY_KEY[name]?.missing ?? unknownId(type);
      const res = await t.gql(`{ a: ${call(name, missing)} { id } b: ${call(name, 'missing')} { id } c: customers(first: 1) { totalCount } }`, {}, 'ADMIN');
      expect({ name, status: res.status, codes: codes(res), a: res.body.data?.a, b: res.body.data?.b })
        .toEqual({ name, status: 200, codes: [], a: null, b: null });
      expect(res.body.data.c.totalCount).toBeGreaterThan(0);
    }
  });

  test('the example of the issue: `customer(id: "missing")` beside `customers`', async () => {
    const res = await t.gql('{ a: customer(id: "missing") { id } b: customers(first: 1) { totalCount } }', {}, 'ADMIN');
    expect(res.body).toEqual({ data: { a: null, b: { totalCount: expect.any(Number) } } });
    expect(res.body.data.b.totalCount).toBeGreaterThan(0);
  });

  test('not visible to the caller: null with no hint, the same answer as for an id that never existed', async () => {
    const q = '{ a: customer(id: $id) { id name } n: node(id: $id) { id } b: customers(first: 1) { totalCount } }'.replace(/\$id/g, JSON.stringify(rep1Customer));
    const mine = ok(await t.gql(q, {}, 'SALES_REP'));
    expect(mine.a.id).toBe(rep1Customer);
    expect(mine.n.id).toBe(rep1Customer);
    const theirs = await t.gql(q, {}, 'SALES_REP_2');
    expect(theirs.body).toEqual({ data: { a: null, n: null, b: { totalCount: expect.any(Number) } } });
    const ghost = await t.gql(q.replace(new RegExp(rep1Customer, 'g'), unknownId('Customer')), {}, 'SALES_REP_2');
    expect(ghost.body).toEqual(theirs.body);
  });

  test('deleted: null once the customer is soft-deleted, and its contact with it', async () => {
    // Not the partner's own record or one it resells: a later test needs the partner to see customers.
    const [customer] = await t.sql<{ id: string }>(`select c.id from customer c where c.deleted_at is null
      and not c.is_partner and c.resold_by_id is null and exists (select 1 from contact k where k.customer_id = c.id and k.deleted_at is null) order by c.id desc limit 1`);
    const [{ id: contact }] = await t.sql<{ id: string }>('select id from contact where customer_id = ? and deleted_at is null limit 1', [customer.id]);
    const q = `{ customer(id: "${customer.id}") { id } contact(id: "${contact}") { id } node(id: "${contact}") { id } }`;
    expect(ok(await t.gql(q, {}, 'ADMIN'))).toEqual({ customer: { id: customer.id }, contact: { id: contact }, node: { id: contact } });
    const deleted = ok(await t.gql('mutation($id: ID!) { deleteCustomer(input: { id: $id }) { errors { code } } }', { id: customer.id }, 'ADMIN'));
    expect(deleted.deleteCustomer.errors).toEqual([]);
    expect(ok(await t.gql(q, {}, 'ADMIN'))).toEqual({ customer: null, contact: null, node: null });
    // a mutation on it still says NOT_FOUND, naming the field
    const update = ok(await t.gql('mutation($id: ID!) { updateCustomer(input: { id: $id, version: 1, name: "x" }) { errors { code field } } }', { id: customer.id }, 'ADMIN'));
    expect(update.updateCustomer.errors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'id'] }]);
  });

  test('nodes(ids): null entries for missing, malformed and invisible ids, in order', async () => {
    const ids = [rep1Customer, 'missing', unknownId('Order'), rep1Customer];
    expect(ok(await t.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids }, 'SALES_REP')).nodes)
      .toEqual([{ id: rep1Customer }, null, null, { id: rep1Customer }]);
    expect(ok(await t.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids }, 'SALES_REP_2')).nodes).toEqual([null, null, null, null]);
  });

  test('a role that may not use the root at all still gets FORBIDDEN (at that field only)', async () => {
    for (const [who, name, type] of [['PARTNER', 'creditHold', 'CreditHold'], ['SERVICE_AGENT', 'campaign', 'Campaign'], ['FINANCE', 'feedback', 'ProductFeedback']] as const) {
      const res = await t.gql(`{ a: ${name}(id: "${unknownId(type)}") { id } b: customers(first: 1) { totalCount } }`, {}, who);
      expect({ who, name, codes: codes(res), path: res.body.errors?.[0].path, a: res.body.data?.a }).toEqual({ who, name, codes: ['FORBIDDEN'], path: ['a'], a: null });
      expect(res.body.data.b.totalCount).toBeGreaterThan(0);
    }
  });
});
