import { Role } from '../entities/enums';
import type { PermissionMap } from './permission-map';
import { ORDER_READERS } from './roles';
import { anyOf, hasScope, isRole, reachable, readsCustomers } from './rules';

/**
 * Order lists: staff who deal with orders, partners (billed to them or their own), keys with
 * `orders:read` or `orders:write` (INTEGRATION: their own pushes; PARTNER: as partner users). Record scope in SQL.
 */
export const readsOrders = anyOf(
  isRole(...ORDER_READERS),
  hasScope('orders:read'),
);

/**
 * Pushing orders: ADMIN; INTEGRATION keys with `orders:write`; partners — users, and keys with
 * `orders:write` — for themselves and the customers they resell to (the service limits whom a
 * partner's order may name, and bills the partner).
 */
export const pushesOrders = anyOf(isRole(Role.ADMIN, Role.PARTNER), hasScope('orders:write'));

/**
 * Status changes: ADMIN, SALES_MANAGER, SALES_REP (their scope), keys with `orders:write` (their pushes);
 * PARTNER users and keys with `orders:write` only cancel (the service enforces it).
 */
export const updatesOrders = anyOf(isRole(Role.ADMIN, Role.SALES_MANAGER, Role.SALES_REP, Role.PARTNER), hasScope('orders:write'));

export const orderPermissions: PermissionMap = {
  Query: { orders: readsOrders, order: readsOrders },
  Mutation: { pushOrder: pushesOrders, updateOrderStatus: updatesOrders },
  Customer: { orders: readsOrders },
  // Which customer an order is for: only callers who may read customers (no e-mail probing by pushes).
  Order: { '*': reachable, customerId: readsCustomers, billToId: readsCustomers },
  OrderLine: { '*': reachable },
  OrderConnection: { '*': reachable },
  OrderEdge: { '*': reachable },
  OrderPayload: { '*': reachable },
};
