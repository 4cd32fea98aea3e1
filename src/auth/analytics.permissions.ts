import type { PermissionMap } from './permission-map';

/** Sales analytics (aggregates computed in SQL). */
export const analyticsPermissions: PermissionMap = {};
