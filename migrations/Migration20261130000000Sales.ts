import { Migration } from '@mikro-orm/migrations';

const values = (items: string[]) => items.map((v) => `'${v}'`).join(', ');
const STAGES = ['PROSPECTING', 'QUALIFICATION', 'NEEDS_ANALYSIS', 'PROPOSAL', 'NEGOTIATION', 'WON', 'LOST'];

/** Activities, tasks, campaigns, leads, opportunities with stage history, quotes. */
export class Migration20261130000000Sales extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table customer add column last_contacted_at timestamptz(3);`);

    this.addSql(`create table campaign (
      id text primary key,
      name text not null,
      channel text not null check (channel in (${values(['EMAIL', 'SMS', 'SOCIAL', 'WEB', 'EVENT', 'PRINT', 'TELEMARKETING', 'PARTNER', 'OTHER'])})),
      budget numeric(18, 2) check (budget >= 0),
      currency text not null default 'EUR' check (currency ~ '^[A-Z]{3}$'),
      starts_on date not null,
      ends_on date not null,
      goal text,
      status text not null default 'PLANNED' check (status in ('PLANNED', 'ACTIVE', 'COMPLETED', 'CANCELLED')),
      owner_id text not null references app_user (id),
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      version integer not null default 1,
      check (ends_on >= starts_on)
    );`);
    this.addSql(`create index campaign_created_idx on campaign (created_at, id);`);

    this.addSql(`create table lead (
      id text primary key,
      first_name text not null,
      last_name text not null,
      company text,
      title text,
      email text,
      phone text,
      source text not null check (source in (${values(['WEB', 'CAMPAIGN', 'REFERRAL', 'TRADE_SHOW', 'CALL', 'PARTNER', 'OTHER'])})),
      campaign_id text references campaign (id),
      score integer not null default 0 check (score between 0 and 100),
      status text not null default 'NEW' check (status in ('NEW', 'WORKING', 'QUALIFIED', 'DISQUALIFIED', 'CONVERTED')),
      owner_id text references app_user (id),
      marketing_consent boolean not null default false,
      disqualified_reason text,
      converted_customer_id text references customer (id),
      converted_contact_id text references contact (id),
      converted_opportunity_id text,
      converted_at timestamptz(3),
      created_by text,
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      version integer not null default 1,
      check ((status = 'CONVERTED') = (converted_at is not null))
    );`);
    this.addSql(`create index lead_created_idx on lead (created_at, id);`);
    this.addSql(`create index lead_owner_idx on lead (owner_id, created_at, id);`);
    this.addSql(`create index lead_campaign_idx on lead (campaign_id);`);
    this.addSql(`create index lead_email_idx on lead (lower(email));`);

    this.addSql(`create table opportunity (
      id text primary key,
      customer_id text not null references customer (id),
      name text not null,
      amount numeric(18, 2) not null check (amount >= 0),
      currency text not null default 'EUR' check (currency ~ '^[A-Z]{3}$'),
      stage text not null default 'PROSPECTING' check (stage in (${values(STAGES)})),
      probability integer not null check (probability between 0 and 100),
      expected_close_date date not null,
      owner_id text not null references app_user (id),
      competitors text[] not null default '{}',
      lost_reason text check (lost_reason in (${values(['PRICE', 'COMPETITOR', 'NO_BUDGET', 'NO_DECISION', 'TIMING', 'PRODUCT_FIT', 'OTHER'])})),
      lost_note text,
      closed_at timestamptz(3),
      campaign_id text references campaign (id),
      lead_id text references lead (id),
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      deleted_at timestamptz(3),
      version integer not null default 1,
      check ((stage = 'LOST') = (lost_reason is not null)),
      check ((stage in ('WON', 'LOST')) = (closed_at is not null))
    );`);
    this.addSql(`alter table lead add constraint lead_converted_opportunity_fk foreign key (converted_opportunity_id) references opportunity (id);`);
    this.addSql(`create index opportunity_created_idx on opportunity (created_at, id) where deleted_at is null;`);
    this.addSql(`create index opportunity_owner_idx on opportunity (owner_id, created_at, id) where deleted_at is null;`);
    this.addSql(`create index opportunity_customer_idx on opportunity (customer_id, created_at, id) where deleted_at is null;`);
    this.addSql(`create index opportunity_close_idx on opportunity (expected_close_date, id) where deleted_at is null;`);
    this.addSql(`create index opportunity_stage_idx on opportunity (stage, closed_at) where deleted_at is null;`);
    this.addSql(`create index opportunity_campaign_idx on opportunity (campaign_id);`);
    this.addSql(`create index opportunity_lead_idx on opportunity (lead_id) where lead_id is not null;`);

    this.addSql(`create table opportunity_stage_change (
      id text primary key,
      opportunity_id text not null references opportunity (id),
      customer_id text not null references customer (id),
      from_stage text check (from_stage in (${values(STAGES)})),
      to_stage text not null check (to_stage in (${values(STAGES)})),
      probability integer not null,
      reopened boolean not null default false,
      actor_type text not null check (actor_type in ('USER', 'API_KEY', 'SYSTEM')),
      actor_id text,
      at timestamptz(3) not null default now()
    );`);
    this.addSql(`create index stage_change_opportunity_idx on opportunity_stage_change (opportunity_id, at, id);`);
    this.addSql(`create index stage_change_customer_idx on opportunity_stage_change (customer_id, at, id);`);

    this.addSql(`create table activity (
      id text primary key,
      customer_id text not null references customer (id),
      contact_id text references contact (id),
      opportunity_id text references opportunity (id),
      type text not null check (type in (${values(['CALL', 'EMAIL', 'VISIT', 'MEETING', 'FAX', 'LETTER', 'WEB', 'CHAT', 'SMS', 'NOTE'])})),
      direction text check (direction in ('INBOUND', 'OUTBOUND')),
      subject text not null,
      body text,
      outcome text,
      duration_minutes integer check (duration_minutes >= 0),
      occurred_at timestamptz(3) not null,
      performed_by_id text not null references app_user (id),
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      deleted_at timestamptz(3),
      version integer not null default 1
    );`);
    this.addSql(`create index activity_customer_idx on activity (customer_id, occurred_at, id) where deleted_at is null;`);
    this.addSql(`create index activity_performer_idx on activity (performed_by_id, occurred_at);`);
    this.addSql(`create index activity_opportunity_idx on activity (opportunity_id);`);
    this.addSql(`create index activity_occurred_idx on activity (occurred_at, id) where deleted_at is null;`);

    this.addSql(`create table task (
      id text primary key,
      title text not null,
      type text not null check (type in (${values(['CALL', 'VISIT', 'MEETING', 'EMAIL', 'FOLLOW_UP', 'COLLECTION', 'OTHER'])})),
      due_at timestamptz(3) not null,
      remind_at timestamptz(3),
      assignee_id text not null references app_user (id),
      assigned_by_id text not null references app_user (id),
      customer_id text references customer (id),
      contact_id text references contact (id),
      opportunity_id text references opportunity (id),
      status text not null default 'OPEN' check (status in ('OPEN', 'DONE', 'CANCELLED')),
      notes text,
      completed_at timestamptz(3),
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      version integer not null default 1,
      check ((status = 'OPEN') = (completed_at is null))
    );`);
    this.addSql(`create index task_assignee_due_idx on task (assignee_id, due_at, id);`);
    this.addSql(`create index task_reminder_idx on task (remind_at) where status = 'OPEN' and remind_at is not null;`);
    this.addSql(`create index task_customer_idx on task (customer_id);`);

    this.addSql(`create sequence quote_number_seq;`);
    this.addSql(`create table quote (
      id text primary key,
      opportunity_id text not null references opportunity (id),
      number text not null unique,
      currency text not null check (currency ~ '^[A-Z]{3}$'),
      valid_until date not null,
      status text not null default 'DRAFT' check (status in ('DRAFT', 'SENT', 'ACCEPTED', 'REJECTED', 'EXPIRED')),
      subtotal numeric(18, 2) not null default 0,
      discount_total numeric(18, 2) not null default 0,
      total numeric(18, 2) not null default 0,
      notes text,
      created_by text,
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      version integer not null default 1
    );`);
    this.addSql(`create index quote_opportunity_idx on quote (opportunity_id, created_at, id);`);
    this.addSql(`create table quote_line (
      id text primary key,
      quote_id text not null references quote (id) on delete cascade,
      position integer not null,
      product_ref text,
      description text not null,
      quantity numeric(14, 3) not null check (quantity > 0),
      unit_price numeric(18, 2) not null check (unit_price >= 0),
      discount_percent numeric(5, 2) not null default 0 check (discount_percent between 0 and 100),
      line_total numeric(18, 2) not null,
      unique (quote_id, position)
    );`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists quote_line, quote, task, activity, opportunity_stage_change cascade;`);
    this.addSql(`drop sequence if exists quote_number_seq;`);
    this.addSql(`alter table lead drop constraint if exists lead_converted_opportunity_fk;`);
    this.addSql(`drop table if exists opportunity, lead, campaign cascade;`);
    this.addSql(`alter table customer drop column if exists last_contacted_at;`);
  }
}
