import { CREDIT_ASSESSMENT_READERS, CREDIT_DECIDERS, CREDIT_HOLD_READERS } from './roles';
import type { PermissionMap } from './permission-map';
import { creditVisible, isRole, reachable } from './rules';

/** Credit holds: ADMIN, FINANCE, SALES_MANAGER, SALES_REP (rows by `accountScope` in SQL: managers and reps their customers). */
export const readsCreditHolds = isRole(...CREDIT_HOLD_READERS);

/**
 * Assessments and the credit terms on a hold (limit and its currency): ADMIN, FINANCE, SALES_MANAGER —
 * the roles that see a customer's credit rating and limit. Also redacts the values of CreditAssessment
 * entries in the audit log for everyone else.
 */
export const readsCreditAssessments = isRole(...CREDIT_ASSESSMENT_READERS);

/** The "one" of "3+1": FINANCE alone assesses credit and decides holds. */
export const decidesCredit = isRole(...CREDIT_DECIDERS);

/** The permission map of credit (merged in auth/index.ts). Rows are scoped in SQL. */
export const creditPermissions: PermissionMap = {
  Query: {
    creditHolds: readsCreditHolds,
    creditHold: readsCreditHolds,
  },
  Mutation: {
    assessCredit: decidesCredit,
    approveCredit: decidesCredit,
    rejectCredit: decidesCredit,
  },
  Customer: {
    creditExposure: creditVisible,
    availableCredit: creditVisible,
    creditAssessments: readsCreditAssessments,
  },
  CreditAssessment: { '*': readsCreditAssessments },
  CreditHold: { '*': reachable, creditLimit: readsCreditAssessments, creditCurrency: readsCreditAssessments, exposure: readsCreditAssessments },
  CreditHoldConnection: { '*': reachable },
  CreditHoldEdge: { '*': reachable },
  CreditAssessmentConnection: { '*': reachable },
  CreditAssessmentEdge: { '*': reachable },
  CreditAssessmentPayload: { '*': reachable },
  CreditHoldPayload: { '*': reachable },
};
