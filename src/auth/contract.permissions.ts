import { Role } from '../entities/enums';
import type { PermissionMap } from './permission-map';
import { readsReceivables } from './receivable.permissions';
import { CONTRACT_WRITERS } from './roles';
import { anyOf, hasScope, isRole, notPartner, reachable } from './rules';

/**
 * Reading contracts: ADMIN, FINANCE, SALES_MANAGER, SALES_REP, SERVICE_AGENT and PARTNER users, PARTNER
 * keys with `finance:read`; rows by `contractScope` in SQL (a partner: its own account only).
 * MARKETING, ANALYST and INTEGRATION keys: FORBIDDEN.
 */
export const readsContracts = anyOf(
  isRole(Role.ADMIN, Role.SALES_MANAGER, Role.SALES_REP, Role.FINANCE, Role.SERVICE_AGENT, Role.PARTNER),
  hasScope('finance:read'),
);

/** Creating, changing, signing and terminating: ADMIN, FINANCE (any customer), managers and reps (their scope, in SQL). */
export const writesContracts = isRole(...CONTRACT_WRITERS);

/** The permission map of contracts (merged in auth/index.ts). Rows are scoped in SQL (`contractScope`). */
export const contractPermissions: PermissionMap = {
  Query: { contracts: readsContracts, contract: readsContracts },
  Mutation: {
    createContract: writesContracts,
    updateContract: writesContracts,
    signContract: writesContracts,
    terminateContract: writesContracts,
  },
  Customer: { contracts: readsContracts },
  Contract: {
    '*': reachable,
    notes: notPartner,
    // The money of a contract: those who read receivables (the customer's account) — not SERVICE_AGENT.
    receivables: readsReceivables,
  },
  ContractInstalment: { '*': reachable },
  ContractConnection: { '*': reachable },
  ContractEdge: { '*': reachable },
  ContractPayload: { '*': reachable },
};
