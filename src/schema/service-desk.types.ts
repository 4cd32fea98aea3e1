import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Survey } from '../entities/survey.entity';
import { ServiceStatsGroupBy } from '../services/service-stats.service';
import { UserError } from './payload';
import { DateTimeScalar } from './scalars';

/**
 * GraphQL types of the service desk's satisfaction surveys, follow-ups and service metrics
 * (services/survey.service.ts, services/service-stats.service.ts).
 */

registerEnumType(ServiceStatsGroupBy, {
  name: 'ServiceStatsGroupBy',
  description: 'How `serviceStats` groups the cases.',
  valuesConfig: {
    AGENT: { description: 'By the agent the case is assigned to now (`key` = the user id; one row with a null key for unassigned cases).' },
    TYPE: { description: 'By case type (`key` = a CaseType value).' },
    CHANNEL: { description: 'By the channel the case came in through (`key` = a CaseChannel value).' },
  },
});

@ObjectType({
  description: 'Service metrics of one agent, case type or channel over the cases opened in the report\'s period [from, to). '
    + 'Every number is computed in SQL; rates and times are rounded as described per field.',
})
export class ServiceStatsRow {
  @Field(() => String, {
    nullable: true,
    description: 'What the row is about: the agent\'s user id (`usr_…`, AGENT), a CaseType (TYPE) or a CaseChannel (CHANNEL). '
      + 'Null only for the row of unassigned cases when grouped by AGENT.',
  })
  key!: string | null;

  /** The agent's id when grouped by AGENT (resolved to `agent`). */
  agentId!: string | null;

  @Field(() => Int, { description: 'Cases opened in the period (resolved or not).' })
  caseCount!: number;

  @Field(() => Int, {
    description: 'Of those, cases whose SLA was breached at the case\'s reference instant E = the earliest of its resolution as it stood at the period\'s end '
      + '(a resolution before `to` that a reopening after `to` undid still counts), the period\'s end `to` '
      + 'and now (now matters only while the period has not ended): breached iff the first-response due time is before the earlier of the first '
      + 'response (first public staff reply, or the resolution when none came first) and E, or the resolution due time is before E. So a resolved '
      + 'case counts by whether it was breached at its resolution, a case still open at the period\'s end (or resolved after it) by whether it was '
      + 'breached at the period\'s end, and a past period\'s figure never changes as time passes.',
  })
  breachedCount!: number;

  @Field(() => Float, { description: 'Cases not breached (as `breachedCount` defines it) / all cases × 100, rounded to 2 decimals (0–100).' })
  slaAttainmentPercent!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Median minutes from opening to the first public reply, over the cases that have had one; 1 decimal. Null when none has.',
  })
  medianFirstResponseMinutes!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Median minutes from opening to resolution, over the cases RESOLVED or CLOSED now; 1 decimal. Null when none is.',
  })
  medianResolutionMinutes!: number | null;

  @Field(() => Int, { description: 'Submitted satisfaction surveys of these cases (the base of `averageCsat` and `nps`).' })
  surveyCount!: number;

  @Field(() => Float, { nullable: true, description: 'Average CSAT (1–5) of the submitted surveys, 2 decimals; null without surveys.' })
  averageCsat!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Net promoter score of the submitted surveys: % promoters (NPS 9–10) − % detractors (0–6), from −100 to 100, 1 decimal; null without surveys.',
  })
  nps!: number | null;
}

@InputType({ description: 'The customer\'s answer to the satisfaction survey of a resolved case (the two values of the survey link, and the scores).' })
export class SubmitSurveyInput {
  @Field(() => ID, { description: 'The case (`cas_…`), from the survey link.' }) caseId!: string;
  @Field({ description: 'The secret token, from the survey link.' }) token!: string;
  @Field(() => Int, { description: 'Satisfaction: 1 (very unhappy) to 5 (very happy).' }) csat!: number;
  @Field(() => Int, { description: 'How likely the customer is to recommend us: 0 (not at all) to 10 (extremely).' }) nps!: number;
  @Field(() => String, { nullable: true, description: 'Free-text comment (up to 4000 characters); optional.' }) comment?: string | null;
}

@ObjectType({ description: 'Result of `submitSurvey`.' })
export class SurveyPayload {
  @Field(() => Survey, { nullable: true, description: 'The answered survey; null when `errors` is not empty.' }) survey!: Survey | null;
  @Field(() => [UserError], { description: 'Why the answer was refused (NOT_FOUND, BUSINESS_RULE "already answered", VALIDATION); empty on success.' })
  errors!: UserError[];
}

@InputType({ description: 'A follow-up task on a case.' })
export class ScheduleFollowUpInput {
  @Field(() => ID, { description: 'The case (`cas_…`).' }) caseId!: string;
  @Field(() => DateTimeScalar, { description: 'When to follow up (the task\'s due time); must be in the future.' }) at!: Date;
  @Field(() => String, { nullable: true, description: 'What to check or say (the task\'s notes, up to 4000 characters); optional.' }) note?: string | null;
}
