import { Role } from '../entities/enums';
import type { PermissionMap } from './permission-map';
import { isRole, reachable } from './rules';

/** Deal values (opportunity amounts, quotes): sales roles, ADMIN, and FINANCE (read). */
export const readsDealValues = isRole(Role.ADMIN, Role.SALES_MANAGER, Role.SALES_REP, Role.FINANCE);

/** Opportunities follow their owner's scope (applied in the service). */
export const opportunityPermissions: PermissionMap = {
  Opportunity: { '*': reachable, amount: readsDealValues },
  OpportunityStageChange: { '*': reachable },
  Quote: { '*': readsDealValues },
};
