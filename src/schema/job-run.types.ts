import { Field, ObjectType } from 'type-graphql';
import { DateTimeScalar, JSONScalar } from './scalars';

@ObjectType({
  simpleResolvers: true,
  description: 'One run of a background job (overdue receivables, SLA escalation, clean-up, loyalty expiry, metrics, …) by one API instance. '
    + 'Each job runs once per period across all instances; this is the run log. ADMIN only.',
})
export class JobRun {
  @Field({ description: 'The job\'s name, as `npm run jobs:<name>` takes it (e.g. `overdue`, `sla`).' })
  job!: string;

  @Field(() => DateTimeScalar, { description: 'Start of the period this run was for (UTC): a wall-clock multiple of the job\'s period (the hour, with the hourly default).' })
  periodStart!: Date;

  @Field({ description: 'The API instance that ran it: host name, process id and a random suffix per start.' })
  instance!: string;

  @Field(() => DateTimeScalar, { description: 'When the run started (UTC).' })
  startedAt!: Date;

  @Field(() => DateTimeScalar, { description: 'When the run ended (UTC). A run is logged once it has ended; one in progress is not listed.' })
  finishedAt!: Date;

  @Field({ description: 'Whether the job finished without an error. A failed run still counts for its period: the next period tries again.' })
  succeeded!: boolean;

  @Field(() => JSONScalar, { nullable: true, description: 'What the job reported (counts, e.g. `{"flagged": 2, "tasksCreated": 2}`), or `{"error": "<message>"}` for a failed run.' })
  result!: unknown;
}
