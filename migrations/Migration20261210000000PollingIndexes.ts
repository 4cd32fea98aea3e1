import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 9, polling for changes: `updatedAt` filters with UPDATED_AT ASC order, ties broken by id, on
 * orders, receivables and cases (customers have `customer_updated_idx` since the foundation). A shop's
 * INTEGRATION key polls the orders it pushed: (created_by, updated_at, id) serves that scope directly.
 */
export class Migration20261210000000PollingIndexes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index sales_order_updated_idx on sales_order (updated_at, id);`);
    this.addSql(`create index sales_order_created_by_updated_idx on sales_order (created_by, updated_at, id);`);
    this.addSql(`create index receivable_updated_idx on receivable (updated_at, id);`);
    this.addSql(`create index service_case_updated_idx on service_case (updated_at, id);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists service_case_updated_idx;`);
    this.addSql(`drop index if exists receivable_updated_idx;`);
    this.addSql(`drop index if exists sales_order_created_by_updated_idx;`);
    this.addSql(`drop index if exists sales_order_updated_idx;`);
  }
}
