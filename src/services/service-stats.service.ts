import type { Principal } from '../auth/principal';
import { Role } from '../entities/enums';
import type { ServiceContext } from './context';
import { InputError } from './errors';
import { caseScope } from './scope';
import { FALSE, TRUE, raw, rows, sql, type Sql } from './sql';

/**
 * Service metrics (issue 5, DOMAIN.md "Metrics: Service"): case volume, SLA attainment, median first
 * response and resolution times, average CSAT and NPS, per agent, case type or channel. One SQL
 * statement; nothing is aggregated in JavaScript.
 *
 * Definitions:
 * - the cases counted are those created in [from, to) (UTC), resolved or not, of customers that are not
 *   deleted, within the caller's stats scope (below);
 * - AGENT groups by the case's current assignee (one row with a null key for unassigned cases), TYPE by
 *   case type, CHANNEL by channel; rows ordered by case count (descending), then key;
 * - slaAttainmentPercent = cases not breached / all cases × 100, 2 decimals; "breached" is the case rule
 *   (first response or resolution late, or still missing past its due time; a resolution without a
 *   public reply counts as the response) evaluated at the case's reference instant E = the earliest of
 *   its resolution as it stood at the period's end (`resolvedAt`, or a resolution before `to` that a
 *   reopening after `to` undid: `resolutionStandingAt`), the period's end `to`, and now (which only matters while the period
 *   has not ended): breached iff first_response_due_at < least(first public reply or else resolution, E)
 *   or resolution_due_at < E (`breachedInPeriod`). A past period's figure therefore never changes as
 *   time passes: a resolved case counts by whether it was breached at its resolution, a case still open
 *   at the period's end (or resolved after it) by whether it was breached at the period's end;
 * - medianFirstResponseMinutes = median (percentile_cont 0.5) of first public reply − opening, over the
 *   cases that have had one; medianResolutionMinutes the same for resolution (cases RESOLVED or CLOSED
 *   now); 1 decimal; null when no case has one;
 * - surveys: the submitted surveys of those cases; averageCsat (2 decimals) and
 *   nps = % promoters (9–10) − % detractors (0–6), 1 decimal, from −100 to 100; null without surveys.
 *
 * Scope: ADMIN, SERVICE_AGENT and ANALYST every case (ANALYST sees aggregates only: the agent is a User
 * whose name rules hide it from them); SALES_MANAGER the cases of their team's customers (`caseScope`);
 * anyone else nothing (the permission map refuses them before).
 */

export enum ServiceStatsGroupBy { AGENT = 'AGENT', TYPE = 'TYPE', CHANNEL = 'CHANNEL' }

export interface ServiceStatsRow {
  key: string | null;
  agentId: string | null;
  caseCount: number;
  breachedCount: number;
  slaAttainmentPercent: number;
  medianFirstResponseMinutes: number | null;
  medianResolutionMinutes: number | null;
  surveyCount: number;
  averageCsat: number | null;
  nps: number | null;
}

/**
 * Whose cases a caller may aggregate, on the case row aliased `alias` (also the scope of the service
 * reports, service-reports.service.ts).
 */
export function statsScope(principal: Principal, alias = 'k'): Sql {
  if (principal.type !== 'USER') return FALSE;
  switch (principal.role) {
    case Role.ADMIN:
    case Role.SERVICE_AGENT:
    case Role.ANALYST:
      return TRUE;
    case Role.SALES_MANAGER:
      return caseScope(principal, `${alias}.customer_id`);
    default:
      return FALSE;
  }
}

const KEY: Record<ServiceStatsGroupBy, string> = {
  AGENT: 'k.assignee_id',
  TYPE: 'k.type',
  CHANNEL: 'k.channel',
};

/**
 * The SLA breach of the case row aliased `alias` as it stood at E = least(resolution, `end`, now()) (the
 * resolution: the column `resolvedAt`, by default `resolved_at`)
 * (least ignores a null resolution): the first response (first public staff reply, or the resolution
 * when none came first) was not there by its due time although E had passed it, or E is after the
 * resolution due time. The same rule as BREACHED_SQL (case.service.ts), frozen at E.
 */
export function breachedInPeriod(alias: string, end: Sql, resolvedAt = 'resolved_at'): Sql {
  const col = (name: string) => raw(`${alias}.${name}`);
  const e = sql`least(${col(resolvedAt)}, ${end}, now())`;
  return sql`(least(coalesce(${col('first_responded_at')}, ${col(resolvedAt)}, ${e}), ${e}) > ${col('first_response_due_at')}
    or ${e} > ${col('resolution_due_at')})`;
}

/**
 * The resolution of the case row aliased `alias` that stood at the instant `at`: its `resolved_at` when
 * that is at or before `at`; else a resolution at or before `at` that a reopening after `at` undid (read
 * from the audit entry `reopenCase` writes, which keeps the old `resolvedAt`); else null. So a case
 * resolved in time during a period and reopened after it is still judged at that resolution.
 */
export function resolutionStandingAt(alias: string, at: Sql): Sql {
  const k = raw(alias);
  return sql`(case when ${k}.resolved_at <= ${at} then ${k}.resolved_at
    else (select max(u.resolved_at) from (${undoneResolutions(alias)}) u where u.resolved_at <= ${at} and u.reopened_at > ${at}) end)`;
}

/**
 * The resolutions of the case row aliased `alias` (with `id` and `reopen_count`) that a reopening undid,
 * as rows (resolved_at, reopened_at): the old `resolvedAt` kept by each audit entry that cleared it, and
 * when that was. Only `reopenCase` clears `resolvedAt`; there is no status history table. Also the base of
 * the service reports (service-reports.service.ts).
 */
export function undoneResolutions(alias: string): Sql {
  const k = raw(alias);
  return sql`select (ch.value ->> 'old')::timestamptz as resolved_at, a.at as reopened_at
    from audit_event a cross join lateral jsonb_array_elements(a.changes) as ch(value)
    where ${k}.reopen_count > 0 and a.entity_type = 'ServiceCase' and a.entity_id = ${k}.id
      and ch.value ->> 'field' = 'resolvedAt' and ch.value ->> 'old' is not null and ch.value ->> 'new' is null`;
}

/** The longest period a report may cover (a sanity bound; 10 years). */
export const MAX_PERIOD_MS = 3660 * 86_400_000;

/** `from` and `to` are timestamps, from < to, at most 10 years apart; BAD_USER_INPUT naming the argument otherwise. */
export function checkPeriod(from: Date, to: Date): void {
  if (!(from instanceof Date) || Number.isNaN(from.getTime())) throw new InputError('`from` must be a timestamp.', 'from');
  if (!(to instanceof Date) || Number.isNaN(to.getTime())) throw new InputError('`to` must be a timestamp.', 'to');
  if (from.getTime() >= to.getTime()) throw new InputError('`from` must be before `to` (the period is [from, to)).', 'to');
  if (to.getTime() - from.getTime() > MAX_PERIOD_MS) throw new InputError('The period is at most 10 years.', 'to');
}

export async function serviceStats(ctx: ServiceContext, args: { from: Date; to: Date; groupBy: ServiceStatsGroupBy }): Promise<ServiceStatsRow[]> {
  const { from, to, groupBy } = args;
  checkPeriod(from, to);
  const key = KEY[groupBy];
  if (!key) throw new InputError('Unknown grouping.', 'groupBy');
  const minutes = (end: string) => raw(`extract(epoch from (${end} - k.created_at)) / 60`);

  const end = sql`${to.toISOString()}::timestamptz`;
  return rows<ServiceStatsRow>(ctx.em, sql`
    with period_case as (
      -- the resolution judged is the one that stood at the period's end (a reopening after it does not change the past)
      select k.*, ${resolutionStandingAt('k', end)} as standing_resolved_at
      from service_case k
      join customer c on c.id = k.customer_id and c.deleted_at is null
      where k.created_at >= ${from.toISOString()}::timestamptz and k.created_at < ${end}
        and ${statsScope(ctx.principal)}
    ),
    counted as (
      select ${raw(key)} as key, ${breachedInPeriod('k', end, 'standing_resolved_at')} as breached,
        ${minutes('k.first_responded_at')} as first_response, ${minutes('k.resolved_at')} as resolution,
        s.csat, s.nps
      from period_case k
      left join survey s on s.case_id = k.id and s.submitted_at is not null
    )
    select key, ${raw(groupBy === ServiceStatsGroupBy.AGENT ? 'key' : 'null::text')} as "agentId",
      count(*)::int as "caseCount",
      count(*) filter (where breached)::int as "breachedCount",
      round(100.0 * count(*) filter (where not breached) / count(*), 2)::float8 as "slaAttainmentPercent",
      round((percentile_cont(0.5) within group (order by first_response))::numeric, 1)::float8 as "medianFirstResponseMinutes",
      round((percentile_cont(0.5) within group (order by resolution))::numeric, 1)::float8 as "medianResolutionMinutes",
      count(nps)::int as "surveyCount",
      round(avg(csat), 2)::float8 as "averageCsat",
      round(100.0 * (count(*) filter (where nps >= 9) - count(*) filter (where nps <= 6)) / nullif(count(nps), 0), 1)::float8 as nps
    from counted
    group by key
    order by count(*) desc, key asc nulls last`);
}
