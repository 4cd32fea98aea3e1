import { allow, rule } from 'graphql-shield';
import type { IRule } from 'graphql-shield';
import { Role } from '../entities/enums';
import type { GraphQLContext } from './context';
import { unauthenticated } from './errors';
import { hasScope as principalHasScope, type Principal, type Scope } from './principal';

/**
 * A policy is a small named predicate over the caller and (for field rules) the parent record.
 * The permission map is written in policies; `toShieldRule` turns one into a graphql-shield rule, and
 * the audit log uses the same predicates to redact values a role may not see.
 */
export interface Policy {
  name: string;
  /** True when the rule reads the parent record (must not be cached per request). */
  perRecord: boolean;
  check: (principal: Principal, parent: any) => boolean;
  /** Open to anonymous callers (only `login`, and `submitSurvey` whose token is the credential). */
  public?: boolean;
}

const policy = (name: string, check: Policy['check'], perRecord = false): Policy => ({ name, check, perRecord });

export const everyone: Policy = { name: 'everyone', check: () => true, perRecord: false, public: true };
export const signedIn = policy('signedIn', () => true);

/**
 * For fields of object types: whoever reached the parent may read the field. The root field's rule
 * and the record scope (applied in SQL) already decided; such fields are not wrapped at run time.
 */
export const reachable: Policy = { name: 'reachable', check: () => true, perRecord: false, public: true };

/** A signed-in user (not an API key). */
export const isUser: Policy = policy('isUser', (p) => p.type === 'USER');

export const isRole = (...roles: Role[]): Policy => policy(`role:${roles.join('|')}`, (p) => roles.includes(p.role));
export const hasScope = (scope: Scope): Policy => policy(`scope:${scope}`, (p) => principalHasScope(p, scope));
export const anyOf = (...policies: Policy[]): Policy =>
  policy(`any(${policies.map((p) => p.name).join(',')})`, (p, parent) => policies.some((x) => x.check(p, parent)), policies.some((x) => x.perRecord));

export const allOf = (...policies: Policy[]): Policy =>
  policy(`all(${policies.map((p) => p.name).join(',')})`, (p, parent) => policies.every((x) => x.check(p, parent)), policies.some((x) => x.perRecord));

export const not = (...roles: Role[]): Policy => policy(`not:${roles.join('|')}`, (p) => !roles.includes(p.role));

/** Staff who read every customer or their own book, partners their own record, keys with a customers scope. */
export const readsCustomers = anyOf(
  isRole(Role.ADMIN, Role.SALES_MANAGER, Role.SALES_REP, Role.SERVICE_AGENT, Role.MARKETING, Role.FINANCE, Role.ANALYST, Role.PARTNER),
  hasScope('customers:read'),
  hasScope('customers:write'),
);

/**
 * Contact details (phones, e-mails, addresses) of a person: never ANALYST; MARKETING only with the
 * person's marketing consent; an INTEGRATION key only for records it created.
 */
export const piiVisible = policy('piiVisible', (p, parent) => {
  switch (p.role) {
    case Role.ANALYST:
      return false;
    case Role.MARKETING:
      return parent?.marketingConsent === true;
    case Role.INTEGRATION:
      return parent?.createdBy === p.id;
    default:
      return true;
  }
}, true);

/** Names of people: hidden from ANALYST (and from INTEGRATION keys for records they did not create). */
export const personNameVisible = policy('personNameVisible', (p, parent) => {
  if (p.role === Role.ANALYST) return false;
  if (p.role === Role.INTEGRATION) return parent?.createdBy === p.id;
  return true;
}, true);

/** A customer's name is a person's name when the customer is an individual. */
export const customerNameVisible = policy('customerNameVisible', (p, parent) =>
  parent?.kind === 'BUSINESS' || personNameVisible.check(p, parent), true);

/** Credit rating and limit: FINANCE, SALES_MANAGER, ADMIN, and a partner for its own record. */
export const creditVisible = policy('creditVisible', (p, parent) =>
  [Role.FINANCE, Role.SALES_MANAGER, Role.ADMIN].includes(p.role) || (p.role === Role.PARTNER && parent?.id === p.partnerCustomerId), true);

/** A user's name and e-mail: everyone but ANALYST, who sees only their own. */
export const userPiiVisible = policy('userPiiVisible', (p, parent) => p.role !== Role.ANALYST || parent?.id === p.id, true);

export const notPartner = not(Role.PARTNER);

// graphql-shield wants one rule instance per name; policies with the same name mean the same thing.
const shieldRules = new Map<string, IRule>();

export function toShieldRule(pol: Policy): IRule {
  if (pol.public) return allow as unknown as IRule;
  let made = shieldRules.get(pol.name);
  if (!made) {
    made = rule(pol.name, { cache: pol.perRecord ? 'no_cache' : 'contextual' })((parent, _args, ctx: GraphQLContext) => {
      if (!ctx.principal) return unauthenticated();
      return pol.check(ctx.principal, parent);
    });
    shieldRules.set(pol.name, made);
  }
  return made;
}
