import { Migration } from '@mikro-orm/migrations';

const values = (list: string[]) => list.map((v) => `'${v}'`).join(', ');

/**
 * Issue 5, the after-sales side: serialised products and their assets (service tags), SLA policies
 * per priority, service queues, cases with comments, satisfaction surveys, product feedback, and the
 * tasks that follow cases (escalation notices, follow-ups).
 */
export class Migration20261204000000Service extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table product add column serialised boolean not null default false;`);
    this.addSql(`alter table product add column warranty_months integer not null default 0 check (warranty_months between 0 and 240);`);

    this.addSql(`create table asset (
      id text primary key,
      service_tag text not null check (service_tag ~ '^[A-Z0-9][A-Z0-9-]{2,39}$'),
      product_id text not null references product (id),
      customer_id text not null references customer (id),
      order_id text references sales_order (id),
      order_line_id text references sales_order_line (id),
      purchase_date date not null,
      warranty_end date,
      installed_address jsonb check (installed_address is null or jsonb_typeof(installed_address) = 'object'),
      notes text,
      created_by text,
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      version integer not null default 1,
      constraint asset_service_tag_key unique (service_tag),
      check (warranty_end is null or warranty_end >= purchase_date)
    );`);
    this.addSql(`create index asset_customer_idx on asset (customer_id, created_at, id);`);
    this.addSql(`create index asset_order_line_idx on asset (order_line_id);`);
    this.addSql(`create index asset_created_idx on asset (created_at, id);`);

    this.addSql(`create table sla_policy (
      priority text primary key check (priority in ('P1', 'P2', 'P3', 'P4')),
      first_response_minutes integer not null check (first_response_minutes > 0),
      resolution_minutes integer not null check (resolution_minutes >= first_response_minutes),
      updated_by text,
      updated_at timestamptz(3) not null default now(),
      version integer not null default 1
    );`);
    // Defaults (ADMIN changes them): P1 1 h / 4 h, P2 4 h / 1 day, P3 8 h / 3 days, P4 1 day / 7 days.
    this.addSql(`insert into sla_policy (priority, first_response_minutes, resolution_minutes) values
      ('P1', 60, 240), ('P2', 240, 1440), ('P3', 480, 4320), ('P4', 1440, 10080);`);

    this.addSql(`create table service_queue (
      id text primary key,
      name text not null check (length(name) between 1 and 100),
      description text,
      manager_id text references app_user (id),
      escalation boolean not null default false,
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      version integer not null default 1,
      constraint service_queue_name_key unique (name)
    );`);
    // At most one escalation queue.
    this.addSql(`create unique index service_queue_escalation_key on service_queue (escalation) where escalation;`);

    this.addSql(`create table product_feedback (
      id text primary key,
      product_id text not null references product (id),
      summary text not null check (length(summary) between 1 and 300),
      description text,
      status text not null default 'NEW' check (status in ('NEW', 'ACCEPTED', 'REJECTED', 'SHIPPED')),
      created_by text,
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      version integer not null default 1
    );`);
    this.addSql(`create index product_feedback_product_idx on product_feedback (product_id, created_at, id);`);
    this.addSql(`create index product_feedback_created_idx on product_feedback (created_at, id);`);

    this.addSql(`create sequence service_case_number_seq;`);
    this.addSql(`create table service_case (
      id text primary key,
      number text not null,
      type text not null check (type in (${values(['TECH_SUPPORT', 'PRE_SALES', 'COMPLAINT', 'REPAIR', 'INSTALLATION', 'DELIVERY', 'RETURN', 'SUGGESTION'])})),
      channel text not null check (channel in (${values(['PHONE', 'EMAIL', 'WEB', 'CHAT', 'FAX', 'IN_PERSON', 'PARTNER'])})),
      priority text not null check (priority in ('P1', 'P2', 'P3', 'P4')),
      status text not null default 'NEW' check (status in (${values(['NEW', 'ASSIGNED', 'IN_PROGRESS', 'WAITING_ON_CUSTOMER', 'RESOLVED', 'CLOSED'])})),
      subject text not null check (length(subject) between 1 and 300),
      description text,
      customer_id text not null references customer (id),
      contact_id text references contact (id),
      asset_id text references asset (id),
      queue_id text references service_queue (id),
      assignee_id text references app_user (id),
      feedback_id text references product_feedback (id),
      opened_by text not null,
      first_response_due_at timestamptz(3) not null,
      resolution_due_at timestamptz(3) not null,
      first_responded_at timestamptz(3),
      resolved_at timestamptz(3),
      closed_at timestamptz(3),
      escalated_at timestamptz(3),
      reopen_count integer not null default 0,
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      version integer not null default 1,
      constraint service_case_number_key unique (number),
      check ((status in ('RESOLVED', 'CLOSED')) = (resolved_at is not null)),
      check ((status = 'CLOSED') = (closed_at is not null))
    );`);
    this.addSql(`create index service_case_customer_idx on service_case (customer_id, created_at, id);`);
    this.addSql(`create index service_case_created_idx on service_case (created_at, id);`);
    this.addSql(`create index service_case_assignee_idx on service_case (assignee_id, status);`);
    this.addSql(`create index service_case_queue_idx on service_case (queue_id, status);`);
    this.addSql(`create index service_case_open_due_idx on service_case (resolution_due_at) where status not in ('RESOLVED', 'CLOSED');`);
    this.addSql(`create index service_case_asset_idx on service_case (asset_id);`);
    this.addSql(`create index service_case_feedback_idx on service_case (feedback_id);`);

    this.addSql(`create table case_comment (
      id text primary key,
      case_id text not null references service_case (id),
      visibility text not null check (visibility in ('PUBLIC', 'INTERNAL')),
      body text not null check (length(body) between 1 and 20000),
      author_type text not null check (author_type in ('USER', 'API_KEY')),
      author_id text not null,
      created_at timestamptz(3) not null default now()
    );`);
    this.addSql(`create index case_comment_case_idx on case_comment (case_id, created_at, id);`);

    this.addSql(`create table survey (
      id text primary key,
      case_id text not null references service_case (id),
      customer_id text not null references customer (id),
      token text not null,
      csat integer check (csat between 1 and 5),
      nps integer check (nps between 0 and 10),
      comment text,
      created_at timestamptz(3) not null default now(),
      submitted_at timestamptz(3),
      constraint survey_case_key unique (case_id),
      constraint survey_token_key unique (token),
      check ((submitted_at is null) = (csat is null)),
      check ((submitted_at is null) = (nps is null))
    );`);
    this.addSql(`create index survey_submitted_idx on survey (submitted_at) where submitted_at is not null;`);

    // Tasks that follow cases: the escalation notice (once per case) and follow-ups.
    this.addSql(`alter table task drop constraint if exists task_type_check;`);
    this.addSql(`alter table task add constraint task_type_check check (type in (${values(['CALL', 'VISIT', 'MEETING', 'EMAIL', 'FOLLOW_UP', 'COLLECTION', 'ESCALATION', 'OTHER'])}));`);
    this.addSql(`alter table task add column case_id text references service_case (id);`);
    this.addSql(`create unique index task_escalation_case_key on task (case_id) where type = 'ESCALATION';`);
    this.addSql(`create index task_case_idx on task (case_id) where case_id is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists task_escalation_case_key;`);
    this.addSql(`drop index if exists task_case_idx;`);
    this.addSql(`alter table task drop column if exists case_id;`);
    this.addSql(`alter table task drop constraint if exists task_type_check;`);
    this.addSql(`alter table task add constraint task_type_check check (type in (${values(['CALL', 'VISIT', 'MEETING', 'EMAIL', 'FOLLOW_UP', 'COLLECTION', 'OTHER'])}));`);
    this.addSql(`drop table if exists survey;`);
    this.addSql(`drop table if exists case_comment;`);
    this.addSql(`drop table if exists service_case;`);
    this.addSql(`drop sequence if exists service_case_number_seq;`);
    this.addSql(`drop table if exists product_feedback;`);
    this.addSql(`drop table if exists service_queue;`);
    this.addSql(`drop table if exists sla_policy;`);
    this.addSql(`drop table if exists asset;`);
    this.addSql(`alter table product drop column if exists warranty_months;`);
    this.addSql(`alter table product drop column if exists serialised;`);
  }
}
