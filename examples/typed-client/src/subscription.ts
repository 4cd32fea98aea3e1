import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { createClient, type Client as WsClient } from 'graphql-ws';
import { graphql } from './gql';
import type { OrderStatusChangedSubscription } from './gql/graphql';
import { GraphQLRequestError, type GraphQLErrorBody } from './request';

/**
 * An order's status, live: an event at each change (confirmed, fulfilled, cancelled, …) with the status
 * before and after and the order as it is now. An event that arrives twice has the same `eventId`.
 */
export const OrderStatusChangedDocument = graphql(`
  subscription OrderStatusChanged($orderId: ID) {
    orderStatusChanged(orderId: $orderId) {
      eventId occurredAt from to
      order { id externalRef status total currency updatedAt version }
    }
  }
`);

/** One event as the subscription types it. */
export type OrderStatusChange = OrderStatusChangedSubscription['orderStatusChanged'];

/** Where the API's WebSocket is and who listens: a user's token or an API key, checked when connecting. */
export interface SubscriptionClientOptions {
  /** The WebSocket endpoint, e.g. `ws://localhost:4000/graphql` (`wss://` in production). */
  url: string;
  /**
   * A user's bearer token, or a function answering the current one: it is asked again at every
   * (re)connection, so after the API ends a session (close code 4403: token expired or revoked) the client
   * reconnects with a fresh token, not the stale one.
   */
  token?: string | (() => string | undefined | Promise<string | undefined>);
  /** An API key's secret. */
  apiKey?: string;
  /** A WebSocket class where there is no global one (Node 20: `import WebSocket from 'ws'`). */
  webSocketImpl?: unknown;
}

/**
 * One WebSocket connection (the `graphql-ws` protocol, as Apollo Client and urql speak it) for any number
 * of subscriptions. The credentials go in the connection's first message (`connectionParams`, named as
 * the HTTP headers are), never in the URL. Invalid credentials close it with 4401 and no retry.
 */
export function createSubscriptionClient(options: SubscriptionClientOptions): WsClient {
  return createClient({
    url: options.url,
    webSocketImpl: options.webSocketImpl,
    connectionParams: async () => {
      const token = typeof options.token === 'function' ? await options.token() : options.token;
      return {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(options.apiKey ? { 'x-api-key': options.apiKey } : {}),
      };
    },
    // Connect on the first subscription, close after the last one.
    lazy: true,
  });
}

/**
 * Subscribes with a typed document: `onData` gets each event's typed data, `onError` a
 * `GraphQLRequestError` (the event's GraphQL errors) or the connection's failure. Answers the function
 * that unsubscribes.
 */
export function subscribe<TResult, TVariables extends Record<string, unknown>>(
  client: WsClient,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  onData: (data: TResult) => void,
  onError: (error: unknown) => void = () => {},
): () => void {
  return client.subscribe<TResult>({ query: print(document), variables }, {
    next(result) {
      if (result.errors?.length || result.data == null) onError(new GraphQLRequestError(200, (result.errors ?? []) as GraphQLErrorBody[], result.data ?? null));
      else onData(result.data);
    },
    error: onError,
    complete() {},
  });
}

/**
 * Follows one order's status (or, with `orderId` null, every order the caller can read): calls `onChange`
 * with each event until unsubscribed.
 */
export function watchOrderStatus(
  client: WsClient,
  orderId: string | null,
  onChange: (event: OrderStatusChange) => void,
  onError?: (error: unknown) => void,
): () => void {
  return subscribe(client, OrderStatusChangedDocument, { orderId }, (data) => onChange(data.orderStatusChanged), onError);
}
