import type { PermissionMap } from './permission-map';
import { reachable } from './rules';

/** STUB: the permission map of assets (merged in auth/index.ts). */
export const assetPermissions: PermissionMap = {
  Asset: { '*': reachable },
};
