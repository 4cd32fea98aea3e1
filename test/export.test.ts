import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { ok, startTestApp, type TestApp, type Who } from './helpers';

/** CSV export (issue 15): GET /export/<list>.csv with the caller's credentials, filters and field rules. */

let t: TestApp;
beforeAll(async () => { t = await startTestApp(); });
afterAll(async () => { await t.close(); });

async function get(path: string, who: Who | null, apiKey?: string) {
  let req = request(t.app).get(path).buffer(true).parse((res, done) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => { text += chunk; });
    res.on('end', () => done(null, text));
  });
  if (who) req = req.set('authorization', `Bearer ${await t.token(who)}`);
  if (apiKey) req = req.set('x-api-key', apiKey);
  const res = await req;
  const text = res.body as string;
  return { status: res.status, text, headers: res.headers as Record<string, string>, rows: res.status === 200 ? parse(text, { columns: true }) as Record<string, string>[] : [], json: res.status !== 200 ? JSON.parse(text) : null };
}

const header = (text: string) => text.split('\n')[0].split(',');
const total = async (query: string, who: Who) => ok(await t.gql(query, {}, who));

describe('GET /export/<list>.csv', () => {
  test('columns follow the field rules: a rep gets no credit limit, ADMIN does; rows are the rep\'s own customers', async () => {
    const admin = await get('/export/customers.csv', 'ADMIN');
    expect(admin.status).toBe(200);
    expect(admin.headers['content-type']).toContain('text/csv');
    expect(admin.headers['content-disposition']).toBe('attachment; filename="customers.csv"');
    const adminColumns = Object.keys(admin.rows[0]);
    expect(adminColumns).toEqual(expect.arrayContaining(['id', 'name', 'kind', 'creditLimit', 'creditRating', 'emails', 'tags']));
    const rep = await get('/export/customers.csv', 'SALES_REP');
    const repColumns = Object.keys(rep.rows[0]);
    expect(repColumns).toEqual(expect.arrayContaining(['id', 'name', 'emails']));
    expect(repColumns).not.toContain('creditLimit');
    expect(repColumns).not.toContain('creditRating');
    const { customers } = await total('{ customers(first: 1) { totalCount } }', 'SALES_REP');
    expect(rep.rows.length).toBe(customers.totalCount);
    const adminCount = (await total('{ customers(first: 1) { totalCount } }', 'ADMIN')).customers.totalCount;
    expect(admin.rows.length).toBe(adminCount);
    expect(rep.rows.length).toBeLessThan(admin.rows.length);
    // ANALYST may not read e-mails at all: the column is left out.
    expect(Object.keys((await get('/export/customers.csv', 'ANALYST')).rows[0])).not.toContain('emails');
    // Values: the e-mails column is the JSON of the GraphQL field, a list of scalars is ;-separated.
    const withMail = admin.rows.find((r) => r.emails !== '[]' && r.emails !== '');
    expect(JSON.parse(withMail!.emails)[0]).toHaveProperty('address');
  });

  test('filters, orderBy and search are the GraphQL list\'s own', async () => {
    const filter = { tier: { eq: 'KEY' } };
    const res = await get(`/export/customers.csv?filter=${encodeURIComponent(JSON.stringify(filter))}&orderBy=-NAME`, 'ADMIN');
    expect(res.status).toBe(200);
    const expected = ok(await t.gql('query($f: CustomerFilter) { customers(first: 100, filter: $f, orderBy: [{ field: NAME, direction: DESC }]) { totalCount edges { node { id } } } }', { f: filter }, 'ADMIN')).customers;
    expect(res.rows.length).toBe(expected.totalCount);
    expect(res.rows.every((r) => r.tier === 'KEY')).toBe(true);
    expect(res.rows.map((r) => r.id)).toEqual(expected.edges.map((e: any) => e.node.id));
  });

  test('streams a large-ish list (2,000+ rows over many pages) completely, in order, without repeats', async () => {
    const [owner] = await t.sql(`select id from app_user where email = 'admin@demo.crm'`);
    await t.sql(`insert into customer (id, name, kind, sector, owner_id)
      select 'cus_' || replace(gen_random_uuid()::text, '-', ''), 'Bulk Export ' || lpad(i::text, 5, '0'), 'BUSINESS', 'OTHER', ?
      from generate_series(1, 2000) i`, [owner.id]);
    const filter = encodeURIComponent(JSON.stringify({ name: { startsWith: 'Bulk Export ' } }));
    const res = await get(`/export/customers.csv?filter=${filter}&orderBy=NAME`, 'ADMIN');
    expect(res.status).toBe(200);
    expect(res.rows.length).toBe(2000);
    expect(new Set(res.rows.map((r) => r.id)).size).toBe(2000);
    expect(res.rows[0].name).toBe('Bulk Export 00001');
    expect(res.rows[1999].name).toBe('Bulk Export 02000');
  });

  test('other lists: contacts, products, orders', async () => {
    for (const list of ['contacts', 'products', 'orders']) {
      const res = await get(`/export/${list}.csv`, 'ADMIN');
      expect([list, res.status]).toEqual([list, 200]);
      expect(header(res.text)).toContain('id');
    }
    // Product costs: FINANCE reads them, a rep does not (the header is written for an empty list too).
    expect(header((await get('/export/products.csv', 'FINANCE')).text)).toContain('cost');
    expect(header((await get('/export/products.csv', 'SALES_REP')).text)).not.toContain('cost');
  });

  test('401 without credentials, 403 for a role that cannot list, 400 naming the bad parameter, 404 for no such list', async () => {
    const anonymous = await get('/export/customers.csv', null);
    expect([anonymous.status, typeof anonymous.json.error.message]).toEqual([401, 'string']);
    expect((await get('/export/customers.csv', null, 'crm_nokey_123')).status).toBe(401);
    const forbidden = await get('/export/orders.csv', 'MARKETING');
    expect(forbidden.status).toBe(403);
    const badJson = await get('/export/customers.csv?filter={oops', 'ADMIN');
    expect([badJson.status, badJson.json.error.parameter]).toEqual([400, 'filter']);
    const badField = await get(`/export/customers.csv?filter=${encodeURIComponent('{"shoeSize":{"eq":1}}')}`, 'ADMIN');
    expect([badField.status, badField.json.error.parameter]).toEqual([400, 'filter']);
    expect(badField.json.error.message).toContain('shoeSize');
    const badOrder = await get('/export/customers.csv?orderBy=SHOE_SIZE', 'ADMIN');
    expect([badOrder.status, badOrder.json.error.parameter]).toEqual([400, 'orderBy']);
    const unknown = await get('/export/customers.csv?colour=red', 'ADMIN');
    expect([unknown.status, unknown.json.error.parameter]).toEqual([400, 'colour']);
    expect((await get('/export/nothing.csv', 'ADMIN')).status).toBe(404);
    // Hostile input gets the same guard as /graphql: a NUL byte in a filter is a 400, never a database error.
    const nul = await get(`/export/customers.csv?filter=${encodeURIComponent(JSON.stringify({ name: { contains: 'a\u0000b' } }))}`, 'ADMIN');
    expect([nul.status, typeof nul.json.error.message]).toEqual([400, 'string']);
    expect(nul.json.error.message).not.toMatch(/sql|postgres|syntax/i);
  });
});
