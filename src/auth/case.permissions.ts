import type { PermissionMap } from './permission-map';
import { reachable } from './rules';

/** STUB: the permission map of cases, comments, queues and SLA policies (merged in auth/index.ts). */
export const casePermissions: PermissionMap = {
  ServiceCase: { '*': reachable },
  CaseComment: { '*': reachable },
  ServiceQueue: { '*': reachable },
};
