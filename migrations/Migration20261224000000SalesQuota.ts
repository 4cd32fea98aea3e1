import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 14, sales quotas: one quota per sales user and calendar month (the month's first day), an amount
 * in one currency. One quota per user and month: changing its currency replaces it (`setQuota` upserts).
 * Who set it last, and when, is kept on the row; every change is in the audit log (type SalesQuota).
 */
export class Migration20261224000000SalesQuota extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table sales_quota (
      user_id text not null references app_user (id),
      month date not null check (extract(day from month) = 1),
      amount numeric(18, 2) not null check (amount >= 0),
      currency text not null check (currency ~ '^[A-Z]{3}$'),
      set_by text not null,
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      primary key (user_id, month)
    );`);
    this.addSql(`create index sales_quota_month_idx on sales_quota (month, user_id);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists sales_quota;`);
  }
}
