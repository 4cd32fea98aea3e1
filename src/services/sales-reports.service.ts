import { LostReason, OPEN_STAGES, OpportunityStage } from '../entities/enums';
import {
  attributed, checkCurrency, checkPeriod, countedOpportunities, dealMoney, ownersSql, quoted, ts, utcDay, type Attribution, type Period,
} from './analytics.service';
import type { ServiceContext } from './context';
import { InputError } from './errors';
import { failOnMissingRate, ratesAgg, reportingCurrency, type AppliedRate } from './exchange-rate';
import { raw, rows, sql, TRUE, type Sql } from './sql';

/**
 * Sales reports from the stage history (issue 14): the pipeline as it stood at a past instant, time in
 * each stage, stage conversion, and the lost-reason breakdown. Same conventions and scope as the
 * sales analytics (services/analytics.service.ts): one SQL statement each, over the opportunities in the
 * caller's analytics scope (by their owner), soft-deleted deals and deals of soft-deleted customers left
 * out, periods half-open [from, to) in UTC, exact decimal amounts in one currency, rates 0–1 rounded to 4
 * decimals, days rounded to 1 decimal. Stage history is `opportunity_stage_change`: one entry per move,
 * the first (from_stage null) at the deal's creation. With a reporting currency (`in`), the money reports
 * count the deals of every currency, each converted by the one rate rule (services/exchange-rate.ts) and
 * rounded to the cent, then summed, listing the rates applied (a missing rate: BAD_USER_INPUT on `in`).
 */

const OPEN_ARRAY = raw(`ARRAY[${quoted(OPEN_STAGES)}]::text[]`);
const OPEN_LIST = raw(`(${quoted(OPEN_STAGES)})`);
const FUNNEL_ARRAY = raw(`ARRAY[${quoted([...OPEN_STAGES, OpportunityStage.WON])}]::text[]`);

/** Ids of the opportunities that count for the caller (scope by `ownerColumn`), narrowed to `ownerIds`. */
function countedIds(ctx: ServiceContext, ownerIds: readonly string[] | null | undefined, ownerColumn = 'o.owner_id'): Sql {
  return sql`select o.id from ${countedOpportunities(ctx.principal, ownerColumn)} and ${ownersSql(ownerIds, ownerColumn)}`;
}

// ------------------------------------------------------------------------------ pipeline as of

export interface PipelineStageRow { stage: OpportunityStage; count: number; amount: string; rates: AppliedRate[] }
export interface PipelineAsOfResult { asOf: Date; currency: string; count: number; amount: string; rates: AppliedRate[]; stages: PipelineStageRow[] }

/**
 * The open pipeline at `asOf`, rebuilt from the stage history: the deals in `currency` created at or
 * before `asOf` whose stage at `asOf` was open. The stage at `asOf` is the `to_stage` of the deal's latest
 * change at or before `asOf`; with none, the `from_stage` of its first change after it; with no history,
 * its current stage. Amounts are the deals' current amounts (amount history is not kept). With `in`: the
 * deals of every currency, each amount converted at the rate of `asOf`'s day (UTC).
 */
export async function pipelineAsOf(ctx: ServiceContext, args: { asOf: Date; currency: string; ownerIds?: string[] | null; in?: string | null }): Promise<PipelineAsOfResult> {
  if (!(args.asOf instanceof Date) || Number.isNaN(args.asOf.getTime())) throw new InputError('`asOf` must be a timestamp.', 'asOf');
  checkCurrency(args.currency);
  const target = reportingCurrency(args.in);
  const asOf = ts(args.asOf);
  const money = dealMoney(target, args.currency, raw('d.currency'), sql`(${asOf} at time zone 'UTC')::date`, raw('d.amount'));
  const lines = await rows<PipelineStageRow & { totalCount: number; totalAmount: string; totalRates: AppliedRate[]; missingRate: string | null }>(ctx.em, sql`
    with deals as (
      select o.currency, o.amount, coalesce(
          (select s.to_stage from opportunity_stage_change s where s.opportunity_id = o.id and s.at <= ${asOf} order by s.at desc, s.id desc limit 1),
          (select s.from_stage from opportunity_stage_change s where s.opportunity_id = o.id and s.at > ${asOf} order by s.at, s.id limit 1),
          o.stage) as stage
      from ${countedOpportunities(ctx.principal)}
        and ${target ? TRUE : sql`o.currency = ${args.currency}`} and o.created_at <= ${asOf} and ${ownersSql(args.ownerIds, 'o.owner_id')}
    ),
    open_deals as (select d.stage, ${money.columns} from deals d ${money.join} where d.stage in ${OPEN_LIST}),
    stage_list as (select s.stage, s.pos from unnest(${OPEN_ARRAY}) with ordinality as s(stage, pos)),
    by_stage as (select stage, count(*)::int as n, sum(amount) as amount, ${ratesAgg('rate')} as rates from open_deals group by stage)
    select l.stage, coalesce(b.n, 0) as "count", coalesce(b.amount, 0.00)::text as amount, coalesce(b.rates, '[]'::jsonb) as rates,
      (select count(*)::int from open_deals) as "totalCount",
      (select coalesce(sum(amount), 0.00)::text from open_deals) as "totalAmount",
      (select ${ratesAgg('rate')} from open_deals) as "totalRates",
      (select min(missing_rate) from open_deals) as "missingRate"
    from stage_list l left join by_stage b on b.stage = l.stage
    order by l.pos`);
  failOnMissingRate(lines[0].missingRate);
  return {
    asOf: args.asOf, currency: target ?? args.currency, count: lines[0].totalCount, amount: lines[0].totalAmount, rates: lines[0].totalRates,
    stages: lines.map(({ stage, count, amount, rates }) => ({ stage, count, amount, rates })),
  };
}

// ------------------------------------------------------------------------------ stage durations

export interface StageDurationStats { count: number; averageDays: number | null; medianDays: number | null }
export interface StageDurationRow extends StageDurationStats { stage: OpportunityStage }
export interface StageDurationsResult extends Period { stages: StageDurationRow[]; total: StageDurationStats }

/**
 * Time in each open stage over the stays that ended in [from, to): a stay begins with a stage change
 * into the stage (or the deal's creation in it) and ends with the deal's next stage change; its length is
 * the time between them in days. Per stage and over all stages: how many stays, their average and median.
 */
export async function stageDurations(ctx: ServiceContext, args: Period & { ownerIds?: string[] | null }): Promise<StageDurationsResult> {
  checkPeriod(args);
  const lines = await rows<StageDurationRow & { isTotal: boolean }>(ctx.em, sql`
    with changes as (
      select s.to_stage as stage, s.at as entered_at, lead(s.at) over (partition by s.opportunity_id order by s.at, s.id) as left_at
      from opportunity_stage_change s
      where s.opportunity_id in (${countedIds(ctx, args.ownerIds)})
    ),
    stays as (
      select stage, extract(epoch from left_at - entered_at) / 86400 as days
      from changes
      where stage in ${OPEN_LIST} and left_at >= ${ts(args.from)} and left_at < ${ts(args.to)}
    ),
    stage_list as (select s.stage, s.pos from unnest(${OPEN_ARRAY}) with ordinality as s(stage, pos)),
    sums as (
      select stage, grouping(stage) = 1 as is_total, count(*)::int as n,
        round(avg(days), 1)::float8 as average_days,
        round((percentile_cont(0.5) within group (order by days))::numeric, 1)::float8 as median_days
      from stays group by grouping sets ((stage), ())
    )
    select l.stage, l.stage is null as "isTotal", coalesce(s.n, 0) as "count", s.average_days as "averageDays", s.median_days as "medianDays"
    from (select stage, pos from stage_list union all select null, 99) l
    left join sums s on s.stage is not distinct from l.stage and s.is_total = (l.stage is null)
    order by l.pos`);
  const stats = ({ count, averageDays, medianDays }: StageDurationStats): StageDurationStats => ({ count, averageDays, medianDays });
  return {
    from: args.from, to: args.to,
    stages: lines.filter((l) => !l.isTotal).map((l) => ({ stage: l.stage, ...stats(l) })),
    total: stats(lines.find((l) => l.isTotal)!),
  };
}

// ------------------------------------------------------------------------------ stage conversion

export interface StageConversionRow {
  stage: OpportunityStage;
  entered: number;
  advanced: number;
  won: number;
  lost: number;
  advancedRate: number | null;
  wonRate: number | null;
  lostRate: number | null;
}
export interface StageConversionResult extends Period { stages: StageConversionRow[] }

/**
 * Per open stage: the deals that entered it in [from, to) (a stage change into it, or creation in it;
 * a deal counts once per stage, from its first entry in the period), and of those how many afterwards
 * (strictly later, up to now) moved to a later funnel stage (WON included), to WON, and to LOST.
 */
export async function stageConversion(ctx: ServiceContext, args: Period & { ownerIds?: string[] | null }): Promise<StageConversionResult> {
  checkPeriod(args);
  const later = (condition: Sql) => sql`exists (select 1 from opportunity_stage_change n
    where n.opportunity_id = e.opportunity_id and n.at > e.entered_at and ${condition})`;
  const lines = await rows<StageConversionRow>(ctx.em, sql`
    with entries as (
      select s.opportunity_id, s.to_stage as stage, min(s.at) as entered_at
      from opportunity_stage_change s
      where s.opportunity_id in (${countedIds(ctx, args.ownerIds)})
        and s.to_stage in ${OPEN_LIST} and s.at >= ${ts(args.from)} and s.at < ${ts(args.to)}
      group by s.opportunity_id, s.to_stage
    ),
    outcomes as (
      select e.stage,
        ${later(sql`array_position(${FUNNEL_ARRAY}, n.to_stage) > array_position(${FUNNEL_ARRAY}, e.stage)`)} as advanced,
        ${later(sql`n.to_stage = ${OpportunityStage.WON}`)} as won,
        ${later(sql`n.to_stage = ${OpportunityStage.LOST}`)} as lost
      from entries e
    ),
    stage_list as (select s.stage, s.pos from unnest(${OPEN_ARRAY}) with ordinality as s(stage, pos)),
    sums as (
      select stage, count(*)::int as entered, count(*) filter (where advanced)::int as advanced,
        count(*) filter (where won)::int as won, count(*) filter (where lost)::int as lost
      from outcomes group by stage
    )
    select l.stage, coalesce(s.entered, 0) as entered, coalesce(s.advanced, 0) as advanced, coalesce(s.won, 0) as won, coalesce(s.lost, 0) as lost,
      round(s.advanced::numeric / nullif(s.entered, 0), 4)::float8 as "advancedRate",
      round(s.won::numeric / nullif(s.entered, 0), 4)::float8 as "wonRate",
      round(s.lost::numeric / nullif(s.entered, 0), 4)::float8 as "lostRate"
    from stage_list l left join sums s on s.stage = l.stage
    order by l.pos`);
  return { from: args.from, to: args.to, stages: lines };
}

// ------------------------------------------------------------------------------ lost reasons

export interface LostReasonRow { reason: LostReason; count: number; amount: string; share: number | null; rates: AppliedRate[] }
export interface LostReasonBreakdownResult extends Period {
  currency: string;
  attribution: Attribution;
  reasons: LostReasonRow[];
  count: number;
  amount: string;
  rates: AppliedRate[];
}

/**
 * The deals lost in [from, to) by lost reason: count (any currency), amount (only deals in `currency`)
 * and share of the lost count. Scope and `ownerIds` by the owner at close (or now, `attribution`).
 * With `in`: the amounts of every currency, each deal converted at the rate of its closing day (UTC).
 */
export async function lostReasonBreakdown(ctx: ServiceContext, args: Period & {
  currency: string; ownerIds?: string[] | null; attribution?: Attribution | null; in?: string | null;
}): Promise<LostReasonBreakdownResult> {
  checkPeriod(args);
  checkCurrency(args.currency);
  const target = reportingCurrency(args.in);
  const attribution = args.attribution ?? 'AT_CLOSE';
  const owner = attributed(attribution).owner;
  const money = dealMoney(target, args.currency, raw('d.currency'), utcDay('d.closed_at'), raw('d.amount'));
  const lines = await rows<LostReasonRow & { totalCount: number; totalAmount: string; totalRates: AppliedRate[]; missingRate: string | null }>(ctx.em, sql`
    with lost_deal as (
      select o.lost_reason as reason, o.currency, o.amount, o.closed_at
      from ${countedOpportunities(ctx.principal, owner)}
        and o.stage = ${OpportunityStage.LOST} and o.closed_at >= ${ts(args.from)} and o.closed_at < ${ts(args.to)}
        and ${ownersSql(args.ownerIds, owner)}
    ),
    lost as (select d.reason, ${money.columns} from lost_deal d ${money.join}),
    reasons as (select r.reason, r.pos from unnest(${raw(`ARRAY[${quoted(Object.values(LostReason))}]::text[]`)}) with ordinality as r(reason, pos)),
    by_reason as (select reason, count(*)::int as n, sum(amount) as amount, ${ratesAgg('rate')} as rates from lost group by reason),
    total as (select count(*)::int as n, coalesce(sum(amount), 0.00) as amount, ${ratesAgg('rate')} as rates, min(missing_rate) as missing_rate from lost)
    select r.reason, coalesce(b.n, 0) as "count", coalesce(b.amount, 0.00)::text as amount, coalesce(b.rates, '[]'::jsonb) as rates,
      round(coalesce(b.n, 0)::numeric / nullif(t.n, 0), 4)::float8 as share,
      t.n as "totalCount", t.amount::text as "totalAmount", t.rates as "totalRates", t.missing_rate as "missingRate"
    from reasons r cross join total t left join by_reason b on b.reason = r.reason
    order by r.pos`);
  failOnMissingRate(lines[0].missingRate);
  return {
    from: args.from, to: args.to, currency: target ?? args.currency, attribution,
    reasons: lines.map(({ reason, count, amount, share, rates }) => ({ reason, count, amount, share, rates })),
    count: lines[0].totalCount, amount: lines[0].totalAmount, rates: lines[0].totalRates,
  };
}
