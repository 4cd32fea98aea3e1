import DataLoader from 'dataloader';
import type { CallerContext } from '../services/context';
import { refId } from '../entities/ids';
import type { ServiceContext } from '../services/context';
import { linesByOrderIds, orderReads, type OrderLineRow } from '../services/order.service';
import { groupBy } from './batch';
import { readLoaders } from './read-loaders';
import { readsOrders } from '../auth/order.permissions';

/** Loaders of the order domain (merged into the request's loaders). */
export function createOrderLoaders(ctx: CallerContext) {
  const svc = (): ServiceContext => ({ em: ctx.em, principal: ctx.principal! });

  /** Orders by id, visible to the caller, null otherwise (also feeds `node(id)`); `Customer.orders` pages and counts. */
  const orders = readLoaders(ctx, orderReads, readsOrders);

  /** Lines per (already visible) order, by position. */
  const orderLines = new DataLoader<string, OrderLineRow[]>(async (ids) => groupBy(ids, await linesByOrderIds(svc(), ids), (l) => refId(l.order)!));

  return { orderById: orders.byId, orderLines, orderCount: orders.count, orderPage: orders.page, orderEmbedded: orders.embedded };
}

// This domain's loaders, typed on the request's `Loaders` (see loaders/index.ts).
declare module './index' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds the members of the factory's result
  interface Loaders extends ReturnType<typeof createOrderLoaders> {}
}
