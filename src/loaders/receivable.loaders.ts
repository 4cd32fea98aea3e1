import DataLoader from 'dataloader';
import type { CallerContext } from '../services/context';
import { refId } from '../entities/ids';
import type { ServiceContext } from '../services/context';
import type { Connection } from '../services/pagination';
import {
  allocationsByPaymentIds, paymentCountsByCustomer, paymentPagesByCustomer, paymentsByIds, type PaymentListArgs, type PaymentRow,
} from '../services/payment.service';
import {
  allocationsByReceivableIds, receivableCountsByCustomer, receivablePagesByCustomer, receivablesByIds,
  type PaymentAllocationRow, type ReceivableListArgs, type ReceivableRow,
} from '../services/receivable.service';
import { byKeyFor, groupBy, perArgs } from './batch';
import { readsReceivables } from '../auth/receivable.permissions';

/** Loaders of receivables and payments (merged into the request's loaders). Every read is scoped by `accountScope`. */
export function createReceivableLoaders(ctx: CallerContext) {
  const svc = (): ServiceContext => ({ em: ctx.em, principal: ctx.principal! });

  /** Receivables by id, visible to the caller; null otherwise (also feeds `node(id)` and `PaymentAllocation.receivable`). */
  const receivableById = new DataLoader<string, ReceivableRow | null>(async (ids) => byKeyFor(ctx, readsReceivables, ids, () => receivablesByIds(svc(), ids)));

  /** Payments by id, visible to the caller; null otherwise (also feeds `node(id)` and `PaymentAllocation.payment`). */
  const paymentById = new DataLoader<string, PaymentRow | null>(async (ids) => byKeyFor(ctx, readsReceivables, ids, () => paymentsByIds(svc(), ids)));

  /** `Receivable.allocations`: per (already visible) receivable, in the order the money came in. */
  const receivableAllocations = new DataLoader<string, PaymentAllocationRow[]>(async (ids) =>
    groupBy(ids, await allocationsByReceivableIds(svc(), ids), (a) => refId(a.receivable)!));

  /** `Payment.allocations`: per (already visible) payment, in the order they were applied. */
  const paymentAllocations = new DataLoader<string, PaymentAllocationRow[]>(async (ids) =>
    groupBy(ids, await allocationsByPaymentIds(svc(), ids), (a) => refId(a.payment)!));

  /** Receivable counts per customer for one filter (`Customer.receivables.totalCount`). */
  const receivableCount = perArgs((argsKey) => new DataLoader<string, number>(async (ids) => {
    const counts = await receivableCountsByCustomer(svc(), ids, JSON.parse(argsKey).filter);
    return ids.map((id) => counts.get(id) ?? 0);
  }));

  /** `Customer.receivables`: one page per customer, one statement per page shape. */
  const receivablePage = perArgs((argsKey) => new DataLoader<string, Connection<ReceivableRow>>(async (ids) => {
    const args = JSON.parse(argsKey) as ReceivableListArgs;
    const pages = await receivablePagesByCustomer(svc(), ids, args, (id) => receivableCount({ filter: args.filter ?? null }).load(id));
    return ids.map((id) => pages.get(id)!);
  }));

  /** Payment counts per customer for one filter (`Customer.payments.totalCount`). */
  const paymentCount = perArgs((argsKey) => new DataLoader<string, number>(async (ids) => {
    const counts = await paymentCountsByCustomer(svc(), ids, JSON.parse(argsKey).filter);
    return ids.map((id) => counts.get(id) ?? 0);
  }));

  /** `Customer.payments`: one page per customer, one statement per page shape. */
  const paymentPage = perArgs((argsKey) => new DataLoader<string, Connection<PaymentRow>>(async (ids) => {
    const args = JSON.parse(argsKey) as PaymentListArgs;
    const pages = await paymentPagesByCustomer(svc(), ids, args, (id) => paymentCount({ filter: args.filter ?? null }).load(id));
    return ids.map((id) => pages.get(id)!);
  }));

  return {
    receivableById, paymentById, receivableAllocations, paymentAllocations, receivableCount, receivablePage, paymentCount, paymentPage,
  };
}

// This domain's loaders, typed on the request's `Loaders` (see loaders/index.ts).
declare module './index' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds the members of the factory's result
  interface Loaders extends ReturnType<typeof createReceivableLoaders> {}
}
