/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query CustomerDetail($id: ID!) {\n    customer(id: $id) {\n      id name kind sector tier vip status industry website annualRevenue\n      phones { label number }\n      emails { label address }\n      owner { id name email }\n      createdAt updatedAt version\n      contacts(first: 50) {\n        totalCount\n        edges { node { id firstName lastName title primary emails { label address } phones { label number } } }\n      }\n      orders(first: 5) {\n        totalCount\n        edges { node { id externalRef status total currency createdAt } }\n      }\n    }\n  }\n": typeof types.CustomerDetailDocument,
    "\n  query CustomerList($first: Int, $after: String, $filter: CustomerFilter, $orderBy: [CustomerOrderBy!]) {\n    customers(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges {\n        cursor\n        node {\n          id name kind tier vip status\n          owner { name }\n          contacts(first: 1, filter: { primary: { eq: true } }) {\n            edges { node { firstName lastName emails { address } } }\n          }\n        }\n      }\n    }\n  }\n": typeof types.CustomerListDocument,
    "\n  subscription OrderStatusChanged($orderId: ID) {\n    orderStatusChanged(orderId: $orderId) {\n      eventId occurredAt from to\n      order { id externalRef status total currency updatedAt version }\n    }\n  }\n": typeof types.OrderStatusChangedDocument,
};
const documents: Documents = {
    "\n  query CustomerDetail($id: ID!) {\n    customer(id: $id) {\n      id name kind sector tier vip status industry website annualRevenue\n      phones { label number }\n      emails { label address }\n      owner { id name email }\n      createdAt updatedAt version\n      contacts(first: 50) {\n        totalCount\n        edges { node { id firstName lastName title primary emails { label address } phones { label number } } }\n      }\n      orders(first: 5) {\n        totalCount\n        edges { node { id externalRef status total currency createdAt } }\n      }\n    }\n  }\n": types.CustomerDetailDocument,
    "\n  query CustomerList($first: Int, $after: String, $filter: CustomerFilter, $orderBy: [CustomerOrderBy!]) {\n    customers(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges {\n        cursor\n        node {\n          id name kind tier vip status\n          owner { name }\n          contacts(first: 1, filter: { primary: { eq: true } }) {\n            edges { node { firstName lastName emails { address } } }\n          }\n        }\n      }\n    }\n  }\n": types.CustomerListDocument,
    "\n  subscription OrderStatusChanged($orderId: ID) {\n    orderStatusChanged(orderId: $orderId) {\n      eventId occurredAt from to\n      order { id externalRef status total currency updatedAt version }\n    }\n  }\n": types.OrderStatusChangedDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CustomerDetail($id: ID!) {\n    customer(id: $id) {\n      id name kind sector tier vip status industry website annualRevenue\n      phones { label number }\n      emails { label address }\n      owner { id name email }\n      createdAt updatedAt version\n      contacts(first: 50) {\n        totalCount\n        edges { node { id firstName lastName title primary emails { label address } phones { label number } } }\n      }\n      orders(first: 5) {\n        totalCount\n        edges { node { id externalRef status total currency createdAt } }\n      }\n    }\n  }\n"): (typeof documents)["\n  query CustomerDetail($id: ID!) {\n    customer(id: $id) {\n      id name kind sector tier vip status industry website annualRevenue\n      phones { label number }\n      emails { label address }\n      owner { id name email }\n      createdAt updatedAt version\n      contacts(first: 50) {\n        totalCount\n        edges { node { id firstName lastName title primary emails { label address } phones { label number } } }\n      }\n      orders(first: 5) {\n        totalCount\n        edges { node { id externalRef status total currency createdAt } }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CustomerList($first: Int, $after: String, $filter: CustomerFilter, $orderBy: [CustomerOrderBy!]) {\n    customers(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges {\n        cursor\n        node {\n          id name kind tier vip status\n          owner { name }\n          contacts(first: 1, filter: { primary: { eq: true } }) {\n            edges { node { firstName lastName emails { address } } }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query CustomerList($first: Int, $after: String, $filter: CustomerFilter, $orderBy: [CustomerOrderBy!]) {\n    customers(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges {\n        cursor\n        node {\n          id name kind tier vip status\n          owner { name }\n          contacts(first: 1, filter: { primary: { eq: true } }) {\n            edges { node { firstName lastName emails { address } } }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription OrderStatusChanged($orderId: ID) {\n    orderStatusChanged(orderId: $orderId) {\n      eventId occurredAt from to\n      order { id externalRef status total currency updatedAt version }\n    }\n  }\n"): (typeof documents)["\n  subscription OrderStatusChanged($orderId: ID) {\n    orderStatusChanged(orderId: $orderId) {\n      eventId occurredAt from to\n      order { id externalRef status total currency updatedAt version }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;