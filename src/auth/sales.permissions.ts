import { Role } from '../entities/enums';
import type { PermissionMap } from './permission-map';
import { isRole, not, personNameVisible, piiVisible, reachable } from './rules';

/** Deal values (opportunity amounts, quotes): sales roles, ADMIN, and FINANCE (read). */
export const readsDealValues = isRole(Role.ADMIN, Role.SALES_MANAGER, Role.SALES_REP, Role.FINANCE);

/**
 * The sales domain. Record scope is applied in the services (activities follow their customer,
 * tasks their assignee, opportunities their owner); these are the field rules.
 */
export const salesPermissions: PermissionMap = {
  // Interaction notes are internal and free text (often personal data): never PARTNER, never ANALYST.
  Activity: { '*': not(Role.PARTNER, Role.ANALYST) },
  Task: { '*': reachable },
  Campaign: { '*': reachable },
  // A lead is a person: names and contact details follow the same rules as a contact's.
  Lead: { '*': reachable, firstName: personNameVisible, lastName: personNameVisible, email: piiVisible, phone: piiVisible },
  Opportunity: { '*': reachable, amount: readsDealValues },
  OpportunityStageChange: { '*': reachable },
  Quote: { '*': readsDealValues },
};
