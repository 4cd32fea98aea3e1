import type { PermissionMap } from './permission-map';

/** STUB: the permission map of this domain (merged in auth/index.ts). */
export const partnerPermissions: PermissionMap = {};
