import { Role } from '../entities/enums';
import type { PermissionMap } from './permission-map';
import { isRole, reachable } from './rules';

/**
 * Customer value (issue 12). Staff read the metrics of the customers they see (reps and managers their
 * scope, the others all); PARTNER and API keys none, not even their own. Cost-based figures (margins,
 * CLV) only for the roles that see product costs.
 */
export const readsMetrics = isRole(Role.ADMIN, Role.SALES_MANAGER, Role.SALES_REP, Role.SERVICE_AGENT, Role.MARKETING, Role.FINANCE, Role.ANALYST);
export const readsMargins = isRole(Role.ADMIN, Role.SALES_MANAGER, Role.FINANCE);

export const valuePermissions: PermissionMap = {
  Mutation: { refreshCustomerMetrics: isRole(Role.ADMIN) },
  Customer: { metrics: readsMetrics },
  CustomerMetrics: { '*': reachable, clvHistoric: readsMargins, clvPredicted12m: readsMargins, margin12m: readsMargins },
  CustomerRfm: { '*': reachable },
  ChurnRisk: { '*': reachable },
  ChurnRiskFactor: { '*': reachable },
  ReferralValue: { '*': reachable },
  RefreshMetricsResult: { '*': reachable },
};
