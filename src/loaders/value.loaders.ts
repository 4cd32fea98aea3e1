import DataLoader from 'dataloader';
import type { CustomerMetrics } from '../entities/metrics.entity';
import type { CallerContext, ServiceContext } from '../services/context';
import { metricsByCustomerIds } from '../services/metrics.service';
import { byKey } from './batch';

/** Loaders of customer metrics (read through `Customer.metrics`: the customer is visible already). */
export function createValueLoaders(ctx: CallerContext) {
  const svc = (): ServiceContext => ({ em: ctx.em, principal: ctx.principal! });
  const metrics = new DataLoader<string, CustomerMetrics | null>(async (ids) =>
    byKey(ids, await metricsByCustomerIds(svc(), ids), (m) => m.customerId));
  return { customerMetrics: metrics };
}

// This domain's loaders, typed on the request's `Loaders` (see loaders/index.ts).
declare module './index' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds the members of the factory's result
  interface Loaders extends ReturnType<typeof createValueLoaders> {}
}
