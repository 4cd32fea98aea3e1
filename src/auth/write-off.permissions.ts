import { Role } from '../entities/enums';
import { readsFinanceReports } from './finance-report.permissions';
import type { PermissionMap } from './permission-map';
import { isRole, notPartner, reachable } from './rules';

/**
 * Bad-debt write-off. Writing off: FINANCE only — ADMIN too is refused (FORBIDDEN): giving up money is a
 * finance decision, like credit decisions. The report: who reads the other finance reports (FINANCE,
 * ADMIN, SALES_MANAGER, SALES_REP; rows limited by `accountScope` in SQL). The reason on a receivable is
 * internal: a partner reading its own receivables gets null with FORBIDDEN.
 */
export const writesOff = isRole(Role.FINANCE);

export const writeOffPermissions: PermissionMap = {
  Query: { writeOffReport: readsFinanceReports },
  Mutation: { writeOffReceivable: writesOff },
  Receivable: { writeOffReason: notPartner },
  WriteOffPayload: { '*': reachable },
  WriteOffReport: { '*': reachable },
  WriteOffLine: { '*': reachable },
  WriteOffTotal: { '*': reachable },
};
