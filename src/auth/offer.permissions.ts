import type { PermissionMap } from './permission-map';
import { isRole, reachable } from './rules';
import { Role } from '../entities/enums';

/** STUB until the offers land: the permission map of offers. */
export const offerPermissions: PermissionMap = {
  Offer: { '*': isRole(Role.ADMIN), id: reachable },
};
