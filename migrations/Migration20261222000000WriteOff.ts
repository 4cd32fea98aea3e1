import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 14, bad-debt write-off: a receivable's outstanding money can be written off (FINANCE), which
 * takes it out of accounts receivable. Status WRITTEN_OFF, with when, by whom, why and how much.
 *
 * The finance migration's rules stay true: SETTLED ⇔ paid_amount = amount ⇔ settled_at set. A
 * written-off receivable has paid_amount < amount (there was money outstanding to write off), so it is
 * never SETTLED and has no settled_at. New: WRITTEN_OFF ⇔ written_off_at set ⇔ all five write-off
 * columns set, and the amount written off is exactly what was outstanding (amount − paid_amount), so no
 * payment can be applied to it afterwards without breaking the row.
 */
export class Migration20261222000000WriteOff extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table receivable drop constraint receivable_status_check;`);
    this.addSql(`alter table receivable add constraint receivable_status_check check (status in ('OPEN', 'OVERDUE', 'SETTLED', 'WRITTEN_OFF'));`);
    this.addSql(`alter table receivable add column written_off_at timestamptz(3);`);
    this.addSql(`alter table receivable add column written_off_by text references app_user (id);`);
    this.addSql(`alter table receivable add column write_off_category text check (write_off_category in ('INSOLVENCY', 'UNCOLLECTIBLE', 'DISPUTE', 'SMALL_BALANCE', 'OTHER'));`);
    this.addSql(`alter table receivable add column write_off_reason text check (length(write_off_reason) between 1 and 500);`);
    this.addSql(`alter table receivable add column written_off_amount numeric(18, 2);`);
    this.addSql(`alter table receivable add constraint receivable_write_off_check check (
      ((status = 'WRITTEN_OFF') = (written_off_at is not null))
      and num_nonnulls(written_off_at, written_off_by, write_off_category, write_off_reason, written_off_amount)
        = (case when written_off_at is null then 0 else 5 end)
      and (written_off_amount is null or (written_off_amount > 0 and written_off_amount = amount - paid_amount))
    );`);
    this.addSql(`create index receivable_written_off_idx on receivable (written_off_at, id) where written_off_at is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists receivable_written_off_idx;`);
    this.addSql(`alter table receivable drop constraint if exists receivable_write_off_check;`);
    this.addSql(`alter table receivable drop column if exists written_off_amount;`);
    this.addSql(`alter table receivable drop column if exists write_off_reason;`);
    this.addSql(`alter table receivable drop column if exists write_off_category;`);
    this.addSql(`alter table receivable drop column if exists written_off_by;`);
    this.addSql(`alter table receivable drop column if exists written_off_at;`);
    this.addSql(`alter table receivable drop constraint receivable_status_check;`);
    this.addSql(`alter table receivable add constraint receivable_status_check check (status in ('OPEN', 'OVERDUE', 'SETTLED'));`);
  }
}
