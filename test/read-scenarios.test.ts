import { createHash } from 'node:crypto';
import { parse } from 'graphql';
import { SCENARIOS } from '../bench/scenarios';
import type { RawQuery, ReadScenario } from '../bench/scenarios/types';
import { ok, startTestApp, type TestApp } from './helpers';

/**
 * The read scenarios that issue 13 measures against PostGraphile and raw `pg` (bench/scenarios), at CI
 * size on the full demo data plus a few rows that make every list longer than its page, put ties in
 * every order and soft-delete rows the reads must skip. For each scenario: for every input, the API
 * (as ADMIN) returns the same canonical rows as the scenario's hand-written SQL; and the API's SQL
 * statements per request do not grow with the page or the number of children. (The PostGraphile side
 * is not installed here: the bench runner checks it.)
 */

let t: TestApp;
let query: RawQuery;
const scenario = (name: string) => SCENARIOS.find((s) => s.name === name)!;

/** Ids of the fixtures the tests look at. */
const ids = {
  newest: '', deletedCustomer: '', rich: '', deletedDeal: '', busy: '', quiet: '',
};

/** `n` contacts of a customer named Ada Abel<g/2> (pairs with the same name), some without title or e-mail. */
const addContacts = (customerId: string, key: string, n: number) => t.query(`insert into contact (id, customer_id, first_name, last_name, title, emails, phones)
  select 'con_' || md5($2 || '-' || g), $1, 'Ada', 'Abel' || (g / 2), case when g % 3 = 0 then null else 'Buyer' end,
    case when g % 4 = 0 then '[]'::jsonb else jsonb_build_array(jsonb_build_object('label', 'work', 'address', 'ada' || g || '@abel.example')) end,
    jsonb_build_array(jsonb_build_object('label', 'mobile', 'number', '+49 151 000' || g))
  from generate_series(1, $3::int) g`, [customerId, `h3-${key}`, n]);

/** Copies of one row of `table` with some columns replaced (`jsonb_populate_record`): `g` counts 1…`n`. */
const copies = (table: string, n: number, set: string, where: string) => `insert into ${table}
  select (jsonb_populate_record(x, ${set})).* from ${table} x cross join generate_series(1, ${n}) g where ${where}`;

beforeAll(async () => {
  t = await startTestApp({ fullDemo: true });
  query = t.query;
  const one = async (text: string, params: unknown[] = []) => (await t.query(text, params))[0];

  // customers-page: the second-newest customer is deleted; the newest gets 12 more contacts, sorting
  // first by name, in pairs with the same name (the id breaks the tie), some without title or e-mail,
  // one of them deleted.
  const [newest, second] = (await t.query('select id from customer where deleted_at is null order by created_at desc, id desc limit 2')).map((r) => r.id);
  Object.assign(ids, { newest, deletedCustomer: second });
  await t.query('update customer set deleted_at = now() where id = $1', [second]);
  await addContacts(newest, 'newest', 12);
  await t.query(`update contact set deleted_at = now() where id = 'con_' || md5('h3-newest-2')`);

  // customer-360: the customer with the most open cases gets 12 more open deals (every open stage, one
  // more won), 7 more orders and 12 more open cases, with equal creation times in pairs; its newest open
  // deal is deleted.
  const rich = (await one(`select k.customer_id as id from service_case k join customer c on c.id = k.customer_id and c.deleted_at is null
    where k.status not in ('RESOLVED', 'CLOSED') group by k.customer_id order by count(*) desc, k.customer_id limit 1`)).id;
  ids.rich = rich;
  const pairs = `to_jsonb(now() - (g / 2) * interval '1 day')`;
  await t.query(copies('opportunity', 13, `jsonb_build_object('id', 'opp_' || md5('h3-deal-' || g), 'customer_id', $1::text,
    'stage', case when g = 13 then 'WON' else (array['PROSPECTING', 'QUALIFICATION', 'NEEDS_ANALYSIS', 'PROPOSAL', 'NEGOTIATION'])[1 + g % 5] end,
    'closed_at', case when g = 13 then to_jsonb(now()) end, 'lost_reason', null, 'deleted_at', null, 'amount', (1000 + g)::text || '.50', 'created_at', ${pairs})`,
  `x.id = (select id from opportunity order by created_at, id limit 1)`), [rich]);
  ids.deletedDeal = (await one(`update opportunity set deleted_at = now() where id = (select id from opportunity
    where customer_id = $1 and stage not in ('WON', 'LOST') and deleted_at is null order by created_at desc, id desc limit 1) returning id`, [rich])).id;
  await t.query(copies('sales_order', 7, `jsonb_build_object('id', 'ord_' || md5('h3-order-' || g), 'customer_id', $1::text, 'bill_to_id', $1::text,
    'external_ref', 'H3-' || g, 'created_at', ${pairs})`, 'x.id = (select id from sales_order order by created_at, id limit 1)'), [rich]);
  await t.query(copies('service_case', 12, `jsonb_build_object('id', 'cas_' || md5('h3-case-' || g), 'number', 'H3-CS-' || g, 'customer_id', $1::text,
    'status', (array['NEW', 'ASSIGNED', 'IN_PROGRESS', 'WAITING_ON_CUSTOMER'])[1 + g % 4], 'resolved_at', null, 'closed_at', null, 'created_at', ${pairs})`,
  'x.id = (select id from service_case order by created_at, id limit 1)'), [rich]);
  // case-lookup: an asset of that customer, which also gets 10 more contacts: the fullest lookup there is
  await addContacts(rich, 'rich', 10);
  await t.query(copies('asset', 1, `jsonb_build_object('id', 'ast_' || md5('h3-asset'), 'service_tag', 'H3-TAG-FULL', 'customer_id', $1::text)`,
    'x.id = (select id from asset order by created_at, id limit 1)'), [rich]);
  // and one of the customer with the fewest contacts and cases (at least one of each): the sparsest lookup
  const sparse = (await one(`select c.id from customer c where c.deleted_at is null and c.id <> $1
      and exists (select 1 from contact k where k.customer_id = c.id and k.deleted_at is null)
      and exists (select 1 from service_case k where k.customer_id = c.id)
    order by (select count(*) from contact k where k.customer_id = c.id and k.deleted_at is null)
      + (select count(*) from service_case k where k.customer_id = c.id), c.id limit 1`, [rich])).id;
  await t.query(copies('asset', 1, `jsonb_build_object('id', 'ast_' || md5('h3-asset-sparse'), 'service_tag', 'H3-TAG-SPARSE', 'customer_id', $1::text)`,
    'x.id = (select id from asset order by created_at, id limit 1)'), [sparse]);

  // timeline: two customers whose timelines hold activities and stage changes only; the busy one gets 60
  // older activities (pairs at the same instant, two deleted) and one at the instant of its newest stage
  // change (the kind's rank breaks that tie).
  const [busy, quiet] = (await t.query(`select c.id from customer c where c.deleted_at is null
      and exists (select 1 from activity a where a.customer_id = c.id) and exists (select 1 from opportunity_stage_change s where s.customer_id = c.id)
      and not exists (select 1 from opportunity o where o.customer_id = c.id and o.deleted_at is not null)
      and not exists (select 1 from audit_event x where x.customer_id = c.id) and not exists (select 1 from service_case x where x.customer_id = c.id)
      and not exists (select 1 from sales_order x where x.customer_id = c.id) and not exists (select 1 from contract x where x.customer_id = c.id)
      and not exists (select 1 from payment x where x.customer_id = c.id) and not exists (select 1 from loyalty_tier_change x where x.customer_id = c.id)
    order by c.created_at, c.id limit 2`)).map((r) => r.id);
  Object.assign(ids, { busy, quiet });
  await t.query(copies('activity', 60, `jsonb_build_object('id', 'act_' || md5('h3-activity-' || g), 'deleted_at', case when g in (7, 8) then to_jsonb(now()) end,
    'occurred_at', to_jsonb((select min(a.occurred_at) from activity a where a.customer_id = $1) - (g / 2) * interval '1 hour'))`,
  'x.id = (select id from activity where customer_id = $1 order by occurred_at, id limit 1)'), [busy]);
  await t.query(copies('activity', 1, `jsonb_build_object('id', 'act_' || md5('h3-activity-tie'),
    'occurred_at', to_jsonb((select max(s.at) from opportunity_stage_change s where s.customer_id = $1)))`,
  'x.id = (select id from activity where customer_id = $1 order by occurred_at, id limit 1)'), [busy]);
}, 120_000);

afterAll(async () => { await t?.close(); });

/** The API's answer as ADMIN, reduced by the scenario. */
async function apiRows<V>(s: ReadScenario<V>, input: V) {
  return s.api.canonical(ok(await t.gql(s.api.query, s.api.variables(input), 'ADMIN')));
}

/** For each input: the API's canonical rows equal the raw SQL's (the same keys in the same order too). */
async function expectSameRows<V>(s: ReadScenario<V>, inputs: V[]) {
  const answers: any[] = [];
  for (const input of inputs) {
    const api = await apiRows(s, input);
    const raw = await s.raw(query, input);
    expect({ input, rows: api }).toStrictEqual({ input, rows: raw });
    expect(JSON.stringify(api)).toBe(JSON.stringify(raw));
    answers.push(api);
  }
  return answers;
}

/** SQL statements of the API request for each of two inputs, after a warm-up run of both (sign-in and first-run effects stay out). */
async function statements<V>(s: ReadScenario<V>, a: V, b: V): Promise<[number, number]> {
  const run = (input: V) => t.gql(s.api.query, s.api.variables(input), 'ADMIN').then(ok);
  await run(a);
  await run(b);
  const first = await t.countQueries(() => run(a));
  const second = await t.countQueries(() => run(b));
  expect(first).toBeGreaterThan(0); // the counter sees this database
  return [first, second];
}

test('the four scenarios are registered, each with an API and a PostGraphile document that parse', () => {
  expect(SCENARIOS.map((s) => s.name)).toEqual(['customers-page', 'customer-360', 'timeline', 'case-lookup']);
  for (const s of SCENARIOS) {
    expect(() => parse(s.api.query)).not.toThrow();
    expect(() => parse(s.postgraphile.query)).not.toThrow();
  }
});

test('customers-page: the same rows as raw SQL at 5 and 50 customers, in as many statements', async () => {
  const s = scenario('customers-page');
  const inputs = await s.inputs(query, { size: 50, count: 3 });
  expect(inputs).toEqual([{ size: 50 }, { size: 50 }, { size: 50 }]);
  const [small, large] = await expectSameRows(s, [{ size: 5 }, { size: 50 }]);
  expect(small).toHaveLength(5);
  expect(large).toHaveLength(50);
  expect(large.slice(0, 5)).toEqual(small);
  expect(large.map((c: any) => c.id)).not.toContain(ids.deletedCustomer);
  // the newest customer: 10 of its contacts, the new ones first by name, the deleted one left out
  const newest = large[0];
  expect(newest.id).toBe(ids.newest);
  expect(newest.contacts).toHaveLength(10);
  expect(newest.contacts.slice(0, 4).map((k: any) => k.lastName)).toEqual(['Abel0', 'Abel1', 'Abel2', 'Abel2']);
  expect(newest.contacts.map((k: any) => k.emails)).toContainEqual([]);
  expect(newest.contacts.map((k: any) => k.title)).toContain(null);
  expect(large.every((c: any) => c.owner && c.contacts.length > 0)).toBe(true);
  const [five, fifty] = await statements(s, { size: 5 }, { size: 50 });
  expect(fifty).toBe(five);
});

test('customer-360: the same rows as raw SQL for every input, in as many statements for a full and a sparse customer', async () => {
  const s = scenario('customer-360');
  const inputs: { id: string }[] = await s.inputs(query, { size: 50, count: 8 });
  expect(inputs).toHaveLength(8);
  expect(inputs).toContainEqual({ id: ids.rich });
  const answers = await expectSameRows(s, inputs);
  const rich = answers[inputs.findIndex((i) => i.id === ids.rich)];
  expect([rich.contacts.length > 0, rich.openDeals.length, rich.lastOrders.length, rich.openCases.length]).toEqual([true, 10, 5, 10]);
  expect(rich.openDeals.map((d: any) => d.id)).not.toContain(ids.deletedDeal);
  expect(rich.openDeals.every((d: any) => !['WON', 'LOST'].includes(d.stage))).toBe(true);
  expect(new Set(rich.openDeals.map((d: any) => d.stage)).size).toBeGreaterThan(2);
  expect(rich.openCases.every((k: any) => !['RESOLVED', 'CLOSED'].includes(k.status))).toBe(true);
  // a deleted customer is not found on either side
  const gone = await t.gql(s.api.query, s.api.variables({ id: ids.deletedCustomer }), 'ADMIN');
  expect(gone.body.data?.customer ?? null).toBeNull();
  expect(await s.raw(query, { id: ids.deletedCustomer })).toBeNull();

  const size = (c: any) => c.contacts.length + c.openDeals.length + c.lastOrders.length + c.openCases.length;
  const sparse = inputs[answers.reduce((best, c, i) => (size(c) < size(answers[best]) ? i : best), 0)];
  expect(size(answers[inputs.indexOf(sparse)])).toBeLessThan(size(rich));
  const [full, few] = await statements(s, { id: ids.rich }, sparse);
  expect(few).toBe(full);
});

test('timeline: the same page as raw SQL for every input and every customer with three kinds or more, in as many statements for a long and a short one', async () => {
  const s = scenario('timeline');
  const inputs: { id: string }[] = await s.inputs(query, { size: 50, count: 6 });
  expect(inputs).toHaveLength(6);
  expect(inputs[0]).toEqual({ id: ids.busy }); // the most activities
  const varied = (await t.query(`select x.customer_id as id from (
      select customer_id, 'a' as k from activity union all select customer_id, 's' from opportunity_stage_change
      union all select customer_id, 'e' from audit_event union all select customer_id, 'c' from service_case
      union all select customer_id, 'o' from sales_order union all select customer_id, 'k' from contract
      union all select customer_id, 'p' from payment union all select customer_id, 't' from loyalty_tier_change) x
    join customer c on c.id = x.customer_id and c.deleted_at is null
    group by x.customer_id having count(distinct x.k) >= 3 order by x.customer_id`)).map((r) => ({ id: r.id as string }));
  expect(varied.length).toBeGreaterThanOrEqual(5);
  const pages = await expectSameRows(s, [...inputs, ...varied]);
  // every kind of entry appears on some page
  expect(new Set(pages.flatMap((p: any) => p.entries.map((e: any) => e.kind)))).toEqual(
    new Set(['ACTIVITY', 'STAGE_CHANGE', 'AUDIT_EVENT', 'CASE', 'ORDER', 'CONTRACT', 'PAYMENT', 'TIER_CHANGE']),
  );
  const busy = pages[0];
  expect(busy.entries).toHaveLength(50);
  expect(busy.hasNextPage).toBe(true);
  const md5 = (text: string) => createHash('md5').update(text).digest('hex');
  const shown = busy.entries.map((e: any) => e.node.id);
  expect(shown).toContain(`act_${md5('h3-activity-1')}`);
  expect(shown).not.toContain(`act_${md5('h3-activity-7')}`); // deleted
  // an activity and a stage change at the same instant (the kind's rank orders them) are on the page
  const stageTimes = new Set(busy.entries.filter((e: any) => e.kind === 'STAGE_CHANGE').map((e: any) => e.at));
  expect(busy.entries.some((e: any) => e.kind === 'ACTIVITY' && stageTimes.has(e.at))).toBe(true);

  const quiet = (await expectSameRows(s, [{ id: ids.quiet }]))[0];
  expect(quiet.entries.length).toBeLessThan(50);
  // the same kinds on both pages: the statements may depend on the kinds shown, never on how many entries
  const kinds = (p: any) => [...new Set(p.entries.map((e: any) => e.kind))].sort();
  expect(kinds(quiet)).toEqual(['ACTIVITY', 'STAGE_CHANGE']);
  expect(kinds(busy)).toEqual(kinds(quiet));
  const [long, short] = await statements(s, { id: ids.busy }, { id: ids.quiet });
  expect(short).toBe(long);
});

test('case-lookup: the same lookup as raw SQL for every tag, in as many statements for customers with more and fewer contacts and cases', async () => {
  const s = scenario('case-lookup');
  const inputs: { tag: string }[] = await s.inputs(query, { size: 50, count: 10 });
  expect(inputs).toHaveLength(10);
  const lookups = await expectSameRows(s, [...inputs, { tag: inputs[0].tag.toLowerCase() }, { tag: 'NO-SUCH-TAG' }]);
  expect(lookups[inputs.length]).toEqual(lookups[0]); // the API ignores case; so does the raw SQL
  expect(lookups[inputs.length + 1]).toBeNull();
  const [fullest] = await expectSameRows(s, [{ tag: 'H3-TAG-FULL' }]);
  expect([fullest.customer.id, fullest.customer.contacts.length, fullest.customer.cases.length]).toEqual([ids.rich, 10, 5]);
  // the tag of the customer with the fewest contacts and cases (at least one of each; set up above: the
  // inputs alone may all be full ones)
  const children = (l: any) => l.customer.contacts.length + l.customer.cases.length;
  const [sparsest] = await expectSameRows(s, [{ tag: 'H3-TAG-SPARSE' }]);
  expect(sparsest.customer.contacts.length).toBeGreaterThan(0);
  expect(sparsest.customer.cases.length).toBeGreaterThan(0);
  expect(children(sparsest)).toBeLessThan(children(fullest));
  const [many, few] = await statements(s, { tag: 'H3-TAG-FULL' }, { tag: 'H3-TAG-SPARSE' });
  expect(few).toBe(many);
});
