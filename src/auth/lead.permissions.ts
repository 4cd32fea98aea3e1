import { Role } from '../entities/enums';
import { CAMPAIGN_READERS } from './roles';
import { readsDealValues } from './opportunity.permissions';
import type { PermissionMap } from './permission-map';
import { anyOf, hasScope, isRole, personNameVisible, piiVisible, reachable } from './rules';

/**
 * Campaigns and leads.
 *
 * Campaigns are read by ADMIN, MARKETING, SALES_MANAGER, SALES_REP, FINANCE and ANALYST (every
 * campaign: there is no record scope on campaigns); not by SERVICE_AGENT, PARTNER or API keys (a
 * lead's `campaign` is null for them). MARKETING and ADMIN create and change them.
 *
 * - `Campaign.budget` is internal marketing spend: ADMIN, MARKETING, FINANCE (money), SALES_MANAGER
 *   and ANALYST (cost per lead, return on spend); not SALES_REP, who works leads and needs no budget.
 * - `Campaign.results` counts are aggregates without records or PII: every campaign reader. They are
 *   counted within the caller's record scope for sales roles (a rep their own leads and deals, a
 *   manager their team's), over the whole campaign for everyone else (see `campaign.service.ts`).
 * - `CampaignResults.wonAmount` sums deal values: the opportunity amount rule (`readsDealValues`:
 *   ADMIN, SALES_MANAGER, SALES_REP, FINANCE) plus MARKETING, for whom it is the result of their own
 *   work. Not ANALYST: one campaign's sum can be one deal's amount.
 *
 * Leads follow `leadScope` (ADMIN and MARKETING all; a manager their team's and unassigned ones; a rep
 * their own): the roles with a scope read `leads`/`lead`, the others are refused (they see no lead).
 * - create: sales roles, MARKETING, ADMIN, and API keys with `customers:write` (web forms push leads;
 *   a key reads back what it created in the payload, names and contact details included).
 * - update: whoever sees the lead (sales roles, MARKETING, ADMIN).
 * - assign: MARKETING and ADMIN to any active sales user; a SALES_MANAGER within their team. Not reps.
 * - convert: sales roles and ADMIN (it creates a customer, which MARKETING may not).
 * - A lead is a person: names and contact details follow the contact rules (names hidden from ANALYST
 *   and from keys that did not create the lead; e-mail and phone never ANALYST, MARKETING only with the
 *   lead's marketing consent, keys only for leads they created).
 */

const readsCampaigns = isRole(...CAMPAIGN_READERS);
const writesCampaigns = isRole(Role.ADMIN, Role.MARKETING);
const readsBudget = isRole(Role.ADMIN, Role.MARKETING, Role.FINANCE, Role.SALES_MANAGER, Role.ANALYST);
const readsWonAmount = anyOf(readsDealValues, isRole(Role.MARKETING));

const readsLeads = isRole(Role.ADMIN, Role.MARKETING, Role.SALES_MANAGER, Role.SALES_REP);
const createsLeads = anyOf(readsLeads, hasScope('customers:write'));
const assignsLeads = isRole(Role.ADMIN, Role.MARKETING, Role.SALES_MANAGER);
const convertsLeads = isRole(Role.ADMIN, Role.SALES_MANAGER, Role.SALES_REP);

export const leadPermissions: PermissionMap = {
  Query: {
    campaigns: readsCampaigns,
    campaign: readsCampaigns,
    leads: readsLeads,
    lead: readsLeads,
  },
  Mutation: {
    createCampaign: writesCampaigns,
    updateCampaign: writesCampaigns,
    createLead: createsLeads,
    updateLead: readsLeads,
    assignLead: assignsLeads,
    convertLead: convertsLeads,
  },
  Campaign: { '*': reachable, budget: readsBudget },
  CampaignResults: { '*': reachable, wonAmount: readsWonAmount },
  CampaignConnection: { '*': reachable },
  CampaignEdge: { '*': reachable },
  CampaignPayload: { '*': reachable },
  // A lead is a person: names and contact details follow the same rules as a contact's.
  Lead: { '*': reachable, firstName: personNameVisible, lastName: personNameVisible, email: piiVisible, phone: piiVisible },
  LeadConnection: { '*': reachable },
  LeadEdge: { '*': reachable },
  LeadPayload: { '*': reachable },
  ConvertLeadPayload: { '*': reachable },
};
