import type { ServiceContext } from './context';
import { InputError } from './errors';
import { checkPeriod, resolutionStandingAt, statsScope, undoneResolutions } from './service-stats.service';
import { raw, rows, sql, type Sql } from './sql';

/**
 * Service reports (issue 14): SLA attainment, backlog by age, reopen rate and first-contact resolution,
 * per priority or per queue, each with a total row. Each report is ONE SQL statement over the cases
 * `serviceStats` counts: of customers that are not deleted, within the caller's stats scope
 * (`statsScope`: ADMIN, SERVICE_AGENT and ANALYST every case, a SALES_MANAGER the cases of their team's
 * customers). Periods are [from, to) in UTC; rates are 0–1 rounded to 4 decimals, null when the base is 0.
 *
 * Definitions:
 * - group: PRIORITY = the case's priority now (the SLA job's escalation raises it one step; the due
 *   times stay those the case was opened under); QUEUE = the case's queue now (one row with a null key
 *   for cases without a queue). Rows by priority (P1 first) or queue name (no queue last), then the
 *   total row (`total: true`, key null) over all groups — always present, zeros when nothing counts.
 * - a case's resolutions: its current `resolvedAt`, and every earlier resolution a reopening undid
 *   (`reopenCase` clears `resolvedAt`; its audit entry keeps the old value, and `at` is when it was
 *   reopened). The first resolution is the earliest of them.
 * - slaAttainment: the cases RESOLVED or CLOSED now whose (last) resolution `resolvedAt` is in the period;
 *   resolution SLA met: resolvedAt <= resolution_due_at; first-response SLA met: the first response (first
 *   public staff reply, or the resolution when none came) <= first_response_due_at; attainment = met /
 *   resolved. A case reopened and not yet resolved again is not counted until it is.
 * - caseBacklog as of an instant A (default now): cases created at or before A and not resolved at A (no
 *   resolution at or before A that was still standing at A, i.e. not undone by a reopening at or before
 *   A); age = A − created_at, in buckets [0, 1 day), [1, 3 days), [3, 7 days), [7, 30 days), 30 days and
 *   more.
 * - reopenRate: the cases whose first resolution is in the period; reopened = reopenCount >= 1 now
 *   (reopened at least once, up to now: a reopening is possible within 14 days of a resolution, so a
 *   period's figure can still grow until 14 days after its end); rate = reopened / resolved.
 * - firstContactResolution: the same cases; first-contact resolved = never reopened (reopenCount = 0)
 *   and at most one agent reply (a PUBLIC comment written by a staff user — a user whose role is not
 *   PARTNER, the comments that set `firstRespondedAt`) created at or before the resolution; rate =
 *   first-contact resolved / resolved.
 */

export enum ServiceReportGroupBy { PRIORITY = 'PRIORITY', QUEUE = 'QUEUE' }

export interface GroupedRow {
  key: string | null;
  label: string | null;
  total: boolean;
  queueId: string | null;
}

export interface SlaAttainmentRow extends GroupedRow {
  resolvedCount: number;
  resolutionMetCount: number;
  resolutionAttainment: number | null;
  firstResponseMetCount: number;
  firstResponseAttainment: number | null;
}

export interface CaseBacklogRow extends GroupedRow {
  asOf: Date;
  openCount: number;
  days0To1: number;
  days1To3: number;
  days3To7: number;
  days7To30: number;
  over30: number;
}

export interface ReopenRateRow extends GroupedRow {
  resolvedCount: number;
  reopenedCount: number;
  reopenRate: number | null;
}

export interface FirstContactResolutionRow extends GroupedRow {
  resolvedCount: number;
  firstContactCount: number;
  firstContactRate: number | null;
}

interface Grouping { key: string; label: string; order: string; join: string }

const GROUPINGS: Record<ServiceReportGroupBy, Grouping> = {
  PRIORITY: { key: 'k.priority', label: 'k.priority', order: 'key', join: '' },
  QUEUE: { key: 'k.queue_id', label: 'q.name', order: 'label', join: 'left join service_queue q on q.id = k.queue_id' },
};

function groupingOf(groupBy: ServiceReportGroupBy | null | undefined): Grouping {
  const grouping = GROUPINGS[groupBy ?? ServiceReportGroupBy.PRIORITY];
  if (!grouping) throw new InputError('Unknown grouping.', 'groupBy');
  return grouping;
}

/** The cases the service reports count, with their group key and label (`from` clause and conditions). */
function counted(ctx: ServiceContext, g: Grouping): Sql {
  return sql`service_case k
    join customer c on c.id = k.customer_id and c.deleted_at is null
    ${raw(g.join)}
    where ${statsScope(ctx.principal)}`;
}

/** The outer select's group columns, grouping and order: one row per (key, label) and a total row last. */
function grouped(g: Grouping, queue: boolean) {
  return {
    columns: raw(`case when grouping(key) = 1 then null else key end as key, case when grouping(key) = 1 then null else label end as label,
      grouping(key) = 1 as total, ${queue ? 'case when grouping(key) = 1 then null else key end' : 'null::text'} as "queueId"`),
    tail: raw(`group by grouping sets ((key, label), ()) order by grouping(key), ${g.order} asc nulls last, key asc nulls last`),
  };
}

const rate = (part: string, whole: string) => raw(`round(${part}::numeric / nullif(${whole}, 0), 4)::float8`);


export async function slaAttainment(ctx: ServiceContext, args: { from: Date; to: Date; groupBy: ServiceReportGroupBy }): Promise<SlaAttainmentRow[]> {
  const { from, to } = args;
  checkPeriod(from, to);
  const g = groupingOf(args.groupBy);
  const out = grouped(g, args.groupBy === ServiceReportGroupBy.QUEUE);
  return rows<SlaAttainmentRow>(ctx.em, sql`
    with resolved as (
      select ${raw(g.key)} as key, ${raw(g.label)} as label,
        k.resolved_at <= k.resolution_due_at as resolution_met,
        least(k.first_responded_at, k.resolved_at) <= k.first_response_due_at as response_met
      from ${counted(ctx, g)}
        and k.resolved_at >= ${from.toISOString()}::timestamptz and k.resolved_at < ${to.toISOString()}::timestamptz
    )
    select ${out.columns},
      count(*)::int as "resolvedCount",
      count(*) filter (where resolution_met)::int as "resolutionMetCount",
      ${rate('count(*) filter (where resolution_met)', 'count(*)')} as "resolutionAttainment",
      count(*) filter (where response_met)::int as "firstResponseMetCount",
      ${rate('count(*) filter (where response_met)', 'count(*)')} as "firstResponseAttainment"
    from resolved
    ${out.tail}`);
}

export async function caseBacklog(ctx: ServiceContext, args: { asOf?: Date | null; groupBy?: ServiceReportGroupBy | null }): Promise<CaseBacklogRow[]> {
  const asOf = args.asOf ?? new Date();
  if (!(asOf instanceof Date) || Number.isNaN(asOf.getTime())) throw new InputError('`asOf` must be a timestamp.', 'asOf');
  if (asOf.getTime() > Date.now()) throw new InputError('`asOf` must not be in the future.', 'asOf');
  const g = groupingOf(args.groupBy);
  const out = grouped(g, args.groupBy === ServiceReportGroupBy.QUEUE);
  const at = sql`${asOf.toISOString()}::timestamptz`;
  const age = (days: number) => raw(`interval '${days} days'`);
  // The current resolution is never undone: a case resolved (now) at or before A was not open at A.
  return rows<CaseBacklogRow>(ctx.em, sql`
    with cases as (
      select k.id, k.created_at, k.resolved_at, k.reopen_count, ${raw(g.key)} as key, ${raw(g.label)} as label
      from ${counted(ctx, g)} and k.created_at <= ${at}
        and (k.resolved_at is null or k.resolved_at > ${at})
    ),
    backlog as (
      -- open at A: no resolution stood at A (neither the current one nor one a reopening after A undid)
      select x.key, x.label, ${at} - x.created_at as age
      from cases x
      where ${resolutionStandingAt('x', at)} is null
    )
    select ${out.columns}, ${at} as "asOf",
      count(*)::int as "openCount",
      count(*) filter (where age < ${age(1)})::int as "days0To1",
      count(*) filter (where age >= ${age(1)} and age < ${age(3)})::int as "days1To3",
      count(*) filter (where age >= ${age(3)} and age < ${age(7)})::int as "days3To7",
      count(*) filter (where age >= ${age(7)} and age < ${age(30)})::int as "days7To30",
      count(*) filter (where age >= ${age(30)})::int as "over30"
    from backlog
    ${out.tail}`);
}

/**
 * The cases whose first resolution is in [from, to), with their group, reopen counter and the number of
 * agent replies at or before that resolution (the base of reopenRate and firstContactResolution).
 */
function firstResolved(ctx: ServiceContext, g: Grouping, from: Date, to: Date): Sql {
  // The first resolution is after the opening and at most resolvedAt; without resolvedAt only an undone one can be in the period.
  return sql`cases as (
      select k.id, k.resolved_at, k.reopen_count, ${raw(g.key)} as key, ${raw(g.label)} as label
      from ${counted(ctx, g)}
        and k.created_at < ${to.toISOString()}::timestamptz
        and (k.resolved_at >= ${from.toISOString()}::timestamptz or (k.resolved_at is null and k.reopen_count > 0))
    ),
    first_resolved as (
      select x.id, x.key, x.label, x.reopen_count,
        least(x.resolved_at, (select min(u.resolved_at) from (${undoneResolutions('x')}) u)) as first_resolved_at
      from cases x
    ),
    base as (
      select f.*, (select count(*) from case_comment m join app_user au on au.id = m.author_id and au.role <> 'PARTNER'
          where m.case_id = f.id and m.visibility = 'PUBLIC' and m.author_type = 'USER' and m.created_at <= f.first_resolved_at) as replies
      from first_resolved f
      where f.first_resolved_at >= ${from.toISOString()}::timestamptz and f.first_resolved_at < ${to.toISOString()}::timestamptz
    )`;
}

export async function reopenRate(ctx: ServiceContext, args: { from: Date; to: Date; groupBy: ServiceReportGroupBy }): Promise<ReopenRateRow[]> {
  const { from, to } = args;
  checkPeriod(from, to);
  const g = groupingOf(args.groupBy);
  const out = grouped(g, args.groupBy === ServiceReportGroupBy.QUEUE);
  return rows<ReopenRateRow>(ctx.em, sql`
    with ${firstResolved(ctx, g, from, to)}
    select ${out.columns},
      count(*)::int as "resolvedCount",
      count(*) filter (where reopen_count > 0)::int as "reopenedCount",
      ${rate('count(*) filter (where reopen_count > 0)', 'count(*)')} as "reopenRate"
    from base
    ${out.tail}`);
}

export async function firstContactResolution(
  ctx: ServiceContext,
  args: { from: Date; to: Date; groupBy: ServiceReportGroupBy },
): Promise<FirstContactResolutionRow[]> {
  const { from, to } = args;
  checkPeriod(from, to);
  const g = groupingOf(args.groupBy);
  const out = grouped(g, args.groupBy === ServiceReportGroupBy.QUEUE);
  const fcr = 'reopen_count = 0 and replies <= 1';
  return rows<FirstContactResolutionRow>(ctx.em, sql`
    with ${firstResolved(ctx, g, from, to)}
    select ${out.columns},
      count(*)::int as "resolvedCount",
      count(*) filter (where ${raw(fcr)})::int as "firstContactCount",
      ${rate(`count(*) filter (where ${fcr})`, 'count(*)')} as "firstContactRate"
    from base
    ${out.tail}`);
}
