import { Role } from '../entities/enums';
import type { PermissionMap } from './permission-map';
import {
  anyOf, creditVisible, customerNameVisible, hasScope, isRole, notPartner, piiVisible, reachable, readsCustomers,
} from './rules';

export const writesCustomers = anyOf(isRole(Role.ADMIN, Role.SALES_MANAGER, Role.SALES_REP), hasScope('customers:write'));

export const customerPermissions: PermissionMap = {
  Query: {
    customers: readsCustomers,
    customer: readsCustomers,
    customAttributeDefinitions: readsCustomers,
  },
  Mutation: {
    createCustomer: writesCustomers,
    updateCustomer: writesCustomers,
    deleteCustomer: isRole(Role.ADMIN, Role.SALES_MANAGER, Role.SALES_REP),
    restoreCustomer: isRole(Role.ADMIN, Role.SALES_MANAGER),
    reassignCustomers: isRole(Role.ADMIN, Role.SALES_MANAGER),
  },
  Customer: {
    '*': reachable,
    name: customerNameVisible,
    phones: piiVisible,
    emails: piiVisible,
    addresses: piiVisible,
    creditRating: creditVisible,
    creditLimit: creditVisible,
    creditCurrency: creditVisible,
    customAttributes: notPartner,
    history: notPartner,
  },
  CustomerConnection: { '*': reachable },
  CustomerEdge: { '*': reachable },
  CustomerPayload: { '*': reachable },
  ReassignCustomersPayload: { '*': reachable },
  CustomerExternalRef: { '*': reachable },
  CustomAttributeDefinition: { '*': reachable },
};
