import { Role } from '../entities/enums';
import type { PermissionMap } from './permission-map';
import { anyOf, isRole, reachable, type Policy } from './rules';

/**
 * Webhooks: ADMIN users, and API keys (INTEGRATION or PARTNER), each for the subscriptions it owns
 * (ADMIN: all; the service scopes the rows). No scope is needed: what a key's subscription receives is
 * what the key could read anyway, since every payload is rendered as a read by the key.
 */
const anApiKey: Policy = {
  name: 'apiKey', perRecord: false, check: (p) => p.type === 'API_KEY' && (p.role === Role.INTEGRATION || p.role === Role.PARTNER),
  decide: (p) => p.type === 'API_KEY' && (p.role === Role.INTEGRATION || p.role === Role.PARTNER),
  needs: { USER: null, API_KEY: 'an INTEGRATION or PARTNER key' },
};

export const managesWebhooks = anyOf(isRole(Role.ADMIN), anApiKey);

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
