import { Role } from '../entities/enums';
import type { PermissionMap } from './permission-map';
import { MARGIN_READERS, METRICS_READERS } from './roles';
import { isRole, reachable } from './rules';

/**
 * Customer value (issue 12). Staff read the metrics of the customers they see (reps and managers their
 * scope, the others all); PARTNER and API keys none, not even their own. Cost-based figures (margins,
 * CLV) only for the roles that see product costs.
 */
export const readsMetrics = isRole(...METRICS_READERS);
export const readsMargins = isRole(...MARGIN_READERS);

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
