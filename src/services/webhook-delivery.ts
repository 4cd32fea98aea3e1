import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { EntityManager } from '@mikro-orm/postgresql';
import { hasScope, type Principal } from '../auth/principal';
import { Role } from '../entities/enums';
import { apiKeyPrincipalById } from './api-key.service';
import { userPrincipal } from './user.service';
import { newWebhookId } from './webhook.service';
import { SIGNATURE_HEADER, signWebhook } from './webhook-signature';
import { resolveChecked, urlProblem, type UrlRules } from './webhook-url';
import { rows, sql, textArray } from './sql';

/**
 * The webhook delivery worker (issue 15). A pass has two steps, each safe to run on several instances
 * at once:
 *
 * 1. Fan-out: outbox events after the cursor (in the order of their transactions, see the migration)
 *    become one `webhook_delivery` per enabled subscription that wants the event type (and customer, by
 *    its filter), created before the event. The body is rendered now, once, as a read by the
 *    subscription's owner (`render`: the record through the real schema, with the owner's record scope
 *    and field rules); a record its owner cannot read gives no delivery. Retries resend this same body.
 *    The cursor row is locked `for update skip locked`: one instance fans out at a time, the others skip.
 * 2. Delivery: the oldest PENDING delivery of each subscription ("in order per subscription": the next
 *    waits until the earlier one succeeded or was given up) that is due and not leased is claimed with
 *    `for update skip locked` and leased (attempts + 1) in a short transaction, then POSTed, then its
 *    outcome recorded. A worker that dies in between leaves the lease; when it expires another pass sends
 *    the same body again (at-least-once: receivers dedupe by the event `id`).
 */

/** Renders the event's record as `owner` would read it; null when the owner cannot see it. */
export type RenderRecord = (em: EntityManager, owner: Principal, event: OutboxRow) => Promise<Record<string, unknown> | null>;

export interface OutboxRow {
  id: string;
  txId: string;
  eventId: string;
  type: string;
  entityType: string;
  entityId: string;
  customerId: string | null;
  data: Record<string, unknown>;
  occurredAt: Date;
}

export interface WebhookWorkerOptions {
  render: RenderRecord;
  /** Per request, ms. */
  timeoutMs: number;
  /** Failures in a row that disable a subscription. */
  maxFailures: number;
  rules: UrlRules;
  /** Aborting drops the pass as a killed process would: requests in flight are cut and their outcome is not recorded. */
  signal?: AbortSignal;
}

/** How long a delivery is retried: 3 days after it was created. */
export const RETRY_WINDOW_MS = 3 * 24 * 3600 * 1000;
const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 6 * 3600 * 1000;
/** A claimed attempt is leased for the timeout plus this margin; after that another worker may send it again. */
const LEASE_MARGIN_MS = 30_000;

/**
 * The pause before the next attempt after `attempts` failed ones: 30 s doubling each time (30 s, 1 min,
 * 2 min, … capped at 6 h), times a random jitter of 0.75–1.25 so that receivers coming back up are not
 * hit by every sender at once.
 */
export function retryDelayMs(attempts: number, random: number = Math.random()): number {
  const base = Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), MAX_RETRY_MS);
  return Math.round(base * (0.75 + random * 0.5));
}

// ------------------------------------------------------------------------------------------- fan-out

interface SubscriptionRow { id: string; ownerType: 'USER' | 'API_KEY'; ownerId: string; events: string[]; filter: { customerIds?: string[] }; createdAt: Date }

/** The owner as a caller, or null when it can no longer call (user deactivated or no longer ADMIN, key revoked or expired): it then gets nothing. */
async function ownerPrincipal(em: EntityManager, sub: SubscriptionRow): Promise<Principal | null> {
  if (sub.ownerType === 'USER') {
    // Only ADMIN users own subscriptions: one whose user is no longer ADMIN (or no longer active) falls silent.
    const user = await userPrincipal(em, sub.ownerId);
    return user?.role === Role.ADMIN ? user : null;
  }
  const principal = await apiKeyPrincipalById(em, sub.ownerId);
  // A key without `webhooks:manage` (any longer) falls silent like a user who is no longer ADMIN.
  return principal && hasScope(principal, 'webhooks:manage') ? principal : null;
}

/** One batch of fan-out; returns how many deliveries it created (-1: another instance holds the cursor). */
async function fanOutEvents(em: EntityManager, opts: Pick<WebhookWorkerOptions, 'render'>, batch = 200): Promise<{ events: number; deliveries: number }> {
  return em.transactional(async (tx) => {
    const txEm = tx as EntityManager;
    const [cursor] = await rows<{ txId: string; outboxId: string }>(txEm, sql`select c.tx_id::text as "txId", c.outbox_id::text as "outboxId"
      from webhook_cursor c where c.id = 1 for update skip locked`);
    if (!cursor) return { events: 0, deliveries: 0 };
    // Every committed event above the cursor not fanned out yet (see the migration).
    const events = await rows<OutboxRow>(txEm, sql`select e.id::text as id, e.tx_id::text as "txId", e.event_id as "eventId", e.type,
        e.entity_type as "entityType", e.entity_id as "entityId", e.customer_id as "customerId", e.data, e.occurred_at as "occurredAt"
      from outbox_event e
      where (e.tx_id, e.id) > (${cursor.txId}::bigint, ${cursor.outboxId}::bigint)
        and not exists (select 1 from webhook_fanned f where f.outbox_id = e.id)
      order by e.tx_id, e.id limit ${batch}`);
    if (!events.length) {
      await advanceCursor(txEm);
      return { events: 0, deliveries: 0 };
    }
    const subs = await rows<SubscriptionRow>(txEm, sql`select s.id, s.owner_type as "ownerType", s.owner_id as "ownerId", s.events, s.filter,
        s.created_at as "createdAt" from webhook_subscription s
      where s.enabled and s.events && ${textArray([...new Set(events.map((e) => e.type))])} order by s.id`);
    const owners = new Map<string, Promise<Principal | null>>();
    // An owner with several matching subscriptions: the record is rendered for it once per event.
    const renders = new Map<string, Promise<unknown>>();
    const made: { id: string; subscriptionId: string; outboxId: string; eventId: string; eventType: string; body: string }[] = [];
    for (const event of events) {
      for (const sub of subs) {
        if (!sub.events.includes(event.type) || new Date(sub.createdAt) > new Date(event.occurredAt)) continue;
        // Webhooks hear of PUBLIC replies only (an INTERNAL note is no news for the customer's side); the
        // outbox has every comment, for live subscribers who may read internal notes.
        if (event.type === 'case.replied' && event.data.visibility !== 'PUBLIC') continue;
        if (sub.filter.customerIds?.length && !sub.filter.customerIds.includes(event.customerId ?? '')) continue;
        const key = `${sub.ownerType}:${sub.ownerId}`;
        if (!owners.has(key)) owners.set(key, ownerPrincipal(txEm, sub));
        const owner = await owners.get(key)!;
        if (!owner) continue;
        if (!renders.has(`${key}:${event.id}`)) renders.set(`${key}:${event.id}`, opts.render(txEm, owner, event));
        const record = await renders.get(`${key}:${event.id}`);
        if (!record) continue; // the owner cannot read the record: it hears nothing of it
        const body = JSON.stringify({ id: event.eventId, type: event.type, occurredAt: new Date(event.occurredAt).toISOString(), data: event.data, record });
        made.push({ id: newWebhookId('whd'), subscriptionId: sub.id, outboxId: event.id, eventId: event.eventId, eventType: event.type, body });
      }
    }
    // The batch's deliveries in one statement.
    const inserted = made.length ? await rows(txEm, sql`insert into webhook_delivery (id, subscription_id, outbox_id, event_id, event_type, body, next_attempt_at)
        select x.id, x."subscriptionId", x."outboxId"::bigint, x."eventId", x."eventType", x.body, now()
        from jsonb_to_recordset(${JSON.stringify(made)}::jsonb) as x(id text, "subscriptionId" text, "outboxId" text, "eventId" text, "eventType" text, body text)
        order by x."outboxId"::bigint, x."subscriptionId"
      on conflict (subscription_id, outbox_id) where replay_of is null do nothing returning 1 as x`) : [];
    const deliveries = inserted.length;
    await rows(txEm, sql`insert into webhook_fanned (outbox_id, tx_id)
      select unnest(${textArray(events.map((e) => e.id))})::bigint, unnest(${textArray(events.map((e) => e.txId))})::bigint`);
    return { events: events.length, deliveries };
  });
}

/**
 * Moves the cursor over the fanned-out events whose transaction is older than every transaction still
 * running (nothing can be added below them any more), and drops their marks. Called when a batch found
 * nothing left to fan out, so every visible event above the cursor is marked.
 */
async function advanceCursor(em: EntityManager): Promise<void> {
  await rows(em, sql`with final as (
      select f.tx_id, f.outbox_id from webhook_fanned f
      where f.tx_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
      order by f.tx_id desc, f.outbox_id desc limit 1
    ),
    moved as (
      update webhook_cursor c set tx_id = final.tx_id, outbox_id = final.outbox_id from final where c.id = 1 returning c.tx_id, c.outbox_id
    )
    delete from webhook_fanned f using moved m where (f.tx_id, f.outbox_id) <= (m.tx_id, m.outbox_id)`);
}

// ------------------------------------------------------------------------------------------- delivery

interface Claimed { id: string; subscriptionId: string; url: string; secret: string; body: string; attempts: number; createdAt: Date }

export interface AttemptOutcome {
  /** HTTP status of the answer; null when there was none (timeout, refused, blocked address). */
  status: number | null;
  durationMs: number;
  error: string | null;
}

/** POSTs `body` once: no redirects followed (a 3xx is a failure), a hard timeout, only to checked addresses. */
function postWebhook(url: string, body: string, headers: Record<string, string>, opts: { timeoutMs: number; rules: UrlRules; signal?: AbortSignal }): Promise<AttemptOutcome> {
  const started = process.hrtime.bigint();
  const elapsed = () => Math.round(Number(process.hrtime.bigint() - started) / 1e6);
  const problem = urlProblem(url, opts.rules);
  if (problem) return Promise.resolve({ status: null, durationMs: 0, error: problem });
  const target = new URL(url);
  // Connect only to addresses resolved and checked now (a name that resolves elsewhere later is refused too).
  const lookup: LookupFunction = (host, options, callback) => {
    resolveChecked(host, opts.rules).then((found) => {
      if (options.all) (callback as (e: null, a: typeof found) => void)(null, found);
      else callback(null, found[0].address, found[0].family);
    }, (error: NodeJS.ErrnoException) => callback(error, '', 0));
  };
  return new Promise((resolve) => {
    let settled = false;
    const done = (outcome: Omit<AttemptOutcome, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...outcome, durationMs: elapsed() });
    };
    const req = (target.protocol === 'https:' ? https : http).request(target, {
      method: 'POST', agent: false, lookup, signal: opts.signal,
      headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'crm-webhooks/1' },
    }, (res) => {
      res.resume(); // the answer's body is not used
      const status = res.statusCode ?? 0;
      const ok = status >= 200 && status < 300;
      done({ status, error: ok ? null : status >= 300 && status < 400 ? `Redirect (${status}) not followed: give the final URL.` : `HTTP ${status}` });
    });
    const timer = setTimeout(() => {
      done({ status: null, error: `No answer within ${opts.timeoutMs} ms.` });
      req.destroy();
    }, opts.timeoutMs);
    req.on('error', (error) => done({ status: null, error: error.message.slice(0, 500) }));
    req.end(body);
  });
}

/** Claims up to `limit` due deliveries (the head of each subscription's queue) and leases them. */
async function claimDue(em: EntityManager, now: Date, leaseMs: number, limit: number): Promise<Claimed[]> {
  // Due by the worker's clock or the database's, whichever is later: rows created with the database's now() are due at once.
  const at = sql`${now.toISOString()}::timestamptz`;
  return em.transactional((tx) => rows<Claimed>(tx as EntityManager, sql`
    with heads as (
      select d.id from webhook_delivery d join webhook_subscription s on s.id = d.subscription_id
      where s.enabled and d.status = 'PENDING' and d.next_attempt_at <= greatest(${at}, now()) and (d.lease_until is null or d.lease_until <= ${at})
        and not exists (select 1 from webhook_delivery e where e.subscription_id = d.subscription_id and e.status = 'PENDING' and e.seq < d.seq)
      order by d.seq limit ${limit}
      for update of d skip locked
    )
    update webhook_delivery d set attempts = d.attempts + 1, lease_until = ${at} + ${`${leaseMs} milliseconds`}::interval, last_attempt_at = ${at}
    from heads h, webhook_subscription s
    where d.id = h.id and s.id = d.subscription_id
    returning d.id, d.subscription_id as "subscriptionId", s.url, s.secret, d.body, d.attempts, d.created_at as "createdAt"`));
}

/** Records an attempt's outcome (only if the lease is still this attempt's), and disables the subscription when it must. */
async function recordOutcome(em: EntityManager, claimed: Claimed, outcome: AttemptOutcome, now: Date, maxFailures: number): Promise<'SUCCEEDED' | 'RETRY' | 'FAILED'> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const succeeded = outcome.status !== null && outcome.status >= 200 && outcome.status < 300;
  const gone = outcome.status === 410;
  const next = new Date(now.getTime() + retryDelayMs(claimed.attempts));
  const giveUp = gone || next.getTime() > new Date(claimed.createdAt).getTime() + RETRY_WINDOW_MS;
  const status = succeeded ? 'SUCCEEDED' : giveUp ? 'FAILED' : 'PENDING';
  await em.transactional(async (tx) => {
    const txEm = tx as EntityManager;
    const updated = await rows(txEm, sql`update webhook_delivery set status = ${status}, lease_until = null,
        next_attempt_at = ${status === 'PENDING' ? next.toISOString() : now.toISOString()}::timestamptz,
        response_status = ${outcome.status}::int, duration_ms = ${outcome.durationMs}::int, last_error = ${outcome.error},
        delivered_at = ${succeeded ? now.toISOString() : null}::timestamptz
      where id = ${claimed.id} and attempts = ${claimed.attempts} and status = 'PENDING' returning 1 as x`);
    if (!updated.length) return; // our lease expired and another worker took the delivery over
    if (succeeded) {
      await rows(txEm, sql`update webhook_subscription set consecutive_failures = 0 where id = ${claimed.subscriptionId} and consecutive_failures <> 0`);
      return;
    }
    const reason = gone
      ? `Disabled at ${now.toISOString()}: the receiver answered 410 Gone. Fix the receiver, then re-enable (updateWebhookSubscription enabled: true).`
      : `Disabled at ${now.toISOString()} after ${maxFailures} failed deliveries in a row (last: ${outcome.error ?? 'error'}). Fix the receiver, then re-enable (updateWebhookSubscription enabled: true).`;
    await rows(txEm, sql`update webhook_subscription s set consecutive_failures = s.consecutive_failures + 1,
        enabled = case when ${gone} or s.consecutive_failures + 1 >= ${maxFailures} then false else s.enabled end,
        disabled_reason = case when ${gone} or s.consecutive_failures + 1 >= ${maxFailures} then ${reason} else s.disabled_reason end,
        disabled_at = case when ${gone} or s.consecutive_failures + 1 >= ${maxFailures} then ${at} else s.disabled_at end,
        updated_at = ${at}
      where s.id = ${claimed.subscriptionId}`);
  });
  return succeeded ? 'SUCCEEDED' : giveUp ? 'FAILED' : 'RETRY';
}

export interface DeliveryPassResult { fannedOut: number; attempted: number; succeeded: number; retrying: number; failed: number }

/**
 * One pass of the worker at `now`: fan out every final event, then attempt every due delivery (the head
 * of each subscription, again while heads succeed within the pass). Returns counts.
 */
export async function runDeliveryPass(em: EntityManager, now: Date, opts: WebhookWorkerOptions): Promise<DeliveryPassResult> {
  const result: DeliveryPassResult = { fannedOut: 0, attempted: 0, succeeded: 0, retrying: 0, failed: 0 };
  for (;;) {
    const step = await fanOutEvents(em, opts);
    result.fannedOut += step.deliveries;
    if (!step.events || opts.signal?.aborted) break;
  }
  const leaseMs = opts.timeoutMs + LEASE_MARGIN_MS;
  for (let round = 0; round < 100 && !opts.signal?.aborted; round++) {
    const claimed = await claimDue(em, now, leaseMs, 50);
    if (!claimed.length) break;
    let progressed = false;
    await Promise.all(claimed.map(async (c) => {
      const timestamp = Math.floor(Date.now() / 1000);
      const outcome = await postWebhook(c.url, c.body, { [SIGNATURE_HEADER]: signWebhook(c.secret, c.body, timestamp) }, { ...opts });
      if (opts.signal?.aborted) return; // "killed": the lease stays, another pass sends it again
      result.attempted++;
      const state = await recordOutcome(em, c, outcome, now, opts.maxFailures);
      if (state === 'SUCCEEDED') { result.succeeded++; progressed = true; } else if (state === 'FAILED') { result.failed++; progressed = true; } else result.retrying++;
    }));
    // Only a success or a give-up frees the next delivery of a subscription in this pass.
    if (!progressed) break;
  }
  return result;
}
