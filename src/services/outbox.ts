import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../auth/principal';
import { OutboxEvent } from '../entities/outbox-event.entity';
import { actorOf } from './audit.service';

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
