import { Role } from '../entities/enums';
import type { PermissionMap } from './permission-map';
import { anyOf, hasScope, isRole, personNameVisible, piiVisible, reachable, readsCustomers } from './rules';

export const writesContacts = anyOf(isRole(Role.ADMIN, Role.SALES_MANAGER, Role.SALES_REP, Role.SERVICE_AGENT), hasScope('customers:write'));

export const contactPermissions: PermissionMap = {
  Query: {
    contacts: readsCustomers,
    contact: readsCustomers,
  },
  Mutation: {
    createContact: writesContacts,
    updateContact: writesContacts,
    deleteContact: writesContacts,
  },
  Contact: {
    '*': reachable,
    firstName: personNameVisible,
    lastName: personNameVisible,
    phones: piiVisible,
    emails: piiVisible,
    addresses: piiVisible,
  },
  ContactConnection: { '*': reachable },
  ContactEdge: { '*': reachable },
  ContactPayload: { '*': reachable },
};
