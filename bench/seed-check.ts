import { DEMO_PASSWORD } from '../src/db/seed';
import { fail, postJson, runMain, withBench } from './scenario';

/**
 * After `bench:seed`: does the API read this data? `DATABASE_URL=… node dist/bench/seed-check.js` starts the
 * app in this process on the seeded database (as the scenarios do) and, through GraphQL, reads a customer
 * page with contacts, the 360 view of a customer that has deals, orders and cases (with order lines and a
 * timeline page), the lookup of a seeded asset by its service tag in lower case, and a sales rep's and the
 * service agent's pages (record scopes). Each answer must come without `errors`, hold the rows SQL says are
 * there, and a rep must see only its own customers. Exit code 1 otherwise. A few seconds at any size.
 */

const PAGE = `query { customers(first: 20) { totalCount edges { node { id name owner { email }
  contacts(first: 5) { edges { node { id firstName lastName emails { address } phones { number } } } } } } } }`;

const CUSTOMER_360 = `query($id: ID!) { customer(id: $id) { id name status churnedAt annualCategoryBudget tags customAttributes
  contacts(first: 10) { totalCount edges { node { id firstName lastName } } }
  opportunities(first: 10) { totalCount edges { node { id name stage amount currency } } }
  orders(first: 5) { totalCount edges { node { id status total subtotal discountTotal completedAt lines { position sku quantity unitPrice discount lineTotal } } } }
  cases(first: 5) { totalCount edges { node { id number status priority subject description firstResponseDueAt resolutionDueAt } } }
  timeline(first: 20) { edges { kind at node { __typename } } } } }`;

const LOOKUP = `query($tag: String!) { assetByServiceTag(tag: $tag) { id serviceTag warrantyStatus product { name }
  customer { id name contacts(first: 10) { edges { node { id } } } cases(first: 5) { edges { node { id number status } } } } } }`;

const CASES_PAGE = `query { cases(first: 20) { totalCount edges { node { id number status queue { name } assignee { email } } } }
  myQueue(first: 20) { edges { node { id number status queue { name } assignee { email } } } } }`;

async function as(url: string, email: string): Promise<string> {
  const login = await postJson(url, {
    query: 'mutation($input: LoginInput!) { login(input: $input) { token } }',
    variables: { input: { email, password: DEMO_PASSWORD } },
  });
  const token = login.data?.login?.token as string | undefined;
  if (!token) throw new Error(`Login as ${email} failed: ${JSON.stringify(login).slice(0, 300)}`);
  return token;
}

async function read(url: string, token: string, query: string, variables: Record<string, unknown> = {}) {
  const result = await postJson(url, { query, variables }, token);
  if (result.errors?.length) throw new Error(`The API answered with errors: ${JSON.stringify(result.errors).slice(0, 800)}`);
  return result.data;
}

function expect(ok: unknown, message: string): void {
  if (!ok) throw new Error(`Check failed: ${message}`);
}

async function main() {
  await withBench('node dist/bench/seed-check.js', 0, 0, async ({ pool, startApi }) => {
    const { rows: [pick] } = await pool.query(`select c.id, c.owner_id,
        (select count(*)::int from contact k where k.customer_id = c.id and k.deleted_at is null) as contacts,
        (select count(*)::int from opportunity o where o.customer_id = c.id and o.deleted_at is null) as opportunities,
        (select count(*)::int from sales_order o where o.customer_id = c.id) as orders,
        (select count(*)::int from service_case k where k.customer_id = c.id) as cases
      from customer c
      where c.deleted_at is null and exists (select 1 from opportunity o where o.customer_id = c.id)
        and exists (select 1 from sales_order o where o.customer_id = c.id) and exists (select 1 from service_case k where k.customer_id = c.id)
      limit 1`);
    if (!pick) fail('No customer with deals, orders and cases: run `npm run bench:seed` first.');
    const { rows: [asset] } = await pool.query(`select a.service_tag, a.customer_id from asset a where a.service_tag like 'SN-%' limit 1`);
    if (!asset) fail('No seeded asset (service tag SN-…): run `npm run bench:seed` with --assets-per-customer > 0.');

    const { url, token } = await startApi();

    const page = (await read(url, token, PAGE)).customers;
    expect(page.edges.length === 20, `a page of 20 customers (got ${page.edges.length})`);
    const contactCount = page.edges.reduce((n: number, e: { node: { contacts: { edges: unknown[] } } }) => n + e.node.contacts.edges.length, 0);
    expect(contactCount >= 20, `every customer of the page has a contact (got ${contactCount} contacts for 20 customers)`);
    console.log(`customers page: ${page.edges.length} of ${page.totalCount} customers with ${contactCount} contacts`);

    const c = (await read(url, token, CUSTOMER_360, { id: pick.id })).customer;
    expect(c?.id === pick.id, 'the customer is found');
    expect(c.contacts.totalCount === pick.contacts, `contacts: API ${c.contacts.totalCount}, SQL ${pick.contacts}`);
    expect(c.opportunities.totalCount === pick.opportunities, `opportunities: API ${c.opportunities.totalCount}, SQL ${pick.opportunities}`);
    expect(c.orders.totalCount === pick.orders, `orders: API ${c.orders.totalCount}, SQL ${pick.orders}`);
    expect(c.cases.totalCount === pick.cases, `cases: API ${c.cases.totalCount}, SQL ${pick.cases}`);
    for (const { node: order } of c.orders.edges) {
      expect(order.lines.length >= 1, `order ${order.id} has lines`);
      const sum = order.lines.reduce((n: number, l: { lineTotal: string }) => n + Math.round(Number(l.lineTotal) * 100), 0);
      expect(sum === Math.round(Number(order.total) * 100), `order ${order.id}: lines add up to the total (${sum / 100} vs ${order.total})`);
    }
    expect(c.timeline.edges.length > 0, 'the timeline has entries');
    const kinds = [...new Set(c.timeline.edges.map((e: { kind: string }) => e.kind))].join(', ');
    console.log(`customer ${pick.id}: ${c.contacts.totalCount} contacts, ${c.opportunities.totalCount} opportunities, ${c.orders.totalCount} orders ` +
      `(lines add up), ${c.cases.totalCount} cases (e.g. ${c.cases.edges[0].node.number} ${c.cases.edges[0].node.status}), ` +
      `timeline ${c.timeline.edges.length} entries (${kinds})`);

    const found = (await read(url, token, LOOKUP, { tag: asset.service_tag.toLowerCase() })).assetByServiceTag;
    expect(found?.serviceTag === asset.service_tag && found.customer?.id === asset.customer_id, `asset ${asset.service_tag} found with its customer`);
    console.log(`assetByServiceTag("${asset.service_tag.toLowerCase()}"): ${found.product.name}, ${found.warrantyStatus}, customer with ` +
      `${found.customer.contacts.edges.length} contacts and ${found.customer.cases.edges.length} cases`);

    // Record scopes: a rep sees its own customers only; the service agent sees cases.
    const rep = await as(url, 'rep1@demo.crm');
    const repPage = (await read(url, rep, PAGE)).customers;
    const { rows: [{ own }] } = await pool.query(`select count(*)::int as own from customer c join app_user u on u.id = c.owner_id
      where u.email = 'rep1@demo.crm' and c.deleted_at is null`);
    expect(repPage.totalCount === own, `rep1 sees its ${own} customers (API says ${repPage.totalCount})`);
    expect(repPage.edges.every((e: { node: { owner: { email: string } } }) => e.node.owner.email === 'rep1@demo.crm'), 'rep1 sees only its own customers');
    const agent = await as(url, 'service@demo.crm');
    const { cases, myQueue } = await read(url, agent, CASES_PAGE);
    expect(cases.edges.length > 0, 'the service agent sees cases');
    expect(myQueue.edges.length > 0, "the service agent's work list (assigned open cases, unassigned ones of its queue) is not empty");
    const unassigned = myQueue.edges.filter((e: { node: { assignee: unknown } }) => !e.node.assignee).length;
    console.log(`rep1: ${repPage.totalCount} customers, all its own; service agent: ${cases.totalCount} cases visible, ` +
      `work list page ${myQueue.edges.length} (${unassigned} unassigned from its queue)`);
    console.log('seed check passed');
  });
}

runMain(main);
