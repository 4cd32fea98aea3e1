import type { PermissionMap } from './permission-map';
import { reachable } from './rules';

/** The permission map of receivables and payments (merged in auth/index.ts). Rows are scoped in SQL (`accountScope`). */
export const receivablePermissions: PermissionMap = {
  Receivable: { '*': reachable },
  Payment: { '*': reachable },
};
