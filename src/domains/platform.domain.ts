import { commonPermissions, readsApiKeys } from '../auth/common.permissions';
import { notPartner } from '../auth/rules';
import { byKeyFor } from '../loaders/batch';
import { userPermissions } from '../auth/user.permissions';
import { jobRunPermissions } from '../auth/job-run.permissions';
import { JobRunResolver } from '../resolvers/job-run.resolver';
import { ApiKey } from '../entities/api-key.entity';
import { AuditEvent } from '../entities/audit-event.entity';
import { User } from '../entities/user.entity';
import { serviceContext } from '../context';
import { Migration20261129000000Foundation } from '../../migrations/Migration20261129000000Foundation';
import { Migration20261205100000SessionsRateLimits } from '../../migrations/Migration20261205100000SessionsRateLimits';
import { Migration20261210000000PollingIndexes } from '../../migrations/Migration20261210000000PollingIndexes';
import { Migration20261231000200JobRuns } from '../../migrations/Migration20261231000200JobRuns';
import { AuditEventResolver } from '../resolvers/audit.resolver';
import { NodeResolver } from '../resolvers/node.resolver';
import { UserResolver } from '../resolvers/user.resolver';
import { ViewerResolver } from '../resolvers/viewer.resolver';
import { apiKeysByIds } from '../services/api-key.service';
import { auditEventsByIds, auditVisible } from '../services/audit.service';
import { timelineRowsById } from '../services/timeline.service';
import { scopedUsersByIds } from '../services/user.service';
import type { Domain } from './domain';

/** What every domain stands on: users and API keys, sign-in and sessions, the audit log, `node(id)`, `viewer`. */
export const platformDomain: Domain = {
  name: 'platform',
  entities: [User, ApiKey, AuditEvent],
  migrations: [
    // The first migration also created the customer tables, and the polling indexes span several domains.
    { name: 'Migration20261129000000Foundation', class: Migration20261129000000Foundation },
    { name: 'Migration20261205100000SessionsRateLimits', class: Migration20261205100000SessionsRateLimits },
    { name: 'Migration20261210000000PollingIndexes', class: Migration20261210000000PollingIndexes },
    // The run log of the background jobs of every domain (once per period across instances).
    { name: 'Migration20261231000200JobRuns', class: Migration20261231000200JobRuns },
  ],
  resolvers: [UserResolver, ViewerResolver, NodeResolver, AuditEventResolver, JobRunResolver],
  permissions: [commonPermissions, userPermissions, jobRunPermissions],
  nodes: {
    User: (ctx, ids) => scopedUsersByIds(serviceContext(ctx), ids),
    // The policies of the types' fields in the permission map: keys for ADMIN, the audit log for all but partners.
    ApiKey: (ctx, ids) => byKeyFor(ctx, readsApiKeys, ids, () => apiKeysByIds(serviceContext(ctx), ids)),
    AuditEvent: (ctx, ids) => byKeyFor(ctx, notPartner, ids, () => auditEventsByIds(serviceContext(ctx), ids)),
  },
  uniqueFields: { app_user_email_key: ['input', 'email'] },
  timeline: [{
    kind: 'AUDIT_EVENT', rank: 1, entity: AuditEvent,
    description: 'A change to the customer, its contacts, deals, contracts, receivables or credit: the node is an `AuditEvent`.',
    from: 'audit_event e', id: 'e.id', at: 'e.at', customer: 'e.customer_id',
    // Changes of a deal are shown to those who see the deal (like its stage changes), as in `history`.
    visible: (ctx) => auditVisible(ctx, 'e'),
    load: timelineRowsById('AuditEvent', 'audit_event', 'e'),
  }],
};
