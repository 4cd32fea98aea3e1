import DataLoader from 'dataloader';
import type { CallerContext } from '../services/context';
import { refId } from '../entities/ids';
import type { ServiceContext } from '../services/context';
import { allocationsByPaymentIds, paymentReads } from '../services/payment.service';
import { allocationsByReceivableIds, receivableReads, type PaymentAllocationRow } from '../services/receivable.service';
import { groupBy } from './batch';
import { readLoaders } from './read-loaders';
import { readsReceivables } from '../auth/receivable.permissions';

/** Loaders of receivables and payments (merged into the request's loaders). Every read is scoped by `accountScope`. */
export function createReceivableLoaders(ctx: CallerContext) {
  const svc = (): ServiceContext => ({ em: ctx.em, principal: ctx.principal! });

  /**
   * Receivables by id, visible to the caller, null otherwise (also feeds `node(id)` and
   * `PaymentAllocation.receivable`); `Customer.receivables` pages and counts.
   */
  const receivables = readLoaders(ctx, receivableReads, readsReceivables);

  /** Payments by id likewise (`PaymentAllocation.payment`); `Customer.payments` pages and counts. */
  const payments = readLoaders(ctx, paymentReads, readsReceivables);

  /** `Receivable.allocations`: per (already visible) receivable, in the order the money came in. */
  const receivableAllocations = new DataLoader<string, PaymentAllocationRow[]>(async (ids) =>
    groupBy(ids, await allocationsByReceivableIds(svc(), ids), (a) => refId(a.receivable)!));

  /** `Payment.allocations`: per (already visible) payment, in the order they were applied. */
  const paymentAllocations = new DataLoader<string, PaymentAllocationRow[]>(async (ids) =>
    groupBy(ids, await allocationsByPaymentIds(svc(), ids), (a) => refId(a.payment)!));

  return {
    receivableById: receivables.byId, paymentById: payments.byId, receivableAllocations, paymentAllocations,
    receivableCount: receivables.count, receivablePage: receivables.page, paymentCount: payments.count, paymentPage: payments.page,
  };
}

// This domain's loaders, typed on the request's `Loaders` (see loaders/index.ts).
declare module './index' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds the members of the factory's result
  interface Loaders extends ReturnType<typeof createReceivableLoaders> {}
}
