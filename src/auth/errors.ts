import { GraphQLError } from 'graphql';

/** Request-level failures; business and validation failures are payload errors instead. */
export const unauthenticated = (message = 'Sign in first: send `Authorization: Bearer <token>` or `x-api-key`.') =>
  new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });

export const forbidden = (message = 'You are not allowed to see or do this.') =>
  new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
