import type { PermissionMap } from './permission-map';
import { readsFinanceReports } from './finance-report.permissions';
import { reachable } from './rules';

/**
 * The finance reports of issue 14 (DSO, cash received, aging per customer): the readers of the other
 * finance reports — FINANCE, ADMIN, SALES_MANAGER and SALES_REP, rows limited by `accountScope` in SQL.
 * Everyone else, API keys included: FORBIDDEN. `customer` resolves to Customer, whose own rules apply.
 */
export const financeReportsPermissions: PermissionMap = {
  Query: {
    daysSalesOutstanding: readsFinanceReports,
    cashReceived: readsFinanceReports,
    customerAging: readsFinanceReports,
  },
  DsoRow: { '*': reachable },
  CashReceivedRow: { '*': reachable },
  CustomerAgingRow: { '*': reachable },
};
