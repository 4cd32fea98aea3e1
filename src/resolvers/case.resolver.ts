import type { GraphQLResolveInfo } from 'graphql';
import type { Row } from './row';
import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, Info, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { nestedPage, registerNested } from './embed';
import { EDGE_NODE, selectedFields } from './selection';
import { serviceContext, type GraphQLContext } from '../context';
import { Asset } from '../entities/asset.entity';
import { Contact } from '../entities/contact.entity';
import { Customer } from '../entities/customer.entity';
import { refId } from '../entities/ids';
import { CaseComment, ServiceCase } from '../entities/service-case.entity';
import { ServiceQueue, SlaPolicy } from '../entities/service-queue.entity';
import { User } from '../entities/user.entity';
import * as cases from '../services/case.service';
import * as comments from '../services/case-comment.service';
import * as queues from '../services/queue.service';
import {
  AddCaseCommentInput, AssignCaseInput, CaseCommentConnection, CaseCommentPayload, CaseFilter, CaseOrderBy, CasePayload, ChangeCaseStatusInput,
  CreateCaseInput, CreateServiceQueueInput, ReopenCaseInput, ServiceCaseConnection, ServiceQueuePayload, SlaPolicyPayload, UpdateCaseInput,
  UpdateServiceQueueInput, UpdateSlaPolicyInput,
} from '../schema/case.inputs';
import { ConnectionArgs, IdArg, NULL_WHEN_ABSENT, filterDescription, orderByDescription } from './args';

@ArgsType()
class CasesArgs extends ConnectionArgs {
  @Field(() => CaseFilter, { nullable: true, description: filterDescription('cases') }) filter?: CaseFilter | null;
  @Field(() => [CaseOrderBy], { nullable: true, description: orderByDescription('newest first') }) orderBy?: CaseOrderBy[] | null;
}

const listArgs = (args: CasesArgs): cases.CaseListArgs => ({
  first: args.first, after: args.after, last: args.last, before: args.before, filter: args.filter ?? null, orderBy: args.orderBy ?? null,
});

const pageArgs = (args: ConnectionArgs) => ({ first: args.first, after: args.after, last: args.last, before: args.before });

const WHO_READS = 'ADMIN and SERVICE_AGENT all cases; SALES_MANAGER and SALES_REP (read-only) those of the customers in their scope; '
  + 'PARTNER (users and keys) those of its own record and the customers it resells to. Others: FORBIDDEN.';

/** Cases: queries, mutations and the fields of ServiceCase. */
@Resolver(() => ServiceCase)
export class CaseResolver {
  @Query(() => ServiceCaseConnection, { description: `Service cases visible to you, newest first unless \`orderBy\` says otherwise. ${WHO_READS}` })
  cases(@Args() args: CasesArgs, @Ctx() ctx: GraphQLContext) {
    return cases.listCases(serviceContext(ctx), listArgs(args));
  }

  @Query(() => ServiceCase, { nullable: true, description: `One case; ${NULL_WHEN_ABSENT}. ${WHO_READS}` })
  case(@IdArg('ServiceCase', 'case') id: string, @Ctx() ctx: GraphQLContext) {
    return cases.getCase(serviceContext(ctx), id);
  }

  @Query(() => ServiceCaseConnection, {
    description: 'Your work list, most pressing first (resolution due date ascending): open cases (not RESOLVED or CLOSED) assigned to you, '
      + 'plus open unassigned cases of the queues you manage. Staff who read cases (ADMIN, SERVICE_AGENT, SALES_MANAGER, SALES_REP).',
  })
  myQueue(@Args() args: ConnectionArgs, @Ctx() ctx: GraphQLContext) {
    return cases.myQueue(serviceContext(ctx), pageArgs(args));
  }

  @FieldResolver(() => ID, { description: 'Id of the customer.' })
  customerId(@Root() c: Row<ServiceCase>) {
    return refId(c.customer);
  }

  @FieldResolver(() => Customer, { nullable: true, description: 'The customer; null when its record is not visible to you.' })
  customer(@Root() c: Row<ServiceCase>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.customer.load(refId(c.customer)!);
  }

  @FieldResolver(() => ID, { nullable: true, description: 'Id of the contact at the customer; null when none.' })
  contactId(@Root() c: Row<ServiceCase>) {
    return refId(c.contact);
  }

  @FieldResolver(() => Contact, { nullable: true, description: 'The contact at the customer who raised it; null when none (or not visible to you).' })
  contact(@Root() c: Row<ServiceCase>, @Ctx() ctx: GraphQLContext) {
    const id = refId(c.contact);
    return id ? ctx.loaders.contact.load(id) : null;
  }

  @FieldResolver(() => ID, { nullable: true, description: 'Id of the asset (the product by its service tag) it is about; null when none.' })
  assetId(@Root() c: Row<ServiceCase>) {
    return refId(c.asset);
  }

  @FieldResolver(() => Asset, { nullable: true, description: 'The asset (the product by its service tag, with its warranty) it is about; null when none (or not visible to you).' })
  asset(@Root() c: Row<ServiceCase>, @Ctx() ctx: GraphQLContext) {
    const id = refId(c.asset);
    return id ? ctx.loaders.assetById.load(id) : null;
  }

  @FieldResolver(() => ID, { nullable: true, description: 'Id of the queue it is in; null when in none. Staff only: null with FORBIDDEN for partners.' })
  queueId(@Root() c: Row<ServiceCase>) {
    return refId(c.queue);
  }

  @FieldResolver(() => ServiceQueue, { nullable: true, description: 'The queue it is in; null when in none. Staff only: null with FORBIDDEN for partners.' })
  queue(@Root() c: Row<ServiceCase>, @Ctx() ctx: GraphQLContext) {
    const id = refId(c.queue);
    return id ? ctx.loaders.serviceQueueById.load(id) : null;
  }

  @FieldResolver(() => ID, { nullable: true, description: 'Id of the assigned agent; null while unassigned.' })
  assigneeId(@Root() c: Row<ServiceCase>) {
    return refId(c.assignee);
  }

  @FieldResolver(() => User, { nullable: true, description: 'The assigned agent (a SERVICE_AGENT or ADMIN user); null while unassigned.' })
  assignee(@Root() c: Row<ServiceCase>, @Ctx() ctx: GraphQLContext) {
    const id = refId(c.assignee);
    return id ? ctx.loaders.user.load(id) : null;
  }

  @FieldResolver(() => User, { nullable: true, description: 'The user who opened it; null when it was opened through an API key.' })
  openedBy(@Root() c: Row<ServiceCase>, @Ctx() ctx: GraphQLContext) {
    return c.openedBy?.startsWith('usr_') ? ctx.loaders.user.load(c.openedBy) : null;
  }

  @FieldResolver(() => Boolean, {
    description: 'True when an SLA target is missed: the first public reply came after `firstResponseDueAt`, or has not come and that time has passed; '
      + 'or the resolution came after `resolutionDueAt`, or has not come and that time has passed. A case resolved without a public reply counts its '
      + 'resolution as the reply. The `breached` filter uses the same rule.',
  })
  slaBreached(@Root() c: Row<ServiceCase>) {
    return cases.isBreached(c);
  }

  @FieldResolver(() => CaseCommentConnection, {
    description: 'Comments, oldest first (batched across cases: one query per page shape). Internal notes are included for staff users only: '
      + 'PARTNER users and API keys never get them, nor are they counted in `totalCount`.',
  })
  comments(@Root() c: Row<ServiceCase>, @Args() args: ConnectionArgs, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.caseCommentPage(pageArgs(args)).load(c.id);
  }

  @Mutation(() => CasePayload, {
    description: 'Open a case, numbered "CS-000001", …: `firstResponseDueAt` and `resolutionDueAt` are now + the SLA targets of its priority; status NEW, '
      + 'or ASSIGNED with an assignee. ADMIN and SERVICE_AGENT for any customer; PARTNER users and keys for themselves and the customers they resell to '
      + '(channel PARTNER, no assignee or queue). Validation errors name the field and write nothing.',
  })
  createCase(@Arg('input', () => CreateCaseInput, { description: 'The new case.' }) input: CreateCaseInput, @Ctx() ctx: GraphQLContext) {
    return cases.createCase(serviceContext(ctx), input);
  }

  @Mutation(() => CasePayload, { description: 'Change a case\'s details (ADMIN, SERVICE_AGENT). CLOSED cases: BUSINESS_RULE; stale `version`: CONFLICT.' })
  updateCase(@Arg('input', () => UpdateCaseInput, { description: 'The case, the version you read and the changes.' }) input: UpdateCaseInput, @Ctx() ctx: GraphQLContext) {
    return cases.updateCase(serviceContext(ctx), input);
  }

  @Mutation(() => CasePayload, {
    description: 'Assign or unassign a case and/or move it between queues (ADMIN, SERVICE_AGENT). NEW → ASSIGNED when an assignee is set; ASSIGNED → NEW when it is removed.',
  })
  assignCase(@Arg('input', () => AssignCaseInput, { description: 'The case, the version you read, the assignee and/or queue.' }) input: AssignCaseInput, @Ctx() ctx: GraphQLContext) {
    return cases.assignCase(serviceContext(ctx), input);
  }

  @Mutation(() => CasePayload, {
    description: 'Move a case to another status (ADMIN, SERVICE_AGENT); see ChangeCaseStatusInput for the legal moves. → RESOLVED sets `resolvedAt` and '
      + 'asks the customer for satisfaction (a survey); → CLOSED (only from RESOLVED) sets `closedAt`.',
  })
  changeCaseStatus(@Arg('input', () => ChangeCaseStatusInput, { description: 'The case, the version you read and the new status.' }) input: ChangeCaseStatusInput, @Ctx() ctx: GraphQLContext) {
    return cases.changeCaseStatus(serviceContext(ctx), input);
  }

  @Mutation(() => CasePayload, {
    description: 'Reopen a RESOLVED or CLOSED case within 14 days after `resolvedAt` (BUSINESS_RULE after): `reopenCount` + 1, `resolvedAt` and `closedAt` cleared; '
      + 'IN_PROGRESS when staff reopen it, ASSIGNED (NEW when nobody is assigned) when a partner does. ADMIN, SERVICE_AGENT, and PARTNER users and keys for their cases.',
  })
  reopenCase(@Arg('input', () => ReopenCaseInput, { description: 'The case, the version you read and why it is reopened.' }) input: ReopenCaseInput, @Ctx() ctx: GraphQLContext) {
    return cases.reopenCase(serviceContext(ctx), input);
  }

  @Mutation(() => CaseCommentPayload, {
    description: 'Comment on a case: ADMIN and SERVICE_AGENT PUBLIC replies or INTERNAL notes on any case; PARTNER users and keys PUBLIC comments on their cases. '
      + 'The first PUBLIC reply by staff sets the case\'s `firstRespondedAt`.',
  })
  addCaseComment(@Arg('input', () => AddCaseCommentInput, { description: 'The case, the text and its visibility.' }) input: AddCaseCommentInput, @Ctx() ctx: GraphQLContext) {
    return comments.addCaseComment(serviceContext(ctx), input);
  }
}

/** The fields of a comment. */
@Resolver(() => CaseComment)
export class CaseCommentResolver {
  @FieldResolver(() => ID, { description: 'Id of the case it belongs to.' })
  caseId(@Root() m: Row<CaseComment>) {
    return refId(m.serviceCase);
  }

  @FieldResolver(() => ServiceCase, { nullable: true, description: 'The case it belongs to.' })
  case(@Root() m: Row<CaseComment>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.caseById.load(refId(m.serviceCase)!);
  }

  @FieldResolver(() => User, { nullable: true, description: 'Who wrote it; null when it came through an API key (a partner\'s system).' })
  author(@Root() m: Row<CaseComment>, @Ctx() ctx: GraphQLContext) {
    return m.authorType === 'USER' ? ctx.loaders.user.load(m.authorId) : null;
  }
}

/** Queues and SLA policies. */
@Resolver(() => ServiceQueue)
export class ServiceQueueResolver {
  @Query(() => [ServiceQueue], { description: 'Every service queue, by name. Staff who read cases (ADMIN, SERVICE_AGENT, SALES_MANAGER, SALES_REP).' })
  serviceQueues(@Ctx() ctx: GraphQLContext) {
    return queues.listQueues(serviceContext(ctx));
  }

  @Query(() => [SlaPolicy], {
    description: 'The SLA targets per priority, P1 first. Staff who read cases (ADMIN, SERVICE_AGENT, SALES_MANAGER, SALES_REP); ADMIN changes them with updateSlaPolicy.',
  })
  slaPolicies(@Ctx() ctx: GraphQLContext) {
    return queues.listSlaPolicies(serviceContext(ctx));
  }

  @FieldResolver(() => ID, { nullable: true, description: 'Id of the manager; null when none.' })
  managerId(@Root() q: Row<ServiceQueue>) {
    return refId(q.manager);
  }

  @FieldResolver(() => User, { nullable: true, description: 'The manager: notified of breached cases, sees the unassigned cases of the queue in `myQueue`; null when none.' })
  manager(@Root() q: Row<ServiceQueue>, @Ctx() ctx: GraphQLContext) {
    const id = refId(q.manager);
    return id ? ctx.loaders.user.load(id) : null;
  }

  @Mutation(() => ServiceQueuePayload, { description: 'Create a service queue (ADMIN). Name unique and at most one escalation queue (DUPLICATE otherwise).' })
  createServiceQueue(@Arg('input', () => CreateServiceQueueInput, { description: 'The new queue.' }) input: CreateServiceQueueInput, @Ctx() ctx: GraphQLContext) {
    return queues.createQueue(serviceContext(ctx), input);
  }

  @Mutation(() => ServiceQueuePayload, { description: 'Change a service queue (ADMIN); stale `version`: CONFLICT.' })
  updateServiceQueue(@Arg('input', () => UpdateServiceQueueInput, { description: 'The queue, the version you read and the changes.' }) input: UpdateServiceQueueInput, @Ctx() ctx: GraphQLContext) {
    return queues.updateQueue(serviceContext(ctx), input);
  }

  @Mutation(() => SlaPolicyPayload, {
    description: 'Change the SLA targets of a priority (ADMIN): both more than 0, resolution at least first response. Applies to cases opened (or re-prioritised) '
      + 'from now on; open cases keep their due dates.',
  })
  updateSlaPolicy(@Arg('input', () => UpdateSlaPolicyInput, { description: 'The priority, the version you read and the new targets.' }) input: UpdateSlaPolicyInput, @Ctx() ctx: GraphQLContext) {
    return queues.updateSlaPolicy(serviceContext(ctx), input);
  }
}

registerNested('Customer', 'cases', { model: cases.caseReads, listArgs });

/** Cases under a customer. */
@Resolver(() => Customer)
export class CustomerCasesResolver {
  @FieldResolver(() => ServiceCaseConnection, {
    nullable: true,
    description: 'Service cases of this customer visible to you, newest first (batched across customers: one query per page shape). '
      + 'Null with FORBIDDEN for roles that do not read cases (MARKETING, FINANCE, ANALYST, INTEGRATION keys).',
  })
  cases(@Root() customer: Row<Customer>, @Args() args: CasesArgs, @Ctx() ctx: GraphQLContext, @Info() info: GraphQLResolveInfo) {
    return nestedPage(customer, info, { ...listArgs(args), select: selectedFields(info, EDGE_NODE) }, ctx.loaders.customerCasePage, ctx.loaders.customerCaseEmbedded);
  }
}

/** The resolvers of this file, registered through their domain's manifest (src/domains). */
export const caseResolvers = [CaseResolver, CaseCommentResolver, ServiceQueueResolver, CustomerCasesResolver];
