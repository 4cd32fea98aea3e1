import { defaultFieldResolver, type GraphQLFieldResolver } from 'graphql';
import { forbiddenMessage } from './access';
import { forbidden, unauthenticated } from './errors';
import type { Principal } from './principal';
import type { Policy } from './rules';

/**
 * The permission check of the fields of object types, synchronous. graphql-shield wraps a field in a
 * promise chain evaluated for every row; on a page of 50 customers with their contacts that was most of
 * the request's CPU (GC 30 %). Most policies depend on the caller alone: they are decided once per
 * caller and remembered; only a caller whose answer depends on the record (a MARKETING user and a
 * person's consent, an INTEGRATION key and the records it created) pays a per-row check, and it is a
 * plain function call. The root fields (operations) stay with graphql-shield (src/auth/index.ts).
 */

/** The caller-only answer of each policy, per caller: true, false, or null (the record decides). */
const decisions = new WeakMap<Principal, Map<Policy, boolean | null>>();

/** Whether the policy admits every record, no record, or must look at each (null) for this caller; remembered per caller. */
export function permits(principal: Principal, policy: Policy): boolean | null {
  let known = decisions.get(principal);
  if (!known) decisions.set(principal, (known = new Map()));
  let answer = known.get(policy);
  if (answer === undefined) known.set(policy, (answer = policy.decide(principal) ?? null));
  return answer;
}

/** `resolve` behind the field's policy: FORBIDDEN (the field is null, the error names what it needs) or the value. */
export function guardField(type: string, field: string, policy: Policy, resolve: GraphQLFieldResolver<any, any> = defaultFieldResolver): GraphQLFieldResolver<any, any> {
  return (parent, args, ctx: { principal: Principal | null }, info) => {
    const principal = ctx.principal;
    if (!principal) throw unauthenticated();
    const answer = permits(principal, policy) ?? policy.check(principal, parent);
    if (!answer) throw forbidden(forbiddenMessage(type, field, policy, principal));
    return resolve(parent, args, ctx, info);
  };
}
