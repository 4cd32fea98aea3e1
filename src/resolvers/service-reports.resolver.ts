import { Args, ArgsType, Ctx, Field, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { serviceContext, type GraphQLContext } from '../context';
import { ServiceQueue } from '../entities/service-queue.entity';
import { DateTimeScalar } from '../schema/scalars';
import { CaseBacklogRow, FirstContactResolutionRow, ReopenRateRow, SlaAttainmentRow } from '../schema/service-reports.types';
import * as reports from '../services/service-reports.service';
import { ServiceReportGroupBy } from '../services/service-reports.service';
import type { Row } from './row';

@ArgsType()
class PeriodReportArgs {
  @Field(() => DateTimeScalar, { description: 'Start of the period (inclusive, UTC).' }) from!: Date;
  @Field(() => DateTimeScalar, { description: 'End of the period (exclusive, UTC); must be after `from`, at most 10 years later.' }) to!: Date;
  @Field(() => ServiceReportGroupBy, { description: 'One row per priority or per queue (then the total row).' }) groupBy!: ServiceReportGroupBy;
}

@ArgsType()
class CaseBacklogArgs {
  @Field(() => DateTimeScalar, { nullable: true, description: 'The instant A to take the backlog at (UTC; not in the future). Null: now.' })
  asOf?: Date | null;

  @Field(() => ServiceReportGroupBy, { defaultValue: ServiceReportGroupBy.PRIORITY, description: 'One row per priority (the default) or per queue (then the total row).' })
  groupBy!: ServiceReportGroupBy;
}

const SCOPE = 'Over the cases of customers that are not deleted, like `serviceStats`: ADMIN, SERVICE_AGENT and ANALYST every case, a SALES_MANAGER '
  + 'the cases of their team\'s customers. Others: FORBIDDEN. One row per group (groups with no case are left out), then the total row (always).';

/** Service reports (services/service-reports.service.ts). */
@Resolver()
export class ServiceReportsResolver {
  @Query(() => [SlaAttainmentRow], {
    description: `SLA attainment of the cases resolved in [from, to): how many met their resolution and first-response due times, per priority or queue. ${SCOPE}`,
  })
  slaAttainment(@Args() args: PeriodReportArgs, @Ctx() ctx: GraphQLContext) {
    return reports.slaAttainment(serviceContext(ctx), args);
  }

  @Query(() => [CaseBacklogRow], {
    description: `The open cases as of an instant (default now) by age bucket (0–1, 1–3, 3–7, 7–30, 30+ days since opening), per priority or queue. ${SCOPE}`,
  })
  caseBacklog(@Args() args: CaseBacklogArgs, @Ctx() ctx: GraphQLContext) {
    return reports.caseBacklog(serviceContext(ctx), args);
  }

  @Query(() => [ReopenRateRow], {
    description: `Of the cases first resolved in [from, to), the share reopened at least once, per priority or queue. ${SCOPE}`,
  })
  reopenRate(@Args() args: PeriodReportArgs, @Ctx() ctx: GraphQLContext) {
    return reports.reopenRate(serviceContext(ctx), args);
  }

  @Query(() => [FirstContactResolutionRow], {
    description: `Of the cases first resolved in [from, to), the share resolved with at most one agent reply and never reopened, per priority or queue. ${SCOPE}`,
  })
  firstContactResolution(@Args() args: PeriodReportArgs, @Ctx() ctx: GraphQLContext) {
    return reports.firstContactResolution(serviceContext(ctx), args);
  }
}

const QUEUE = 'The queue of a QUEUE row (batched: one statement for all rows); null on PRIORITY rows, the "no queue" row, the total row, '
  + 'and for callers who do not read queues (ANALYST: use `label`).';

/** The queue behind a QUEUE row of each report. */
function queueResolver<T extends { queueId: string | null }>(type: new () => T) {
  @Resolver(() => type)
  class QueueOfRow {
    @FieldResolver(() => ServiceQueue, { nullable: true, description: QUEUE })
    queue(@Root() row: Row<T>, @Ctx() ctx: GraphQLContext) {
      return row.queueId ? ctx.loaders.serviceQueueById.load(row.queueId) : null;
    }
  }
  return QueueOfRow;
}

/** The resolvers of this file, registered through their domain's manifest (src/domains). */
export const serviceReportsResolvers = [
  ServiceReportsResolver,
  queueResolver(SlaAttainmentRow), queueResolver(CaseBacklogRow), queueResolver(ReopenRateRow), queueResolver(FirstContactResolutionRow),
];
