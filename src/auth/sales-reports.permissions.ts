import type { PermissionMap } from './permission-map';
import { readsSalesAnalytics } from './analytics.permissions';
import { reachable } from './rules';

/**
 * Stage-history sales reports: aggregates only, the same readers and scope as the sales analytics
 * (ADMIN, FINANCE, ANALYST everyone's; a SALES_MANAGER their subtree's; a SALES_REP their own; not
 * SERVICE_AGENT, MARKETING, PARTNER or API keys). No field names a user.
 */
export const salesReportPermissions: PermissionMap = {
  Query: {
    pipelineAsOf: readsSalesAnalytics,
    stageDurations: readsSalesAnalytics,
    stageConversion: readsSalesAnalytics,
    lostReasonBreakdown: readsSalesAnalytics,
  },
  PipelineAsOf: { '*': reachable },
  PipelineStage: { '*': reachable },
  StageDurations: { '*': reachable },
  StageDurationStats: { '*': reachable },
  StageDuration: { '*': reachable },
  StageConversion: { '*': reachable },
  StageConversionStage: { '*': reachable },
  LostReasonBreakdown: { '*': reachable },
  LostReasonLine: { '*': reachable },
};
