import { Role } from '../entities/enums';
import { readsSalesAnalytics } from './analytics.permissions';
import type { PermissionMap } from './permission-map';
import { isRole, reachable } from './rules';

/**
 * Sales quotas: read like the sales analytics (ADMIN, FINANCE and ANALYST everyone's, a SALES_MANAGER
 * their subtree's, a SALES_REP their own — `analyticsScope` in SQL); the `user` fields resolve to User,
 * whose rules hide names and e-mails from ANALYST. Set by ADMIN (any sales user) and SALES_MANAGER (the
 * users below them, checked by the service); never by reps, other roles or API keys.
 */
export const setsQuotas = isRole(Role.ADMIN, Role.SALES_MANAGER);

export const quotaPermissions: PermissionMap = {
  Query: {
    quotas: readsSalesAnalytics,
    quotaAttainment: readsSalesAnalytics,
    quotaHistory: readsSalesAnalytics,
  },
  Mutation: {
    setQuota: setsQuotas,
  },
  SalesQuota: { '*': reachable },
  SalesQuotaPayload: { '*': reachable },
  QuotaAttainmentReport: { '*': reachable },
  QuotaAttainmentRow: { '*': reachable },
  QuotaAttainmentMonth: { '*': reachable },
};
