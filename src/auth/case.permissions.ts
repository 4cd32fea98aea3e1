import { Role } from '../entities/enums';
import { CASE_STAFF, CASE_WORKERS } from './roles';
import type { PermissionMap } from './permission-map';
import { anyOf, hasScope, isRole, notPartner, reachable } from './rules';

/**
 * Reading cases: ADMIN and SERVICE_AGENT (all), SALES_MANAGER and SALES_REP (read-only, their
 * customers' cases), PARTNER users and PARTNER keys with `cases:read` (its own record and the customers
 * it resells to); rows by `caseScope` in SQL. FINANCE, MARKETING, ANALYST and INTEGRATION keys: FORBIDDEN.
 */
export const readsCases = anyOf(isRole(Role.ADMIN, Role.SERVICE_AGENT, Role.SALES_MANAGER, Role.SALES_REP, Role.PARTNER), hasScope('cases:read'));

/** Staff who read cases: SLA policies, queues and `myQueue` (not partners). */
export const caseStaff = isRole(...CASE_STAFF);

/** Working cases (update, assign, change status): ADMIN and SERVICE_AGENT (the users cases are assigned to). */
export const worksCases = isRole(...CASE_WORKERS);

/**
 * Opening cases, commenting and reopening: ADMIN and SERVICE_AGENT, PARTNER users and PARTNER keys with
 * `cases:write` (their customers only, PUBLIC comments only, channel PARTNER — enforced by the service).
 */
export const participatesInCases = anyOf(isRole(Role.ADMIN, Role.SERVICE_AGENT, Role.PARTNER), hasScope('cases:write'));

/** The permission map of cases, comments, queues and SLA policies (merged in auth/index.ts). */
export const casePermissions: PermissionMap = {
  Query: {
    cases: readsCases,
    case: readsCases,
    myQueue: caseStaff,
    serviceQueues: caseStaff,
    slaPolicies: caseStaff,
  },
  Mutation: {
    createCase: participatesInCases,
    updateCase: worksCases,
    assignCase: worksCases,
    changeCaseStatus: worksCases,
    reopenCase: participatesInCases,
    addCaseComment: participatesInCases,
    createServiceQueue: isRole(Role.ADMIN),
    updateServiceQueue: isRole(Role.ADMIN),
    updateSlaPolicy: isRole(Role.ADMIN),
  },
  Customer: { cases: readsCases },
  ServiceCase: {
    '*': reachable,
    // How the desk organises its work is internal.
    queue: notPartner,
    queueId: notPartner,
  },
  // INTERNAL notes never reach partners or keys: filtered in SQL (`commentVisible`).
  CaseComment: { '*': reachable },
  ServiceQueue: { '*': reachable },
  SlaPolicy: { '*': reachable },
  ServiceCaseConnection: { '*': reachable },
  ServiceCaseEdge: { '*': reachable },
  CaseCommentConnection: { '*': reachable },
  CaseCommentEdge: { '*': reachable },
  CasePayload: { '*': reachable },
  CaseCommentPayload: { '*': reachable },
  ServiceQueuePayload: { '*': reachable },
  SlaPolicyPayload: { '*': reachable },
};
