import type { PermissionMap } from './permission-map';
import { MARGIN_READERS, METRICS_READERS } from './roles';
import { isRole, reachable } from './rules';

/**
 * Customer value analytics (issue 12): aggregates only. Staff who see customers' metrics: reps and
 * managers those of their book (the scope is applied in SQL), MARKETING, SERVICE_AGENT, FINANCE,
 * ANALYST and ADMIN all. Not PARTNER (not even its own figures), not API keys. Cost-based figures
 * (margins, CLV) only for SALES_MANAGER, FINANCE and ADMIN. No customer names are output at all; the
 * owner behind a churn group is a User, whose name and e-mail rules hide them from ANALYST.
 */
export const readsValueAnalytics = isRole(...METRICS_READERS);
export const readsCostFigures = isRole(...MARGIN_READERS);

export const valueAnalyticsPermissions: PermissionMap = {
  Query: {
    segmentSummary: readsValueAnalytics,
    churnAnalysis: readsValueAnalytics,
    cohortRetention: readsValueAnalytics,
    tierMigration: readsValueAnalytics,
  },
  SegmentSummary: { '*': reachable },
  SegmentFigures: { '*': reachable, margin12m: readsCostFigures, averageClv: readsCostFigures },
  SegmentGroup: { '*': reachable, margin12m: readsCostFigures, averageClv: readsCostFigures },
  ChurnAnalysis: { '*': reachable },
  ChurnFigures: { '*': reachable },
  ChurnGroup: { '*': reachable },
  CohortRetention: { '*': reachable },
  Cohort: { '*': reachable },
  RetentionMonth: { '*': reachable },
  TierMigration: { '*': reachable },
  TierMove: { '*': reachable },
};
