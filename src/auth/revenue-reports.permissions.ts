import { Role } from '../entities/enums';
import { readsSalesAnalytics } from './analytics.permissions';
import type { PermissionMap } from './permission-map';
import { isRole, reachable } from './rules';

/**
 * Revenue reports.
 * - `revenueBy`: aggregates of order money, read like the sales analytics: ADMIN, FINANCE and ANALYST over
 *   every order, a SALES_MANAGER their team's customers' orders, a SALES_REP their own customers' (the order
 *   scope, in SQL). Not SERVICE_AGENT, MARKETING, PARTNER or API keys. `product` follows the Product rules.
 * - `campaignRoi` puts a campaign's budget against its won amount, so it is for those who read both
 *   (`Campaign.budget` and `CampaignResults.wonAmount`): ADMIN, MARKETING, FINANCE, SALES_MANAGER. Not
 *   SALES_REP (no budgets) and not ANALYST (no won amounts: one campaign's sum can be one deal's amount,
 *   and ROI with the budget gives it away).
 */
export const readsRevenue = readsSalesAnalytics;
export const readsCampaignRoi = isRole(Role.ADMIN, Role.MARKETING, Role.FINANCE, Role.SALES_MANAGER);

export const revenueReportPermissions: PermissionMap = {
  Query: {
    revenueBy: readsRevenue,
    campaignRoi: readsCampaignRoi,
  },
  RevenueReport: { '*': reachable },
  RevenueFigures: { '*': reachable },
  RevenueRow: { '*': reachable },
  CampaignRoiRow: { '*': reachable },
};
