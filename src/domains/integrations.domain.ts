import { OutboxEvent } from '../entities/outbox-event.entity';
import { Migration20261230000000Outbox } from '../../migrations/Migration20261230000000Outbox';
import { Migration20261230000200TaskDue } from '../../migrations/Migration20261230000200TaskDue';
import { subscriptionPermissions } from '../auth/subscription.permissions';
import { SubscriptionResolver } from '../resolvers/subscription.resolver';
import { announceDueTasks } from '../services/task-due';
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
    { name: 'Migration20261230000200TaskDue', class: Migration20261230000200TaskDue },
  ],
  resolvers: [SubscriptionResolver],
  permissions: [subscriptionPermissions],
  // Also ticked every TASK_DUE_TICK_MS by instances serving WebSockets (src/realtime/ws-server.ts).
  jobs: [{ name: 'taskDue', run: (em, now) => announceDueTasks(em, now) }],
};
