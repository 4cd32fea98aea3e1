import { allow, rule } from 'graphql-shield';
import type { IRule } from 'graphql-shield';
import { Role } from '../entities/enums';
import { unauthenticated } from './errors';
import { SCOPE_INFO, hasScope as principalHasScope, scopesGranting, type Principal, type Scope } from './principal';
import { KEY_ROLES } from './roles';

/** What each kind of caller needs to pass a policy, in words: '' = nothing more, null = never. */
export interface Needs {
  USER: string | null;
  API_KEY: string | null;
}

/**
 * A policy is a small named predicate over the caller and (for field rules) the parent record.
 * The permission map is written in policies; `toShieldRule` turns one into a graphql-shield rule, and
 * the audit log uses the same predicates to redact values a role may not see. `needs` says in words
 * what a caller lacks when the policy refuses it (FORBIDDEN messages, the "Access:" line of root fields).
 */
export interface Policy {
  name: string;
  /** True when the rule reads the parent record (must not be cached per request). */
  perRecord: boolean;
  check: (principal: Principal, parent: any) => boolean;
  needs: Needs;
  /** Open to anonymous callers (only `login`, and `submitSurvey` whose token is the credential). */
  public?: boolean;
  /** For `isRole` policies: the roles, so that `anyOf` can name them in one list. */
  roles?: readonly Role[];
  /** For `anyOf` policies: the alternatives, so that an `anyOf` of `anyOf`s is one flat list (each role and scope named once). */
  alternatives?: readonly Policy[];
  /**
   * What the caller alone decides, without the record: true or false when every record gets the same
   * answer for this caller, undefined when the record must be looked at. Evaluated once per caller (see
   * `permits` in auth/field-guard.ts), so that only the rows of callers whose answer truly depends on the
   * record pay for a per-row check (an ADMIN never does). Must agree with `check` (test/unit/policy-decide.test.ts).
   */
  decide: (principal: Principal) => boolean | undefined;
}

/** A policy; one that reads the record (`perRecord`) says what the caller alone decides with `decide` (else: always the record). */
const policy = (name: string, check: Policy['check'], needs: Needs, perRecord = false, decide?: Policy['decide']): Policy =>
  ({ name, check, perRecord, needs, decide: decide ?? (perRecord ? () => undefined : (p) => check(p, null)) });

const ANYONE: Needs = { USER: '', API_KEY: '' };
const list = (items: readonly string[]) => items.join(', ');
const aKey = (role: Role) => `${/^[AEIOU]/.test(role) ? 'an' : 'a'} ${role} key`;

export const everyone: Policy = { name: 'everyone', check: () => true, decide: () => true, perRecord: false, public: true, needs: ANYONE };
export const signedIn = policy('signedIn', () => true, ANYONE);

/**
 * For fields of object types: whoever reached the parent may read the field. The root field's rule
 * and the record scope (applied in SQL) already decided; such fields are not wrapped at run time.
 */
export const reachable: Policy = { name: 'reachable', check: () => true, decide: () => true, perRecord: false, public: true, needs: ANYONE };

/** A signed-in user (not an API key). */
export const isUser: Policy = policy('isUser', (p) => p.type === 'USER', { USER: '', API_KEY: null });

const rolesText = (roles: readonly Role[]) => (roles.length === 1 ? `the role ${roles[0]}` : `one of the roles ${list(roles)}`);

/** A signed-in user with one of the roles. API keys never pass a role policy: they pass by scope (`hasScope`). */
export const isRole = (...roles: Role[]): Policy => ({
  ...policy(`role:${roles.join('|')}`, (p) => p.type === 'USER' && roles.includes(p.role), { USER: rolesText(roles), API_KEY: null }),
  roles,
});

/** The words for "a key holding `scope`": the scopes that grant it, grouped by the key roles they are for. */
export function scopeText(scope: Scope): string {
  const groups = new Map<string, Scope[]>();
  for (const s of scopesGranting(scope)) {
    const roles = SCOPE_INFO[s].keyRoles;
    const on = roles.length === KEY_ROLES.length ? '' : ` on ${roles.map(aKey).join(' or ')}`;
    groups.set(on, [...(groups.get(on) ?? []), s]);
  }
  return `the API-key scope ${[...groups].map(([on, scopes]) => `${scopes.map((s) => `\`${s}\``).join(' or ')}${on}`).join(', or ')}`;
}

/** An API key holding the scope (or one that includes it) that is for the key's role. Users never pass. */
export const hasScope = (scope: Scope): Policy =>
  policy(`scope:${scope}`, (p) => principalHasScope(p, scope), { USER: null, API_KEY: scopeText(scope) });

function anyNeeds(policies: Policy[], kind: keyof Needs): string | null {
  const parts = policies.map((x) => x.needs[kind]);
  if (parts.includes('')) return '';
  // Role lists are named once: "one of the roles A, B, C" rather than "the role A or the role B".
  const roles = policies.filter((x) => x.roles && x.needs[kind] !== null).flatMap((x) => x.roles!);
  const texts = [...(roles.length ? [rolesText([...new Set(roles)])] : []),
    ...new Set(policies.filter((x) => !x.roles).map((x) => x.needs[kind]).filter((t): t is string => t !== null))];
  return texts.length ? texts.join(' or ') : null;
}

function allNeeds(policies: Policy[], kind: keyof Needs): string | null {
  const parts = policies.map((x) => x.needs[kind]);
  if (parts.includes(null)) return null;
  return parts.filter((t) => t).join(' and ');
}

export const anyOf = (...given: Policy[]): Policy => {
  const policies = given.flatMap((x) => x.alternatives ?? [x]);
  return {
    ...policy(`any(${policies.map((p) => p.name).join(',')})`, (p, parent) => policies.some((x) => x.check(p, parent)),
      { USER: anyNeeds(policies, 'USER'), API_KEY: anyNeeds(policies, 'API_KEY') }, policies.some((x) => x.perRecord), (p) => {
        const answers = policies.map((x) => x.decide(p));
        return answers.includes(true) ? true : answers.includes(undefined) ? undefined : false;
      }),
    alternatives: policies,
  };
};

export const allOf = (...policies: Policy[]): Policy =>
  policy(`all(${policies.map((p) => p.name).join(',')})`, (p, parent) => policies.every((x) => x.check(p, parent)),
    { USER: allNeeds(policies, 'USER'), API_KEY: allNeeds(policies, 'API_KEY') }, policies.some((x) => x.perRecord), (p) => {
      const answers = policies.map((x) => x.decide(p));
      return answers.includes(false) ? false : answers.includes(undefined) ? undefined : true;
    });

/** Any caller, user or API key, whose role is not one of these (a restriction on top of the root's rule). */
export const not = (...roles: Role[]): Policy => {
  const userRoles = roles.filter((r) => r !== Role.INTEGRATION);
  const keyRoles = KEY_ROLES.filter((r) => !roles.includes(r));
  return policy(`not:${roles.join('|')}`, (p) => !roles.includes(p.role), {
    USER: userRoles.length ? `a role other than ${userRoles.join(' or ')}` : '',
    API_KEY: !keyRoles.length ? null : keyRoles.length === KEY_ROLES.length ? '' : `a role other than ${KEY_ROLES.filter((r) => roles.includes(r)).join(' or ')}`,
  });
};

/** Staff who read every customer or their own book, partners their own record, keys with `customers:read`. */
export const readsCustomers = anyOf(
  isRole(Role.ADMIN, Role.SALES_MANAGER, Role.SALES_REP, Role.SERVICE_AGENT, Role.MARKETING, Role.FINANCE, Role.ANALYST, Role.PARTNER),
  hasScope('customers:read'),
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
}, {
  USER: 'a role other than ANALYST (MARKETING: only with the person\'s marketing consent)',
  API_KEY: 'a PARTNER key, or an INTEGRATION key that created the record',
}, true, (p) => (p.role === Role.ANALYST ? false : p.role === Role.MARKETING || p.role === Role.INTEGRATION ? undefined : true));

/** Names of people: hidden from ANALYST (and from INTEGRATION keys for records they did not create). */
export const personNameVisible = policy('personNameVisible', (p, parent) => {
  if (p.role === Role.ANALYST) return false;
  if (p.role === Role.INTEGRATION) return parent?.createdBy === p.id;
  return true;
}, { USER: 'a role other than ANALYST', API_KEY: 'a PARTNER key, or an INTEGRATION key that created the record' }, true,
(p) => (p.role === Role.ANALYST ? false : p.role === Role.INTEGRATION ? undefined : true));

/** A customer's name is a person's name when the customer is an individual. */
export const customerNameVisible = policy('customerNameVisible', (p, parent) =>
  parent?.kind === 'BUSINESS' || personNameVisible.check(p, parent), {
  USER: 'a business customer, or a role other than ANALYST (the name of an INDIVIDUAL is a person\'s name)',
  API_KEY: 'a business customer, or a PARTNER key, or an INTEGRATION key that created the record',
}, true, (p) => (p.role === Role.ANALYST || p.role === Role.INTEGRATION ? undefined : true));

/**
 * A partner's own record: a PARTNER user, or a PARTNER key with `finance:read` (its credit terms are
 * its account's), reading the customer record it acts for.
 */
const ownPartnerAccount = policy('ownPartnerAccount', (p, parent) =>
  p.role === Role.PARTNER && (p.type === 'USER' || principalHasScope(p, 'finance:read')) && parent?.id != null && parent.id === p.partnerCustomerId, {
  USER: 'the role PARTNER (its own record only)',
  API_KEY: `${scopeText('finance:read')} (its own record only)`,
}, true, (p) => (p.role === Role.PARTNER && (p.type === 'USER' || principalHasScope(p, 'finance:read')) ? undefined : false));

/** Credit rating and limit: FINANCE, SALES_MANAGER, ADMIN, and a partner for its own record. */
export const creditVisible = anyOf(isRole(Role.FINANCE, Role.SALES_MANAGER, Role.ADMIN), ownPartnerAccount);

/** A user's name and e-mail: everyone but ANALYST, who sees only their own. */
export const userPiiVisible = policy('userPiiVisible', (p, parent) => p.role !== Role.ANALYST || parent?.id === p.id,
  { USER: 'a role other than ANALYST (who sees their own only)', API_KEY: '' }, true, (p) => (p.role === Role.ANALYST ? undefined : true));

export const notPartner = not(Role.PARTNER);

// graphql-shield wants one rule instance per name; policies with the same name mean the same thing.
const shieldRules = new Map<string, IRule>();

export function toShieldRule(pol: Policy): IRule {
  if (pol.public) return allow as unknown as IRule;
  let made = shieldRules.get(pol.name);
  if (!made) {
    made = rule(pol.name, { cache: pol.perRecord ? 'no_cache' : 'contextual' })((parent, _args, ctx: { principal: Principal | null }) => {
      if (!ctx.principal) return unauthenticated();
      return pol.check(ctx.principal, parent);
    });
    shieldRules.set(pol.name, made);
  }
  return made;
}
