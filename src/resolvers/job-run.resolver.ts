import { Args, ArgsType, Ctx, Field, Int, Query, Resolver } from 'type-graphql';
import { serviceContext, type GraphQLContext } from '../context';
import { JobRun } from '../schema/job-run.types';
import * as runs from '../services/job-run.service';

@ArgsType()
class JobRunsArgs {
  @Field(() => String, { nullable: true, description: 'Only runs of this job (e.g. `overdue`). Null: every job.' })
  job?: string | null;

  @Field(() => Int, { defaultValue: runs.JOB_RUNS_DEFAULT_LIMIT, description: `At most this many runs, newest first (1–${runs.JOB_RUNS_MAX_LIMIT}).` })
  limit!: number;
}

/** The run log of the background jobs (services/job-run.service.ts). */
@Resolver()
export class JobRunResolver {
  @Query(() => [JobRun], {
    description: 'The latest runs of the background jobs, newest first: which instance ran which job for which period, how long it took and what it reported. '
      + 'Kept for a week (at most 1,000 periods of a job). A manual run (`npm run jobs:<name>`) is not logged here. ADMIN only; other roles and API keys: FORBIDDEN. '
      + 'Errors: BAD_USER_INPUT when `limit` is out of range.',
  })
  jobRuns(@Args() args: JobRunsArgs, @Ctx() ctx: GraphQLContext) {
    return runs.jobRuns(serviceContext(ctx), args);
  }
}
