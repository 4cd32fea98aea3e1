import type { PermissionMap } from './permission-map';
import { isRole } from './rules';
import { Role } from '../entities/enums';

export const loyaltyPermissions: PermissionMap = {
  Membership: { '*': isRole(Role.ADMIN) },
};
