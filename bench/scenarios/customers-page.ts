import { addresses, dec, nodes, numbers, relay } from './canonical';
import type { ReadScenario } from './types';

/**
 * A list page: `size` customers, newest first (the API's default order: `created_at desc`, the id
 * breaking ties), each with its owner's name and its first 10 contacts by name (last name, first
 * name, id). Every request asks for the same page: this measures the list itself, not the cache
 * misses of varying inputs.
 */
export interface PageInput { size: number }

const CONTACTS = 10;

interface ContactRow { id: string; firstName: string | null; lastName: string | null; title: string | null; emails: (string | null)[]; phones: (string | null)[] }
interface CustomerRow {
  id: string; name: string | null; tier: string; sector: string; status: string; annualRevenue: string | null;
  owner: string | null; contacts: ContactRow[];
}

const contactRow = (k: { id: string; firstName?: string | null; lastName?: string | null; title?: string | null; emails?: unknown; phones?: unknown }): ContactRow => ({
  id: k.id, firstName: k.firstName ?? null, lastName: k.lastName ?? null, title: k.title ?? null,
  emails: addresses(k.emails), phones: numbers(k.phones),
});

const customerRow = (
  c: { id: string; name: string | null; tier: string; sector: string; status: string; annualRevenue: unknown },
  owner: string | null | undefined,
  contacts: ContactRow[],
): CustomerRow => ({
  id: c.id, name: c.name, tier: c.tier, sector: c.sector, status: c.status, annualRevenue: dec(c.annualRevenue),
  owner: owner ?? null, contacts,
});

const API_QUERY = `query CustomersPage($size: Int!) {
  customers(first: $size) {
    edges { node {
      id name tier sector status annualRevenue
      owner { name }
      contacts(first: ${CONTACTS}) { edges { node { id firstName lastName title emails { address } phones { number } } } }
    } }
  }
}`;

// PostGraphile 4 sees soft-deleted rows: `condition: { deletedAt: null }` is its `is null`.
const PG4_QUERY = `query CustomersPage($size: Int!) {
  allCustomers(first: $size, orderBy: [CREATED_AT_DESC, ID_DESC], condition: { deletedAt: null }) {
    nodes {
      id name tier sector status annualRevenue
      appUserByOwnerId { name }
      contactsByCustomerId(first: ${CONTACTS}, orderBy: [LAST_NAME_ASC, FIRST_NAME_ASC, ID_ASC], condition: { deletedAt: null }) {
        nodes { id firstName lastName title emails phones }
      }
    }
  }
}`;

/**
 * One statement: the page (on the `(created_at, id)` index), its owners, and each customer's first
 * contacts through a lateral subquery; a customer without contacts is one row of nulls on the right.
 */
const RAW = `select c.id, c.name, c.tier, c.sector, c.status, c.annual_revenue::text as annual_revenue, u.name as owner_name,
    k.id as contact_id, k.first_name, k.last_name, k.title, k.emails, k.phones
  from (select c.id, c.name, c.tier, c.sector, c.status, c.annual_revenue, c.owner_id, c.created_at
        from customer c where c.deleted_at is null
        order by c.created_at desc, c.id desc limit $1) c
  join app_user u on u.id = c.owner_id
  left join lateral (
    select k.id, k.first_name, k.last_name, k.title, k.emails, k.phones from contact k
    where k.customer_id = c.id and k.deleted_at is null
    order by k.last_name, k.first_name, k.id limit ${CONTACTS}
  ) k on true
  order by c.created_at desc, c.id desc, k.last_name, k.first_name, k.id`;

export const customersPage: ReadScenario<PageInput> = {
  name: 'customers-page',
  title: `a page of customers (newest first) with owner and up to ${CONTACTS} contacts each`,

  async inputs(_query, { size, count }) {
    return Array.from({ length: count }, () => ({ size }));
  },

  api: {
    query: API_QUERY,
    variables: ({ size }) => ({ size }),
    canonical: (data) => nodes(data.customers).map((c: any) => customerRow(c, c.owner?.name, nodes(c.contacts).map(contactRow))),
  },

  postgraphile: {
    query: relay(PG4_QUERY),
    variables: ({ size }) => ({ size }),
    canonical: (data) => nodes(data.allCustomers).map((c: any) =>
      customerRow(c, c.appUserByOwnerId?.name, nodes(c.contactsByCustomerId).map(contactRow))),
  },

  async raw(query, { size }) {
    const page: CustomerRow[] = [];
    for (const r of await query(RAW, [size])) {
      let customer = page[page.length - 1];
      if (customer?.id !== r.id) {
        customer = customerRow({ id: r.id, name: r.name, tier: r.tier, sector: r.sector, status: r.status, annualRevenue: r.annual_revenue }, r.owner_name, []);
        page.push(customer);
      }
      if (r.contact_id) {
        customer.contacts.push(contactRow({ id: r.contact_id, firstName: r.first_name, lastName: r.last_name, title: r.title, emails: r.emails, phones: r.phones }));
      }
    }
    return page;
  },
};
