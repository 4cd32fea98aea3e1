import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/**
 * One business event in the transactional outbox (table `outbox_event`). Written through the unit of
 * work (`recordEvent`), so it commits or rolls back with the change it reports. Not a GraphQL type:
 * webhooks and subscriptions render what a reader may see of the record, never this row as such.
 */
@Entity({ tableName: 'outbox_event' })
export class OutboxEvent {
  [OptionalProps]?: 'id' | 'eventId' | 'occurredAt' | 'data' | 'customerId' | 'actorId';

  /** Commit-independent order of insertion (bigserial); read as a string. */
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  /** The id receivers dedupe on (UUID): the same event delivered twice carries the same id. */
  @Property({ type: 'text' })
  eventId: string = randomUUID();

  /** `order.created`, `case.replied`, …: see `EventType` in services/outbox.ts. */
  @Property({ type: 'text' })
  type!: string;

  @Property({ type: 'text' })
  entityType!: string;

  @Property({ type: 'text' })
  entityId!: string;

  @Property({ type: 'text', nullable: true })
  customerId: string | null = null;

  @Property({ type: 'text' })
  actorType!: string;

  @Property({ type: 'text', nullable: true })
  actorId: string | null = null;

  /** What changed (e.g. `{ "from": "NEW", "to": "CONFIRMED" }`); ids and codes only, never a field a reader might not see. */
  @Property({ type: 'jsonb' })
  data: Record<string, unknown> = {};

  @Property({ type: 'timestamptz', length: 3 })
  occurredAt: Date = new Date();
}
