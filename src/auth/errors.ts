import { GraphQLError } from 'graphql';

/** Request-level failures; business and validation failures are payload errors instead. */
export const unauthenticated = (message = 'Sign in first: send `Authorization: Bearer <token>` or `x-api-key`.') =>
  new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });

export const forbidden = (message = 'You are not allowed to see or do this.') =>
  new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });

/** A sign-in refused by the login throttle before the password was checked: HTTP 429 with Retry-After. */
export const loginRefused = (refusal: { code: string; reason: 'account' | 'delay' | 'address'; retryAfter: number }) => {
  const wait = `${refusal.retryAfter} s`;
  const message = {
    account: `Too many failed sign-ins for this e-mail: it is locked for ${wait} (an administrator can unlock it sooner).`,
    delay: `Too many failed sign-ins for this e-mail: wait ${wait} before the next attempt.`,
    address: `Too many failed sign-ins from your address: wait ${wait}.`,
  }[refusal.reason];
  return new GraphQLError(message, {
    extensions: { code: refusal.code, retryAfter: refusal.retryAfter, http: { status: 429, headers: new Map([['retry-after', String(refusal.retryAfter)]]) } },
  });
};
