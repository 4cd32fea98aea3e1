import type { PermissionMap } from './permission-map';
import { reachable } from './rules';
import { readsServiceStats } from './service-desk.permissions';

/**
 * Service reports (`slaAttainment`, `caseBacklog`, `reopenRate`, `firstContactResolution`): the readers of
 * `serviceStats` — ADMIN, SERVICE_AGENT, ANALYST (every case) and SALES_MANAGER (their team's customers'
 * cases, in SQL). SALES_REP, MARKETING, FINANCE, PARTNER and API keys: FORBIDDEN. A row's `queue` is a
 * ServiceQueue, read through the queue loader (staff who read cases; null for the others).
 */
export const serviceReportsPermissions: PermissionMap = {
  Query: {
    slaAttainment: readsServiceStats,
    caseBacklog: readsServiceStats,
    reopenRate: readsServiceStats,
    firstContactResolution: readsServiceStats,
  },
  SlaAttainmentRow: { '*': reachable },
  CaseBacklogRow: { '*': reachable },
  ReopenRateRow: { '*': reachable },
  FirstContactResolutionRow: { '*': reachable },
};
