import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

/** Where the API is and who calls it: a user's token (from `login`) or an API key, not both. */
export interface ClientOptions {
  /** The GraphQL endpoint, e.g. `http://localhost:4000/graphql`. */
  url: string;
  /** A user's bearer token (`login { token }`). */
  token?: string;
  /** An API key's secret (integrations and partners), sent as `x-api-key`. */
  apiKey?: string;
  /** Another `fetch` (tests, a server-side runtime); the global one by default. */
  fetch?: typeof fetch;
}

/** One GraphQL error as the API sends it; `extensions.code` is what to branch on (UNAUTHENTICATED, FORBIDDEN, …). */
export interface GraphQLErrorBody {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

/** The API answered with errors (or not with GraphQL at all): the HTTP status, the errors and any partial data. */
export class GraphQLRequestError extends Error {
  constructor(
    readonly status: number,
    readonly errors: GraphQLErrorBody[],
    readonly data: unknown,
  ) {
    super(errors.map((e) => (e.extensions?.code ? `${e.extensions.code}: ${e.message}` : e.message)).join('; ') || `HTTP ${status}`);
    this.name = 'GraphQLRequestError';
  }

  /** The first error's code, e.g. `UNAUTHENTICATED` (sign in again) or `FORBIDDEN`. */
  get code(): string | undefined {
    return this.errors[0]?.extensions?.code;
  }
}

/**
 * A document whose variables are all optional may be sent without any; otherwise its variables are required.
 * `NoInfer`: the variables are checked against the document, never used to infer its type (an extra
 * variable would otherwise widen it and pass).
 */
type VariablesOf<TVariables> = Record<string, never> extends TVariables ? [variables?: TVariables] : [variables: TVariables];

/** Sends typed operations to the API (see `createClient`). */
export interface Client {
  /**
   * Sends one operation and answers its typed `data`. The result and variable types come from the document
   * (generated into `./gql` from the schema), so a misspelt field or a missing variable fails to compile.
   * Any GraphQL error throws a `GraphQLRequestError` (which keeps the partial data): a page either shows
   * everything it asked for or says why not.
   */
  request<TResult, TVariables>(document: TypedDocumentNode<TResult, TVariables>, ...[variables]: VariablesOf<NoInfer<TVariables>>): Promise<TResult>;
}

/** A client for one endpoint and caller: plain `fetch`, no client library needed. */
export function createClient(options: ClientOptions): Client {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.apiKey) headers['x-api-key'] = options.apiKey;
  return {
    async request<TResult, TVariables>(document: TypedDocumentNode<TResult, TVariables>, ...[variables]: VariablesOf<NoInfer<TVariables>>): Promise<TResult> {
      const response = await (options.fetch ?? fetch)(options.url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query: print(document), variables: variables ?? {} }),
      });
      let body: { data?: TResult | null; errors?: GraphQLErrorBody[] };
      try {
        body = (await response.json()) as typeof body;
      } catch {
        // Not JSON: a proxy's error page, say.
        throw new GraphQLRequestError(response.status, [], null);
      }
      if (body.errors?.length || !response.ok || body.data == null) {
        throw new GraphQLRequestError(response.status, body.errors ?? [], body.data ?? null);
      }
      return body.data;
    },
  };
}
