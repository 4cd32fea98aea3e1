import DataLoader from 'dataloader';
import type { CallerContext } from '../services/context';
import { refId } from '../entities/ids';
import type { ServiceContext } from '../services/context';
import { linesByOrderIds, orderCountsByCustomer, orderPagesByCustomer, ordersByIds, type OrderLineRow, type OrderListArgs, type OrderRow } from '../services/order.service';
import type { Connection } from '../services/pagination';
import { byKeyFor, groupBy, perArgs } from './batch';
import { readsOrders } from '../auth/order.permissions';

/** Loaders of the order domain (merged into the request's loaders). */
export function createOrderLoaders(ctx: CallerContext) {
  const svc = (): ServiceContext => ({ em: ctx.em, principal: ctx.principal! });

  /** Orders by id, visible to the caller; null otherwise (also feeds `node(id)`). */
  const orderById = new DataLoader<string, OrderRow | null>(async (ids) => byKeyFor(ctx, readsOrders, ids, () => ordersByIds(svc(), ids)));

  /** Lines per (already visible) order, by position. */
  const orderLines = new DataLoader<string, OrderLineRow[]>(async (ids) => groupBy(ids, await linesByOrderIds(svc(), ids), (l) => refId(l.order)!));

  /** Order counts per customer for one filter (`Customer.orders.totalCount`). */
  const orderCount = perArgs((argsKey) => new DataLoader<string, number>(async (ids) => {
    const counts = await orderCountsByCustomer(svc(), ids, JSON.parse(argsKey).filter);
    return ids.map((id) => counts.get(id) ?? 0);
  }));

  /** `Customer.orders`: one page per customer, one statement per page shape. */
  const orderPage = perArgs((argsKey) => new DataLoader<string, Connection<OrderRow>>(async (ids) => {
    const args = JSON.parse(argsKey) as OrderListArgs;
    const pages = await orderPagesByCustomer(svc(), ids, args, (id) => orderCount({ filter: args.filter ?? null }).load(id));
    return ids.map((id) => pages.get(id)!);
  }));

  return { orderById, orderLines, orderCount, orderPage };
}

// This domain's loaders, typed on the request's `Loaders` (see loaders/index.ts).
declare module './index' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds the members of the factory's result
  interface Loaders extends ReturnType<typeof createOrderLoaders> {}
}
