import type { Canonical, RawQuery, ReadScenario } from './types';

/**
 * A self-check of bench/compare.ts, not one of the measured scenarios (not in SCENARIOS; run it with
 * `--scenario smoke`): a page of `size` customers, newest first, with the owner's name and up to 10
 * contacts each, as in bench/customers-page.ts, through the API, PostGraphile 4 and raw `pg`.
 */

const CONTACTS = 10;

interface Input { size: number }

interface Row {
  id: string; name: string; tier: string; sector: string; status: string; annualRevenue: string | null; owner: string;
  contacts: { id: string; firstName: string; lastName: string; title: string | null; emails: string[]; phones: string[] }[];
}

/** numeric(18,2) as the API (`"1234.5"`?), PostGraphile (`"1234.50"`) and `::text` write it: always two decimals. */
function decimal(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const [whole, fraction = ''] = String(value).split('.');
  return `${whole}.${fraction.padEnd(2, '0')}`;
}

const addresses = (list: { address: string }[] | null) => (list ?? []).map((e) => e.address);
const numbers = (list: { number: string }[] | null) => (list ?? []).map((p) => p.number);

const contact = (c: any) => ({
  id: c.id, firstName: c.firstName, lastName: c.lastName, title: c.title ?? null, emails: addresses(c.emails), phones: numbers(c.phones),
});

export const smokeScenario: ReadScenario<Input> = {
  name: 'smoke',
  title: 'self-check: a page of customers with owner name and up to 10 contacts each',

  async inputs(_query: RawQuery, { size, count }): Promise<Input[]> {
    return Array.from({ length: count }, () => ({ size }));
  },

  api: {
    query: `query SmokeCustomersPage($first: Int!) {
  customers(first: $first) { edges { node {
    id name tier sector status annualRevenue owner { name }
    contacts(first: ${CONTACTS}) { edges { node { id firstName lastName title emails { address } phones { number } } } }
  } } }
}`,
    variables: (input) => ({ first: input.size }),
    canonical: (data): Canonical => data.customers.edges.map(({ node: n }: any): Row => ({
      id: n.id, name: n.name, tier: n.tier, sector: n.sector, status: n.status, annualRevenue: decimal(n.annualRevenue),
      owner: n.owner.name, contacts: n.contacts.edges.map((e: any) => contact(e.node)),
    })),
  },

  postgraphile: {
    // The API leaves out soft-deleted rows: `condition: { deletedAt: null }` is PostGraphile's "is null".
    query: `query SmokeCustomersPage($first: Int!) {
  allCustomers(first: $first, orderBy: [CREATED_AT_DESC, ID_DESC], condition: { deletedAt: null }) { nodes {
    id name tier sector status annualRevenue appUserByOwnerId { name }
    contactsByCustomerId(first: ${CONTACTS}, orderBy: [LAST_NAME_ASC, FIRST_NAME_ASC, ID_ASC], condition: { deletedAt: null }) {
      nodes { id firstName lastName title emails phones }
    }
  } }
}`,
    variables: (input) => ({ first: input.size }),
    canonical: (data): Canonical => data.allCustomers.nodes.map((n: any): Row => ({
      id: n.id, name: n.name, tier: n.tier, sector: n.sector, status: n.status, annualRevenue: decimal(n.annualRevenue),
      owner: n.appUserByOwnerId.name, contacts: n.contactsByCustomerId.nodes.map(contact),
    })),
  },

  async raw(query: RawQuery, input: Input): Promise<Canonical> {
    const customers = await query(`select c.id, c.name, c.tier, c.sector, c.status, c.annual_revenue::text as annual_revenue, u.name as owner_name
      from customer c join app_user u on u.id = c.owner_id
      where c.deleted_at is null
      order by c.created_at desc, c.id desc
      limit $1`, [input.size]);
    const contacts = await query(`select p.id, p.customer_id, p.first_name, p.last_name, p.title, p.emails, p.phones from (
        select k.id, k.customer_id, k.first_name, k.last_name, k.title, k.emails, k.phones,
          row_number() over (partition by k.customer_id order by k.last_name, k.first_name, k.id) as rn
        from contact k
        where k.customer_id = any($1::text[]) and k.deleted_at is null
      ) p
      where p.rn <= ${CONTACTS}
      order by p.customer_id, p.rn`, [customers.map((c) => c.id)]);
    const byCustomer = new Map<string, Row['contacts']>(customers.map((c) => [c.id, []]));
    for (const k of contacts) {
      byCustomer.get(k.customer_id)!.push(contact({ id: k.id, firstName: k.first_name, lastName: k.last_name, title: k.title, emails: k.emails, phones: k.phones }));
    }
    return customers.map((c): Row => ({
      id: c.id, name: c.name, tier: c.tier, sector: c.sector, status: c.status, annualRevenue: decimal(c.annual_revenue),
      owner: c.owner_name, contacts: byCustomer.get(c.id)!,
    }));
  },
};
