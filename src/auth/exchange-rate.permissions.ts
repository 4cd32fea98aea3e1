import { Role } from '../entities/enums';
import { readsFinanceReports } from './finance-report.permissions';
import type { PermissionMap } from './permission-map';
import { isRole, reachable } from './rules';

/**
 * Exchange rates: ADMIN and FINANCE set them; the roles that read the money reports (FINANCE, ADMIN,
 * SALES_MANAGER, SALES_REP) read them, since a converted report shows the rates it applied. A rate is
 * no secret of a customer: no record scope. Everyone else, API keys included: FORBIDDEN.
 */
export const setsExchangeRates = isRole(Role.ADMIN, Role.FINANCE);

export const exchangeRatePermissions: PermissionMap = {
  Query: { exchangeRates: readsFinanceReports },
  Mutation: { setExchangeRate: setsExchangeRates },
  ExchangeRate: { '*': reachable },
  AppliedRate: { '*': reachable },
  ExchangeRatePayload: { '*': reachable },
};
