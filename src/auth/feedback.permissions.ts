import type { PermissionMap } from './permission-map';
import { reachable } from './rules';

/** STUB: the permission map of product feedback (merged in auth/index.ts). */
export const feedbackPermissions: PermissionMap = {
  ProductFeedback: { '*': reachable },
};
