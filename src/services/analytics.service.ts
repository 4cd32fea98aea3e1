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

export function checkPeriod({ from, to }: Period): void {
  if (!(from instanceof Date) || Number.isNaN(from.getTime())) throw new InputError('`from` must be a timestamp.', 'from');
  if (!(to instanceof Date) || Number.isNaN(to.getTime())) throw new InputError('`to` must be a timestamp.', 'to');
  if (from.getTime() >= to.getTime()) throw new InputError('`from` must be before `to`.', 'to');
}

export function checkCurrency(currency: string): void {
  if (!CURRENCY.test(currency)) throw new InputError('`currency` must be an ISO 4217 code in capitals, e.g. "EUR".', 'currency');
}

/** `?::timestamptz` (MikroORM inlines parameters: the ISO text keeps the instant exact). */
export const ts = (d: Date): Sql => sql`${d.toISOString()}::timestamptz`;

/** `o.owner_id in (…)` when the caller names owners; nothing when they don't; FALSE for an empty list. */
export function ownersSql(ownerIds: readonly string[] | null | undefined, column: string): Sql {
  if (ownerIds == null) return TRUE;
  if (ownerIds.length > MAX_OWNER_IDS) throw new InputError(`At most ${MAX_OWNER_IDS} owner ids.`, 'ownerIds');
  return ownerIds.length ? sql`${raw(column)} = any(${textArray([...new Set(ownerIds)])})` : FALSE;
}

/**
 * Opportunities that count: not deleted, their customer not deleted, in the caller's scope by the owner
 * in `ownerColumn` (the current owner `o.owner_id`, or the owner at close, see `attributed`).
 */
export function countedOpportunities(principal: Principal, ownerColumn = 'o.owner_id'): Sql {
  return sql`opportunity o join customer c on c.id = o.customer_id and c.deleted_at is null
    where o.deleted_at is null and ${analyticsScope(principal, ownerColumn)}`;
}

// --------------------------------------------------------------------------------- attribution

/**
 * Whose a closed deal is, and what its customer was: AT_CLOSE (the default) reads what was recorded
 * when the deal was won or lost (`opportunity.closed_owner_id`, `closed_customer_tier`,
 * `closed_customer_sector`, written by the database when the deal enters WON or LOST, cleared when it
 * is reopened); CURRENT reads the deal's owner and its customer's tier and sector now.
 */
export type Attribution = 'AT_CLOSE' | 'CURRENT';

/** Column expressions over `o` (opportunity) and `c` (its customer) for the owner, tier and sector of a closed deal. */
export function attributed(attribution: Attribution | null | undefined): { owner: string; tier: string; sector: string } {
  if (attribution == null || attribution === 'AT_CLOSE') {
    return { owner: 'coalesce(o.closed_owner_id, o.owner_id)', tier: 'coalesce(o.closed_customer_tier, c.tier)', sector: 'coalesce(o.closed_customer_sector, c.sector)' };
  }
  if (attribution === 'CURRENT') return { owner: 'o.owner_id', tier: 'c.tier', sector: 'c.sector' };
  throw new InputError('Unknown attribution.', 'attribution');
}

export const quoted = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

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
  wonAmount: string;
  lostAmount: string;
  winRateByValue: number | null;
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
  attribution: Attribution;
  currency: string;
  groups: WinRateGroupRow[];
  total: WinRateStatsRow;
}

function groupKey(groupBy: WinRateGrouping, attribution: Attribution | null | undefined): { key: Sql; order: Sql } {
  const at = attributed(attribution);
  switch (groupBy) {
    case 'OWNER': return { key: raw(at.owner), order: raw('key') };
    case 'SECTOR': return { key: raw(at.sector), order: raw(`array_position(ARRAY[${quoted(Object.values(Sector))}]::text[], key)`) };
    case 'TIER': return { key: raw(at.tier), order: raw(`array_position(ARRAY[${quoted(Object.values(Tier))}]::text[], key)`) };
    default: throw new InputError('Unknown grouping.', 'groupBy');
  }
}

/**
 * Won, lost, win rate (by count, and by value in `currency`) and average sales cycle of the deals
 * closed in [from, to), per group and in total (one GROUPING SETS query). Owner, sector and tier are
 * those at close by default (`attribution`); the scope and `ownerIds` apply to the same owner.
 */
export async function winRate(ctx: ServiceContext, args: Period & {
  groupBy: WinRateGrouping; ownerIds?: string[] | null; attribution?: Attribution | null; currency?: string | null;
}): Promise<WinRateResult> {
  checkPeriod(args);
  const currency = args.currency ?? 'EUR';
  checkCurrency(currency);
  const attribution = args.attribution ?? 'AT_CLOSE';
  const owner = attributed(attribution).owner;
  const grouping = groupKey(args.groupBy, attribution);
  const found = await rows<WinRateGroupRow & { isTotal: boolean }>(ctx.em, sql`
    with closed as (
      select ${grouping.key} as key, o.stage, extract(epoch from o.closed_at - o.created_at) / 86400 as days,
        case when o.currency = ${currency} then o.amount end as amount
      from ${countedOpportunities(ctx.principal, owner)}
        and o.stage in (${OpportunityStage.WON}, ${OpportunityStage.LOST})
        and o.closed_at >= ${ts(args.from)} and o.closed_at < ${ts(args.to)}
        and ${ownersSql(args.ownerIds, owner)}
    )
    select key, grouping(key) = 1 as "isTotal",
      count(*) filter (where stage = ${OpportunityStage.WON})::int as won,
      count(*) filter (where stage = ${OpportunityStage.LOST})::int as lost,
      round((count(*) filter (where stage = ${OpportunityStage.WON}))::numeric / nullif(count(*), 0), 4)::float8 as "winRate",
      round(avg(days) filter (where stage = ${OpportunityStage.WON}), 1)::float8 as "averageSalesCycleDays",
      coalesce(sum(amount) filter (where stage = ${OpportunityStage.WON}), 0.00)::text as "wonAmount",
      coalesce(sum(amount) filter (where stage = ${OpportunityStage.LOST}), 0.00)::text as "lostAmount",
      round(coalesce(sum(amount) filter (where stage = ${OpportunityStage.WON}), 0) / nullif(sum(amount), 0), 4)::float8 as "winRateByValue"
    from closed
    group by grouping sets ((key), ())
    order by grouping(key), ${grouping.order}, key`);
  const stats = ({ won, lost, winRate: rate, averageSalesCycleDays, wonAmount, lostAmount, winRateByValue }: WinRateStatsRow): WinRateStatsRow =>
    ({ won, lost, winRate: rate, averageSalesCycleDays, wonAmount, lostAmount, winRateByValue });
  const total = found.find((r) => r.isTotal)
    ?? { won: 0, lost: 0, winRate: null, averageSalesCycleDays: null, wonAmount: '0.00', lostAmount: '0.00', winRateByValue: null };
  return {
    from: args.from, to: args.to, groupBy: args.groupBy, attribution, currency,
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

/** The figures of a rep performance line (a sales user, the "other" line, or the total). */
export interface RepFigures {
  newCustomers: number;
  newOpportunities: number;
  wonCount: number;
  wonAmount: string;
  activitiesLogged: number;
  tasksDone: number;
  tasksOverdue: number;
}

export interface RepPerformanceRow extends RepFigures {
  userId: string;
  daysToFirstWin: number | null;
}

export interface RepPerformanceResult extends Period {
  currency: string;
  attribution: Attribution;
  reps: RepPerformanceRow[];
  other: RepFigures;
  total: RepFigures;
}

/**
 * Per sales user (SALES_REP, SALES_MANAGER) in the caller's scope: new customers, new opportunities,
 * won deals and amount, activities, tasks done and overdue in [from, to), and days from their start
 * to their first won deal. Won deals are credited to the owner at close by default (`attribution`).
 * The same figures of the records in the caller's scope whose user (owner, performer, assignee) is
 * not a sales user in scope (ADMIN, a deactivated-then-demoted user, anyone else) form the `other`
 * line, and `total` is all of them: the reps' lines plus `other` add up to `total`.
 * One statement: every counted record becomes a fact line tagged with its user, the facts are summed
 * per sales user / other / in total with GROUPING SETS, joined to the users.
 */
export async function repPerformance(ctx: ServiceContext, args: Period & { currency: string; attribution?: Attribution | null }): Promise<RepPerformanceResult> {
  checkPeriod(args);
  checkCurrency(args.currency);
  const attribution = args.attribution ?? 'AT_CLOSE';
  const owner = attributed(attribution).owner;
  const from = ts(args.from);
  const to = ts(args.to);
  const scope = (column: string) => analyticsScope(ctx.principal, column);
  type Line = RepFigures & { userId: string | null; kind: number; daysToFirstWin: number | null };
  const lines = await rows<Line>(ctx.em, sql`
    with reps as (
      select u.id, u.created_at from app_user u
      where u.role in (${Role.SALES_REP}, ${Role.SALES_MANAGER}) and ${scope('u.id')}
    ),
    facts as (
      select c.owner_id as uid, 1 as new_customers, 0 as new_opportunities, 0 as won, null::numeric as won_amount, 0 as activities, 0 as done, 0 as overdue
      from customer c
      where c.deleted_at is null and c.created_at >= ${from} and c.created_at < ${to} and ${scope('c.owner_id')}
      union all
      select o.owner_id, 0, 1, 0, null, 0, 0, 0
      from ${countedOpportunities(ctx.principal)} and o.created_at >= ${from} and o.created_at < ${to}
      union all
      select ${raw(owner)}, 0, 0, 1, case when o.currency = ${args.currency} then o.amount end, 0, 0, 0
      from ${countedOpportunities(ctx.principal, owner)}
        and o.stage = ${OpportunityStage.WON} and o.closed_at >= ${from} and o.closed_at < ${to}
      union all
      select a.performed_by_id, 0, 0, 0, null, 1, 0, 0
      from activity a join customer c on c.id = a.customer_id and c.deleted_at is null
      where a.deleted_at is null and a.occurred_at >= ${from} and a.occurred_at < ${to} and ${scope('a.performed_by_id')}
      union all
      select t.assignee_id, 0, 0, 0, null, 0,
        (t.status = 'DONE' and t.completed_at >= ${from} and t.completed_at < ${to})::int,
        (t.status = 'OPEN' and t.due_at >= ${from} and t.due_at < ${to} and t.due_at < now())::int
      from task t
      where ${scope('t.assignee_id')}
        and ((t.status = 'DONE' and t.completed_at >= ${from} and t.completed_at < ${to})
          or (t.status = 'OPEN' and t.due_at >= ${from} and t.due_at < ${to} and t.due_at < now()))
    ),
    sums as (
      select r.id as rep_id, grouping(r.id) = 1 as is_total,
        sum(f.new_customers)::int as new_customers, sum(f.new_opportunities)::int as new_opportunities, sum(f.won)::int as won,
        coalesce(sum(f.won_amount), 0.00) as won_amount, sum(f.activities)::int as activities,
        sum(f.done)::int as done, sum(f.overdue)::int as overdue
      from facts f left join reps r on r.id = f.uid
      group by grouping sets ((r.id), ())
    ),
    first_wins as (
      select r.id, min(o.closed_at) as first_won_at
      from reps r
      join opportunity o on ${raw(owner)} = r.id and o.deleted_at is null and o.stage = ${OpportunityStage.WON} and o.closed_at >= r.created_at
      join customer c on c.id = o.customer_id and c.deleted_at is null
      group by r.id
    ),
    keys as (
      select 0 as kind, r.id, r.created_at from reps r
      union all select 1, null, null
      union all select 2, null, null
    )
    select k.kind, k.id as "userId",
      coalesce(s.new_customers, 0) as "newCustomers",
      coalesce(s.new_opportunities, 0) as "newOpportunities",
      coalesce(s.won, 0) as "wonCount",
      coalesce(s.won_amount, 0.00)::text as "wonAmount",
      coalesce(s.activities, 0) as "activitiesLogged",
      coalesce(s.done, 0) as "tasksDone",
      coalesce(s.overdue, 0) as "tasksOverdue",
      round(extract(epoch from w.first_won_at - k.created_at) / 86400, 1)::float8 as "daysToFirstWin"
    from keys k
    left join sums s on s.rep_id is not distinct from k.id and s.is_total = (k.kind = 2)
    left join first_wins w on w.id = k.id
    order by k.kind, coalesce(s.won_amount, 0) desc, k.id`);
  const figures = ({ newCustomers, newOpportunities, wonCount, wonAmount, activitiesLogged, tasksDone, tasksOverdue }: RepFigures): RepFigures =>
    ({ newCustomers, newOpportunities, wonCount, wonAmount, activitiesLogged, tasksDone, tasksOverdue });
  return {
    from: args.from, to: args.to, currency: args.currency, attribution,
    reps: lines.filter((l) => l.kind === 0).map((l) => ({ userId: l.userId!, ...figures(l), daysToFirstWin: l.daysToFirstWin })),
    other: figures(lines.find((l) => l.kind === 1)!),
    total: figures(lines.find((l) => l.kind === 2)!),
  };
}
