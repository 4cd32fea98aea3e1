import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 12: the customer list sorts by churn score and by 12-month margin. Like the other metric sort
 * keys, they are read in the order of an index (metric, customer id) so that a page costs the same at
 * any depth; without these two, PostgreSQL sorted every metrics row (1.5 s at a million customers).
 */
export class Migration20261217000000CustomerMetricsSortIndexes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index customer_metrics_churn_score_idx on customer_metrics (churn_score, customer_id);`);
    this.addSql(`create index customer_metrics_margin_idx on customer_metrics (margin_12m, customer_id);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists customer_metrics_churn_score_idx;`);
    this.addSql(`drop index if exists customer_metrics_margin_idx;`);
  }
}
