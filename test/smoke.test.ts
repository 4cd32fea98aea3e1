import { startTestApp, type TestApp } from './helpers';

let t: TestApp;
beforeAll(async () => { t = await startTestApp(); });
afterAll(async () => { await t.close(); });

test('a rep lists their customers with contacts', async () => {
  const res = await t.gql('{ customers(first: 5) { totalCount edges { node { id name contacts(first: 3) { totalCount edges { node { firstName } } } } } } }', {}, 'SALES_REP');
  expect(res.body.errors).toBeUndefined();
  expect(res.body.data.customers.totalCount).toBe(20);
  expect(res.body.data.customers.edges).toHaveLength(5);
});
