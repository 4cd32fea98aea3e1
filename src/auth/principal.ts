import { Role } from '../entities/enums';

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

/** `orders:price-override`: pushed order lines may carry any unit price (see services/order-pricing.ts). */
export const SCOPES = ['customers:read', 'customers:write', 'orders:write', 'orders:price-override', 'products:read', 'tasks:read'] as const;
export type Scope = (typeof SCOPES)[number];

/** Users act through their role; API keys additionally need the scope. */
export function hasScope(principal: Principal | null, scope: Scope): boolean {
  if (!principal) return false;
  return principal.type === 'API_KEY' && principal.scopes.includes(scope);
}
