import { graphql } from './gql';
import type { CustomerListQuery, CustomerListQueryVariables } from './gql/graphql';
import type { Client } from './request';

/**
 * The customer list page: one page of customers with their owner and primary contact. Page forward with
 * `after: pageInfo.endCursor` while `pageInfo.hasNextPage`; `filter` and `orderBy` are the schema's own
 * input types, so a wrong field or operator fails to compile.
 */
export const CustomerListDocument = graphql(`
  query CustomerList($first: Int, $after: String, $filter: CustomerFilter, $orderBy: [CustomerOrderBy!]) {
    customers(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges {
        cursor
        node {
          id name kind tier vip status
          owner { name }
          contacts(first: 1, filter: { primary: { eq: true } }) {
            edges { node { firstName lastName emails { address } } }
          }
        }
      }
    }
  }
`);

/** One page of the list, as the schema types it. */
export type CustomerPage = CustomerListQuery['customers'];
/** One row of the list. */
export type CustomerRow = CustomerPage['edges'][number]['node'];

/** Reads one page of customers (by default the first 25, by name). */
export async function listCustomers(client: Client, variables: CustomerListQueryVariables = {}): Promise<CustomerPage> {
  const data = await client.request(CustomerListDocument, { first: 25, orderBy: [{ field: 'NAME', direction: 'ASC' }], ...variables });
  return data.customers;
}

/** A row as a line of text: name, tier (★ for VIP), owner and primary contact. */
export function formatCustomerRow(customer: CustomerRow): string {
  // A name the caller may not read (a person's name for ANALYST) is null: show that, never "null".
  const name = customer.name ?? '(hidden)';
  const contact = customer.contacts.edges[0]?.node;
  const contactText = contact ? `${[contact.firstName, contact.lastName].filter(Boolean).join(' ')}${contact.emails?.[0] ? ` <${contact.emails[0].address}>` : ''}` : '–';
  return [name, `${customer.tier}${customer.vip ? ' ★' : ''}`, customer.status, customer.owner.name ?? '–', contactText].join(' | ');
}

/** Prints one page of customers, a row per line, then where the next page starts; answers the page. */
export async function printCustomerList(
  client: Client,
  variables: CustomerListQueryVariables = {},
  print: (line: string) => void = console.log,
): Promise<CustomerPage> {
  const page = await listCustomers(client, variables);
  for (const edge of page.edges) print(formatCustomerRow(edge.node));
  const total = `${page.totalCount} ${page.totalCount === 1 ? 'customer' : 'customers'}`;
  print(page.pageInfo.hasNextPage ? `${total}; next page: after "${page.pageInfo.endCursor}"` : total);
  return page;
}
