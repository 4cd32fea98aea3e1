import { Role } from '../entities/enums';
import type { PermissionMap } from './permission-map';
import { not } from './rules';

/** Activities follow their customer's record scope (applied in the service). */
export const activityPermissions: PermissionMap = {
  // Interaction notes are internal free text (often personal data): never PARTNER, never ANALYST.
  Activity: { '*': not(Role.PARTNER, Role.ANALYST) },
};
