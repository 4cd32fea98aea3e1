import { graphql } from './gql';
import type { CustomerDetailQuery } from './gql/graphql';
import type { Client } from './request';

/**
 * The customer detail page: the record, its contacts and its five latest orders. `orders` is for the roles
 * that read orders (a role that does not, e.g. MARKETING, gets FORBIDDEN: leave it out of its page).
 */
export const CustomerDetailDocument = graphql(`
  query CustomerDetail($id: ID!) {
    customer(id: $id) {
      id name kind sector tier vip status industry website annualRevenue
      phones { label number }
      emails { label address }
      owner { id name email }
      createdAt updatedAt version
      contacts(first: 50) {
        totalCount
        edges { node { id firstName lastName title primary emails { label address } phones { label number } } }
      }
      orders(first: 5) {
        totalCount
        edges { node { id externalRef status total currency createdAt } }
      }
    }
  }
`);

/** The customer as the detail page reads it. */
export type CustomerDetail = NonNullable<CustomerDetailQuery['customer']>;

/**
 * Reads one customer for its detail page; null when it does not exist, was deleted or is not visible to
 * the caller (the API answers all three alike, without an error).
 */
export async function getCustomerDetail(client: Client, id: string): Promise<CustomerDetail | null> {
  const data = await client.request(CustomerDetailDocument, { id });
  return data.customer ?? null;
}

/** The page as lines of text: the header, the contacts (primary first) and the latest orders. */
export function formatCustomerDetail(customer: CustomerDetail): string[] {
  const lines = [`${customer.name ?? '(hidden)'} (${customer.kind}, ${customer.tier}${customer.vip ? ', VIP' : ''}, ${customer.status}), owner ${customer.owner.name ?? '–'}`];
  const contacts = [...customer.contacts.edges].sort((a, b) => Number(b.node.primary) - Number(a.node.primary));
  lines.push(`Contacts (${customer.contacts.totalCount}):`);
  for (const { node } of contacts) {
    const name = [node.firstName, node.lastName].filter(Boolean).join(' ') || '(no name)';
    lines.push(`  ${name}${node.primary ? ' (primary)' : ''}${node.title ? `, ${node.title}` : ''}${node.emails?.[0] ? ` <${node.emails[0].address}>` : ''}`);
  }
  if (customer.orders) {
    lines.push(`Orders (${customer.orders.totalCount}):`);
    // Money is a decimal string: print it as it came, never through a float.
    for (const { node } of customer.orders.edges) lines.push(`  ${node.createdAt.slice(0, 10)} ${node.externalRef ?? node.id} ${node.status} ${node.total} ${node.currency}`);
  }
  return lines;
}
