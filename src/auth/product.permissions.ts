import { Role } from '../entities/enums';
import type { PermissionMap } from './permission-map';
import { anyOf, hasScope, isRole, reachable } from './rules';

/** The catalogue: every staff role, PARTNER users, and API keys (INTEGRATION or PARTNER) with `products:read`. */
export const readsProducts = anyOf(
  isRole(Role.ADMIN, Role.SALES_MANAGER, Role.SALES_REP, Role.SERVICE_AGENT, Role.MARKETING, Role.FINANCE, Role.ANALYST, Role.PARTNER),
  hasScope('products:read'),
);

/** Costs and margins: SALES_MANAGER, FINANCE, ADMIN. */
export const readsProductCosts = isRole(Role.SALES_MANAGER, Role.FINANCE, Role.ADMIN);

/** Only ADMIN maintains the catalogue. */
export const writesProducts = isRole(Role.ADMIN);

export const productPermissions: PermissionMap = {
  Query: {
    products: readsProducts,
    product: readsProducts,
    productBySku: readsProducts,
  },
  Mutation: {
    createProduct: writesProducts,
    updateProduct: writesProducts,
  },
  Product: { '*': reachable, cost: readsProductCosts, margin: readsProductCosts, marginPercent: readsProductCosts },
  ProductConnection: { '*': reachable },
  ProductEdge: { '*': reachable },
  ProductPayload: { '*': reachable },
};
