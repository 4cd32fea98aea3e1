import { Role } from '../entities/enums';
import type { PermissionMap } from './permission-map';
import { isRole, reachable } from './rules';

/**
 * Sales analytics: aggregates only. ADMIN, FINANCE and ANALYST see everyone's numbers, a SALES_MANAGER
 * their subtree's, a SALES_REP their own (the scope is applied in SQL by `analyticsScope`). Not
 * SERVICE_AGENT, MARKETING, PARTNER or API keys. The `user` fields resolve to User, whose name and
 * e-mail rules hide them from ANALYST: an analyst sees user ids, never names.
 */
export const readsSalesAnalytics = isRole(Role.ADMIN, Role.SALES_MANAGER, Role.SALES_REP, Role.FINANCE, Role.ANALYST);

export const analyticsPermissions: PermissionMap = {
  Query: {
    salesFunnel: readsSalesAnalytics,
    winRate: readsSalesAnalytics,
    forecast: readsSalesAnalytics,
    repPerformance: readsSalesAnalytics,
  },
  SalesFunnel: { '*': reachable },
  FunnelStage: { '*': reachable },
  WinRateReport: { '*': reachable },
  WinRateStats: { '*': reachable },
  WinRateGroup: { '*': reachable },
  Forecast: { '*': reachable },
  ForecastBucket: { '*': reachable },
  ForecastMonth: { '*': reachable },
  RepPerformanceReport: { '*': reachable },
  RepPerformance: { '*': reachable },
  RepFigures: { '*': reachable },
};
