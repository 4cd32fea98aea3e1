import { Args, ArgsType, Ctx, Field, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { serviceContext, type GraphQLContext } from '../context';
import { refId } from '../entities/ids';
import { ServiceCase } from '../entities/service-case.entity';
import { Survey } from '../entities/survey.entity';
import { Task } from '../entities/task.entity';
import { User } from '../entities/user.entity';
import { DateTimeScalar } from '../schema/scalars';
import { ScheduleFollowUpInput, ServiceStatsRow, SubmitSurveyInput, SurveyPayload } from '../schema/service-desk.types';
import { TaskPayload } from '../schema/task.inputs';
import { ServiceStatsGroupBy, serviceStats } from '../services/service-stats.service';
import * as surveys from '../services/survey.service';
import type { Row } from './row';
import { InputArg } from './args';

@ArgsType()
class ServiceStatsArgs {
  @Field(() => DateTimeScalar, { description: 'Start of the period (inclusive, UTC): cases opened at or after it count.' }) from!: Date;
  @Field(() => DateTimeScalar, { description: 'End of the period (exclusive, UTC); must be after `from`, at most 10 years later.' }) to!: Date;
  @Field(() => ServiceStatsGroupBy, { description: 'One row per agent, per case type or per channel.' }) groupBy!: ServiceStatsGroupBy;
}

/** Surveys, follow-ups and service metrics: the service desk's root fields. */
@Resolver()
export class ServiceDeskResolver {
  @Query(() => [ServiceStatsRow], {
    description: 'Service metrics of the cases opened in [from, to): volume, SLA attainment (a breach judged at the case\'s resolution, or at the '
      + 'period\'s end for a case still open then or resolved later: see `breachedCount`), median first-response and resolution times, '
      + 'average CSAT and NPS, per agent, case type or channel; most cases first. ADMIN, SERVICE_AGENT and ANALYST over every case, '
      + 'a SALES_MANAGER over the cases of their team\'s customers. Others: FORBIDDEN.',
  })
  serviceStats(@Args() args: ServiceStatsArgs, @Ctx() ctx: GraphQLContext) {
    return serviceStats(serviceContext(ctx), args);
  }

  @Mutation(() => SurveyPayload, {
    description: 'The customer answers the satisfaction survey of a resolved case, once. Open without signing in: the case id and the token of '
      + 'the survey link are the credential. A wrong case id or token: NOT_FOUND (the same for both); already answered: BUSINESS_RULE; '
      + 'scores out of range: VALIDATION at `csat` / `nps`.',
  })
  submitSurvey(@InputArg() input: SubmitSurveyInput, @Ctx() ctx: GraphQLContext) {
    return surveys.submitSurvey(ctx.em, input);
  }

  @Mutation(() => TaskPayload, {
    description: 'Schedule a FOLLOW_UP task on a case, due `at` (in the future), for the case\'s assignee (you when the case is unassigned '
      + 'or its assignee is deactivated); it shows in their agenda, linked to the case and its customer. ADMIN and SERVICE_AGENT.',
  })
  scheduleFollowUp(@InputArg() input: ScheduleFollowUpInput, @Ctx() ctx: GraphQLContext) {
    return surveys.scheduleFollowUp(serviceContext(ctx), input);
  }
}

/** `ServiceCase.survey`. */
@Resolver(() => ServiceCase)
export class CaseSurveyResolver {
  @FieldResolver(() => Survey, {
    nullable: true,
    description: 'The satisfaction survey sent when the case was first resolved (answered or not); null before that. '
      + 'Staff who read the case (ADMIN, SERVICE_AGENT, SALES_MANAGER, SALES_REP); others: null with FORBIDDEN.',
  })
  survey(@Root() serviceCase: Row<ServiceCase>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.surveyByCase.load(serviceCase.id);
  }
}

/** The case behind a survey, and the secret of its link. */
@Resolver(() => Survey)
export class SurveyResolver {
  @FieldResolver(() => ID, { description: 'The id of the case it is about (`cas_…`).' })
  caseId(@Root() survey: Row<Survey>) {
    return refId(survey.serviceCase);
  }

  @FieldResolver(() => ServiceCase, {
    nullable: true,
    description: 'The case it is about; null when you may not read it. Staff who read cases only (not for the anonymous answer of `submitSurvey`).',
  })
  serviceCase(@Root() survey: Row<Survey>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.caseById.load(refId(survey.serviceCase)!);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'The secret token of the customer\'s survey link. ADMIN and SERVICE_AGENT only (others: null with FORBIDDEN).',
  })
  token(@Root() survey: Row<Survey>) {
    return survey.token;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Path and query of the customer\'s survey link, `/survey?caseId=…&token=…` (URL-encoded): prefix it with the origin of your '
      + 'customer-facing site, whose page sends both values to `submitSurvey`. ADMIN and SERVICE_AGENT only (others: null with FORBIDDEN).',
  })
  link(@Root() survey: Row<Survey>) {
    return surveys.surveyLink(survey);
  }
}

/** The agent behind an AGENT row of `serviceStats`. */
@Resolver(() => ServiceStatsRow)
export class ServiceStatsRowResolver {
  @FieldResolver(() => User, {
    nullable: true,
    description: 'The agent (grouped by AGENT); null for the unassigned row and for TYPE/CHANNEL rows. Name and e-mail follow the User rules (hidden from ANALYST).',
  })
  agent(@Root() row: Row<ServiceStatsRow>, @Ctx() ctx: GraphQLContext) {
    return row.agentId ? ctx.loaders.user.load(row.agentId) : null;
  }
}

/** The case a task follows (ESCALATION notices and FOLLOW_UP tasks of the service desk). */
@Resolver(() => Task)
export class TaskCaseResolver {
  @FieldResolver(() => ID, { nullable: true, description: 'The id of the service case this task follows (escalations, follow-ups); null otherwise.' })
  caseId(@Root() task: Row<Task>) {
    return refId(task.serviceCase);
  }

  @FieldResolver(() => ServiceCase, { nullable: true, description: 'The service case this task follows; null when none or not visible to you.' })
  serviceCase(@Root() task: Row<Task>, @Ctx() ctx: GraphQLContext) {
    const id = refId(task.serviceCase);
    return id ? ctx.loaders.caseById.load(id) : null;
  }
}

/** The resolvers of this file, registered through their domain's manifest (src/domains). */
export const serviceDeskResolvers = [ServiceDeskResolver, CaseSurveyResolver, SurveyResolver, ServiceStatsRowResolver, TaskCaseResolver];
