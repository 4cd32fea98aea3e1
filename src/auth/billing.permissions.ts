import type { PermissionMap } from './permission-map';
import { readsFinanceReports } from './finance-report.permissions';
import { readsReceivables } from './receivable.permissions';
import { reachable } from './rules';

/**
 * Scheduled billing: the `scheduledBilling` report like the other finance reports (FINANCE, ADMIN,
 * SALES_MANAGER, SALES_REP; rows by `accountScope` in SQL); a contract's schedule and its scheduled sum
 * like its receivables (the customer's account: not SERVICE_AGENT).
 */
export const billingPermissions: PermissionMap = {
  Query: { scheduledBilling: readsFinanceReports },
  Contract: { billingSchedule: readsReceivables, scheduledBilling: readsReceivables },
  ContractBillingLine: { '*': reachable },
  ScheduledBillingRow: { '*': reachable },
};
