import { addresses, day, iso, nodes, numbers, relay } from './canonical';
import type { ReadScenario } from './types';

/**
 * An agent's first lookup: a caller reads the service tag off the product; the agent sees the asset
 * (warranty status, product), its customer with phones, the first 10 contacts by name and the newest
 * 5 cases — one request. As ADMIN an asset is visible whatever its customer; a soft-deleted customer
 * shows as no customer.
 */
export interface CaseLookupInput { tag: string }

/** Contacts and cases the lookup shows (also bench/case-lookup.ts, the API-vs-raw scenario of the same request). */
export const CONTACTS = 10;
export const CASES = 5;

const phoneRows = (value: unknown) => ((value as { label?: string; number?: string }[] | null) ?? []).map((p) => ({ label: p.label ?? null, number: p.number ?? null }));
const contactRow = (k: any) => ({
  id: k.id as string, firstName: k.firstName ?? null, lastName: k.lastName ?? null, title: k.title ?? null,
  phones: numbers(k.phones), emails: addresses(k.emails),
});
const caseRow = (k: any) => ({ id: k.id as string, number: k.number, subject: k.subject, status: k.status, priority: k.priority, createdAt: iso(k.createdAt) });
const lookupRow = (a: any, product: any, customer: any, contacts: any[], cases: any[]) => ({
  id: a.id as string, serviceTag: a.serviceTag, purchaseDate: day(a.purchaseDate), warrantyEnd: day(a.warrantyEnd), warrantyStatus: a.warrantyStatus,
  product: product ? { id: product.id as string, name: product.name } : null,
  customer: customer ? {
    id: customer.id as string, name: customer.name, phones: phoneRows(customer.phones),
    contacts: contacts.map(contactRow), cases: cases.map(caseRow),
  } : null,
});

/** What the API computes (src/services/asset.service.ts): the warranty end day itself is still covered, today in UTC. */
const warrantyStatus = (end: string | null) => (end == null ? 'NO_WARRANTY' : end >= new Date().toISOString().slice(0, 10) ? 'IN_WARRANTY' : 'EXPIRED');

export const API_QUERY = `query AgentLookup($tag: String!) {
  assetByServiceTag(tag: $tag) {
    id serviceTag purchaseDate warrantyEnd warrantyStatus
    product { id name }
    customer {
      id name phones { label number }
      contacts(first: ${CONTACTS}) { edges { node { id firstName lastName title phones { number } emails { address } } } }
      cases(first: ${CASES}) { edges { node { id number subject status priority createdAt } } }
    }
  }
}`;

// The tag is looked up as stored (upper-case): the inputs come from the table.
const PG4_QUERY = `query AgentLookup($tag: String!) {
  assetByServiceTag(serviceTag: $tag) {
    id serviceTag purchaseDate warrantyEnd
    productByProductId { id name }
    customerByCustomerId {
      id name phones deletedAt
      contactsByCustomerId(first: ${CONTACTS}, orderBy: [LAST_NAME_ASC, FIRST_NAME_ASC, ID_ASC], condition: { deletedAt: null }) {
        nodes { id firstName lastName title phones emails }
      }
      serviceCasesByCustomerId(first: ${CASES}, orderBy: [CREATED_AT_DESC, ID_DESC]) { nodes { id number subject status priority createdAt } }
    }
  }
}`;

/** One statement: the asset with its product and live customer, the contacts and cases as JSON arrays. */
const RAW = `select a.id, a.service_tag, a.purchase_date::text as purchase_date, a.warranty_end::text as warranty_end,
    case when a.warranty_end is null then 'NO_WARRANTY' when a.warranty_end >= (now() at time zone 'UTC')::date then 'IN_WARRANTY' else 'EXPIRED' end as warranty_status,
    p.id as product_id, p.name as product_name, c.id as customer_id, c.name as customer_name, c.phones,
    (select coalesce(json_agg(k order by k.last_name, k.first_name, k.id), '[]') from (
        select k.id, k.first_name, k.last_name, k.title, k.phones, k.emails from contact k
        where k.customer_id = c.id and k.deleted_at is null
        order by k.last_name, k.first_name, k.id limit ${CONTACTS}) k) as contacts,
    (select coalesce(json_agg(s order by s.created_at desc, s.id desc), '[]') from (
        select s.id, s.number, s.subject, s.status, s.priority, s.created_at from service_case s
        where s.customer_id = c.id
        order by s.created_at desc, s.id desc limit ${CASES}) s) as cases
  from asset a
  join product p on p.id = a.product_id
  left join customer c on c.id = a.customer_id and c.deleted_at is null
  where a.service_tag = upper(trim($1))`;

/** Tags in order, walking the unique index until enough match: of live customers with contacts and cases first. */
const INPUTS_FULL = `select a.service_tag from asset a
  where exists (select 1 from customer c where c.id = a.customer_id and c.deleted_at is null)
    and exists (select 1 from contact k where k.customer_id = a.customer_id and k.deleted_at is null)
    and exists (select 1 from service_case s where s.customer_id = a.customer_id)
  order by a.service_tag limit $1`;
const INPUTS_ANY = 'select a.service_tag from asset a order by a.service_tag limit $1';

export const caseLookup: ReadScenario<CaseLookupInput> = {
  name: 'case-lookup',
  title: `an agent's lookup by service tag: asset, product, customer, ${CONTACTS} contacts, ${CASES} latest cases`,

  async inputs(query, { count }) {
    const tags = (await query(INPUTS_FULL, [count])).map((r) => r.service_tag as string);
    if (tags.length < count) {
      for (const r of await query(INPUTS_ANY, [count])) if (tags.length < count && !tags.includes(r.service_tag)) tags.push(r.service_tag);
    }
    return tags.map((tag) => ({ tag }));
  },

  api: {
    query: API_QUERY,
    variables: ({ tag }) => ({ tag }),
    canonical: ({ assetByServiceTag: a }) => a && lookupRow(a, a.product, a.customer, nodes(a.customer?.contacts), nodes(a.customer?.cases)),
  },

  postgraphile: {
    query: relay(PG4_QUERY),
    variables: ({ tag }) => ({ tag }),
    canonical: ({ assetByServiceTag: a }) => {
      if (!a) return null;
      const c = a.customerByCustomerId?.deletedAt ? null : a.customerByCustomerId;
      return lookupRow({ ...a, warrantyStatus: warrantyStatus(a.warrantyEnd) }, a.productByProductId, c,
        nodes(c?.contactsByCustomerId), nodes(c?.serviceCasesByCustomerId));
    },
  },

  async raw(query, { tag }) {
    const [a] = await query(RAW, [tag]);
    if (!a) return null;
    const camel = (r: any) => ({ ...r, firstName: r.first_name, lastName: r.last_name, createdAt: r.created_at });
    return lookupRow(
      { id: a.id, serviceTag: a.service_tag, purchaseDate: a.purchase_date, warrantyEnd: a.warranty_end, warrantyStatus: a.warranty_status },
      { id: a.product_id, name: a.product_name },
      a.customer_id ? { id: a.customer_id, name: a.customer_name, phones: a.phones } : null,
      a.contacts.map(camel), a.cases.map(camel),
    );
  },
};
