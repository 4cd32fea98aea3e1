import { Args, ArgsType, Ctx, Field, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { serviceContext, type GraphQLContext } from '../context';
import { User } from '../entities/user.entity';
import { DateTimeScalar } from '../schema/scalars';
import {
  ChurnAnalysis, ChurnDimension, ChurnGroup, CohortRetention, SegmentDimension, SegmentSummary, TierMigration,
} from '../schema/value-analytics.types';
import * as valueAnalytics from '../services/value-analytics.service';
import type { Row } from './row';

@ArgsType()
class SegmentSummaryArgs {
  @Field(() => SegmentDimension, { description: 'How to group the customers.' }) by!: SegmentDimension;
}

@ArgsType()
class PeriodArgs {
  @Field(() => DateTimeScalar, { description: 'Start of the period (inclusive), e.g. "2026-01-01T00:00:00Z".' }) from!: Date;
  @Field(() => DateTimeScalar, { description: 'End of the period (exclusive); must be after `from`.' }) to!: Date;
}

@ArgsType()
class ChurnAnalysisArgs extends PeriodArgs {
  @Field(() => ChurnDimension, { description: 'How to group the churned customers.' }) by!: ChurnDimension;
}

@ArgsType()
class CohortRetentionArgs {
  @Field(() => DateTimeScalar, { description: 'The first cohort is the UTC month containing this instant, e.g. "2026-01-01T00:00:00Z".' }) from!: Date;

  @Field(() => Int, { description: `The last month offset to report for each cohort (0–${valueAnalytics.MAX_RETENTION_MONTHS}).` }) months!: number;

  @Field(() => Int, {
    nullable: true,
    description: `How many monthly cohorts (1–${valueAnalytics.MAX_COHORTS}); null: every month from \`from\`'s up to the current one (at most ${valueAnalytics.MAX_COHORTS}).`,
  })
  cohorts?: number | null;
}

const SCOPE = 'A SALES_REP sees the figures of their own customers, a SALES_MANAGER their team\'s, ADMIN, FINANCE, MARKETING, SERVICE_AGENT and ANALYST all customers\'.';

/** Customer value analytics (issue 12): aggregates only, one SQL statement each (services/value-analytics.service.ts). */
@Resolver()
export class ValueAnalyticsResolver {
  @Query(() => SegmentSummary, {
    description: `Customers with metrics grouped by C3 segment, Pareto class, loyalty tier, sector or RFM score: per group customers, revenue and margin of 12 months, average CLV and share of revenue (margins and CLV for SALES_MANAGER, FINANCE and ADMIN only). ${SCOPE}`,
  })
  segmentSummary(@Args() args: SegmentSummaryArgs, @Ctx() ctx: GraphQLContext) {
    return valueAnalytics.segmentSummary(serviceContext(ctx), args);
  }

  @Query(() => ChurnAnalysis, {
    description: `Customers that churned in [from, to) by reason, segment, month or owner: how many, the revenue lost, and how many had been flagged HIGH churn risk before. ${SCOPE}`,
  })
  churnAnalysis(@Args() args: ChurnAnalysisArgs, @Ctx() ctx: GraphQLContext) {
    return valueAnalytics.churnAnalysis(serviceContext(ctx), args);
  }

  @Query(() => CohortRetention, {
    description: `Customers by month of their first COMPLETED order (in the programme's currency), and the share of each cohort that ordered 0 … months months later. ${SCOPE}`,
  })
  cohortRetention(@Args() args: CohortRetentionArgs, @Ctx() ctx: GraphQLContext) {
    return valueAnalytics.cohortRetention(serviceContext(ctx), args);
  }

  @Query(() => TierMigration, {
    description: `How loyalty members moved between tiers from \`from\` to \`to\` (the tier held at each instant, from the tier history; members enrolled in between come from NEW). ${SCOPE}`,
  })
  tierMigration(@Args() args: PeriodArgs, @Ctx() ctx: GraphQLContext) {
    return valueAnalytics.tierMigration(serviceContext(ctx), args);
  }
}

/** The owner behind a churn group. */
@Resolver(() => ChurnGroup)
export class ChurnGroupResolver {
  @FieldResolver(() => User, { nullable: true, description: 'The owner when grouped by OWNER (name and e-mail follow the User field rules: hidden from ANALYST); null otherwise.' })
  user(@Root() group: Row<ChurnGroup> & { ownerId: string | null }, @Ctx() ctx: GraphQLContext) {
    return group.ownerId ? ctx.loaders.user.load(group.ownerId) : null;
  }
}
