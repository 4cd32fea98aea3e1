import DataLoader from 'dataloader';
import type { CallerContext, ServiceContext } from '../services/context';
import { deletedCustomers, scheduleByContractIds, scheduledBillingByContractIds, type BillingScheduleRow } from '../services/billing-schedule.service';
import { byKey, groupBy } from './batch';

/** Loaders of scheduled billing (merged into the request's loaders): a contract's schedule and its scheduled sum. */
export function createBillingLoaders(ctx: CallerContext) {
  const svc = (): ServiceContext => ({ em: ctx.em, principal: ctx.principal! });

  /** Schedule lines per (already visible) contract, by instalment (`Contract.billingSchedule`). */
  const contractBillingSchedule = new DataLoader<string, BillingScheduleRow[]>(async (ids) =>
    groupBy(ids, await scheduleByContractIds(svc(), ids), (r) => r.contractId));

  /** The sum still SCHEDULED per (already visible) contract (`Contract.scheduledBilling`); null outside the caller's account scope. */
  const contractScheduledBilling = new DataLoader<string, string | null>(async (ids) =>
    byKey(ids, await scheduledBillingByContractIds(svc(), ids), (r) => r.contractId).map((r) => r?.amount ?? null));

  /** Whether a customer (of a report row) is soft-deleted; null outside the caller's account scope (`ReceivablesSummaryRow.customerDeleted`). */
  const customerDeleted = new DataLoader<string, boolean | null>(async (ids) =>
    byKey(ids, await deletedCustomers(svc(), ids)).map((r) => r?.deleted ?? null));

  return { contractBillingSchedule, contractScheduledBilling, customerDeleted };
}

// This domain's loaders, typed on the request's `Loaders` (see loaders/index.ts).
declare module './index' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds the members of the factory's result
  interface Loaders extends ReturnType<typeof createBillingLoaders> {}
}
