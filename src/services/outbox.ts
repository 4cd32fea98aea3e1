import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../auth/principal';
import { OutboxEvent } from '../entities/outbox-event.entity';
import { actorOf } from './audit.service';
import { exec, raw, sql, type Sql } from './sql';

/**
 * The business events of the API (issue 15). Each is written to the transactional outbox by the service
 * that makes the change, in its transaction; webhooks and live subscriptions are fed from there.
 * Add a type here, then call `recordEvent` where the change happens.
 */
export const EVENT_TYPES = [
  'order.created', 'order.status_changed',
  'contract.signed',
  'receivable.issued', 'receivable.overdue', 'receivable.paid',
  'credit.decided',
  'case.opened', 'case.replied', 'case.resolved', 'case.assigned',
  'customer.created', 'customer.updated', 'customer.merged',
  'points.earned', 'points.redeemed',
  'task.due',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** PostgreSQL channel the outbox trigger notifies (payload: the event's row id), on commit. */
export const OUTBOX_CHANNEL = 'crm_outbox';

export interface EventInput {
  type: EventType;
  /** GraphQL type of the record the event is about, e.g. `Order`. */
  entityType: string;
  entityId: string;
  /** The customer the record belongs to (null for records of no customer, e.g. a product). */
  customerId: string | null;
  /** What changed: ids, codes and states only (rendered for each reader by the schema, never raw). */
  data?: Record<string, unknown>;
}

/**
 * Adds an event to the unit of work: it is inserted at the next flush, in the transaction of the change
 * it reports (call it inside `inTransaction`, like `recordAudit`).
 */
export function recordEvent(em: EntityManager, principal: Principal | null, event: EventInput): OutboxEvent {
  const { actorType, actorId } = actorOf(principal);
  const row = em.create(OutboxEvent, { ...event, data: event.data ?? {}, actorType, actorId });
  em.persist(row);
  return row;
}

/**
 * Many events at once, in one statement of the current transaction (a batch of a CSV import): the
 * set-based twin of `recordEvent`, with the caller as actor.
 */
export async function recordEvents(em: EntityManager, principal: Principal | null, events: EventInput[]): Promise<void> {
  if (!events.length) return;
  const { actorType, actorId } = actorOf(principal);
  await exec(em, sql`insert into outbox_event (event_id, type, entity_type, entity_id, customer_id, actor_type, actor_id, data)
    select gen_random_uuid()::text, x.type, x."entityType", x."entityId", x."customerId", ${actorType}, ${actorId}, coalesce(x.data, '{}'::jsonb)
    from jsonb_to_recordset(${JSON.stringify(events)}::jsonb) as x(type text, "entityType" text, "entityId" text, "customerId" text, data jsonb)`);
}

/**
 * The set-based twin of `recordEvent` for jobs written as one SQL statement (the overdue job): an
 * `insert into outbox_event … select` (actor SYSTEM) to use as a data-modifying CTE of that statement, so
 * the events commit with the change. `columns` are SQL expressions over `from` (e.g. `c.id`); rows are
 * inserted in the order of the entity id.
 */
export function systemEventsSql(type: EventType, entityType: string, at: Sql, columns: { entityId: string; customerId: string; data?: string }, from: string): Sql {
  return sql`insert into outbox_event (event_id, type, entity_type, entity_id, customer_id, actor_type, actor_id, data, occurred_at)
    select gen_random_uuid()::text, ${type}, ${entityType}, ${raw(columns.entityId)}, ${raw(columns.customerId)}, 'SYSTEM', null, ${raw(columns.data ?? "'{}'::jsonb")}, ${at}
    from ${raw(from)} order by ${raw(columns.entityId)}`;
}
