import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 15, webhooks: subscriptions (owned by an ADMIN user or an INTEGRATION/PARTNER key) and their
 * deliveries, fed from the transactional outbox.
 *
 * Fan-out reads the outbox in the order of (tx_id, id): `tx_id` is the id of the transaction that wrote
 * the event. A plain bigserial cursor would skip events (ids are taken before commit, so a lower id can
 * commit after a higher one was read). Instead: every committed event above the cursor is fanned out as
 * soon as it is visible and marked in `webhook_fanned`; the cursor then moves only over events whose
 * transaction is older than the snapshot's xmin (no transaction still running can add an event below
 * it), and the marks below the cursor are dropped.
 */
export class Migration20261230000100Webhooks extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table outbox_event add column tx_id bigint not null default (pg_current_xact_id()::text::bigint);`);
    this.addSql(`create index outbox_event_tx_idx on outbox_event (tx_id, id);`);
    this.addSql(`create table webhook_subscription (
      id text primary key,
      owner_type text not null check (owner_type in ('USER', 'API_KEY')),
      owner_id text not null,
      url text not null,
      events text[] not null,
      filter jsonb not null default '{}'::jsonb,
      secret text not null,
      enabled boolean not null default true,
      disabled_reason text,
      disabled_at timestamptz(3),
      consecutive_failures int not null default 0,
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now()
    );`);
    this.addSql(`create index webhook_subscription_owner_idx on webhook_subscription (owner_type, owner_id, created_at desc, id desc);`);
    this.addSql(`create table webhook_delivery (
      id text primary key,
      seq bigserial not null unique,
      subscription_id text not null references webhook_subscription (id) on delete cascade,
      outbox_id bigint not null,
      event_id text not null,
      event_type text not null,
      body text not null,
      replay_of text references webhook_delivery (id) on delete set null,
      status text not null default 'PENDING' check (status in ('PENDING', 'SUCCEEDED', 'FAILED')),
      attempts int not null default 0,
      next_attempt_at timestamptz(3) not null default now(),
      lease_until timestamptz(3),
      last_attempt_at timestamptz(3),
      response_status int,
      duration_ms int,
      last_error text,
      delivered_at timestamptz(3),
      created_at timestamptz(3) not null default now()
    );`);
    // An event reaches a subscription once (replays are new rows with replay_of set).
    this.addSql(`create unique index webhook_delivery_event_key on webhook_delivery (subscription_id, outbox_id) where replay_of is null;`);
    // The worker's claim: the oldest PENDING delivery of each subscription.
    this.addSql(`create index webhook_delivery_pending_idx on webhook_delivery (subscription_id, seq) where status = 'PENDING';`);
    this.addSql(`create index webhook_delivery_log_idx on webhook_delivery (subscription_id, seq desc);`);
    // The fan-out position in the outbox (one row): events up to (tx_id, outbox_id) have been fanned out.
    this.addSql(`create table webhook_cursor (
      id int primary key check (id = 1),
      tx_id bigint not null,
      outbox_id bigint not null
    );`);
    this.addSql(`insert into webhook_cursor (id, tx_id, outbox_id) values (1, 0, 0);`);
    // Events above the cursor already fanned out.
    this.addSql(`create table webhook_fanned (outbox_id bigint primary key, tx_id bigint not null);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists webhook_fanned;`);
    this.addSql(`drop table if exists webhook_cursor;`);
    this.addSql(`drop table if exists webhook_delivery;`);
    this.addSql(`drop table if exists webhook_subscription;`);
    this.addSql(`drop index if exists outbox_event_tx_idx;`);
    this.addSql(`alter table outbox_event drop column if exists tx_id;`);
  }
}
