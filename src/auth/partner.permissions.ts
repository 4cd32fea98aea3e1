import { Role } from '../entities/enums';
import type { PermissionMap } from './permission-map';
import { anyOf, hasScope, isRole, not, reachable } from './rules';

/** The statement of one's own partner account: PARTNER users and PARTNER API keys with `finance:read`. */
export const readsOwnStatement = anyOf(isRole(Role.PARTNER), hasScope('finance:read'));

/** Statements of any account in `accountScope`: FINANCE and ADMIN all, managers and reps their customers. */
export const readsAccountStatements = isRole(Role.ADMIN, Role.FINANCE, Role.SALES_MANAGER, Role.SALES_REP);

export const partnerPermissions: PermissionMap = {
  Query: {
    myStatement: readsOwnStatement,
    accountStatement: readsAccountStatements,
  },
  Customer: {
    // Staff who see the customer, and the partner (the loader only returns a partner record the caller sees).
    resoldBy: not(Role.INTEGRATION),
    // The bare id would name another dealer to a partner resold by it: staff only.
    resoldById: not(Role.PARTNER, Role.INTEGRATION),
  },
  AccountStatement: { '*': reachable },
  StatementLine: { '*': reachable },
};
