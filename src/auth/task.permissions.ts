import type { PermissionMap } from './permission-map';
import { reachable } from './rules';

/** Tasks are scoped to their assignee (a manager also sees the team's), in the service. */
export const taskPermissions: PermissionMap = {
  Task: { '*': reachable },
};
