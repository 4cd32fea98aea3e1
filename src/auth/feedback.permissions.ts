import { FEEDBACK_READERS, FEEDBACK_WRITERS, SOURCE_CASE_READERS, SUGGESTION_VALUE_READERS } from './roles';
import type { PermissionMap } from './permission-map';
import { isRole, reachable } from './rules';

/** Product feedback is read by ADMIN, SERVICE_AGENT, SALES_MANAGER, SALES_REP, ANALYST and MARKETING users (all of it; never partners or keys). */
export const readsFeedback = isRole(...FEEDBACK_READERS);

/** Only ADMIN and SERVICE_AGENT record feedback, change it and link cases to it. */
export const writesFeedback = isRole(...FEEDBACK_WRITERS);

/** The cases behind feedback: roles that read cases (each within its case scope, in SQL); not ANALYST or MARKETING. */
export const readsSourceCases = isRole(...SOURCE_CASE_READERS);

/** A customer's suggestion value: staff users, never PARTNER, never API keys. */
export const readsSuggestionValue = isRole(...SUGGESTION_VALUE_READERS);

/** The permission map of product feedback (merged in auth/index.ts). */
export const feedbackPermissions: PermissionMap = {
  Query: {
    productFeedback: readsFeedback,
    feedback: readsFeedback,
  },
  Mutation: {
    createProductFeedback: writesFeedback,
    updateProductFeedback: writesFeedback,
    linkCaseToFeedback: writesFeedback,
    unlinkCaseFromFeedback: writesFeedback,
  },
  Product: { feedback: readsFeedback },
  ServiceCase: { feedbackId: readsFeedback, feedback: readsFeedback },
  Customer: { suggestionValue: readsSuggestionValue },
  ProductFeedback: { '*': reachable, sourceCases: readsSourceCases },
  ProductFeedbackConnection: { '*': reachable },
  ProductFeedbackEdge: { '*': reachable },
  ProductFeedbackPayload: { '*': reachable },
  CaseFeedbackLinkPayload: { '*': reachable },
  SuggestionValue: { '*': reachable },
};
