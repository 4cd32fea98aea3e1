import { OutboxEvent } from '../entities/outbox-event.entity';
import { Migration20261230000000Outbox } from '../../migrations/Migration20261230000000Outbox';
import { Migration20261230000200TaskDue } from '../../migrations/Migration20261230000200TaskDue';
import { subscriptionPermissions } from '../auth/subscription.permissions';
import { SubscriptionResolver } from '../resolvers/subscription.resolver';
import { announceDueTasks } from '../services/task-due';
import { Migration20261230000100Webhooks } from '../../migrations/Migration20261230000100Webhooks';
import { webhookPermissions } from '../auth/webhook.permissions';
import { webhookResolvers } from '../resolvers/webhook.resolver';
// A namespace import read at run time: src/webhooks.ts composes the app (and so the domains), a cycle.
import * as webhooks from '../webhooks';
import type { Domain } from './domain';

/**
 * What other systems and live screens hear of the CRM (issue 15): the transactional outbox of business
 * events (services/outbox.ts), webhooks and subscriptions fed from it.
 */
export const integrationsDomain: Domain = {
  name: 'integrations',
  entities: [OutboxEvent],
  migrations: [
    { name: 'Migration20261230000000Outbox', class: Migration20261230000000Outbox },
    { name: 'Migration20261230000100Webhooks', class: Migration20261230000100Webhooks },
    { name: 'Migration20261230000200TaskDue', class: Migration20261230000200TaskDue },
  ],
  resolvers: [SubscriptionResolver, ...webhookResolvers],
  permissions: [subscriptionPermissions, webhookPermissions],
  jobs: [
    // Every 30 s, once across instances like every job (src/jobs/run-once.ts): live `taskDue` waits at most that.
    { name: 'taskDue', everyMs: 30_000, run: (em, now) => announceDueTasks(em, now) },
    // One pass of webhook delivery (the server also runs it continuously, see startWebhookWorker).
    { name: 'webhooks', run: (em, now) => webhooks.deliverWebhooks(em, now) },
  ],
};
