import { Args, ArgsType, Ctx, Field, ID, Query, Resolver } from 'type-graphql';
import { serviceContext, type GraphQLContext } from '../context';
import * as reports from '../services/sales-reports.service';
import { Attribution } from '../schema/analytics.types';
import { LostReasonBreakdown, PipelineAsOf, StageConversion, StageDurations } from '../schema/sales-reports.types';
import { DateTimeScalar } from '../schema/scalars';

const OWNER_IDS = 'Only deals owned by these users (at most 100; those outside your scope count nothing). Null: every owner in your scope.';
const CURRENCY = 'ISO 4217 currency: only deals in this currency are counted in amounts. Ignored with `in`.';

@ArgsType()
class PipelineAsOfArgs {
  @Field(() => DateTimeScalar, { description: 'The instant to rebuild the pipeline at, e.g. "2026-03-31T23:59:59Z".' }) asOf!: Date;
  @Field(() => String, { defaultValue: 'EUR', description: 'ISO 4217 currency: only deals in this currency are counted. Ignored with `in`.' }) currency!: string;
  @Field(() => [ID], { nullable: true, description: OWNER_IDS }) ownerIds?: string[] | null;

  @Field(() => String, {
    nullable: true,
    description: 'A reporting currency (ISO 4217): deals in every currency count, each amount converted into it at the rate of the day of `asOf` (UTC; see `AppliedRate`; '
      + 'each deal rounded to the cent, then summed), with `rates` listing the rates applied. A currency without a rate fails the report (BAD_USER_INPUT, '
      + 'field `in`, naming the pair and date). `currency` is ignored. Null: only `currency`.',
  })
  in?: string | null;
}

@ArgsType()
class StagePeriodArgs {
  @Field(() => DateTimeScalar, { description: 'Start of the period (inclusive), e.g. "2026-01-01T00:00:00Z".' }) from!: Date;
  @Field(() => DateTimeScalar, { description: 'End of the period (exclusive); must be after `from`.' }) to!: Date;
  @Field(() => [ID], { nullable: true, description: OWNER_IDS }) ownerIds?: string[] | null;
}

@ArgsType()
class LostReasonArgs extends StagePeriodArgs {
  @Field(() => String, { defaultValue: 'EUR', description: CURRENCY }) currency!: string;

  @Field(() => String, {
    nullable: true,
    description: 'A reporting currency (ISO 4217): deals in every currency count, each amount converted into it at the rate of its closing day (UTC) (see `AppliedRate`; '
      + 'each deal rounded to the cent, then summed), with `rates` listing the rates applied. A currency without a rate fails the report (BAD_USER_INPUT, '
      + 'field `in`, naming the pair and date). `currency` is ignored. Null: only `currency`.',
  })
  in?: string | null;
  @Field(() => Attribution, { defaultValue: Attribution.AT_CLOSE, description: 'Scope and `ownerIds` by the owner at close (default) or now.' })
  attribution!: Attribution;
}

const SCOPE = 'A SALES_REP sees their own deals, a SALES_MANAGER their team\'s (themselves and everyone below), ADMIN, FINANCE and ANALYST everyone\'s.';

/** Stage-history sales reports: aggregates only, computed in SQL (services/sales-reports.service.ts). */
@Resolver()
export class SalesReportsResolver {
  @Query(() => PipelineAsOf, { description: `The open pipeline as it stood at a past instant, per stage (count and current amount), rebuilt from the stage history. ${SCOPE}` })
  pipelineAsOf(@Args() args: PipelineAsOfArgs, @Ctx() ctx: GraphQLContext) {
    return reports.pipelineAsOf(serviceContext(ctx), args);
  }

  @Query(() => StageDurations, { description: `Time in each open stage: count, average and median days of the stage stays that ended in [from, to). ${SCOPE}` })
  stageDurations(@Args() args: StagePeriodArgs, @Ctx() ctx: GraphQLContext) {
    return reports.stageDurations(serviceContext(ctx), args);
  }

  @Query(() => StageConversion, { description: `Per open stage, of the deals that entered it in [from, to): how many later moved forward, to WON, to LOST. ${SCOPE}` })
  stageConversion(@Args() args: StagePeriodArgs, @Ctx() ctx: GraphQLContext) {
    return reports.stageConversion(serviceContext(ctx), args);
  }

  @Query(() => LostReasonBreakdown, { description: `The deals lost in [from, to) by lost reason: count, amount, share of the count; total. ${SCOPE}` })
  lostReasonBreakdown(@Args() args: LostReasonArgs, @Ctx() ctx: GraphQLContext) {
    return reports.lostReasonBreakdown(serviceContext(ctx), args);
  }
}
