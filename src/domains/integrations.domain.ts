import { OutboxEvent } from '../entities/outbox-event.entity';
import { Migration20261230000000Outbox } from '../../migrations/Migration20261230000000Outbox';
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
  ],
  resolvers: [...webhookResolvers],
  permissions: [webhookPermissions],
  // One pass of webhook delivery (the server also runs it continuously, see startWebhookWorker).
  jobs: [{ name: 'webhooks', run: (em, now) => webhooks.deliverWebhooks(em, now) }],
};
