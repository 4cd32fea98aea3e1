import { GraphQLError } from 'graphql';

/** Request-level failures; business and validation failures are payload errors instead. */
export const unauthenticated = (message = 'Sign in first: send `Authorization: Bearer <token>` or `x-api-key`.') =>
  new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });

export const forbidden = (message = 'You are not allowed to see or do this.') =>
  new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });

export const notFound = (what = 'Record') =>
  new GraphQLError(`${what} not found.`, { extensions: { code: 'NOT_FOUND' } });

export const badInput = (message: string, field?: string) =>
  new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...(field ? { field } : {}) } });
