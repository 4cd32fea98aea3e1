import type { PermissionMap } from './permission-map';
import { personNameVisible, piiVisible, reachable } from './rules';

/** Campaigns and leads. */
export const leadPermissions: PermissionMap = {
  Campaign: { '*': reachable },
  // A lead is a person: names and contact details follow the same rules as a contact's.
  Lead: { '*': reachable, firstName: personNameVisible, lastName: personNameVisible, email: piiVisible, phone: piiVisible },
};
