import type { EntityManager } from '@mikro-orm/postgresql';
import { C3_SEGMENTS } from '../entities/metrics.enums';
import { rows, sql, type Sql } from './sql';

/**
 * The metrics refresh (issue 12): one INSERT … ON CONFLICT UPDATE computes `customer_metrics` for every
 * live customer at once, so quintiles, the median and the Pareto cut are over the whole population at
 * that moment. It runs in one transaction; readers keep seeing the previous rows until it commits (MVCC:
 * it never blocks reads). Running it twice gives the same rows; two at once serialise on the rows.
 *
 * Definitions (also in the schema descriptions of `CustomerMetrics`):
 * - Orders counted: COMPLETED, in the loyalty programme's currency, completed at or before `now`.
 *   Revenue of an order = `total` (paid in money). Margin of an order = Σ lines (lineTotal − quantity ×
 *   product cost; 0 for a line whose product has no cost) − offer discount − points value.
 * - Windows: "12 months" = the 365 days before `now`; the previous 12 months = 365–730 days before.
 * - RFM over customers with at least one counted order: recency = whole days since the last one,
 *   frequency = orders in 12 months, monetary = their revenue. Score = 1 + floor(5 × percent_rank) (at
 *   most 5), percent_rank = customers ranked strictly worse / (customers − 1): ties score alike.
 * - Behaviour HIGH: revenue12m > revenuePrevious12m and frequency ≥ the median frequency (of customers
 *   with orders). Attitude HIGH: latest NPS ≥ 9.
 * - Pareto over live customers by margin12m (highest first, ties by id): A while the margin of those
 *   before is under 80 % of the total positive margin; C at zero or below; B the rest.
 * - CLV predicted: average margin per order × expected orders (365 / typical interval; with one order,
 *   its count in 12 months), × typical interval / recency when the last order is older than the interval.
 * - Churn: see `ChurnRiskReason`; level HIGH at 60 points or beyond twice the interval, MEDIUM from 30.
 */
export async function refreshMetrics(em: EntityManager, now: Date): Promise<{ customers: number; computedAt: Date }> {
  const result = await em.transactional(async (tem) => {
    // The CTEs hide row counts from the planner (estimates in the billions), so PostgreSQL would JIT-compile
    // the statement every time: 3.9 s of 19.3 s at 100,000 customers (bench/README.md, bench:metrics).
    await rows(tem as EntityManager, sql`set local jit = off`);
    return rows<{ customer_id: string }>(tem as EntityManager, refreshSql(now));
  });
  return { customers: result.length, computedAt: now };
}

/**
 * The nightly job: the refresh, then a vacuum of the table — every refresh rewrites every row, and with
 * dead copies piling up (a server without autovacuum, or one that lags) the next refresh took twice as
 * long at 100,000 customers. VACUUM cannot run in a transaction, hence after it.
 */
export async function metricsJob(em: EntityManager, now: Date): Promise<{ customers: number; computedAt: Date }> {
  const refreshed = await refreshMetrics(em, now);
  await em.getConnection().execute('vacuum (analyze) customer_metrics');
  return refreshed;
}

const c3Case = (attitude: string, behaviour: string, paretoA: string): Sql => ({
  text: `case ${C3_SEGMENTS.map(([a, b, v, segment]) =>
    `when ${attitude} = '${a}' and ${behaviour} = '${b}' and (${paretoA}) = ${v === 'HIGH'} then '${segment}'`).join(' ')} end`,
  params: [],
});

/** The statement, exposed for the bench (the same SQL run raw). */
export function refreshSql(now: Date): Sql {
  const at = sql`${now.toISOString()}::timestamptz`;
  return sql`
  with p as (select currency from loyalty_programme where id = 1),
  line_margin as (
    select l.order_id, sum(case when pr.cost is null then 0 else l.line_total - l.quantity * pr.cost end) as margin
    from sales_order_line l join product pr on pr.id = l.product_id
    join sales_order o on o.id = l.order_id
    where o.status = 'COMPLETED' and o.completed_at <= ${at}
    group by l.order_id
  ),
  co as (
    select o.customer_id, o.total, o.completed_at,
      coalesce(lm.margin, 0) - o.offer_discount - o.points_value as margin,
      o.completed_at > ${at} - interval '365 days' as recent,
      o.completed_at > ${at} - interval '730 days' and o.completed_at <= ${at} - interval '365 days' as previous
    from sales_order o cross join p left join line_margin lm on lm.order_id = o.id
    where o.status = 'COMPLETED' and o.currency = p.currency and o.completed_at <= ${at}
  ),
  agg as (
    select customer_id, min(completed_at) as first_at, max(completed_at) as last_at, count(*)::int as orders_total,
      (count(*) filter (where recent))::int as frequency,
      coalesce(sum(total) filter (where recent), 0) as revenue_12m,
      coalesce(sum(total) filter (where previous), 0) as revenue_previous_12m,
      sum(margin) as clv_historic,
      coalesce(sum(margin) filter (where recent), 0) as margin_12m
    from co group by customer_id
  ),
  sv as (
    select s.customer_id, s.nps, s.csat, row_number() over (partition by s.customer_id order by s.submitted_at desc, s.id desc) as rn
    from survey s where s.submitted_at is not null and s.submitted_at <= ${at}
  ),
  nps as (
    select customer_id, max(nps) filter (where rn = 1) as latest, max(nps) filter (where rn = 2) as previous, round(avg(csat), 2) as csat
    from sv group by customer_id
  ),
  complaints as (
    select k.customer_id, count(*)::int as n from service_case k
    where k.type = 'COMPLAINT' and k.status not in ('RESOLVED', 'CLOSED') group by k.customer_id
  ),
  referrals as (
    select r.referred_by_id as customer_id, count(*)::int as customers, coalesce(sum(a.revenue_12m), 0) as revenue_12m
    from customer r left join agg a on a.customer_id = r.id
    where r.referred_by_id is not null and r.deleted_at is null group by r.referred_by_id
  ),
  base as (
    select c.id as customer_id, c.annual_category_budget as budget,
      a.first_at, a.last_at, coalesce(a.orders_total, 0) as orders_total, coalesce(a.frequency, 0) as frequency,
      coalesce(a.revenue_12m, 0) as revenue_12m, coalesce(a.revenue_previous_12m, 0) as revenue_previous_12m,
      coalesce(a.clv_historic, 0) as clv_historic, coalesce(a.margin_12m, 0) as margin_12m,
      floor(extract(epoch from (${at} - a.last_at)) / 86400)::int as recency_days,
      case when a.orders_total >= 2 then round((extract(epoch from (a.last_at - a.first_at)) / 86400 / (a.orders_total - 1))::numeric, 2) end as interval_days,
      n.latest as nps_latest, n.previous as nps_previous, n.csat as csat_average,
      coalesce(k.n, 0) as open_complaints, coalesce(rf.customers, 0) as referral_customers, coalesce(rf.revenue_12m, 0) as referral_revenue_12m
    from customer c
    left join agg a on a.customer_id = c.id
    left join nps n on n.customer_id = c.id
    left join complaints k on k.customer_id = c.id
    left join referrals rf on rf.customer_id = c.id
    where c.deleted_at is null
  ),
  ranked as (
    select b.customer_id,
      least(5, 1 + floor(5 * percent_rank() over (order by b.recency_days desc)))::int as r,
      least(5, 1 + floor(5 * percent_rank() over (order by b.frequency)))::int as f,
      least(5, 1 + floor(5 * percent_rank() over (order by b.revenue_12m)))::int as m
    from base b where b.orders_total > 0
  ),
  med as (select percentile_cont(0.5) within group (order by frequency) as frequency from base where orders_total > 0),
  pareto as (
    select b.customer_id,
      coalesce(sum(b.margin_12m) over (order by b.margin_12m desc, b.customer_id rows between unbounded preceding and 1 preceding), 0) as before,
      sum(b.margin_12m) over () as total
    from base b where b.margin_12m > 0
  ),
  scored as (
    select b.*, rk.r, rk.f, rk.m,
      case when b.revenue_previous_12m > 0 then round((b.revenue_12m - b.revenue_previous_12m) / b.revenue_previous_12m * 100, 2) end as trend_percent,
      case when b.budget > 0 then round(b.revenue_12m / b.budget * 100, 2) end as share_of_wallet,
      case when b.nps_latest >= 9 then 'HIGH' else 'LOW' end as attitude,
      case when b.orders_total > 0 and b.revenue_12m > b.revenue_previous_12m and b.frequency >= med.frequency then 'HIGH' else 'LOW' end as behaviour,
      case when pa.customer_id is null then 'C' when pa.before < 0.8 * pa.total then 'A' else 'B' end as pareto_class,
      case when b.interval_days > 0 then round(b.recency_days / b.interval_days, 2) end as overdue_ratio
    from base b cross join med
    left join ranked rk on rk.customer_id = b.customer_id
    left join pareto pa on pa.customer_id = b.customer_id
  ),
  churn as (
    select s.*,
      case when s.overdue_ratio > 2 then 60 when s.overdue_ratio > 1.5 then 35 when s.overdue_ratio > 1 then 20 else 0 end as p_overdue,
      least(30, 15 * s.open_complaints) as p_complaints,
      case when s.trend_percent < -20 then 20 when s.trend_percent < 0 then 10 else 0 end as p_trend,
      case when s.nps_latest < s.nps_previous then 15 else 0 end as p_nps
    from scored s
  ),
  final as (
    select ch.*, least(100, ch.p_overdue + ch.p_complaints + ch.p_trend + ch.p_nps) as churn_score,
      (select coalesce(jsonb_agg(jsonb_build_object('reason', x.reason, 'figure', x.figure, 'points', x.points) order by x.points desc, x.reason), '[]'::jsonb)
        from (values ('OVERDUE_ORDER', ch.overdue_ratio::text, ch.p_overdue), ('OPEN_COMPLAINTS', ch.open_complaints::text, ch.p_complaints),
                     ('FALLING_TREND', ch.trend_percent::text, ch.p_trend), ('NPS_DROPPED', (ch.nps_previous - ch.nps_latest)::text, ch.p_nps)) as x(reason, figure, points)
        where x.points > 0) as churn_reasons
    from churn ch
  )
  insert into customer_metrics (customer_id, computed_at, currency, first_order_at, last_order_at, orders_total, recency_days, frequency, monetary,
    r, f, m, rfm_total, revenue_12m, revenue_previous_12m, trend_percent, share_of_wallet, nps_latest, nps_previous, csat_average, attitude, behaviour,
    clv_historic, clv_predicted_12m, margin_12m, typical_interval_days, open_complaints, pareto_class, c3_segment, churn_level, churn_score, churn_reasons,
    last_flagged_high_at, referral_customers, referral_revenue_12m)
  select fi.customer_id, ${at}, p.currency, fi.first_at, fi.last_at, fi.orders_total, fi.recency_days, fi.frequency, fi.revenue_12m,
    fi.r, fi.f, fi.m, fi.r + fi.f + fi.m, fi.revenue_12m, fi.revenue_previous_12m, fi.trend_percent, fi.share_of_wallet, fi.nps_latest, fi.nps_previous,
    fi.csat_average, fi.attitude, fi.behaviour, fi.clv_historic,
    case when fi.orders_total = 0 then 0 else round(fi.clv_historic / fi.orders_total
      * (case when fi.interval_days > 0 then 365 / fi.interval_days else fi.frequency end)
      * (case when fi.interval_days > 0 and fi.recency_days > fi.interval_days then fi.interval_days / fi.recency_days else 1 end), 2) end,
    fi.margin_12m, fi.interval_days, fi.open_complaints, fi.pareto_class,
    case when fi.orders_total > 0 then ${c3Case('fi.attitude', 'fi.behaviour', "fi.pareto_class = 'A'")} end,
    case when fi.churn_score >= 60 or fi.overdue_ratio > 2 then 'HIGH' when fi.churn_score >= 30 then 'MEDIUM' else 'LOW' end,
    fi.churn_score, fi.churn_reasons,
    case when fi.churn_score >= 60 or fi.overdue_ratio > 2 then ${at} end,
    fi.referral_customers, fi.referral_revenue_12m
  from final fi cross join p
  -- one order of row locks for every refresh: two at once queue instead of deadlocking
  order by fi.customer_id
  on conflict (customer_id) do update set
    computed_at = excluded.computed_at, currency = excluded.currency, first_order_at = excluded.first_order_at, last_order_at = excluded.last_order_at,
    orders_total = excluded.orders_total, recency_days = excluded.recency_days, frequency = excluded.frequency, monetary = excluded.monetary,
    r = excluded.r, f = excluded.f, m = excluded.m, rfm_total = excluded.rfm_total, revenue_12m = excluded.revenue_12m,
    revenue_previous_12m = excluded.revenue_previous_12m, trend_percent = excluded.trend_percent, share_of_wallet = excluded.share_of_wallet,
    nps_latest = excluded.nps_latest, nps_previous = excluded.nps_previous, csat_average = excluded.csat_average, attitude = excluded.attitude,
    behaviour = excluded.behaviour, clv_historic = excluded.clv_historic, clv_predicted_12m = excluded.clv_predicted_12m, margin_12m = excluded.margin_12m,
    typical_interval_days = excluded.typical_interval_days, open_complaints = excluded.open_complaints, pareto_class = excluded.pareto_class,
    c3_segment = excluded.c3_segment, churn_level = excluded.churn_level, churn_score = excluded.churn_score, churn_reasons = excluded.churn_reasons,
    last_flagged_high_at = coalesce(excluded.last_flagged_high_at, customer_metrics.last_flagged_high_at),
    referral_customers = excluded.referral_customers, referral_revenue_12m = excluded.referral_revenue_12m
  returning customer_id`;
}
