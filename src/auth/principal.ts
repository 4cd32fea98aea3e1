import { Role } from '../entities/enums';
import { KEY_ROLES } from './roles';

/** Who is calling: a signed-in user, or a system/partner holding an API key. */
export interface Principal {
  type: 'USER' | 'API_KEY';
  /** The user's id (`usr_…`) or the key's id (`key_…`). */
  id: string;
  role: Role;
  /** What an API key may do (`customers:read`, …). Users are governed by their role alone. */
  scopes: string[];
  /** For PARTNER callers: the customer record of the partner they act for. */
  partnerCustomerId: string | null;
}

export const SCOPES = [
  'customers:read', 'customers:write', 'orders:read', 'orders:write', 'orders:price-override', 'products:read', 'tasks:read',
  'cases:read', 'cases:write', 'finance:read', 'offers:read', 'webhooks:manage',
] as const;
export type Scope = (typeof SCOPES)[number];

export interface ScopeInfo {
  /** What the scope lets a key do, for the README, the schema and error messages. */
  description: string;
  /** The key roles the scope is for; `createApiKey` refuses it on other keys. */
  keyRoles: readonly Role[];
  /** Scopes this one includes (a writer reads what it writes). */
  includes?: readonly Scope[];
}

const BOTH = KEY_ROLES;

/**
 * The scopes of API keys. A key is governed by its scopes alone for what it may reach (its role then
 * narrows which records: an INTEGRATION key the records it created, a PARTNER key its own account and
 * the customers it resells to).
 */
export const SCOPE_INFO: Record<Scope, ScopeInfo> = {
  'customers:read': {
    keyRoles: BOTH,
    description: 'Read customers and contacts. INTEGRATION: every customer, contact details and people\'s names only of the records the key created; PARTNER: its own record and the customers it resells to.',
  },
  'customers:write': {
    keyRoles: BOTH,
    includes: ['customers:read'],
    description: 'Create and update customers and contacts, and push leads (web forms); includes `customers:read`.',
  },
  'orders:read': {
    keyRoles: [Role.PARTNER],
    description: 'PARTNER keys: read the orders billed to the partner and those of its own record.',
  },
  'orders:write': {
    keyRoles: BOTH,
    includes: ['orders:read'],
    description: 'Push orders and change their status; includes reading orders (INTEGRATION: the orders the key pushed; PARTNER: as `orders:read`).',
  },
  'orders:price-override': {
    keyRoles: [Role.INTEGRATION],
    description: 'INTEGRATION keys (a shop that sets its own prices): pushed order lines may carry any unit price; otherwise the list price, the member price, or at most the product\'s `maxDiscountPercent` below the list price (see services/order-pricing.ts). It does not grant pushing itself (`orders:write`), nor another currency than the product\'s.',
  },
  'products:read': {
    keyRoles: BOTH,
    description: 'Read the product catalogue (list prices, options; never costs or margins).',
  },
  'tasks:read': {
    keyRoles: [Role.INTEGRATION],
    description: 'INTEGRATION keys: poll `dueReminders` (a notifier).',
  },
  'cases:read': {
    keyRoles: [Role.PARTNER],
    description: 'PARTNER keys: read the service cases (PUBLIC comments only) and assets of its own record and of the customers it resells to.',
  },
  'cases:write': {
    keyRoles: [Role.PARTNER],
    includes: ['cases:read'],
    description: 'PARTNER keys: open cases, add PUBLIC comments, reopen cases and register assets for those customers; includes `cases:read`.',
  },
  'finance:read': {
    keyRoles: [Role.PARTNER],
    description: 'PARTNER keys: read the partner\'s own account: contracts, receivables, payments, `myStatement`, and the credit rating, limit and exposure of its own record.',
  },
  'offers:read': {
    keyRoles: [Role.INTEGRATION],
    description: 'INTEGRATION keys (a shop): ask `offersFor` any live customer by id (the offers to show a signed-in shopper) and `registerInterest` for them ("notify me first"). It grants no customer data: an offer\'s `targetCustomerId` still needs `customers:read`.',
  },
  'webhooks:manage': {
    keyRoles: BOTH,
    description: 'Create, change and delete the key\'s own webhook subscriptions, read their delivery log and replay deliveries. It grants no data: each event is rendered as a read by the key, so it carries only what the key\'s other scopes let it read.',
  },
};

/** The scopes that grant `scope`: itself and those that include it. */
export function scopesGranting(scope: Scope): Scope[] {
  return SCOPES.filter((s) => s === scope || SCOPE_INFO[s].includes?.includes(scope));
}

/**
 * Whether an API key holds `scope`, directly or through a scope that includes it, where the held scope
 * is one for the key's role. Users never hold scopes: they act through their role.
 */
/** A signed-in user (never an API key, whatever its role) with one of the roles: the services' twin of the `isRole` policy. */
export const isUserIn = (principal: Principal, roles: readonly Role[]): boolean => principal.type === 'USER' && roles.includes(principal.role);

export function hasScope(principal: Principal | null, scope: Scope): boolean {
  if (!principal || principal.type !== 'API_KEY') return false;
  return scopesGranting(scope).some((s) => principal.scopes.includes(s) && SCOPE_INFO[s].keyRoles.includes(principal.role));
}
