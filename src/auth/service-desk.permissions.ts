import type { PermissionMap } from './permission-map';
import { reachable } from './rules';

/** STUB: the permission map of surveys, follow-ups, SLA escalation and service stats (merged in auth/index.ts). */
export const serviceDeskPermissions: PermissionMap = {
  Survey: { '*': reachable },
};
