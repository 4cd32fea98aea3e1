import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 15, the transactional outbox: every business event (an order confirmed, a receivable overdue, a
 * case answered, …) is a row written in the same transaction as the change it reports, so no event is
 * lost and none exists for a rolled-back change. Webhook delivery and live subscriptions both read it.
 * A trigger sends `pg_notify('crm_outbox', id)` per row; PostgreSQL delivers notifications only on
 * commit, so listeners (on every instance) hear of committed events only.
 */
export class Migration20261230000000Outbox extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table outbox_event (
      id bigserial primary key,
      event_id text not null unique,
      type text not null check (type ~ '^[a-z_]+\\.[a-z_]+$'),
      entity_type text not null,
      entity_id text not null,
      customer_id text,
      actor_type text not null,
      actor_id text,
      data jsonb not null default '{}'::jsonb,
      occurred_at timestamptz(3) not null default now()
    );`);
    this.addSql(`create index outbox_event_occurred_idx on outbox_event (occurred_at);`);
    this.addSql(`create index outbox_event_entity_idx on outbox_event (entity_id, id);`);
    this.addSql(`create function outbox_event_notify() returns trigger language plpgsql as $$
      begin perform pg_notify('crm_outbox', new.id::text); return null; end $$;`);
    this.addSql(`create trigger outbox_event_notify after insert on outbox_event for each row execute function outbox_event_notify();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists outbox_event;`);
    this.addSql(`drop function if exists outbox_event_notify();`);
  }
}
