import { registerPermissions } from '../auth';
import { registerAuditScopes } from '../services/audit.service';
import { registerTimelineSources } from '../services/timeline.service';
import { registerUniqueFields } from '../services/transaction';
import { bulkDomain } from './bulk.domain';
import { customersDomain } from './customers.domain';
import type { Domain } from './domain';
import { financeDomain } from './finance.domain';
import { integrationsDomain } from './integrations.domain';
import { loyaltyDomain } from './loyalty.domain';
import { ordersDomain } from './orders.domain';
import { platformDomain } from './platform.domain';
import { salesDomain } from './sales.domain';
import { serviceDomain } from './service.domain';
import { valueDomain } from './value.domain';

/** Every domain of the API. Adding a domain is its files and one line here. */
export const DOMAINS: readonly Domain[] = [
  platformDomain,
  customersDomain,
  salesDomain,
  ordersDomain,
  financeDomain,
  serviceDomain,
  loyaltyDomain,
  valueDomain,
  integrationsDomain,
  bulkDomain,
];

// The parts that services and auth read deep inside a request (they cannot import the domains, which
// import them) are registered here, once, when the domains load.
for (const domain of DOMAINS) {
  domain.permissions.forEach(registerPermissions);
  registerAuditScopes(domain.audit ?? []);
  registerUniqueFields(domain.uniqueFields ?? {});
  registerTimelineSources(domain.timeline ?? []);
}

export type { Domain };
