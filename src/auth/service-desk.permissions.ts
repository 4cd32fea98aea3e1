import { Role } from '../entities/enums';
import type { PermissionMap } from './permission-map';
import { caseStaff, worksCases } from './case.permissions';
import { everyone, isRole, reachable } from './rules';

/**
 * Surveys, follow-ups and service metrics.
 * - `submitSurvey` is open to anonymous callers (the customer's survey link is the credential; the
 *   service checks the case id and token). Its payload's survey carries the answer only: the case and the
 *   link secret stay behind field rules.
 * - `scheduleFollowUp`: ADMIN and SERVICE_AGENT (the case must be in their `caseScope`: all).
 * - `serviceStats`: ADMIN, SERVICE_AGENT, SALES_MANAGER (their team's customers' cases, in SQL) and
 *   ANALYST (aggregates; `agent` is a User whose name and e-mail rules hide them from ANALYST).
 * - `ServiceCase.survey` and `Survey.serviceCase`: staff who read cases (ADMIN, SERVICE_AGENT, SALES_MANAGER,
 *   SALES_REP; the surveys are also limited by `caseScope` in SQL). Never PARTNER or API keys.
 * - `Survey.token` / `Survey.link` (the secret of the customer's link): ADMIN and SERVICE_AGENT only.
 */
const readsSurveys = caseStaff;
const seesSurveyLink = worksCases;
export const readsServiceStats = isRole(Role.ADMIN, Role.SERVICE_AGENT, Role.SALES_MANAGER, Role.ANALYST);
const schedulesFollowUps = worksCases;

export const serviceDeskPermissions: PermissionMap = {
  Query: {
    serviceStats: readsServiceStats,
  },
  Mutation: {
    submitSurvey: everyone,
    scheduleFollowUp: schedulesFollowUps,
  },
  ServiceCase: {
    survey: readsSurveys,
  },
  Survey: {
    '*': reachable,
    serviceCase: readsSurveys,
    token: seesSurveyLink,
    link: seesSurveyLink,
  },
  SurveyPayload: { '*': reachable },
  ServiceStatsRow: { '*': reachable },
};
