import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ServiceReportGroupBy } from '../services/service-reports.service';
import { DateTimeScalar } from './scalars';

/**
 * Result types of the service reports (`slaAttainment`, `caseBacklog`, `reopenRate`,
 * `firstContactResolution`; services/service-reports.service.ts). Every number is computed in SQL over
 * the cases `serviceStats` counts (customers not deleted, the caller's stats scope).
 */

registerEnumType(ServiceReportGroupBy, {
  name: 'ServiceReportGroupBy',
  description: 'How a service report groups the cases (each report also returns a total row).',
  valuesConfig: {
    PRIORITY: {
      description: 'By the case\'s priority now (`key` = P1…P4, P1 first). An escalation by the SLA job raises a case\'s priority one step; '
        + 'its due times stay those of the priority it was opened under.',
    },
    QUEUE: { description: 'By the case\'s queue now (`key` = the queue id, ordered by queue name; one row with a null key for cases without a queue, last).' },
  },
});

/** The group columns every service report row has (inherited as fields by each row type). */
@ObjectType()
export abstract class ServiceReportGroup {
  @Field(() => String, {
    nullable: true,
    description: 'The group: a CasePriority (PRIORITY) or a queue id `que_…` (QUEUE; null for the cases without a queue). Null on the total row.',
  })
  key!: string | null;

  @Field(() => String, { nullable: true, description: 'A readable name of the group: the priority, or the queue\'s name. Null on the total row and for "no queue".' })
  label!: string | null;

  @Field({ description: 'True on the total row (last, over every group of the report); false on a group\'s row.' })
  total!: boolean;

  /** The queue id of a QUEUE row (resolved to `queue`). */
  queueId!: string | null;
}

@ObjectType({
  description: 'SLA attainment of one group (or the total) over the cases RESOLVED or CLOSED now whose (last) resolution `resolvedAt` is in [from, to). '
    + 'A case reopened and not yet resolved again is not counted until it is resolved again.',
})
export class SlaAttainmentRow extends ServiceReportGroup {
  @Field(() => Int, { description: 'Cases RESOLVED or CLOSED now whose `resolvedAt` is in [from, to) (UTC).' })
  resolvedCount!: number;

  @Field(() => Int, { description: 'Of those, cases resolved at or before their resolution due time (`resolvedAt <= resolutionDueAt`).' })
  resolutionMetCount!: number;

  @Field(() => Float, { nullable: true, description: 'resolutionMetCount / resolvedCount, 0–1, rounded to 4 decimals; null when resolvedCount is 0.' })
  resolutionAttainment!: number | null;

  @Field(() => Int, {
    description: 'Of those, cases whose first response came at or before its due time: the first response is the first public staff reply '
      + '(`firstRespondedAt`) or the resolution, whichever came first (a case resolved without a reply counts its resolution as the response).',
  })
  firstResponseMetCount!: number;

  @Field(() => Float, { nullable: true, description: 'firstResponseMetCount / resolvedCount, 0–1, rounded to 4 decimals; null when resolvedCount is 0.' })
  firstResponseAttainment!: number | null;
}

@ObjectType({
  description: 'The open cases of one group (or the total) as of an instant A, by age = A − opening (`createdAt`). Open at A: opened at or before A and '
    + 'not resolved at A — no resolution at or before A that still stood at A (a resolution undone by `reopenCase` at or before A does not count; '
    + 'the undone resolutions are read from the audit log of the reopening).',
})
export class CaseBacklogRow extends ServiceReportGroup {
  @Field(() => DateTimeScalar, { description: 'The instant A the backlog is taken at (UTC).' })
  asOf!: Date;

  @Field(() => Int, { description: 'Open cases at A (the sum of the five buckets).' })
  openCount!: number;

  @Field(() => Int, { description: 'Open cases aged less than 1 day (0 <= age < 24 h).' })
  days0To1!: number;

  @Field(() => Int, { description: 'Open cases aged 1 day or more and less than 3 days (24 h <= age < 72 h).' })
  days1To3!: number;

  @Field(() => Int, { description: 'Open cases aged 3 days or more and less than 7 days.' })
  days3To7!: number;

  @Field(() => Int, { description: 'Open cases aged 7 days or more and less than 30 days.' })
  days7To30!: number;

  @Field(() => Int, { description: 'Open cases aged 30 days or more.' })
  over30!: number;
}

const FIRST_RESOLVED = 'cases whose first resolution is in [from, to) (UTC): the earliest of the case\'s current `resolvedAt` and every earlier resolution '
  + 'that a reopening undid (read from the audit entry of `reopenCase`, which keeps the cleared `resolvedAt`)';

@ObjectType({ description: `Reopen rate of one group (or the total) over the ${FIRST_RESOLVED}.` })
export class ReopenRateRow extends ServiceReportGroup {
  @Field(() => Int, { description: `The ${FIRST_RESOLVED}, whatever their status now.` })
  resolvedCount!: number;

  @Field(() => Int, {
    description: 'Of those, cases reopened at least once up to now (`reopenCount >= 1`). A case can be reopened within 14 days of a resolution, '
      + 'so a period\'s figure can still grow until 14 days after its end.',
  })
  reopenedCount!: number;

  @Field(() => Float, { nullable: true, description: 'reopenedCount / resolvedCount, 0–1, rounded to 4 decimals; null when resolvedCount is 0.' })
  reopenRate!: number | null;
}

@ObjectType({ description: `First-contact resolution of one group (or the total) over the ${FIRST_RESOLVED}.` })
export class FirstContactResolutionRow extends ServiceReportGroup {
  @Field(() => Int, { description: `The ${FIRST_RESOLVED}, whatever their status now.` })
  resolvedCount!: number;

  @Field(() => Int, {
    description: 'Of those, cases resolved at first contact: never reopened (`reopenCount = 0`) and with at most one agent reply created at or before '
      + 'the resolution. An agent reply is a PUBLIC comment written by a staff user (a user whose role is not PARTNER: the comments that set '
      + '`firstRespondedAt`); INTERNAL notes, partner comments and API-key comments are not replies. A case resolved without any reply counts.',
  })
  firstContactCount!: number;

  @Field(() => Float, { nullable: true, description: 'firstContactCount / resolvedCount, 0–1, rounded to 4 decimals; null when resolvedCount is 0.' })
  firstContactRate!: number | null;
}
