import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 15, bulk data: CSV import jobs (their progress and row errors), the audit action IMPORT, and the
 * indexes that let an import match existing customers and contacts by e-mail (`emails @> …`) in one
 * statement per batch instead of scanning the table (fastupdate off: an import looks addresses up between its own
 * inserts, and a growing pending list made each lookup ~10 ms).
 */
export class Migration20261231000000ImportJob extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table import_job (
      id text primary key,
      kind text not null check (kind in ('CUSTOMERS', 'CONTACTS', 'PRODUCTS')),
      status text not null check (status in ('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED')),
      file_name text,
      total_rows integer not null default 0,
      processed integer not null default 0,
      failed integer not null default 0,
      created integer not null default 0,
      updated integer not null default 0,
      row_errors jsonb not null default '[]',
      error_count integer not null default 0,
      failure text,
      created_by text not null,
      actor_type text not null,
      created_at timestamptz(3) not null default now(),
      started_at timestamptz(3),
      finished_at timestamptz(3)
    );`);
    this.addSql(`create index import_job_created_by_idx on import_job (created_by, created_at, id);`);
    this.addSql(`create index import_job_created_idx on import_job (created_at, id);`);
    this.addSql(`alter table audit_event drop constraint audit_event_action_check;`);
    this.addSql(`alter table audit_event add constraint audit_event_action_check check (action in ('CREATE', 'UPDATE', 'DELETE', 'RESTORE', 'REASSIGN', 'IMPORT'));`);
    this.addSql(`create index customer_emails_idx on customer using gin (emails jsonb_path_ops) with (fastupdate = off);`);
    this.addSql(`create index contact_emails_idx on contact using gin (emails jsonb_path_ops) with (fastupdate = off);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists contact_emails_idx;`);
    this.addSql(`drop index if exists customer_emails_idx;`);
    this.addSql(`alter table audit_event drop constraint audit_event_action_check;`);
    this.addSql(`alter table audit_event add constraint audit_event_action_check check (action in ('CREATE', 'UPDATE', 'DELETE', 'RESTORE', 'REASSIGN'));`);
    this.addSql(`drop table if exists import_job;`);
  }
}
