import { Role } from '../entities/enums';
import type { PermissionMap } from './permission-map';
import { anyOf, hasScope, isRole, reachable } from './rules';

/**
 * Webhooks: ADMIN users, and API keys (INTEGRATION or PARTNER) with the `webhooks:manage` scope, each for
 * the subscriptions it owns (ADMIN: all; the service scopes the rows). The scope grants no data: what a
 * key's subscription receives is rendered as a read by the key, so its other scopes decide the content.
 */
export const managesWebhooks = anyOf(isRole(Role.ADMIN), hasScope('webhooks:manage'));

export const webhookPermissions: PermissionMap = {
  Query: { webhookSubscriptions: managesWebhooks, webhookDeliveries: managesWebhooks },
  Mutation: {
    createWebhookSubscription: managesWebhooks, updateWebhookSubscription: managesWebhooks,
    deleteWebhookSubscription: managesWebhooks, replayWebhookDelivery: managesWebhooks,
  },
  WebhookSubscription: { '*': reachable },
  WebhookFilter: { '*': reachable },
  WebhookDelivery: { '*': reachable },
  WebhookSubscriptionConnection: { '*': reachable },
  WebhookSubscriptionEdge: { '*': reachable },
  WebhookDeliveryConnection: { '*': reachable },
  WebhookDeliveryEdge: { '*': reachable },
  CreateWebhookSubscriptionPayload: { '*': reachable },
  WebhookSubscriptionPayload: { '*': reachable },
  WebhookDeliveryPayload: { '*': reachable },
};
