import type { Principal } from '../auth/principal';
import { OPEN_STAGES, OpportunityStage, Role, Sector, Tier } from '../entities/enums';
import type { ServiceContext } from './context';
import { InputError } from './errors';
import { subtreeSql } from './scope';
import { and, FALSE, raw, rows, sql, textArray, TRUE, type Sql } from './sql';
import { DATE_RANGE, yearInRange } from './validation';

/**
 * Sales analytics. Every figure is computed by one SQL statement (CTEs, FILTER, window functions,
 * grouping sets) over the rows in the caller's analytics scope; nothing is aggregated in JavaScript.
 *
 * Conventions shared by all queries:
 * - periods are half-open, [from, to), in UTC;
 * - soft-deleted opportunities, activities and customers are not counted, nor are the opportunities
 *   and activities of a soft-deleted customer;
 * - amounts are exact decimals (numeric in SQL, strings in GraphQL) in one currency; rates are
 *   rounded to 4 decimals, days to 1 decimal.
 */

// --------------------------------------------------------------------------------------- scope

/**
 * Whose numbers the caller may aggregate, as a condition on a user-id column (an opportunity's owner,
 * a sales user's id): ADMIN, FINANCE and ANALYST everyone (ANALYST sees no records, but aggregates);
 * a SALES_MANAGER their subtree (themselves and everyone below); a SALES_REP themselves; nobody else.
 */
export function analyticsScope(principal: Principal, userIdColumn: string): Sql {
  const column = raw(userIdColumn);
  if (principal.type !== 'USER') return FALSE;
  switch (principal.role) {
    case Role.ADMIN:
    case Role.FINANCE:
    case Role.ANALYST:
      return TRUE;
    case Role.SALES_MANAGER:
      return sql`${column} in (${subtreeSql(principal.id)})`;
    case Role.SALES_REP:
      return sql`${column} = ${principal.id}`;
    default:
      return FALSE;
  }
}

// ---------------------------------------------------------------------------------- arguments

export interface Period { from: Date; to: Date }

const CURRENCY = /^[A-Z]{3}$/;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
export const MAX_FORECAST_MONTHS = 36;
const MAX_OWNER_IDS = 100;

function checkPeriod({ from, to }: Period): void {
  if (!(from instanceof Date) || Number.isNaN(from.getTime())) throw new InputError('`from` must be a timestamp.', 'from');
  if (!(to instanceof Date) || Number.isNaN(to.getTime())) throw new InputError('`to` must be a timestamp.', 'to');
  if (from.getTime() >= to.getTime()) throw new InputError('`from` must be before `to`.', 'to');
}

function checkCurrency(currency: string): void {
  if (!CURRENCY.test(currency)) throw new InputError('`currency` must be an ISO 4217 code in capitals, e.g. "EUR".', 'currency');
}

/** `?::timestamptz` (MikroORM inlines parameters: the ISO text keeps the instant exact). */
const ts = (d: Date): Sql => sql`${d.toISOString()}::timestamptz`;

/** `o.owner_id in (…)` when the caller names owners; nothing when they don't; FALSE for an empty list. */
function ownersSql(ownerIds: readonly string[] | null | undefined, column: string): Sql {
  if (ownerIds == null) return TRUE;
  if (ownerIds.length > MAX_OWNER_IDS) throw new InputError(`At most ${MAX_OWNER_IDS} owner ids.`, 'ownerIds');
  return ownerIds.length ? sql`${raw(column)} = any(${textArray([...new Set(ownerIds)])})` : FALSE;
}

/** Opportunities that count: not deleted, their customer not deleted, in the caller's scope. */
function countedOpportunities(principal: Principal): Sql {
  return sql`opportunity o join customer c on c.id = o.customer_id and c.deleted_at is null
    where o.deleted_at is null and ${analyticsScope(principal, 'o.owner_id')}`;
}

const quoted = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/** The funnel's stages in order (1-based positions); LOST is not in the funnel. */
const FUNNEL: readonly OpportunityStage[] = [...OPEN_STAGES, OpportunityStage.WON];
const FUNNEL_ARRAY = raw(`ARRAY[${quoted(FUNNEL)}]::text[]`);
const OPEN_LIST = raw(`(${quoted(OPEN_STAGES)})`);

// -------------------------------------------------------------------------------------- funnel

export interface FunnelStageRow {
  stage: OpportunityStage;
  count: number;
  amount: string;
  reached: number | null;
  conversionToNext: number | null;
}

export interface SalesFunnelResult extends Period {
  currency: string;
  count: number;
  amount: string;
  stages: FunnelStageRow[];
}

/**
 * The funnel of the opportunities created in [from, to) in `currency`: per stage, how many are in it
 * now and their amount; how many reached it (the furthest funnel stage in their history or their
 * current stage, so a deal that skipped a stage reached it too); and the share of those that reached
 * the next stage.
 */
export async function salesFunnel(ctx: ServiceContext, args: Period & { currency: string; ownerIds?: string[] | null }): Promise<SalesFunnelResult> {
  checkPeriod(args);
  checkCurrency(args.currency);
  const where = and([
    sql`o.currency = ${args.currency}`,
    sql`o.created_at >= ${ts(args.from)} and o.created_at < ${ts(args.to)}`,
    ownersSql(args.ownerIds, 'o.owner_id'),
  ]);
  // "Reached stage N" = furthest stage >= N: a running total of the furthest-stage counts from the last
  // stage down. The conversion is the next stage's reached over this one's (lead).
  const lines = await rows<FunnelStageRow & { pos: number; totalCount: number; totalAmount: string }>(ctx.em, sql`
    with cohort as (
      select o.stage, o.amount, greatest(
          array_position(${FUNNEL_ARRAY}, o.stage),
          (select max(greatest(array_position(${FUNNEL_ARRAY}, s.from_stage), array_position(${FUNNEL_ARRAY}, s.to_stage)))
             from opportunity_stage_change s where s.opportunity_id = o.id),
          1) as furthest
      from ${countedOpportunities(ctx.principal)} and ${where}
    ),
    stage_list as (
      select s.stage, s.pos::int as pos
      from unnest(${raw(`ARRAY[${quoted([...FUNNEL, OpportunityStage.LOST])}]::text[]`)}) with ordinality as s(stage, pos)
    ),
    by_stage as (select stage, count(*)::int as n, sum(amount) as amount from cohort group by stage),
    by_furthest as (select furthest as pos, count(*)::int as n from cohort group by furthest),
    funnel as (
      select l.stage, l.pos, coalesce(b.n, 0) as n, coalesce(b.amount, 0.00) as amount,
        coalesce(sum(f.n) over (order by l.pos desc), 0)::int as reached
      from stage_list l
      left join by_stage b on b.stage = l.stage
      left join by_furthest f on f.pos = l.pos
    )
    select stage, pos, n as "count", amount::text as amount,
      case when stage <> ${OpportunityStage.LOST} then reached end as reached,
      case when pos < ${FUNNEL.length} and reached > 0
        then round((lead(reached) over (order by pos))::numeric / reached, 4)::float8 end as "conversionToNext",
      (select count(*)::int from cohort) as "totalCount",
      (select coalesce(sum(amount), 0.00)::text from cohort) as "totalAmount"
    from funnel
    order by pos`);
  return {
    from: args.from, to: args.to, currency: args.currency,
    count: lines[0].totalCount, amount: lines[0].totalAmount,
    stages: lines.map(({ stage, count, amount, reached, conversionToNext }) => ({ stage, count, amount, reached, conversionToNext })),
  };
}

// ------------------------------------------------------------------------------------ win rate

export type WinRateGrouping = 'OWNER' | 'SECTOR' | 'TIER';

export interface WinRateStatsRow {
  won: number;
  lost: number;
  winRate: number | null;
  averageSalesCycleDays: number | null;
}

export interface WinRateGroupRow extends WinRateStatsRow {
  key: string;
  /** The user id when grouped by OWNER (for the `user` field); null otherwise. */
  ownerId: string | null;
  sector: Sector | null;
  tier: Tier | null;
}

export interface WinRateResult extends Period {
  groupBy: WinRateGrouping;
  groups: WinRateGroupRow[];
  total: WinRateStatsRow;
}

const GROUP_KEY: Record<WinRateGrouping, { key: Sql; order: Sql }> = {
  OWNER: { key: raw('o.owner_id'), order: raw('key') },
  SECTOR: { key: raw('c.sector'), order: raw(`array_position(ARRAY[${quoted(Object.values(Sector))}]::text[], key)`) },
  TIER: { key: raw('c.tier'), order: raw(`array_position(ARRAY[${quoted(Object.values(Tier))}]::text[], key)`) },
};

/** Won, lost, win rate and average sales cycle of the deals closed in [from, to), per group and in total (one GROUPING SETS query). */
export async function winRate(ctx: ServiceContext, args: Period & { groupBy: WinRateGrouping; ownerIds?: string[] | null }): Promise<WinRateResult> {
  checkPeriod(args);
  const grouping = GROUP_KEY[args.groupBy];
  if (!grouping) throw new InputError('Unknown grouping.', 'groupBy');
  const found = await rows<WinRateGroupRow & { isTotal: boolean }>(ctx.em, sql`
    with closed as (
      select ${grouping.key} as key, o.stage, extract(epoch from o.closed_at - o.created_at) / 86400 as days
      from ${countedOpportunities(ctx.principal)}
        and o.stage in (${OpportunityStage.WON}, ${OpportunityStage.LOST})
        and o.closed_at >= ${ts(args.from)} and o.closed_at < ${ts(args.to)}
        and ${ownersSql(args.ownerIds, 'o.owner_id')}
    )
    select key, grouping(key) = 1 as "isTotal",
      count(*) filter (where stage = ${OpportunityStage.WON})::int as won,
      count(*) filter (where stage = ${OpportunityStage.LOST})::int as lost,
      round((count(*) filter (where stage = ${OpportunityStage.WON}))::numeric / nullif(count(*), 0), 4)::float8 as "winRate",
      round(avg(days) filter (where stage = ${OpportunityStage.WON}), 1)::float8 as "averageSalesCycleDays"
    from closed
    group by grouping sets ((key), ())
    order by grouping(key), ${grouping.order}, key`);
  const stats = ({ won, lost, winRate: rate, averageSalesCycleDays }: WinRateStatsRow): WinRateStatsRow =>
    ({ won, lost, winRate: rate, averageSalesCycleDays });
  const total = found.find((r) => r.isTotal) ?? { won: 0, lost: 0, winRate: null, averageSalesCycleDays: null };
  return {
    from: args.from, to: args.to, groupBy: args.groupBy,
    groups: found.filter((r) => !r.isTotal).map((r) => ({
      key: r.key, ...stats(r),
      ownerId: args.groupBy === 'OWNER' ? r.key : null,
      sector: args.groupBy === 'SECTOR' ? (r.key as Sector) : null,
      tier: args.groupBy === 'TIER' ? (r.key as Tier) : null,
    })),
    total: stats(total),
  };
}

// ------------------------------------------------------------------------------------ forecast

export interface ForecastBucketRow { count: number; amount: string; weightedAmount: string }
export interface ForecastResult { currency: string; months: (ForecastBucketRow & { month: string })[]; total: ForecastBucketRow; pastDue: ForecastBucketRow }

/** The first day of the current month in UTC, "YYYY-MM-01". */
function currentMonth(): string {
  return `${new Date().toISOString().slice(0, 7)}-01`;
}

/**
 * Open opportunities in `currency` by expected close month, for `months` months from `startMonth`
 * ("YYYY-MM", default: the current month in UTC): count, amount, and amount × probability / 100.
 * Also the total over those months and the open deals already past due.
 */
export async function forecast(ctx: ServiceContext, args: { months: number; currency: string; startMonth?: string | null; ownerIds?: string[] | null }): Promise<ForecastResult> {
  if (!Number.isInteger(args.months) || args.months < 1 || args.months > MAX_FORECAST_MONTHS) {
    throw new InputError(`\`months\` must be a whole number from 1 to ${MAX_FORECAST_MONTHS}.`, 'months');
  }
  checkCurrency(args.currency);
  if (args.startMonth != null && !(MONTH.test(args.startMonth) && yearInRange(Number(args.startMonth.slice(0, 4))))) {
    throw new InputError(`\`startMonth\` must be a month like "2026-04" in the years ${DATE_RANGE.minYear}–${DATE_RANGE.maxYear}.`, 'startMonth');
  }
  const start = args.startMonth != null ? `${args.startMonth}-01` : currentMonth();
  // Buckets by position: -1 past due, 0 … months-1 the months, `months` all months together.
  // (No SQL comments in the statement: a semicolon in one would split it on the embedded database.)
  const buckets = await rows<ForecastBucketRow & { month: string | null; pos: number }>(ctx.em, sql`
    with bounds as (select ${start}::date as first_day, (${start}::date + make_interval(months => ${args.months}))::date as end_day),
    open_deals as (
      select o.expected_close_date as close_date, o.amount, o.probability
      from ${countedOpportunities(ctx.principal)}
        and o.stage in ${OPEN_LIST}
        and o.currency = ${args.currency}
        and ${ownersSql(args.ownerIds, 'o.owner_id')}
        and o.expected_close_date < (select end_day from bounds)
    ),
    buckets as (
      select g as pos, to_char(b.first_day + make_interval(months => g), 'YYYY-MM') as month,
        (b.first_day + make_interval(months => g))::date as lo, (b.first_day + make_interval(months => g + 1))::date as hi
      from bounds b, generate_series(0, ${args.months - 1}) as g
      union all select -1, null, null, first_day from bounds
      union all select ${args.months}, null, first_day, end_day from bounds
    )
    select k.pos, k.month, count(d.amount)::int as "count",
      coalesce(sum(d.amount), 0.00)::text as amount,
      coalesce(round(sum(d.amount * d.probability) / 100, 2), 0.00)::text as "weightedAmount"
    from buckets k
    left join open_deals d on (k.lo is null or d.close_date >= k.lo) and d.close_date < k.hi
    group by k.pos, k.month
    order by k.pos`);
  const bucket = ({ count, amount, weightedAmount }: ForecastBucketRow): ForecastBucketRow => ({ count, amount, weightedAmount });
  return {
    currency: args.currency,
    pastDue: bucket(buckets.find((b) => b.pos === -1)!),
    months: buckets.filter((b) => b.pos >= 0 && b.pos < args.months).map((b) => ({ month: b.month!, ...bucket(b) })),
    total: bucket(buckets.find((b) => b.pos === args.months)!),
  };
}

// ----------------------------------------------------------------------------- rep performance

export interface RepPerformanceRow {
  userId: string;
  newCustomers: number;
  newOpportunities: number;
  wonCount: number;
  wonAmount: string;
  activitiesLogged: number;
  tasksDone: number;
  tasksOverdue: number;
  daysToFirstWin: number | null;
}

export interface RepPerformanceResult extends Period { currency: string; reps: RepPerformanceRow[] }

/**
 * Per sales user (SALES_REP, SALES_MANAGER) in the caller's scope: new customers, new opportunities,
 * won deals and amount, activities, tasks done and overdue in [from, to), and days from their start
 * to their first won deal. One statement: a CTE per source table, grouped by user, joined to the users.
 */
export async function repPerformance(ctx: ServiceContext, args: Period & { currency: string }): Promise<RepPerformanceResult> {
  checkPeriod(args);
  checkCurrency(args.currency);
  const from = ts(args.from);
  const to = ts(args.to);
  const reps = await rows<RepPerformanceRow>(ctx.em, sql`
    with reps as (
      select u.id, u.created_at from app_user u
      where u.role in (${Role.SALES_REP}, ${Role.SALES_MANAGER}) and ${analyticsScope(ctx.principal, 'u.id')}
    ),
    new_customers as (
      select c.owner_id as id, count(*)::int as n
      from customer c
      where c.deleted_at is null and c.created_at >= ${from} and c.created_at < ${to} and c.owner_id in (select id from reps)
      group by c.owner_id
    ),
    deals as (
      select o.owner_id as id,
        count(*) filter (where o.created_at >= ${from} and o.created_at < ${to})::int as created,
        count(*) filter (where o.stage = ${OpportunityStage.WON} and o.closed_at >= ${from} and o.closed_at < ${to})::int as won,
        sum(o.amount) filter (where o.stage = ${OpportunityStage.WON} and o.closed_at >= ${from} and o.closed_at < ${to}
          and o.currency = ${args.currency}) as won_amount,
        min(o.closed_at) filter (where o.stage = ${OpportunityStage.WON} and o.closed_at >= r.created_at) as first_won_at
      from opportunity o
      join reps r on r.id = o.owner_id
      join customer c on c.id = o.customer_id and c.deleted_at is null
      where o.deleted_at is null
      group by o.owner_id
    ),
    activities as (
      select a.performed_by_id as id, count(*)::int as n
      from activity a join customer c on c.id = a.customer_id and c.deleted_at is null
      where a.deleted_at is null and a.occurred_at >= ${from} and a.occurred_at < ${to} and a.performed_by_id in (select id from reps)
      group by a.performed_by_id
    ),
    tasks as (
      select t.assignee_id as id,
        count(*) filter (where t.status = 'DONE' and t.completed_at >= ${from} and t.completed_at < ${to})::int as done,
        count(*) filter (where t.status = 'OPEN' and t.due_at >= ${from} and t.due_at < ${to} and t.due_at < now())::int as overdue
      from task t
      where t.assignee_id in (select id from reps)
      group by t.assignee_id
    )
    select r.id as "userId",
      coalesce(nc.n, 0) as "newCustomers",
      coalesce(d.created, 0) as "newOpportunities",
      coalesce(d.won, 0) as "wonCount",
      coalesce(d.won_amount, 0.00)::text as "wonAmount",
      coalesce(a.n, 0) as "activitiesLogged",
      coalesce(t.done, 0) as "tasksDone",
      coalesce(t.overdue, 0) as "tasksOverdue",
      round(extract(epoch from d.first_won_at - r.created_at) / 86400, 1)::float8 as "daysToFirstWin"
    from reps r
    left join new_customers nc on nc.id = r.id
    left join deals d on d.id = r.id
    left join activities a on a.id = r.id
    left join tasks t on t.id = r.id
    order by coalesce(d.won_amount, 0) desc, r.id`);
  return { from: args.from, to: args.to, currency: args.currency, reps };
}
