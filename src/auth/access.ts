import { isObjectType, type GraphQLSchema } from 'graphql';
import type { Principal } from './principal';
import type { Policy } from './rules';

/**
 * Access in words, derived from the policies of the permission map: the message of a FORBIDDEN error
 * and the "Access:" line of each root field's description. Generated, so they cannot drift from the rules.
 */

/** Why `Type.field` was refused to this caller, e.g. "`Customer.creditLimit` needs one of the roles FINANCE, SALES_MANAGER, ADMIN." */
export function forbiddenMessage(type: string, field: string, policy: Policy | undefined, principal: Principal | null): string {
  const what = `\`${type}.${field}\``;
  if (!policy || !principal) return `${what} is not available to you.`;
  const needs = policy.needs[principal.type];
  if (needs === null) {
    if (principal.type === 'API_KEY') return `${what} is not available to API keys${policy.needs.USER !== null ? ` (users need ${policy.needs.USER || 'only to sign in'})` : ''}.`;
    return `${what} is for API keys only${policy.needs.API_KEY ? ` (with ${policy.needs.API_KEY})` : ''}.`;
  }
  return needs ? `${what} needs ${needs}.` : `${what} is not available to you.`;
}

/** The access line of a root field, e.g. "Access: users with one of the roles …; API keys with the API-key scope `x`." */
export function accessText(policy: Policy): string {
  if (policy.public) return 'Access: anyone, also without signing in.';
  const part = (who: string, needs: string | null) => (needs === null ? `not ${who}` : needs ? `${who} with ${needs.replaceAll('the API-key scope', 'the scope')}` : `every ${who.replace(/s$/, '')}`);
  return `Access: ${part('users', policy.needs.USER)}; ${part('API keys', policy.needs.API_KEY)}.`;
}

const MARK = '\n\nAccess: ';

/**
 * Appends each root field's access line (from its policy) to its description, in place, so that the
 * emitted `schema.graphql` and introspection document who may call what.
 */
export function describeAccess(schema: GraphQLSchema, policyFor: (type: string, field: string) => Policy | undefined): GraphQLSchema {
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (!root || !isObjectType(root)) continue;
    for (const field of Object.values(root.getFields())) {
      const policy = policyFor(root.name, field.name);
      if (!policy) continue;
      const base = (field.description ?? '').split(MARK)[0];
      field.description = `${base}${MARK}${accessText(policy).slice('Access: '.length)}`;
    }
  }
  return schema;
}
