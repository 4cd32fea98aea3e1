import type { PermissionMap } from './permission-map';
import { reachable } from './rules';

/** The permission map of contracts (merged in auth/index.ts). Rows are scoped in SQL (`contractScope`). */
export const contractPermissions: PermissionMap = {
  Contract: { '*': reachable },
};
