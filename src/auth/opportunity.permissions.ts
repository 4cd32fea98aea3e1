import { Role } from '../entities/enums';
import type { PermissionMap } from './permission-map';
import { isRole, reachable } from './rules';

/** Deal values (opportunity amounts, quotes and their lines): sales roles, ADMIN, and FINANCE (read). */
export const readsDealValues = isRole(Role.ADMIN, Role.SALES_MANAGER, Role.SALES_REP, Role.FINANCE);

/**
 * Who may list opportunities: the roles whose opportunity scope is not empty (reps their own, managers
 * their team's, ADMIN/FINANCE/MARKETING/SERVICE_AGENT all). ANALYST gets aggregates only; partners and
 * API keys no deals.
 */
export const readsOpportunities = isRole(Role.ADMIN, Role.SALES_MANAGER, Role.SALES_REP, Role.SERVICE_AGENT, Role.MARKETING, Role.FINANCE);

/** Deals and quotes are written by the sales roles and ADMIN, within their scope (FINANCE reads only). */
export const writesDeals = isRole(Role.ADMIN, Role.SALES_MANAGER, Role.SALES_REP);

/** Opportunities follow their owner's scope (applied in the service). */
export const opportunityPermissions: PermissionMap = {
  Query: {
    opportunities: readsOpportunities,
    opportunity: readsOpportunities,
  },
  Mutation: {
    createOpportunity: writesDeals,
    updateOpportunity: writesDeals,
    reopenOpportunity: writesDeals,
    deleteOpportunity: writesDeals,
    createQuote: writesDeals,
    updateQuote: writesDeals,
    sendQuote: writesDeals,
    acceptQuote: writesDeals,
    rejectQuote: writesDeals,
  },
  Customer: { opportunities: readsOpportunities },
  Opportunity: { '*': reachable, amount: readsDealValues, quotes: readsDealValues },
  OpportunityConnection: { '*': reachable },
  OpportunityEdge: { '*': reachable },
  OpportunityPayload: { '*': reachable },
  OpportunityStageChange: { '*': reachable },
  OpportunityStageChangeConnection: { '*': reachable },
  OpportunityStageChangeEdge: { '*': reachable },
  Quote: { '*': readsDealValues },
  QuoteLine: { '*': readsDealValues },
  QuoteConnection: { '*': readsDealValues },
  QuoteEdge: { '*': readsDealValues },
  QuotePayload: { '*': readsDealValues },
  AcceptQuotePayload: { '*': readsDealValues },
};
