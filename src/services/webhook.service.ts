import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Principal } from '../auth/principal';
import { Role } from '../entities/enums';
import type { ServiceContext } from './context';
import { NotFoundError, userError, type UserError } from './errors';
import { EVENT_TYPES } from './outbox';
import { keysetSql, lazyCount, orderSql, pageRequest, toConnection, type ConnectionArgs, type SortKey } from './pagination';
import { FALSE, TRUE, limitSql, raw, rows, sql, textArray, type Sql } from './sql';
import { checkWebhookUrl, type UrlRules } from './webhook-url';
import { ID, parseInput, type InputOf } from './validation';

/**
 * Webhook subscriptions (issue 15): an ADMIN user or an INTEGRATION/PARTNER key subscribes a URL to event
 * types; the caller owns the subscription, and every event it receives is rendered as a read by its owner
 * (services/webhook-delivery.ts). An owner sees and manages its own subscriptions; ADMIN users all of
 * them (to re-enable one that was disabled, or remove a partner's). The secret that signs the
 * deliveries is returned once, at creation.
 */

/** The event types a webhook can subscribe to (the live-only ones, `case.assigned` and `task.due`, are for subscriptions over WebSocket). */
export const WEBHOOK_EVENT_TYPES = EVENT_TYPES.filter((t) => t !== 'case.assigned' && t !== 'task.due');

export interface WebhookSubscriptionRow {
  id: string;
  ownerType: 'USER' | 'API_KEY';
  ownerId: string;
  url: string;
  events: string[];
  filter: { customerIds?: string[] };
  enabled: boolean;
  disabledReason: string | null;
  disabledAt: Date | null;
  consecutiveFailures: number;
  createdAt: Date;
  updatedAt: Date;
}

export type WebhookDeliveryStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED';

export interface WebhookDeliveryRow {
  id: string;
  seq: string;
  subscriptionId: string;
  eventId: string;
  eventType: string;
  body: string;
  replayOf: string | null;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  lastAttemptAt: Date | null;
  responseStatus: number | null;
  durationMs: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

const SUBSCRIPTION_COLUMNS = sql`s.id, s.owner_type as "ownerType", s.owner_id as "ownerId", s.url, s.events, s.filter, s.enabled,
  s.disabled_reason as "disabledReason", s.disabled_at as "disabledAt", s.consecutive_failures as "consecutiveFailures",
  s.created_at as "createdAt", s.updated_at as "updatedAt"`;

const DELIVERY_COLUMNS = sql`d.id, d.seq::text as seq, d.subscription_id as "subscriptionId", d.event_id as "eventId", d.event_type as "eventType",
  d.body, d.replay_of as "replayOf", d.status, d.attempts, case when d.status = 'PENDING' then d.next_attempt_at end as "nextAttemptAt",
  d.last_attempt_at as "lastAttemptAt", d.response_status as "responseStatus", d.duration_ms as "durationMs", d.last_error as "lastError",
  d.delivered_at as "deliveredAt", d.created_at as "createdAt"`;

/** The subscriptions the caller may see and manage: its own; every one for an ADMIN user. */
function manageable(principal: Principal, alias = 's'): Sql {
  if (principal.type === 'USER' && principal.role === Role.ADMIN) return TRUE;
  if (principal.type === 'USER' || (principal.role !== Role.INTEGRATION && principal.role !== Role.PARTNER)) return FALSE;
  return sql`(${raw(alias)}.owner_type = ${principal.type} and ${raw(alias)}.owner_id = ${principal.id})`;
}

const Events = z.array(z.string()).min(1, 'Subscribe to at least one event type.').max(WEBHOOK_EVENT_TYPES.length)
  .superRefine((events, ctx) => events.forEach((e, i) => {
    if (!(WEBHOOK_EVENT_TYPES as readonly string[]).includes(e)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: [i], message: `Unknown event type "${e}"; known: ${WEBHOOK_EVENT_TYPES.join(', ')}.` });
    }
  }));
const Filter = z.object({ customerIds: z.array(ID('cus')).max(100, 'At most 100 customers.').nullish() }).nullish();
const Url = z.string().trim().min(1, 'Give the URL to deliver to.').max(2000, 'At most 2000 characters.');

const CreateSubscription = z.object({ url: Url, events: Events, filter: Filter });
const UpdateSubscription = z.object({ id: ID('whs'), url: Url.nullish(), events: Events.nullish(), filter: Filter, enabled: z.boolean().nullish() });
export type CreateWebhookSubscriptionInput = InputOf<typeof CreateSubscription>;
export type UpdateWebhookSubscriptionInput = InputOf<typeof UpdateSubscription>;

export interface WebhookSubscriptionPayload { subscription: WebhookSubscriptionRow | null; errors: UserError[] }

const newId = (prefix: string) => `${prefix}_${randomUUID().replaceAll('-', '')}`;

async function urlErrors(url: string, rules: UrlRules): Promise<UserError[]> {
  const problem = await checkWebhookUrl(url, rules);
  return problem ? [userError('VALIDATION', problem, ['input', 'url'])] : [];
}

const filterJson = (filter: z.infer<typeof Filter>) => JSON.stringify(filter?.customerIds?.length ? { customerIds: [...new Set(filter.customerIds)] } : {});

async function subscriptionsByIds(ctx: ServiceContext, ids: readonly string[]): Promise<WebhookSubscriptionRow[]> {
  if (!ids.length) return [];
  return rows<WebhookSubscriptionRow>(ctx.em, sql`select ${SUBSCRIPTION_COLUMNS} from webhook_subscription s
    where s.id = any(${textArray([...ids])}) and ${manageable(ctx.principal)}`);
}

/** Subscribes the caller's URL; returns the subscription and, this once, its signing secret. */
export async function createWebhookSubscription(ctx: ServiceContext, input: CreateWebhookSubscriptionInput, rules: UrlRules) {
  const parsed = parseInput(CreateSubscription, input);
  if (!parsed.ok) return { subscription: null, secret: null, errors: parsed.errors };
  const data = parsed.data;
  const errors = await urlErrors(data.url, rules);
  if (errors.length) return { subscription: null, secret: null, errors };
  const id = newId('whs');
  const secret = `whsec_${randomBytes(32).toString('base64url')}`;
  await rows(ctx.em, sql`insert into webhook_subscription (id, owner_type, owner_id, url, events, filter, secret)
    values (${id}, ${ctx.principal.type}, ${ctx.principal.id}, ${data.url}, ${textArray([...new Set(data.events)])}, ${filterJson(data.filter)}::jsonb, ${secret})`);
  const [subscription] = await subscriptionsByIds(ctx, [id]);
  return { subscription, secret, errors: [] };
}

/** Changes the URL, events or filter, or disables / re-enables (which clears the failure count and the notice). */
export async function updateWebhookSubscription(ctx: ServiceContext, input: UpdateWebhookSubscriptionInput, rules: UrlRules): Promise<WebhookSubscriptionPayload> {
  const parsed = parseInput(UpdateSubscription, input);
  if (!parsed.ok) return { subscription: null, errors: parsed.errors };
  const data = parsed.data;
  const [found] = await subscriptionsByIds(ctx, [data.id]);
  if (!found) return { subscription: null, errors: [userError('NOT_FOUND', 'Webhook subscription not found.', ['input', 'id'])] };
  if (data.url) {
    const errors = await urlErrors(data.url, rules);
    if (errors.length) return { subscription: null, errors };
  }
  const enabled = data.enabled ?? null;
  await rows(ctx.em, sql`update webhook_subscription set
      url = coalesce(${data.url ?? null}, url),
      events = coalesce(${data.events ? textArray([...new Set(data.events)]) : null}, events),
      filter = ${data.filter !== undefined ? sql`${filterJson(data.filter)}::jsonb` : sql`filter`},
      enabled = coalesce(${enabled}::boolean, enabled),
      disabled_reason = case when ${enabled}::boolean is null then disabled_reason when ${enabled}::boolean then null else 'Disabled by its owner.' end,
      disabled_at = case when ${enabled}::boolean is null then disabled_at when ${enabled}::boolean then null else now() end,
      consecutive_failures = case when ${enabled}::boolean then 0 else consecutive_failures end,
      updated_at = now()
    where id = ${data.id}`);
  const [subscription] = await subscriptionsByIds(ctx, [data.id]);
  return { subscription, errors: [] };
}

/** Removes the subscription and its delivery log; nothing more is sent to it. */
export async function deleteWebhookSubscription(ctx: ServiceContext, id: string): Promise<WebhookSubscriptionPayload> {
  const [found] = ID('whs').safeParse(id).success ? await subscriptionsByIds(ctx, [id]) : [];
  if (!found) return { subscription: null, errors: [userError('NOT_FOUND', 'Webhook subscription not found.', ['input', 'id'])] };
  await rows(ctx.em, sql`delete from webhook_subscription where id = ${id}`);
  return { subscription: found, errors: [] };
}

const SUBSCRIPTION_KEYS: SortKey<WebhookSubscriptionRow>[] = [
  { expr: 's.created_at', dir: 'DESC', get: (r) => r.createdAt },
  { expr: 's.id', dir: 'DESC', get: (r) => r.id },
];

export async function listWebhookSubscriptions(ctx: ServiceContext, args: ConnectionArgs) {
  const req = pageRequest(args, 'webhookSubscriptions');
  const scope = manageable(ctx.principal);
  const fetched = await rows<WebhookSubscriptionRow>(ctx.em, sql`select ${SUBSCRIPTION_COLUMNS} from webhook_subscription s
    where ${scope} and ${keysetSql(SUBSCRIPTION_KEYS, req.cursor, req.backward)}
    order by ${orderSql(SUBSCRIPTION_KEYS, req.backward)} limit ${limitSql(req.limit + 1)}`);
  const count = lazyCount(async () => (await rows<{ n: number }>(ctx.em, sql`select count(*)::int as n from webhook_subscription s where ${scope}`))[0].n);
  return toConnection(fetched, req, SUBSCRIPTION_KEYS, 'webhookSubscriptions', count);
}

const DELIVERY_KEYS: SortKey<WebhookDeliveryRow>[] = [{ expr: 'd.seq', dir: 'DESC', get: (r) => r.seq }];

/** The delivery log of one subscription, newest first; NOT_FOUND for a subscription the caller may not manage. */
export async function listWebhookDeliveries(ctx: ServiceContext, subscriptionId: string, args: ConnectionArgs) {
  const req = pageRequest(args, `webhookDeliveries:${subscriptionId}`);
  const [found] = ID('whs').safeParse(subscriptionId).success ? await subscriptionsByIds(ctx, [subscriptionId]) : [];
  if (!found) throw new NotFoundError('Webhook subscription');
  const fetched = await rows<WebhookDeliveryRow>(ctx.em, sql`select ${DELIVERY_COLUMNS} from webhook_delivery d
    where d.subscription_id = ${subscriptionId} and ${keysetSql(DELIVERY_KEYS, req.cursor, req.backward)}
    order by ${orderSql(DELIVERY_KEYS, req.backward)} limit ${limitSql(req.limit + 1)}`);
  const count = lazyCount(async () => (await rows<{ n: number }>(ctx.em, sql`select count(*)::int as n from webhook_delivery d where d.subscription_id = ${subscriptionId}`))[0].n);
  return toConnection(fetched, req, DELIVERY_KEYS, `webhookDeliveries:${subscriptionId}`, count);
}

export interface WebhookDeliveryPayload { delivery: WebhookDeliveryRow | null; errors: UserError[] }

/**
 * Sends a delivery again: a new delivery (same event id and body, `replayOf` the original) at the end of
 * the subscription's queue, due now. The receiver dedupes by the event id if it had it already.
 */
export async function replayWebhookDelivery(ctx: ServiceContext, id: string): Promise<WebhookDeliveryPayload> {
  const [original] = ID('whd').safeParse(id).success ? await rows<{ id: string; subscriptionId: string }>(ctx.em, sql`select d.id, d.subscription_id as "subscriptionId"
    from webhook_delivery d join webhook_subscription s on s.id = d.subscription_id where d.id = ${id} and ${manageable(ctx.principal)}`) : [];
  if (!original) return { delivery: null, errors: [userError('NOT_FOUND', 'Webhook delivery not found.', ['input', 'id'])] };
  const copy = newId('whd');
  await rows(ctx.em, sql`insert into webhook_delivery (id, subscription_id, outbox_id, event_id, event_type, body, replay_of, next_attempt_at)
    select ${copy}, d.subscription_id, d.outbox_id, d.event_id, d.event_type, d.body, d.id, now() from webhook_delivery d where d.id = ${id}`);
  const [delivery] = await rows<WebhookDeliveryRow>(ctx.em, sql`select ${DELIVERY_COLUMNS} from webhook_delivery d where d.id = ${copy}`);
  return { delivery, errors: [] };
}

export { newId as newWebhookId };
