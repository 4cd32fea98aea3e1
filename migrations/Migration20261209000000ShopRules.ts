import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 9, web shops and partners: the discount a product may be sold at without the
 * `orders:price-override` scope (percent off the list price, 0 = list or member price only), and a
 * WITHDRAWN credit hold (the held order was cancelled before FINANCE decided).
 */
export class Migration20261209000000ShopRules extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table product add column max_discount_percent numeric(5, 2) not null default 0
      check (max_discount_percent between 0 and 100);`);
    this.addSql(`alter table credit_hold drop constraint credit_hold_status_check;`);
    this.addSql(`alter table credit_hold add constraint credit_hold_status_check check (status in ('PENDING', 'APPROVED', 'REJECTED', 'WITHDRAWN'));`);
  }

  override async down(): Promise<void> {
    this.addSql(`update credit_hold set status = 'REJECTED' where status = 'WITHDRAWN';`);
    this.addSql(`alter table credit_hold drop constraint credit_hold_status_check;`);
    this.addSql(`alter table credit_hold add constraint credit_hold_status_check check (status in ('PENDING', 'APPROVED', 'REJECTED'));`);
    this.addSql(`alter table product drop column if exists max_discount_percent;`);
  }
}
