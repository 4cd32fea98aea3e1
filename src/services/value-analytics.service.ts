import { isUserIn, type Principal } from '../auth/principal';
import { LOYALTY_READERS, MARGIN_READERS, METRICS_READERS } from '../auth/roles';
import { ChurnReason, Sector } from '../entities/enums';
import { MEMBERSHIP_TIERS, MembershipTier } from '../entities/loyalty.enums';
import { C3Segment, ParetoClass } from '../entities/metrics.enums';
import type { ServiceContext } from './context';
import { InputError } from './errors';
import { membershipScope } from './loyalty-reads';
import { customerScope } from './scope';
import { FALSE, raw, rows, sql, type Sql } from './sql';

/**
 * Customer value analytics (issue 12): segments, churn, cohort retention and tier migration. Like the
 * sales analytics, every report is ONE SQL statement over the rows in the caller's scope (CTEs, FILTER,
 * grouping sets); JavaScript only reshapes the rows. Segments and churn read the customer_metrics rows
 * (as of their last refresh); cohorts read the orders and tier migration the tier history directly.
 *
 * Conventions: periods are half-open, [from, to), in UTC; soft-deleted customers count nowhere; money is
 * numeric in SQL and a string here, in the loyalty programme's currency; shares are 0–1 rounded to 4
 * decimals; a group whose value is unknown or absent is keyed `NONE` (and listed last).
 */

/**
 * Who reads the value analytics: METRICS_READERS (staff; reps and managers the customers in their scope;
 * not PARTNER, not even its own figures; not API keys). Cost-based figures (margins, CLV): MARGIN_READERS.
 * METRICS_READERS are also membership readers (LOYALTY_READERS), which tierMigration relies on: its rows
 * are scoped by `membershipScope`.
 */
const readsAnalytics = (principal: Principal) => isUserIn(principal, METRICS_READERS);

/** The key of the group of customers without a value for the grouping (no segment, no membership, no orders…). */
export const NONE = 'NONE';

/**
 * The customers whose figures the caller may aggregate, on the `customer` row aliased `alias`: the
 * record scope (reps and managers their book, other readers all), and nothing for anyone else — the
 * root rule already refuses them; this keeps the SQL closed should a rule ever be loosened.
 */
function valueScope(principal: Principal, alias = 'c'): Sql {
  if (!readsAnalytics(principal)) return FALSE;
  return customerScope(principal, alias);
}

const seesCosts = (principal: Principal) => isUserIn(principal, MARGIN_READERS);

const quoted = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');
/** Position of `key` in an enum's order (null for NONE, which `order by … asc` puts last). */
const enumOrder = (values: readonly string[]) => raw(`array_position(ARRAY[${quoted(values)}]::text[], key)`);
const PROGRAMME_CURRENCY = raw('(select currency from loyalty_programme where id = 1)');
/** `?::timestamptz` (MikroORM inlines parameters: the ISO text keeps the instant exact). */
const ts = (d: Date): Sql => sql`${d.toISOString()}::timestamptz`;

export interface Period { from: Date; to: Date }

function checkPeriod({ from, to }: Period): void {
  if (!(from instanceof Date) || Number.isNaN(from.getTime())) throw new InputError('`from` must be a timestamp.', 'from');
  if (!(to instanceof Date) || Number.isNaN(to.getTime())) throw new InputError('`to` must be a timestamp.', 'to');
  if (from.getTime() >= to.getTime()) throw new InputError('`from` must be before `to`.', 'to');
}

/** 4-decimal share as a float (SQL returns it as float8 already; null stays null). */
const share = (v: number | null): number | null => (v == null ? null : Number(v));

// ------------------------------------------------------------------------------------ segments

export type SegmentBy = 'C3' | 'PARETO' | 'TIER' | 'SECTOR' | 'RFM_SCORE';

export interface SegmentFiguresRow {
  customers: number;
  revenue12m: string;
  margin12m: string | null;
  averageClv: string | null;
  revenueShare: number | null;
}

export interface SegmentGroupRow extends SegmentFiguresRow {
  key: string;
  c3Segment: C3Segment | null;
  paretoClass: ParetoClass | null;
  loyaltyTier: MembershipTier | null;
  sector: Sector | null;
  rfmScore: number | null;
}

export interface SegmentSummaryResult {
  by: SegmentBy;
  currency: string;
  oldestComputedAt: Date | null;
  groups: SegmentGroupRow[];
  total: SegmentFiguresRow;
}

/** Per grouping: the key expression (null → NONE), an extra join, and the order of the groups. */
const SEGMENT_KEY: Record<SegmentBy, { key: Sql; join?: Sql; order: Sql }> = {
  C3: { key: raw('m.c3_segment'), order: enumOrder(Object.values(C3Segment)) },
  PARETO: { key: raw('m.pareto_class'), order: enumOrder(Object.values(ParetoClass)) },
  TIER: { key: raw('lm.tier'), join: raw('left join loyalty_membership lm on lm.customer_id = c.id'), order: enumOrder(MEMBERSHIP_TIERS) },
  SECTOR: { key: raw('c.sector'), order: enumOrder(Object.values(Sector)) },
  // 3–15 ascending; the key is text like every other key, NONE (no orders) last
  RFM_SCORE: { key: raw('m.rfm_total::text'), order: raw(`case when key <> '${NONE}' then key::int end`) },
};

/**
 * Customers with a metrics row, live and in the caller's scope, grouped by `by`: per group and in
 * total their number, Σ revenue12m, Σ margin12m, the average clvHistoric, and the group's share of the
 * total revenue12m. Margins and CLV are computed for everyone but handed only to MARGIN_READERS
 * (the field rules refuse the others too; null here keeps them out of any other path).
 */
export async function segmentSummary(ctx: ServiceContext, args: { by: SegmentBy }): Promise<SegmentSummaryResult> {
  const grouping = SEGMENT_KEY[args.by];
  if (!grouping) throw new InputError('Unknown grouping.', 'by');
  const found = await rows<SegmentFiguresRow & { key: string; isTotal: boolean; oldestComputedAt: Date | string | null; currency: string }>(ctx.em, sql`
    with counted as (
      select coalesce(${grouping.key}, ${NONE}) as key, m.revenue_12m as revenue, m.margin_12m as margin, m.clv_historic as clv, m.computed_at
      from customer_metrics m
      join customer c on c.id = m.customer_id and c.deleted_at is null
      ${grouping.join ?? raw('')}
      where ${valueScope(ctx.principal)}
    )
    select key, grouping(key) = 1 as "isTotal", count(*)::int as customers,
      coalesce(sum(revenue), 0.00)::text as "revenue12m",
      coalesce(sum(margin), 0.00)::text as "margin12m",
      round(avg(clv), 2)::text as "averageClv",
      round(coalesce(sum(revenue), 0) / nullif((select sum(revenue) from counted), 0), 4)::float8 as "revenueShare",
      min(computed_at) as "oldestComputedAt",
      ${PROGRAMME_CURRENCY} as currency
    from counted
    group by grouping sets ((key), ())
    order by grouping(key), ${grouping.order}, key`);
  const costs = seesCosts(ctx.principal);
  // The empty grouping set yields its row even when nothing is counted: `total` is always there.
  const figures = (r: SegmentFiguresRow): SegmentFiguresRow => ({
    customers: r.customers,
    revenue12m: r.revenue12m,
    margin12m: costs ? r.margin12m : null,
    averageClv: costs ? r.averageClv : null,
    revenueShare: share(r.revenueShare),
  });
  const total = found.find((r) => r.isTotal)!;
  const value = <T>(by: SegmentBy, key: string, cast: (k: string) => T): T | null => (args.by === by && key !== NONE ? cast(key) : null);
  return {
    by: args.by,
    currency: total.currency,
    // Not an entity property, so `rows` does not know it is a timestamp (PostgreSQL's driver reads it as text).
    oldestComputedAt: total.oldestComputedAt == null ? null : new Date(total.oldestComputedAt),
    groups: found.filter((r) => !r.isTotal).map((r) => ({
      key: r.key,
      ...figures(r),
      c3Segment: value('C3', r.key, (k) => k as C3Segment),
      paretoClass: value('PARETO', r.key, (k) => k as ParetoClass),
      loyaltyTier: value('TIER', r.key, (k) => k as MembershipTier),
      sector: value('SECTOR', r.key, (k) => k as Sector),
      rfmScore: value('RFM_SCORE', r.key, Number),
    })),
    total: figures(total),
  };
}

// --------------------------------------------------------------------------------------- churn

export type ChurnBy = 'REASON' | 'SEGMENT' | 'MONTH' | 'OWNER';

export interface ChurnFiguresRow {
  customers: number;
  revenueLost: string;
  flaggedHigh: number;
  flaggedHighShare: number | null;
}

export interface ChurnGroupRow extends ChurnFiguresRow {
  key: string;
  reason: ChurnReason | null;
  c3Segment: C3Segment | null;
  month: string | null;
  /** The owner's user id when grouped by OWNER (for the `user` field); null otherwise. */
  ownerId: string | null;
}

export interface ChurnAnalysisResult extends Period {
  by: ChurnBy;
  currency: string;
  groups: ChurnGroupRow[];
  total: ChurnFiguresRow;
}

const CHURN_KEY: Record<ChurnBy, { key: Sql; order: Sql }> = {
  REASON: { key: raw('c.churn_reason'), order: enumOrder(Object.values(ChurnReason)) },
  SEGMENT: { key: raw('m.c3_segment'), order: enumOrder(Object.values(C3Segment)) },
  MONTH: { key: raw(`to_char(c.churned_at at time zone 'UTC', 'YYYY-MM')`), order: raw('key') },
  OWNER: { key: raw('c.owner_id'), order: raw(`case when key <> '${NONE}' then key end`) },
};

/**
 * Customers that churned in [from, to) (status CHURNED, `churned_at` in the period), live and in the
 * caller's scope, per group and in total: how many; the revenue lost (Σ total of their COMPLETED orders
 * in the programme's currency completed in the 365 days before `churned_at`); how many the churn-risk
 * flag had rated HIGH before they churned (`last_flagged_high_at < churned_at`) and that share.
 */
export async function churnAnalysis(ctx: ServiceContext, args: Period & { by: ChurnBy }): Promise<ChurnAnalysisResult> {
  checkPeriod(args);
  const grouping = CHURN_KEY[args.by];
  if (!grouping) throw new InputError('Unknown grouping.', 'by');
  const found = await rows<ChurnFiguresRow & { key: string; isTotal: boolean; currency: string }>(ctx.em, sql`
    with churned as (
      select coalesce(${grouping.key}, ${NONE}) as key, c.id, c.churned_at,
        coalesce(m.last_flagged_high_at < c.churned_at, false) as flagged
      from customer c
      left join customer_metrics m on m.customer_id = c.id
      where c.deleted_at is null and c.status = 'CHURNED'
        and c.churned_at >= ${ts(args.from)} and c.churned_at < ${ts(args.to)}
        and ${valueScope(ctx.principal)}
    ),
    lost as (
      select ch.id, sum(o.total) as revenue
      from churned ch
      join sales_order o on o.customer_id = ch.id
      where o.status = 'COMPLETED' and o.currency = ${PROGRAMME_CURRENCY}
        and o.completed_at >= ch.churned_at - interval '365 days' and o.completed_at < ch.churned_at
      group by ch.id
    )
    select key, grouping(key) = 1 as "isTotal", count(*)::int as customers,
      coalesce(sum(l.revenue), 0.00)::text as "revenueLost",
      count(*) filter (where ch.flagged)::int as "flaggedHigh",
      round((count(*) filter (where ch.flagged))::numeric / nullif(count(*), 0), 4)::float8 as "flaggedHighShare",
      ${PROGRAMME_CURRENCY} as currency
    from churned ch
    left join lost l on l.id = ch.id
    group by grouping sets ((key), ())
    order by grouping(key), ${grouping.order}, key`);
  const figures = (r: ChurnFiguresRow): ChurnFiguresRow => ({
    customers: r.customers, revenueLost: r.revenueLost, flaggedHigh: r.flaggedHigh, flaggedHighShare: share(r.flaggedHighShare),
  });
  const total = found.find((r) => r.isTotal)!;
  const value = (by: ChurnBy, key: string): string | null => (args.by === by && key !== NONE ? key : null);
  return {
    from: args.from, to: args.to, by: args.by, currency: total.currency,
    groups: found.filter((r) => !r.isTotal).map((r) => ({
      key: r.key,
      ...figures(r),
      reason: value('REASON', r.key) as ChurnReason | null,
      c3Segment: value('SEGMENT', r.key) as C3Segment | null,
      month: value('MONTH', r.key),
      ownerId: value('OWNER', r.key),
    })),
    total: figures(total),
  };
}

// -------------------------------------------------------------------------------------- cohorts

export const MAX_RETENTION_MONTHS = 36;
export const MAX_COHORTS = 60;

export interface RetentionCellRow { offset: number; month: string; customers: number | null; share: number | null }
export interface CohortRow { month: string; size: number; retention: RetentionCellRow[] }
export interface CohortRetentionResult { firstMonth: string; months: number; cohorts: CohortRow[] }

/** "YYYY-MM-01" of a UTC month, `plus` months after the month of `d`. */
function monthStart(d: Date, plus = 0): string {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + plus, 1)).toISOString().slice(0, 10);
}

const monthsBetween = (a: Date, b: Date) => (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth();

/**
 * Orders count as everywhere in issue 12 (the metrics refresh): COMPLETED, in the programme's currency —
 * so a customer's cohort is the month of its `metrics.firstOrderAt`.
 *
 * Customers (live, in scope) by the UTC month of their first COMPLETED order, from `from`'s month on,
 * `cohorts` cohorts (default: up to the current month): each cohort's size, and for each month offset
 * 0…`months` how many of its customers had a COMPLETED order completed in that month and the share of
 * the cohort. Months that have not begun yet have null figures (not zeros: nothing is known).
 */
export async function cohortRetention(ctx: ServiceContext, args: { from: Date; months: number; cohorts?: number | null }): Promise<CohortRetentionResult> {
  if (!(args.from instanceof Date) || Number.isNaN(args.from.getTime())) throw new InputError('`from` must be a timestamp.', 'from');
  if (!Number.isInteger(args.months) || args.months < 0 || args.months > MAX_RETENTION_MONTHS) {
    throw new InputError(`\`months\` must be a whole number from 0 to ${MAX_RETENTION_MONTHS}.`, 'months');
  }
  const now = new Date();
  let count: number;
  if (args.cohorts != null) {
    if (!Number.isInteger(args.cohorts) || args.cohorts < 1 || args.cohorts > MAX_COHORTS) {
      throw new InputError(`\`cohorts\` must be a whole number from 1 to ${MAX_COHORTS}.`, 'cohorts');
    }
    count = args.cohorts;
  } else {
    count = monthsBetween(args.from, now) + 1;
    if (count > MAX_COHORTS) throw new InputError(`\`from\` is more than ${MAX_COHORTS} months ago: pass \`cohorts\` (at most ${MAX_COHORTS}).`, 'cohorts');
    if (count < 1) return { firstMonth: monthStart(args.from).slice(0, 7), months: args.months, cohorts: [] };
  }
  const first = monthStart(args.from);
  const end = monthStart(args.from, count);
  const current = monthStart(now);
  // Month arithmetic on UTC wall-clock timestamps (timestamp without time zone), so that a session time
  // zone can never move an order into another month.
  const cells = await rows<{ cohort: string; size: number; offset: number; month: string; customers: number | null; share: number | null }>(ctx.em, sql`
    with firsts as (
      select o.customer_id, min(o.completed_at) as first_at
      from sales_order o
      join customer c on c.id = o.customer_id and c.deleted_at is null
      where o.status = 'COMPLETED' and o.completed_at is not null and o.currency = ${PROGRAMME_CURRENCY} and ${valueScope(ctx.principal)}
      group by o.customer_id
    ),
    members as (
      select f.customer_id, date_trunc('month', f.first_at at time zone 'UTC') as cohort
      from firsts f
      where f.first_at >= (${first}::timestamp at time zone 'UTC') and f.first_at < (${end}::timestamp at time zone 'UTC')
    ),
    sizes as (select cohort, count(*)::int as size from members group by cohort),
    active as (
      select x.cohort, x.off, count(distinct x.customer_id)::int as n
      from (
        select mb.cohort, mb.customer_id,
          ((extract(year from o.completed_at at time zone 'UTC') - extract(year from mb.cohort)) * 12
            + extract(month from o.completed_at at time zone 'UTC') - extract(month from mb.cohort))::int as off
        from members mb
        join sales_order o on o.customer_id = mb.customer_id and o.status = 'COMPLETED' and o.completed_at is not null
          and o.currency = ${PROGRAMME_CURRENCY}
      ) x
      where x.off between 0 and ${args.months}
      group by x.cohort, x.off
    ),
    cohorts as (
      select (${first}::timestamp + make_interval(months => k)) as cohort
      from generate_series(0, ${count - 1}) as k
    )
    select to_char(k.cohort, 'YYYY-MM') as cohort, coalesce(s.size, 0) as size, g.off as "offset",
      to_char(k.cohort + make_interval(months => g.off), 'YYYY-MM') as month,
      case when k.cohort + make_interval(months => g.off) <= ${current}::timestamp then coalesce(a.n, 0) end as customers,
      case when k.cohort + make_interval(months => g.off) <= ${current}::timestamp and s.size > 0
        then round(coalesce(a.n, 0)::numeric / s.size, 4)::float8 end as share
    from cohorts k
    cross join generate_series(0, ${args.months}) as g(off)
    left join sizes s on s.cohort = k.cohort
    left join active a on a.cohort = k.cohort and a.off = g.off
    order by k.cohort, g.off`);
  const cohorts: CohortRow[] = [];
  for (const cell of cells) {
    let cohort = cohorts[cohorts.length - 1];
    if (!cohort || cohort.month !== cell.cohort) cohorts.push((cohort = { month: cell.cohort, size: cell.size, retention: [] }));
    cohort.retention.push({ offset: cell.offset, month: cell.month, customers: cell.customers, share: share(cell.share) });
  }
  return { firstMonth: first.slice(0, 7), months: args.months, cohorts };
}

// -------------------------------------------------------------------------------- tier migration

export interface TierMoveRow { fromTier: MembershipTier | null; toTier: MembershipTier; members: number }
export interface TierMigrationResult extends Period {
  moves: TierMoveRow[];
  members: number;
  newMembers: number;
  upgraded: number;
  downgraded: number;
  unchanged: number;
}

const TIER_ARRAY = raw(`ARRAY[${quoted(MEMBERSHIP_TIERS)}]::text[]`);

/**
 * Members (of customers the caller sees) by the tier they held at `from` and the tier they held at
 * `to`, from the tier history: the tier held at an instant is the `to_tier` of the last change before
 * it (a change exactly at `from` is part of the period). Members enrolled in [from, to) move from null
 * (NEW); members enrolled at or after `to` are not counted. Also the totals: members, new, up, down, same.
 */
export async function tierMigration(ctx: ServiceContext, args: Period): Promise<TierMigrationResult> {
  checkPeriod(args);
  const scope = readsAnalytics(ctx.principal) && LOYALTY_READERS.includes(ctx.principal.role) ? membershipScope(ctx.principal, 'm.customer_id') : FALSE;
  const heldAt = (at: Date) => sql`(select t.to_tier from loyalty_tier_change t where t.membership_id = m.id and t.created_at < ${ts(at)}
      order by t.created_at desc, t.id desc limit 1)`;
  const found = await rows<TierMoveRow & { isTotal: boolean; newMembers: number; upgraded: number; downgraded: number; unchanged: number }>(ctx.em, sql`
    with held as (
      select ${heldAt(args.from)} as from_tier, ${heldAt(args.to)} as to_tier
      from loyalty_membership m
      where ${scope}
    ),
    moved as (
      select from_tier, to_tier, array_position(${TIER_ARRAY}, from_tier) as from_pos, array_position(${TIER_ARRAY}, to_tier) as to_pos
      from held where to_tier is not null
    )
    select from_tier as "fromTier", to_tier as "toTier", grouping(from_tier, to_tier) <> 0 as "isTotal", count(*)::int as members,
      count(*) filter (where from_tier is null)::int as "newMembers",
      count(*) filter (where to_pos > from_pos)::int as upgraded,
      count(*) filter (where to_pos < from_pos)::int as downgraded,
      count(*) filter (where to_pos = from_pos)::int as unchanged
    from moved
    group by grouping sets ((from_tier, from_pos, to_tier, to_pos), ())
    order by grouping(from_tier, to_tier), from_pos nulls first, to_pos`);
  const total = found.find((r) => r.isTotal)!;
  return {
    from: args.from, to: args.to,
    moves: found.filter((r) => !r.isTotal).map(({ fromTier, toTier, members }) => ({ fromTier, toTier, members })),
    members: total.members, newMembers: total.newMembers, upgraded: total.upgraded, downgraded: total.downgraded, unchanged: total.unchanged,
  };
}
