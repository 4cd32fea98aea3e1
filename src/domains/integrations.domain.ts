import { OutboxEvent } from '../entities/outbox-event.entity';
import { Migration20261230000000Outbox } from '../../migrations/Migration20261230000000Outbox';
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
  ],
  resolvers: [],
  permissions: [],
};
