import { Role } from '../entities/enums';
import type { PermissionMap } from './permission-map';
import { isRole, reachable } from './rules';

/**
 * Finance reports on receivables: FINANCE, ADMIN, SALES_MANAGER and SALES_REP (the rows are limited by
 * `accountScope` in SQL: a rep sees their own customers, a manager their team's). SERVICE_AGENT,
 * MARKETING, ANALYST, PARTNER and API keys: FORBIDDEN. `owner` and `customer` resolve to User and
 * Customer, whose own field rules apply.
 */
export const readsFinanceReports = isRole(Role.FINANCE, Role.ADMIN, Role.SALES_MANAGER, Role.SALES_REP);

export const financeReportPermissions: PermissionMap = {
  Query: {
    receivablesSummary: readsFinanceReports,
    agingReport: readsFinanceReports,
  },
  ReceivablesSummaryRow: { '*': reachable },
  AgingRow: { '*': reachable },
};
