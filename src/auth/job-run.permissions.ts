import { Role } from '../entities/enums';
import type { PermissionMap } from './permission-map';
import { isRole, reachable } from './rules';

/**
 * The run log of the background jobs: operations data (host names, process ids, error messages) for
 * ADMIN only; everyone else, API keys included: FORBIDDEN.
 */
export const jobRunPermissions: PermissionMap = {
  Query: { jobRuns: isRole(Role.ADMIN) },
  JobRun: { '*': reachable },
};
