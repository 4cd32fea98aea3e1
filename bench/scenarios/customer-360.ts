import { OPEN_STAGES } from '../../src/entities/enums';
import { CaseStatus } from '../../src/entities/service.enums';
import { addresses, compareIds, dec, day, iso, millis, nodes, numbers, relay } from './canonical';
import type { ReadScenario } from './types';

/**
 * A customer's detail page: the customer with its owner, its first 10 contacts by name, its open deals
 * (newest first, 10), its last 5 orders and its open service cases (newest first, 10). Orders sort
 * by `created_at` (when the order was pushed: the schema has no separate order date) and show
 * `externalRef` (the shop's order number). Every list is sorted totally: the id breaks ties.
 */
export interface Customer360Input { id: string }

const CONTACTS = 10;
const DEALS = 10;
const ORDERS = 5;
const CASES = 10;
const CLOSED_STAGES = ['WON', 'LOST'];
const CLOSED_CASES = [CaseStatus.RESOLVED, CaseStatus.CLOSED] as string[];
const OPEN_CASES = Object.values(CaseStatus).filter((s) => !CLOSED_CASES.includes(s));

const contactRow = (k: any) => ({
  id: k.id as string, firstName: k.firstName ?? null, lastName: k.lastName ?? null, title: k.title ?? null,
  emails: addresses(k.emails), phones: numbers(k.phones),
});
const dealRow = (o: any) => ({
  id: o.id as string, name: o.name, stage: o.stage, amount: dec(o.amount), currency: o.currency,
  expectedCloseDate: day(o.expectedCloseDate), createdAt: iso(o.createdAt),
});
const orderRow = (o: any) => ({
  id: o.id as string, externalRef: o.externalRef ?? null, status: o.status, total: dec(o.total), currency: o.currency, createdAt: iso(o.createdAt),
});
const caseRow = (k: any) => ({
  id: k.id as string, number: k.number, subject: k.subject, status: k.status, priority: k.priority, createdAt: iso(k.createdAt),
});
const customerRow = (c: any, owner: string | null | undefined, lists: { contacts: any[]; deals: any[]; orders: any[]; cases: any[] }) => ({
  id: c.id as string, name: c.name, kind: c.kind, tier: c.tier, sector: c.sector, status: c.status,
  annualRevenue: dec(c.annualRevenue), createdAt: iso(c.createdAt), owner: owner ?? null,
  contacts: lists.contacts.map(contactRow), openDeals: lists.deals.map(dealRow),
  lastOrders: lists.orders.map(orderRow), openCases: lists.cases.map(caseRow),
});

const API_QUERY = `query Customer360($id: ID!) {
  customer(id: $id) {
    id name kind tier sector status annualRevenue createdAt
    owner { name }
    contacts(first: ${CONTACTS}) { edges { node { id firstName lastName title emails { address } phones { number } } } }
    opportunities(first: ${DEALS}, filter: { stage: { notIn: [${CLOSED_STAGES.join(', ')}] } }) {
      edges { node { id name stage amount currency expectedCloseDate createdAt } }
    }
    orders(first: ${ORDERS}) { edges { node { id externalRef status total currency createdAt } } }
    cases(first: ${CASES}, filter: { status: { notIn: [${CLOSED_CASES.join(', ')}] } }) {
      edges { node { id number subject status priority createdAt } }
    }
  }
}`;

/**
 * PostGraphile 4's `condition` only tests equality, so "open" is one connection per open stage (and per
 * open case status), each cut at the page size in the same order, merged here: the newest 10 of the
 * union are the newest 10 open ones. PostGraphile still sends one statement. `customerById` also finds
 * a soft-deleted customer: `deletedAt` says so, and such a customer counts as not found.
 */
const DEAL_FIELDS = 'id name stage amount currency expectedCloseDate createdAt';
const CASE_FIELDS = 'id number subject status priority createdAt';
const PG4_QUERY = `query Customer360($id: String!) {
  customerById(id: $id) {
    id name kind tier sector status annualRevenue createdAt deletedAt
    appUserByOwnerId { name }
    contactsByCustomerId(first: ${CONTACTS}, orderBy: [LAST_NAME_ASC, FIRST_NAME_ASC, ID_ASC], condition: { deletedAt: null }) {
      nodes { id firstName lastName title emails phones }
    }
${OPEN_STAGES.map((s) => `    deals_${s}: opportunitiesByCustomerId(first: ${DEALS}, orderBy: [CREATED_AT_DESC, ID_DESC], condition: { stage: "${s}", deletedAt: null }) { nodes { ${DEAL_FIELDS} } }`).join('\n')}
    salesOrdersByCustomerId(first: ${ORDERS}, orderBy: [CREATED_AT_DESC, ID_DESC]) { nodes { id externalRef status total currency createdAt } }
${OPEN_CASES.map((s) => `    cases_${s}: serviceCasesByCustomerId(first: ${CASES}, orderBy: [CREATED_AT_DESC, ID_DESC], condition: { status: "${s}" }) { nodes { ${CASE_FIELDS} } }`).join('\n')}
  }
}`;

/** The newest `take` of several lists each sorted newest first (`createdAt` desc, then id desc). */
function newest<T extends { id: string; createdAt: string }>(lists: T[][], take: number): T[] {
  return lists.flat().sort((a, b) => millis(b.createdAt) - millis(a.createdAt) || compareIds(b.id, a.id)).slice(0, take);
}

/**
 * One statement: the customer and its owner, each list as a JSON array built by a correlated subquery
 * on its own index. Decimals and dates go out as text (JSON numbers would lose the scale).
 */
const RAW = `select c.id, c.name, c.kind, c.tier, c.sector, c.status, c.annual_revenue::text as annual_revenue, c.created_at, u.name as owner_name,
    (select coalesce(json_agg(k order by k.last_name, k.first_name, k.id), '[]') from (
        select k.id, k.first_name, k.last_name, k.title, k.emails, k.phones from contact k
        where k.customer_id = c.id and k.deleted_at is null
        order by k.last_name, k.first_name, k.id limit ${CONTACTS}) k) as contacts,
    (select coalesce(json_agg(o order by o.created_at desc, o.id desc), '[]') from (
        select o.id, o.name, o.stage, o.amount::text as amount, o.currency, o.expected_close_date::text as expected_close_date, o.created_at
        from opportunity o
        where o.customer_id = c.id and o.deleted_at is null and o.stage <> all($2::text[])
        order by o.created_at desc, o.id desc limit ${DEALS}) o) as deals,
    (select coalesce(json_agg(s order by s.created_at desc, s.id desc), '[]') from (
        select s.id, s.external_ref, s.status, s.total::text as total, s.currency, s.created_at from sales_order s
        where s.customer_id = c.id
        order by s.created_at desc, s.id desc limit ${ORDERS}) s) as orders,
    (select coalesce(json_agg(k order by k.created_at desc, k.id desc), '[]') from (
        select k.id, k.number, k.subject, k.status, k.priority, k.created_at from service_case k
        where k.customer_id = c.id and k.status <> all($3::text[])
        order by k.created_at desc, k.id desc limit ${CASES}) k) as cases
  from customer c join app_user u on u.id = c.owner_id
  where c.id = $1 and c.deleted_at is null`;

/**
 * Candidates: the customers of the newest open cases and the newest customers (both bounded, so this
 * stays quick at a million customers), ranked by how many of the four lists they fill.
 */
const INPUTS = `with candidates as (
    (select k.customer_id as id from service_case k where k.status <> all($2::text[]) order by k.created_at desc, k.id desc limit 1000)
    union
    (select c.id from customer c where c.deleted_at is null order by c.created_at desc, c.id desc limit 1000)
  )
  select c.id from candidates x join customer c on c.id = x.id and c.deleted_at is null
  order by (exists (select 1 from contact k where k.customer_id = c.id and k.deleted_at is null))::int
      + (exists (select 1 from opportunity o where o.customer_id = c.id and o.deleted_at is null and o.stage <> all($3::text[])))::int
      + (exists (select 1 from sales_order s where s.customer_id = c.id))::int
      + (exists (select 1 from service_case k where k.customer_id = c.id and k.status <> all($2::text[])))::int desc,
    c.created_at desc, c.id desc
  limit $1`;

const camel = (r: Record<string, any>) => ({
  ...r, firstName: r.first_name, lastName: r.last_name, expectedCloseDate: r.expected_close_date, externalRef: r.external_ref, createdAt: r.created_at,
});

export const customer360: ReadScenario<Customer360Input> = {
  name: 'customer-360',
  title: `a customer's detail page: owner, ${CONTACTS} contacts, open deals, last ${ORDERS} orders, open cases`,

  async inputs(query, { count }) {
    return (await query(INPUTS, [count, CLOSED_CASES, CLOSED_STAGES])).map((r) => ({ id: r.id as string }));
  },

  api: {
    query: API_QUERY,
    variables: ({ id }) => ({ id }),
    canonical: ({ customer: c }) => c && customerRow(c, c.owner?.name, {
      contacts: nodes(c.contacts), deals: nodes(c.opportunities), orders: nodes(c.orders), cases: nodes(c.cases),
    }),
  },

  postgraphile: {
    query: relay(PG4_QUERY),
    variables: ({ id }) => ({ id }),
    canonical: ({ customerById: c }) => c && !c.deletedAt ? customerRow(c, c.appUserByOwnerId?.name, {
      contacts: nodes(c.contactsByCustomerId),
      deals: newest(OPEN_STAGES.map((s) => nodes(c[`deals_${s}`])), DEALS),
      orders: nodes(c.salesOrdersByCustomerId),
      cases: newest(OPEN_CASES.map((s) => nodes(c[`cases_${s}`])), CASES),
    }) : null,
  },

  async raw(query, { id }) {
    const [c] = await query(RAW, [id, CLOSED_STAGES, CLOSED_CASES]);
    if (!c) return null;
    return customerRow({ ...c, annualRevenue: c.annual_revenue, createdAt: c.created_at }, c.owner_name, {
      contacts: c.contacts.map(camel), deals: c.deals.map(camel), orders: c.orders.map(camel), cases: c.cases.map(camel),
    });
  },
};
