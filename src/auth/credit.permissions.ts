import type { PermissionMap } from './permission-map';
import { reachable } from './rules';

/** The permission map of credit (merged in auth/index.ts). Rows are scoped in SQL. */
export const creditPermissions: PermissionMap = {
  CreditAssessment: { '*': reachable },
  CreditHold: { '*': reachable },
};
