import { Role } from '../entities/enums';
import type { PermissionMap } from './permission-map';
import { anyOf, hasScope, isRole, notPartner, reachable } from './rules';

/**
 * Who reads receivables and payments: ADMIN, FINANCE, SALES_MANAGER, SALES_REP and PARTNER users, PARTNER
 * keys with `finance:read`. Rows are scoped in SQL (`accountScope`: a rep their customers, a manager their
 * team's, a partner its own account only). SERVICE_AGENT, MARKETING, ANALYST and INTEGRATION keys: FORBIDDEN.
 */
export const readsReceivables = anyOf(isRole(Role.ADMIN, Role.FINANCE, Role.SALES_MANAGER, Role.SALES_REP, Role.PARTNER), hasScope('finance:read'));

/** Recording payments: FINANCE and ADMIN only. */
export const recordsPayments = isRole(Role.FINANCE, Role.ADMIN);

/** The permission map of receivables and payments (merged in auth/index.ts). */
export const receivablePermissions: PermissionMap = {
  Query: {
    receivables: readsReceivables,
    receivable: readsReceivables,
    payments: readsReceivables,
    payment: readsReceivables,
  },
  Mutation: { recordPayment: recordsPayments },
  Customer: { receivables: readsReceivables, payments: readsReceivables },
  Receivable: { '*': reachable },
  // The note is internal (nullable: a partner gets null with FORBIDDEN).
  Payment: { '*': reachable, note: notPartner },
  PaymentAllocation: { '*': reachable },
  ReceivableConnection: { '*': reachable },
  ReceivableEdge: { '*': reachable },
  PaymentConnection: { '*': reachable },
  PaymentEdge: { '*': reachable },
  PaymentPayload: { '*': reachable },
};
