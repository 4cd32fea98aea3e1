import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../auth/principal';
import { Role } from '../entities/enums';
import { PaymentTerms } from '../entities/finance.enums';
import { OrderStatus } from '../entities/order.entity';
import { pushOrder, updateOrderStatus, type PushOrderInput } from '../services/order.service';
import { DEFAULT_QUOTA_MONTHS } from '../services/quota.service';
import { insertRows } from './seed-sql';

/**
 * The demo's quotas and the orders that campaigns earn (issue 14), on top of the sales and commerce seeds
 * (`seedDemo(em, { sales: true })`; not the tests):
 * - an EUR quota for each sales user (the two reps and the manager) for the current month and the months
 *   before it (as many as `quotaAttainment` shows by default), set by the manager (the manager's own by ADMIN);
 * - two orders of customers converted from campaign leads, placed now (after the conversion), pushed through
 *   `pushOrder` and moved on with `updateOrderStatus`: a COMPLETED web-shop order and a CONFIRMED marketplace
 *   order — so campaign ROI has order revenue and revenue has a third channel.
 * Deterministic apart from ids and the month it runs in.
 */
export async function seedRevenue(em: EntityManager, now = new Date()): Promise<{ quotas: number; orders: number }> {
  const users = await em.execute<{ id: string; email: string }[]>(
    `select id, email from app_user where email in ('admin@demo.crm', 'manager@demo.crm', 'rep1@demo.crm', 'rep2@demo.crm')`);
  const user = (email: string) => users.find((u) => u.email === email)?.id;
  const admin = user('admin@demo.crm');
  const manager = user('manager@demo.crm');
  const rep1 = user('rep1@demo.crm');
  const rep2 = user('rep2@demo.crm');
  if (!admin || !manager || !rep1 || !rep2) return { quotas: 0, orders: 0 };

  // Quotas: [user, set by, monthly amount]; a little higher each month.
  const plans: [string, string, number][] = [[rep1, manager, 250_000], [rep2, manager, 90_000], [manager, admin, 50_000]];
  const quotaRows = plans.flatMap(([userId, setBy, base]) => Array.from({ length: DEFAULT_QUOTA_MONTHS }, (_, k) => {
    const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - k, 1)).toISOString().slice(0, 10);
    return [userId, month, (base + (DEFAULT_QUOTA_MONTHS - k) * 5_000).toFixed(2), 'EUR', setBy];
  }));
  await insertRows(em, 'sales_quota', [['user_id', 'text'], ['month', 'date'], ['amount', 'numeric'], ['currency', 'text'], ['set_by', 'text']], quotaRows);

  // Orders of the two earliest customers converted from a campaign's lead (live, not churned).
  const converted = await em.execute<{ id: string }[]>(`select c.id from lead l join customer c on c.id = l.converted_customer_id
    where l.status = 'CONVERTED' and l.campaign_id is not null and c.deleted_at is null and c.status <> 'CHURNED'
    group by c.id order by min(l.converted_at), c.id limit 2`);
  if (converted.length < 2) return { quotas: quotaRows.length, orders: 0 };
  const ctx = { em, principal: { type: 'USER', id: admin, role: Role.ADMIN, scopes: [], partnerCustomerId: null } satisfies Principal };
  const push = async (input: PushOrderInput, ...statuses: OrderStatus[]) => {
    const { order, errors } = await pushOrder(ctx, input);
    if (!order) throw new Error(`Demo order ${input.externalRef} refused: ${JSON.stringify(errors)}`);
    for (const status of statuses) {
      const [{ version }] = await em.execute<{ version: number }[]>('select version from sales_order where id = ?', [order.id]);
      const moved = await updateOrderStatus(ctx, { id: order.id, version, status });
      if (!moved.order) throw new Error(`Demo order ${input.externalRef} not ${status}: ${JSON.stringify(moved.errors)}`);
    }
  };
  await push({
    idempotencyKey: 'demo-web-30001', externalRef: 'WEB-30001', channel: 'WEB', currency: 'EUR', paymentTerms: PaymentTerms.PREPAID,
    customer: { customerId: converted[0].id },
    lines: [{ sku: 'LAP-14-PRO', quantity: 3, unitPrice: '1299.00', configuration: { ram: '32GB' } }, { sku: 'DOCK-USB-C', quantity: 3, unitPrice: '189.00' }],
  }, OrderStatus.CONFIRMED, OrderStatus.FULFILLED, OrderStatus.COMPLETED);
  await push({
    idempotencyKey: 'demo-mkt-30002', externalRef: 'MKT-30002', channel: 'MARKETPLACE', currency: 'EUR', paymentTerms: PaymentTerms.PREPAID,
    customer: { customerId: converted[1].id },
    lines: [{ sku: 'MON-27-4K', quantity: 2, unitPrice: '349.00' }, { sku: 'SUP-NBD-3Y', quantity: 2, unitPrice: '249.00' }],
  }, OrderStatus.CONFIRMED);
  return { quotas: quotaRows.length, orders: 2 };
}
