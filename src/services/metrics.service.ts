import type { CustomerMetrics } from '../entities/metrics.entity';
import type { ServiceContext } from './context';
import { refreshMetrics } from './metrics-refresh';
import { columnsOf, rows, sql, textArray } from './sql';

/** Metrics of (already visible) customers: one statement for any number of them. */
export async function metricsByCustomerIds(ctx: ServiceContext, customerIds: readonly string[]): Promise<CustomerMetrics[]> {
  if (!customerIds.length) return [];
  return rows<CustomerMetrics>(ctx.em, sql`select ${columnsOf(ctx.em, 'CustomerMetrics', 'cm')} from customer_metrics cm
    where cm.customer_id = any(${textArray([...customerIds])})`);
}

/** ADMIN: recompute everyone's metrics now (the job does it on the schedule). */
export async function refreshCustomerMetrics(ctx: ServiceContext): Promise<{ customers: number; computedAt: Date }> {
  return refreshMetrics(ctx.em, new Date());
}
