import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 12, customer value and loyalty metrics: one row of metrics per customer, refreshed set-based by
 * the metrics job (`services/metrics-refresh.ts`), so that lists can filter and sort by them at a
 * million customers; a customer's declared annual category budget (share of wallet) and when it churned.
 * Orders completed before the loyalty migration get their completion time from their last change.
 */
export class Migration20261216000000CustomerValue extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table customer add column annual_category_budget numeric(18, 2) null check (annual_category_budget >= 0);`);
    this.addSql(`alter table customer add column churned_at timestamptz null;`);
    this.addSql(`update customer set churned_at = updated_at where status = 'CHURNED';`);
    this.addSql(`update sales_order set completed_at = updated_at where status = 'COMPLETED' and completed_at is null;`);
    this.addSql(`create table customer_metrics (
      customer_id text primary key references customer(id),
      computed_at timestamptz not null,
      currency text not null,
      first_order_at timestamptz null,
      last_order_at timestamptz null,
      orders_total integer not null,
      recency_days integer null,
      frequency integer not null,
      monetary numeric(18, 2) not null,
      r smallint null, f smallint null, m smallint null,
      rfm_total smallint null,
      revenue_12m numeric(18, 2) not null,
      revenue_previous_12m numeric(18, 2) not null,
      trend_percent numeric(14, 2) null,
      share_of_wallet numeric(14, 2) null,
      nps_latest smallint null,
      nps_previous smallint null,
      csat_average numeric(4, 2) null,
      attitude text not null check (attitude in ('HIGH', 'LOW')),
      behaviour text not null check (behaviour in ('HIGH', 'LOW')),
      clv_historic numeric(18, 2) not null,
      clv_predicted_12m numeric(18, 2) not null,
      margin_12m numeric(18, 2) not null,
      typical_interval_days numeric(10, 2) null,
      open_complaints integer not null,
      pareto_class text not null check (pareto_class in ('A', 'B', 'C')),
      c3_segment text null,
      churn_level text not null check (churn_level in ('LOW', 'MEDIUM', 'HIGH')),
      churn_score smallint not null check (churn_score between 0 and 100),
      churn_reasons jsonb not null default '[]',
      last_flagged_high_at timestamptz null,
      referral_customers integer not null,
      referral_revenue_12m numeric(18, 2) not null
    );`);
    this.addSql(`create index customer_metrics_pareto_idx on customer_metrics (pareto_class, customer_id);`);
    this.addSql(`create index customer_metrics_c3_idx on customer_metrics (c3_segment, customer_id);`);
    this.addSql(`create index customer_metrics_churn_idx on customer_metrics (churn_level, customer_id);`);
    this.addSql(`create index customer_metrics_clv_idx on customer_metrics (clv_historic, customer_id);`);
    this.addSql(`create index customer_metrics_clv_predicted_idx on customer_metrics (clv_predicted_12m, customer_id);`);
    this.addSql(`create index customer_metrics_rfm_idx on customer_metrics (rfm_total, customer_id);`);
    this.addSql(`create index customer_metrics_churn_score_idx on customer_metrics (churn_score, customer_id);`);
    this.addSql(`create index customer_metrics_margin_idx on customer_metrics (margin_12m, customer_id);`);
    this.addSql(`create index sales_order_customer_status_idx on sales_order (customer_id, status);`);
    // Offers (issue 11) may target a segment of these metrics.
    this.addSql(`alter table offer drop constraint offer_target_check;`);
    this.addSql(`alter table offer add constraint offer_target_check check (target in ('EVERYONE', 'CUSTOMER', 'TIER', 'SEGMENT'));`);
    this.addSql(`alter table offer add column target_pareto_class text null check (target_pareto_class in ('A', 'B', 'C')),
      add column target_c3_segment text null, add column target_rfm_min smallint null check (target_rfm_min between 3 and 15),
      add column target_rfm_max smallint null check (target_rfm_max between 3 and 15);`);
    this.addSql(`create index survey_customer_submitted_idx on survey (customer_id, submitted_at) where submitted_at is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists customer_metrics;`);
    this.addSql(`alter table offer drop column if exists target_pareto_class, drop column if exists target_c3_segment,
      drop column if exists target_rfm_min, drop column if exists target_rfm_max;`);
    this.addSql(`drop index if exists sales_order_customer_status_idx;`);
    this.addSql(`drop index if exists survey_customer_submitted_idx;`);
    this.addSql(`alter table customer drop column if exists annual_category_budget, drop column if exists churned_at;`);
  }
}
