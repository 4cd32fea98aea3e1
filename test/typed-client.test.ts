import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CustomerDetailDocument, formatCustomerDetail, getCustomerDetail } from '../examples/typed-client/src/customer-detail';
import { formatCustomerRow, listCustomers, printCustomerList } from '../examples/typed-client/src/customers';
import { createClient, GraphQLRequestError, type Client } from '../examples/typed-client/src/request';
import { createSubscriptionClient, watchOrderStatus, type OrderStatusChange } from '../examples/typed-client/src/subscription';
import WebSocket from 'ws';
import { ok, startTestApp, type TestApp } from './helpers';

/**
 * The typed client of examples/typed-client (README "A typed client"), run as a frontend runs it: over
 * real HTTP (fetch) against the app listening on a port, with the documents and types generated from
 * schema.graphql. CI also regenerates those types and compiles the example on its own (.ci/run).
 */

let t: TestApp;
let server: Server;
let url: string;
let rep: Client;
let rep1Id: string;
/** A customer of rep1 with two orders, and one of rep2 (not visible to rep1). */
let mine: { id: string; name: string };
let notMine: string;

beforeAll(async () => {
  t = await startTestApp();
  server = t.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  await t.live.attach(server);
  rep = createClient({ url, token: await t.token('SALES_REP') });

  const users = await t.sql<{ id: string; email: string }>(`select id, email from app_user where email in ('rep1@demo.crm', 'rep2@demo.crm')`);
  rep1Id = users.find((u) => u.email === 'rep1@demo.crm')!.id;
  const rep2Id = users.find((u) => u.email === 'rep2@demo.crm')!.id;
  [mine] = await t.sql<{ id: string; name: string }>(
    `select id, name from customer where owner_id = ? and kind = 'BUSINESS' and deleted_at is null order by created_at, id limit 1`, [rep1Id]);
  [{ id: notMine }] = await t.sql<{ id: string }>('select id from customer where owner_id = ? and deleted_at is null limit 1', [rep2Id]);

  // Two orders for the detail page, pushed as a web shop pushes them.
  await t.sql(`insert into product (id, sku, name, category, list_price, options_schema) values ('prd_${'7'.repeat(32)}', 'TC-1', 'Cable', 'Cables', 2.50, '{}')`);
  const key = ok(await t.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`,
    { input: { name: 'typed client shop', role: 'INTEGRATION', scopes: ['orders:write', 'customers:read'] } }, 'ADMIN')).createApiKey.secret as string;
  for (const [n, quantity] of [[1, 3], [2, 1]]) {
    const pushed = ok(await t.gql(`mutation($i: PushOrderInput!) { pushOrder(input: $i) { errors { code field message } } }`, {
      i: { idempotencyKey: `tc-${n}`, externalRef: `TC-${n}`, channel: 'web', currency: 'EUR', customer: { customerId: mine.id },
        lines: [{ sku: 'TC-1', quantity, unitPrice: '2.50' }] },
    }, { apiKey: key }));
    expect(pushed.pushOrder.errors).toEqual([]);
  }
});

afterAll(async () => {
  // fetch keeps connections alive: close them, or the server would wait for them.
  server?.closeAllConnections();
  const closed = new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  await t?.live.close(); // open WebSockets would keep the server from closing
  await closed;
  await t?.close();
});

describe('the typed client example', () => {
  it('lists a page of customers with typed variables, and the cursor pages on without gaps or repeats', async () => {
    // What the rep may see, in the example's default order (by name, then id), from the database itself.
    const own = await t.sql<{ id: string; name: string }>('select id, name from customer where owner_id = ? and deleted_at is null order by name, id', [rep1Id]);
    const [{ name: repName }] = await t.sql<{ name: string }>('select name from app_user where id = ?', [rep1Id]);
    const first = await listCustomers(rep, { first: 5 });
    expect(first.edges).toHaveLength(5);
    expect(first.totalCount).toBe(own.length);
    expect(first.pageInfo.hasNextPage).toBe(true);

    const seen = [...first.edges];
    for (let page = first; page.pageInfo.hasNextPage;) {
      page = await listCustomers(rep, { first: 5, after: page.pageInfo.endCursor });
      seen.push(...page.edges);
    }
    // Every one of the rep's customers exactly once, in order, under its name in the database.
    expect(seen.map((e) => ({ id: e.node.id, name: e.node.name }))).toEqual(own);
    expect(new Set(seen.map((e) => e.node.owner.name))).toEqual(new Set([repName]));
  });

  it('passes filter and orderBy through as the schema types them', async () => {
    const [{ n }] = await t.sql<{ n: number }>(`select count(*)::int as n from customer where owner_id = ? and tier = 'KEY' and deleted_at is null`, [rep1Id]);
    const page = await listCustomers(rep, { first: 100, filter: { tier: { in: ['KEY'] } }, orderBy: [{ field: 'CREATED_AT', direction: 'DESC' }] });
    expect(n).toBeGreaterThan(0);
    expect(page.totalCount).toBe(n);
    expect(page.edges.map((e) => e.node.tier)).toEqual(Array(n).fill('KEY'));
  });

  it('prints a row per customer: name, tier, status, owner and primary contact, then where the next page starts', async () => {
    const lines: string[] = [];
    const page = await printCustomerList(rep, { first: 3, filter: { id: { eq: mine.id } } }, (line) => lines.push(line));
    const [contact] = await t.sql<{ first_name: string; last_name: string; emails: { address: string }[] }>(
      'select first_name, last_name, emails from contact where customer_id = ? and "primary" and deleted_at is null', [mine.id]);
    expect(page.edges).toHaveLength(1);
    expect(lines).toEqual([formatCustomerRow(page.edges[0].node), '1 customer']);
    expect(lines[0]).toContain(`${mine.name} | `);
    expect(lines[0]).toContain(` | ${contact.first_name} ${contact.last_name} <${contact.emails[0].address}>`);
  });

  it('reads the detail page: the record, its contacts and its latest orders, money as decimal strings', async () => {
    const customer = await getCustomerDetail(rep, mine.id);
    expect(customer).not.toBeNull();
    const [{ n }] = await t.sql<{ n: number }>('select count(*)::int as n from contact where customer_id = ? and deleted_at is null', [mine.id]);
    expect(customer!.id).toBe(mine.id);
    expect(customer!.name).toBe(mine.name);
    expect(customer!.owner.id).toBe(rep1Id);
    expect(customer!.contacts.totalCount).toBe(n);
    expect(customer!.contacts.edges.filter((e) => e.node.primary)).toHaveLength(1);
    // Newest first; the totals travel as exact decimal strings.
    expect(customer!.orders!.edges.map((e) => [e.node.externalRef, e.node.total, e.node.currency])).toEqual([['TC-2', '2.50', 'EUR'], ['TC-1', '7.50', 'EUR']]);

    const lines = formatCustomerDetail(customer!);
    expect(lines[0]).toMatch(new RegExp(`^${mine.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(BUSINESS, `));
    expect(lines).toContain(`Contacts (${n}):`);
    expect(lines).toContain('Orders (2):');
    expect(lines.filter((l) => / TC-\d (PENDING|CONFIRMED) \d+\.\d{2} EUR$/.test(l))).toHaveLength(2);
  });

  it('answers null for a customer the caller may not see, and throws the API error code for a bad caller', async () => {
    expect(await getCustomerDetail(rep, notMine)).toBeNull();

    const anonymous = createClient({ url });
    const error = await listCustomers(anonymous).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(GraphQLRequestError);
    expect((error as GraphQLRequestError).code).toBe('UNAUTHENTICATED');

    const badKey = createClient({ url, apiKey: 'not-a-key' });
    await expect(getCustomerDetail(badKey, mine.id)).rejects.toMatchObject({ name: 'GraphQLRequestError', code: 'UNAUTHENTICATED' });
  });

  it('follows an order\'s status live over WebSocket with the typed subscription', async () => {
    const [{ id: orderId, version }] = await t.sql<{ id: string; version: number }>(`select id, version from sales_order where external_ref = 'TC-1'`);
    const live = createSubscriptionClient({ url: url.replace(/^http/, 'ws'), token: () => t.token('SALES_REP'), webSocketImpl: WebSocket });
    try {
      const before = t.live.activeSubscriptions();
      const event = new Promise<OrderStatusChange>((resolve, reject) => {
        const stop = watchOrderStatus(live, orderId, (e) => { stop(); resolve(e); }, reject);
      });
      // Change the order only once the server listens for the subscription.
      for (const started = Date.now(); t.live.activeSubscriptions() === before; await new Promise((r) => setTimeout(r, 20))) {
        if (Date.now() - started > 5000) throw new Error('the subscription did not start');
      }
      const changed = ok(await t.gql(`mutation($i: UpdateOrderStatusInput!) { updateOrderStatus(input: $i) { errors { code } } }`,
        { i: { id: orderId, version, status: 'CONFIRMED' } }, 'ADMIN'));
      expect(changed.updateOrderStatus.errors).toEqual([]);
      const e = await event;
      expect({ from: e.from, to: e.to, id: e.order.id, status: e.order.status, total: e.order.total }).toEqual({ from: 'PENDING', to: 'CONFIRMED', id: orderId, status: 'CONFIRMED', total: '7.50' });
      expect(e.eventId).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await live.dispose();
    }
  });

  it('types the documents: wrong variables do not compile (checked by npm run typecheck)', () => {
    // Never called: these lines only have to fail to compile, which `@ts-expect-error` asserts.
    const _wrong = async () => {
      // @ts-expect-error the detail query needs its id
      await rep.request(CustomerDetailDocument);
      // @ts-expect-error the id is non-null
      await rep.request(CustomerDetailDocument, { id: null });
      // @ts-expect-error no such variable
      await rep.request(CustomerDetailDocument, { id: 'cus_1', customerId: 'cus_1' });
      // @ts-expect-error no such sort field
      await listCustomers(rep, { orderBy: [{ field: 'SHOE_SIZE' }] });
      const page = await listCustomers(rep);
      // @ts-expect-error the list page does not select the website
      return page.edges[0].node.website;
    };
    expect(typeof _wrong).toBe('function');
  });
});
