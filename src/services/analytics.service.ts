import type { Principal } from '../auth/principal';
import { OPEN_STAGES, OpportunityStage, Role, Sector, Tier } from '../entities/enums';
import type { ServiceContext } from './context';
import { InputError } from './errors';
import { checkedRows, conversion, currencyLiteral, failOnMissingRate, missingRateOf, ratesAgg, reportingCurrency, type AppliedRate } from './exchange-rate';
import { subtreeSql } from './scope';
import { and, FALSE, raw, rows, sql, textArray, TRUE, type Sql } from './sql';
import { DATE_RANGE, isoDate, yearInRange } from './validation';

/**
 * Sales analytics. Every figure is computed by one SQL statement (CTEs, FILTER, window functions,
 * grouping sets) over the rows in the caller's analytics scope; nothing is aggregated in JavaScript.
 *
 * Conventions shared by all queries:
 * - periods are half-open, [from, to), in UTC;
 * - soft-deleted opportunities, activities and customers are not counted, nor are the opportunities
 *   and activities of a soft-deleted customer;
 * - amounts are exact decimals (numeric in SQL, strings in GraphQL) in one currency; rates are
 *   rounded to 4 decimals, days to 1 decimal;
 * - money in one currency (`currency`, deals in others not counted in amounts), or, with a reporting
 *   currency (`in`), the deals of every currency converted into it by the one rate rule
 *   (services/exchange-rate.ts) at the rate of a day each report states (a closed deal: its closing day,
 *   a funnel deal: its creation day, an open deal in the forecast: today), each deal rounded to the cent,
 *   then summed; every result lists the rates applied, and a missing rate fails the report
 *   (BAD_USER_INPUT on `in`). `currency` is ignored with `in`. winRate and repPerformance count deals of
 *   every currency; salesFunnel and forecast count the deals in `currency` (every currency with `in`).
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

/**
 * A deal's money in the report's currency (select-list items `currency`, `<name>`, `rate`, `missing_rate`
 * and the rate join, see `conversion`): with a reporting currency `target`, `amount` converted at the rate
 * of the day `on`; without, `amount` only when the deal is in `currency` (else null: not counted).
 */
export function dealMoney(target: string | null, currency: string, from: Sql, on: Sql, amount: Sql, name = 'amount'): { columns: Sql; join: Sql } {
  if (target) return conversion(currencyLiteral(target), from, on, amount, name);
  return conversion(null, from, on, sql`case when ${from} = ${currency} then ${amount} end`, name);
}

/** The UTC day of a timestamp column, as SQL. */
export const utcDay = (column: string): Sql => raw(`(${column} at time zone 'UTC')::date`);

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
  rates: AppliedRate[];
}

export interface SalesFunnelResult extends Period {
  currency: string;
  count: number;
  amount: string;
  rates: AppliedRate[];
  stages: FunnelStageRow[];
}

/**
 * The funnel of the opportunities created in [from, to) in `currency`: per stage, how many are in it
 * now and their amount; how many reached it (the furthest funnel stage in their history or their
 * current stage, so a deal that skipped a stage reached it too); and the share of those that reached
 * the next stage. With `in`: the opportunities of every currency, each amount converted at the rate of
 * its creation day (UTC).
 */
export async function salesFunnel(ctx: ServiceContext, args: Period & { currency: string; ownerIds?: string[] | null; in?: string | null }): Promise<SalesFunnelResult> {
  checkPeriod(args);
  checkCurrency(args.currency);
  const target = reportingCurrency(args.in);
  const money = dealMoney(target, args.currency, raw('d.currency'), utcDay('d.created_at'), raw('d.amount'));
  const where = and([
    target ? TRUE : sql`o.currency = ${args.currency}`,
    sql`o.created_at >= ${ts(args.from)} and o.created_at < ${ts(args.to)}`,
    ownersSql(args.ownerIds, 'o.owner_id'),
  ]);
  // "Reached stage N" = furthest stage >= N: a running total of the furthest-stage counts from the last
  // stage down. The conversion is the next stage's reached over this one's (lead).
  const lines = await rows<FunnelStageRow & { pos: number; totalCount: number; totalAmount: string; totalRates: AppliedRate[]; missingRate: string | null }>(ctx.em, sql`
    with deal as (
      select o.stage, o.currency, o.amount, o.created_at, greatest(
          array_position(${FUNNEL_ARRAY}, o.stage),
          (select max(greatest(array_position(${FUNNEL_ARRAY}, s.from_stage), array_position(${FUNNEL_ARRAY}, s.to_stage)))
             from opportunity_stage_change s where s.opportunity_id = o.id),
          1) as furthest
      from ${countedOpportunities(ctx.principal)} and ${where}
    ),
    cohort as (select d.stage, d.furthest, ${money.columns} from deal d ${money.join}),
    stage_list as (
      select s.stage, s.pos::int as pos
      from unnest(${raw(`ARRAY[${quoted([...FUNNEL, OpportunityStage.LOST])}]::text[]`)}) with ordinality as s(stage, pos)
    ),
    by_stage as (select stage, count(*)::int as n, sum(amount) as amount, ${ratesAgg('rate')} as rates from cohort group by stage),
    by_furthest as (select furthest as pos, count(*)::int as n from cohort group by furthest),
    funnel as (
      select l.stage, l.pos, coalesce(b.n, 0) as n, coalesce(b.amount, 0.00) as amount, coalesce(b.rates, '[]'::jsonb) as rates,
        coalesce(sum(f.n) over (order by l.pos desc), 0)::int as reached
      from stage_list l
      left join by_stage b on b.stage = l.stage
      left join by_furthest f on f.pos = l.pos
    )
    select stage, pos, n as "count", amount::text as amount, rates,
      case when stage <> ${OpportunityStage.LOST} then reached end as reached,
      case when pos < ${FUNNEL.length} and reached > 0
        then round((lead(reached) over (order by pos))::numeric / reached, 4)::float8 end as "conversionToNext",
      (select count(*)::int from cohort) as "totalCount",
      (select coalesce(sum(amount), 0.00)::text from cohort) as "totalAmount",
      (select ${ratesAgg('rate')} from cohort) as "totalRates",
      (select min(missing_rate) from cohort) as "missingRate"
    from funnel
    order by pos`);
  failOnMissingRate(lines[0].missingRate);
  return {
    from: args.from, to: args.to, currency: target ?? args.currency,
    count: lines[0].totalCount, amount: lines[0].totalAmount, rates: lines[0].totalRates,
    stages: lines.map(({ stage, count, amount, reached, conversionToNext, rates }) => ({ stage, count, amount, reached, conversionToNext, rates })),
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
  rates: AppliedRate[];
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
 * those at close by default (`attribution`); the scope and `ownerIds` apply to the same owner. With `in`:
 * the amounts of every currency, each deal converted at the rate of its closing day (UTC).
 */
export async function winRate(ctx: ServiceContext, args: Period & {
  groupBy: WinRateGrouping; ownerIds?: string[] | null; attribution?: Attribution | null; currency?: string | null; in?: string | null;
}): Promise<WinRateResult> {
  checkPeriod(args);
  const currency = args.currency ?? 'EUR';
  checkCurrency(currency);
  const target = reportingCurrency(args.in);
  const money = dealMoney(target, currency, raw('d.currency'), utcDay('d.closed_at'), raw('d.amount'));
  const attribution = args.attribution ?? 'AT_CLOSE';
  const owner = attributed(attribution).owner;
  const grouping = groupKey(args.groupBy, attribution);
  const found = await rows<WinRateGroupRow & { isTotal: boolean; missingRate: string | null }>(ctx.em, sql`
    with deal as (
      select ${grouping.key} as key, o.stage, extract(epoch from o.closed_at - o.created_at) / 86400 as days, o.currency, o.amount, o.closed_at
      from ${countedOpportunities(ctx.principal, owner)}
        and o.stage in (${OpportunityStage.WON}, ${OpportunityStage.LOST})
        and o.closed_at >= ${ts(args.from)} and o.closed_at < ${ts(args.to)}
        and ${ownersSql(args.ownerIds, owner)}
    ),
    closed as (select d.key, d.stage, d.days, ${money.columns} from deal d ${money.join})
    select key, grouping(key) = 1 as "isTotal",
      count(*) filter (where stage = ${OpportunityStage.WON})::int as won,
      count(*) filter (where stage = ${OpportunityStage.LOST})::int as lost,
      round((count(*) filter (where stage = ${OpportunityStage.WON}))::numeric / nullif(count(*), 0), 4)::float8 as "winRate",
      round(avg(days) filter (where stage = ${OpportunityStage.WON}), 1)::float8 as "averageSalesCycleDays",
      coalesce(sum(amount) filter (where stage = ${OpportunityStage.WON}), 0.00)::text as "wonAmount",
      coalesce(sum(amount) filter (where stage = ${OpportunityStage.LOST}), 0.00)::text as "lostAmount",
      round(coalesce(sum(amount) filter (where stage = ${OpportunityStage.WON}), 0) / nullif(sum(amount), 0), 4)::float8 as "winRateByValue",
      ${ratesAgg('rate')} as rates, ${missingRateOf('missing_rate')}
    from closed
    group by grouping sets ((key), ())
    order by grouping(key), ${grouping.order}, key`);
  const checked = checkedRows(found);
  const stats = ({ won, lost, winRate: rate, averageSalesCycleDays, wonAmount, lostAmount, winRateByValue, rates }: WinRateStatsRow): WinRateStatsRow =>
    ({ won, lost, winRate: rate, averageSalesCycleDays, wonAmount, lostAmount, winRateByValue, rates });
  const total = checked.find((r) => r.isTotal)
    ?? { won: 0, lost: 0, winRate: null, averageSalesCycleDays: null, wonAmount: '0.00', lostAmount: '0.00', winRateByValue: null, rates: [] };
  return {
    from: args.from, to: args.to, groupBy: args.groupBy, attribution, currency: target ?? currency,
    groups: checked.filter((r) => !r.isTotal).map((r) => ({
      key: r.key, ...stats(r),
      ownerId: args.groupBy === 'OWNER' ? r.key : null,
      sector: args.groupBy === 'SECTOR' ? (r.key as Sector) : null,
      tier: args.groupBy === 'TIER' ? (r.key as Tier) : null,
    })),
    total: stats(total),
  };
}

// ------------------------------------------------------------------------------------ forecast

export interface ForecastBucketRow { count: number; amount: string; weightedAmount: string; rates: AppliedRate[] }
export interface ForecastResult { currency: string; months: (ForecastBucketRow & { month: string })[]; total: ForecastBucketRow; pastDue: ForecastBucketRow }

/** The first day of the current month in UTC, "YYYY-MM-01". */
function currentMonth(): string {
  return `${new Date().toISOString().slice(0, 7)}-01`;
}

/**
 * Open opportunities in `currency` by expected close month, for `months` months from `startMonth`
 * ("YYYY-MM", default: the current month in UTC): count, amount, and amount × probability / 100.
 * Also the total over those months and the open deals already past due. With `in`: the open deals of
 * every currency, each amount converted at today's rate (UTC) and rounded to the cent; the weighted amount
 * is then computed from the converted amounts.
 */
export async function forecast(
  ctx: ServiceContext,
  args: { months: number; currency: string; startMonth?: string | null; ownerIds?: string[] | null; in?: string | null },
  now: Date = new Date(),
): Promise<ForecastResult> {
  if (!Number.isInteger(args.months) || args.months < 1 || args.months > MAX_FORECAST_MONTHS) {
    throw new InputError(`\`months\` must be a whole number from 1 to ${MAX_FORECAST_MONTHS}.`, 'months');
  }
  checkCurrency(args.currency);
  if (args.startMonth != null && !(MONTH.test(args.startMonth) && yearInRange(Number(args.startMonth.slice(0, 4))))) {
    throw new InputError(`\`startMonth\` must be a month like "2026-04" in the years ${DATE_RANGE.minYear}–${DATE_RANGE.maxYear}.`, 'startMonth');
  }
  const target = reportingCurrency(args.in);
  const start = args.startMonth != null ? `${args.startMonth}-01` : currentMonth();
  const money = dealMoney(target, args.currency, raw('d.currency'), sql`${isoDate(now)}::date`, raw('d.amount'));
  // Buckets by position: -1 past due, 0 … months-1 the months, `months` all months together.
  // (No SQL comments in the statement: a semicolon in one would split it on the embedded database.)
  const buckets = await rows<ForecastBucketRow & { month: string | null; pos: number; missingRate: string | null }>(ctx.em, sql`
    with bounds as (select ${start}::date as first_day, (${start}::date + make_interval(months => ${args.months}))::date as end_day),
    deal as (
      select o.expected_close_date as close_date, o.currency, o.amount, o.probability
      from ${countedOpportunities(ctx.principal)}
        and o.stage in ${OPEN_LIST}
        and ${target ? TRUE : sql`o.currency = ${args.currency}`}
        and ${ownersSql(args.ownerIds, 'o.owner_id')}
        and o.expected_close_date < (select end_day from bounds)
    ),
    open_deals as (select d.close_date, d.probability, ${money.columns} from deal d ${money.join}),
    buckets as (
      select g as pos, to_char(b.first_day + make_interval(months => g), 'YYYY-MM') as month,
        (b.first_day + make_interval(months => g))::date as lo, (b.first_day + make_interval(months => g + 1))::date as hi
      from bounds b, generate_series(0, ${args.months - 1}) as g
      union all select -1, null, null, first_day from bounds
      union all select ${args.months}, null, first_day, end_day from bounds
    )
    select k.pos, k.month, count(d.amount)::int as "count",
      coalesce(sum(d.amount), 0.00)::text as amount,
      coalesce(round(sum(d.amount * d.probability) / 100, 2), 0.00)::text as "weightedAmount",
      ${ratesAgg('d.rate')} as rates, (select min(missing_rate) from open_deals) as "missingRate"
    from buckets k
    left join open_deals d on (k.lo is null or d.close_date >= k.lo) and d.close_date < k.hi
    group by k.pos, k.month
    order by k.pos`);
  failOnMissingRate(buckets[0]?.missingRate);
  const bucket = ({ count, amount, weightedAmount, rates }: ForecastBucketRow): ForecastBucketRow => ({ count, amount, weightedAmount, rates });
  return {
    currency: target ?? args.currency,
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
  rates: AppliedRate[];
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
 * With `in`: `wonAmount` over the won deals of every currency, each converted at the rate of its closing
 * day (UTC).
 */
export async function repPerformance(ctx: ServiceContext, args: Period & { currency: string; attribution?: Attribution | null; in?: string | null }): Promise<RepPerformanceResult> {
  checkPeriod(args);
  checkCurrency(args.currency);
  const target = reportingCurrency(args.in);
  const money = dealMoney(target, args.currency, raw('d.currency'), utcDay('d.closed_at'), raw('d.amount'));
  const attribution = args.attribution ?? 'AT_CLOSE';
  const owner = attributed(attribution).owner;
  const from = ts(args.from);
  const to = ts(args.to);
  const scope = (column: string) => analyticsScope(ctx.principal, column);
  type Line = RepFigures & { userId: string | null; kind: number; daysToFirstWin: number | null; missingRate: string | null };
  const lines = await rows<Line>(ctx.em, sql`
    with reps as (
      select u.id, u.created_at from app_user u
      where u.role in (${Role.SALES_REP}, ${Role.SALES_MANAGER}) and ${scope('u.id')}
    ),
    won_deal as (
      select ${raw(owner)} as uid, o.currency, o.amount, o.closed_at
      from ${countedOpportunities(ctx.principal, owner)}
        and o.stage = ${OpportunityStage.WON} and o.closed_at >= ${from} and o.closed_at < ${to}
    ),
    won_line as (select d.uid, ${money.columns} from won_deal d ${money.join}),
    facts as (
      select c.owner_id as uid, 1 as new_customers, 0 as new_opportunities, 0 as won, null::numeric as won_amount, 0 as activities, 0 as done, 0 as overdue,
        null::jsonb as rate
      from customer c
      where c.deleted_at is null and c.created_at >= ${from} and c.created_at < ${to} and ${scope('c.owner_id')}
      union all
      select o.owner_id, 0, 1, 0, null, 0, 0, 0, null
      from ${countedOpportunities(ctx.principal)} and o.created_at >= ${from} and o.created_at < ${to}
      union all
      select w.uid, 0, 0, 1, w.amount, 0, 0, 0, w.rate
      from won_line w
      union all
      select a.performed_by_id, 0, 0, 0, null, 1, 0, 0, null
      from activity a join customer c on c.id = a.customer_id and c.deleted_at is null
      where a.deleted_at is null and a.occurred_at >= ${from} and a.occurred_at < ${to} and ${scope('a.performed_by_id')}
      union all
      select t.assignee_id, 0, 0, 0, null, 0,
        (t.status = 'DONE' and t.completed_at >= ${from} and t.completed_at < ${to})::int,
        (t.status = 'OPEN' and t.due_at >= ${from} and t.due_at < ${to} and t.due_at < now())::int, null
      from task t
      where ${scope('t.assignee_id')}
        and ((t.status = 'DONE' and t.completed_at >= ${from} and t.completed_at < ${to})
          or (t.status = 'OPEN' and t.due_at >= ${from} and t.due_at < ${to} and t.due_at < now()))
    ),
    sums as (
      select r.id as rep_id, grouping(r.id) = 1 as is_total,
        sum(f.new_customers)::int as new_customers, sum(f.new_opportunities)::int as new_opportunities, sum(f.won)::int as won,
        coalesce(sum(f.won_amount), 0.00) as won_amount, sum(f.activities)::int as activities,
        sum(f.done)::int as done, sum(f.overdue)::int as overdue, ${ratesAgg('f.rate')} as rates
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
      coalesce(s.rates, '[]'::jsonb) as rates,
      round(extract(epoch from w.first_won_at - k.created_at) / 86400, 1)::float8 as "daysToFirstWin",
      (select min(missing_rate) from won_line) as "missingRate"
    from keys k
    left join sums s on s.rep_id is not distinct from k.id and s.is_total = (k.kind = 2)
    left join first_wins w on w.id = k.id
    order by k.kind, coalesce(s.won_amount, 0) desc, k.id`);
  failOnMissingRate(lines[0]?.missingRate);
  const figures = ({ newCustomers, newOpportunities, wonCount, wonAmount, activitiesLogged, tasksDone, tasksOverdue, rates }: RepFigures): RepFigures =>
    ({ newCustomers, newOpportunities, wonCount, wonAmount, activitiesLogged, tasksDone, tasksOverdue, rates });
  return {
    from: args.from, to: args.to, currency: target ?? args.currency, attribution,
    reps: lines.filter((l) => l.kind === 0).map((l) => ({ userId: l.userId!, ...figures(l), daysToFirstWin: l.daysToFirstWin })),
    other: figures(lines.find((l) => l.kind === 1)!),
    total: figures(lines.find((l) => l.kind === 2)!),
  };
}
