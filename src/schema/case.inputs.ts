import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { CaseComment, ServiceCase } from '../entities/service-case.entity';
import { ServiceQueue, SlaPolicy } from '../entities/service-queue.entity';
import { CaseChannel, CasePriority, CaseStatus, CaseType, CommentVisibility } from '../entities/service.enums';
import { connectionType } from './connection';
import { ASCENDING_BY_DEFAULT, SortDirection } from './enums';
import { BooleanFilter, DateTimeFilter, IdFilter, StringFilter, enumFilter } from './filters';
import { UserError } from './payload';
import type * as queues from '../services/queue.service';
import type * as comments from '../services/case-comment.service';
import type * as cases from '../services/case.service';
import { Assert, SameFilterFields, sortEnum } from './sort-enum';
import { CASE_FILTER, CASE_ORDER } from '../services/case.service';
import type { SortFieldOf } from '../services/read-model';

export const ServiceCaseConnection = connectionType(ServiceCase, 'ServiceCase');
export const CaseCommentConnection = connectionType(CaseComment, 'CaseComment');

const CaseStatusFilter = enumFilter(CaseStatus, 'CaseStatus');
const CaseTypeFilter = enumFilter(CaseType, 'CaseType');
const CasePriorityFilter = enumFilter(CasePriority, 'CasePriority');
const CaseChannelFilter = enumFilter(CaseChannel, 'CaseChannel');

@InputType({ description: 'Which cases to list. Fields are and-ed; combine filters with `and`, `or`, `not`.' })
export class CaseFilter {
  @Field(() => [CaseFilter], { nullable: true, description: 'All of these hold.' }) and?: CaseFilter[];
  @Field(() => [CaseFilter], { nullable: true, description: 'At least one of these holds.' }) or?: CaseFilter[];
  @Field(() => CaseFilter, { nullable: true, description: 'This does not hold.' }) not?: CaseFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The case id.' }) id?: IdFilter;
  @Field(() => StringFilter, { nullable: true, description: 'The case number, e.g. `{ eq: "CS-000042" }` or `{ contains: "42" }`.' }) number?: StringFilter;
  @Field(() => CaseStatusFilter, { nullable: true, description: 'The status; open cases: `{ notIn: [RESOLVED, CLOSED] }`.' }) status?: unknown;
  @Field(() => CaseTypeFilter, { nullable: true, description: 'What the case is about.' }) type?: unknown;
  @Field(() => CasePriorityFilter, { nullable: true, description: 'The priority.' }) priority?: unknown;
  @Field(() => CaseChannelFilter, { nullable: true, description: 'How the case reached us.' }) channel?: unknown;
  @Field(() => IdFilter, { nullable: true, description: 'The queue (`isNull: true`: cases in no queue).' }) queueId?: IdFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The assignee, a user id (`isNull: true`: unassigned cases).' }) assigneeId?: IdFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The customer.' }) customerId?: IdFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The contact at the customer.' }) contactId?: IdFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The asset (product by service tag) the case is about.' }) assetId?: IdFilter;
  @Field(() => DateTimeFilter, { nullable: true, description: 'When the case was opened; a range with `gte` and `lt`.' }) createdAt?: DateTimeFilter;
  @Field(() => DateTimeFilter, { nullable: true, description: 'Time of the last change (see `ServiceCase.updatedAt`). Pollers: `{ gt: <the updatedAt of the last record you processed> }` with `orderBy: [{ field: UPDATED_AT, direction: ASC }]`.' }) updatedAt?: DateTimeFilter;
  @Field(() => BooleanFilter, {
    nullable: true,
    description: '`{ eq: true }`: cases whose SLA is breached right now (same rule as `ServiceCase.slaBreached`); `{ eq: false }`: the others.',
  }) breached?: BooleanFilter;
}

export const CaseOrderField = sortEnum(CASE_ORDER, 'CaseOrderField', 'Fields cases can be sorted by.');
export type CaseOrderField = SortFieldOf<typeof CASE_ORDER>;
export type CaseFilterMatchesService = Assert<SameFilterFields<CaseFilter, typeof CASE_FILTER>>;

@InputType({ description: 'One sort key for cases; list several to break ties. The id always breaks the last tie.' })
export class CaseOrderBy {
  @Field(() => CaseOrderField, { description: 'What to sort by.' }) field!: CaseOrderField;
  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: ASCENDING_BY_DEFAULT }) direction!: SortDirection;
}

// ---------------------------------------------------------------------------------------- cases

@InputType({ description: 'A new case. ADMIN and SERVICE_AGENT: any customer; PARTNER (user or key): itself and the customers it resells to (NOT_FOUND otherwise).' })
export class CreateCaseInput implements cases.CreateCaseInput {
  @Field(() => ID, { description: 'The customer the case is for.' }) customerId!: string;
  @Field(() => CaseType, { description: 'What it is about.' }) type!: CaseType;
  @Field(() => CaseChannel, {
    nullable: true,
    description: 'How it reached you; required for staff (VALIDATION otherwise). Cases a partner opens are always on channel PARTNER (a value given is ignored).',
  }) channel?: CaseChannel | null;
  @Field(() => CasePriority, { description: 'Urgency; the SLA targets of this priority set the due dates.' }) priority!: CasePriority;
  @Field({ description: 'One-line summary (1–300 characters).' }) subject!: string;
  @Field(() => String, { nullable: true, description: 'The problem in the customer\'s words (up to 20000 characters).' }) description?: string | null;
  @Field(() => ID, { nullable: true, description: 'A contact of that customer (NOT_FOUND when not one of its live contacts).' }) contactId?: string | null;
  @Field(() => ID, { nullable: true, description: 'An asset of that customer (NOT_FOUND when not one of its assets).' }) assetId?: string | null;
  @Field(() => ID, { nullable: true, description: 'The queue (NOT_FOUND when unknown). Staff only: FORBIDDEN for partners.' }) queueId?: string | null;
  @Field(() => ID, {
    nullable: true,
    description: 'An active SERVICE_AGENT or ADMIN user to assign (the case starts ASSIGNED instead of NEW). Staff only: FORBIDDEN for partners.',
  }) assigneeId?: string | null;
}

@InputType({ description: 'Changes to a case (not CLOSED). An omitted field stays as it is; null clears an optional one. Pass the `version` you read; a stale one is a CONFLICT.' })
export class UpdateCaseInput implements cases.UpdateCaseInput {
  @Field(() => ID, { description: 'The case.' }) id!: string;
  @Field(() => Int, { description: 'The version you read.' }) version!: number;
  @Field(() => String, { nullable: true, description: 'One-line summary (1–300 characters).' }) subject?: string | null;
  @Field(() => String, { nullable: true, description: 'The description; null clears it.' }) description?: string | null;
  @Field(() => CaseType, { nullable: true, description: 'What it is about.' }) type?: CaseType | null;
  @Field(() => CasePriority, {
    nullable: true,
    description: 'A new priority recomputes both due dates from when the case was opened, with the current SLA policy of that priority.',
  }) priority?: CasePriority | null;
  @Field(() => ID, { nullable: true, description: 'A contact of the case\'s customer; null removes it.' }) contactId?: string | null;
  @Field(() => ID, { nullable: true, description: 'An asset of the case\'s customer; null removes it.' }) assetId?: string | null;
  @Field(() => ID, { nullable: true, description: 'The queue; null takes it out of its queue.' }) queueId?: string | null;
}

@InputType({ description: 'Assign a case (not CLOSED) to an agent and/or move it to a queue. Pass the `version` you read; a stale one is a CONFLICT.' })
export class AssignCaseInput implements cases.AssignCaseInput {
  @Field(() => ID, { description: 'The case.' }) id!: string;
  @Field(() => Int, { description: 'The version you read.' }) version!: number;
  @Field(() => ID, {
    nullable: true,
    description: 'An active SERVICE_AGENT or ADMIN user: a NEW case becomes ASSIGNED. null unassigns (an ASSIGNED case goes back to NEW); omitted leaves the assignee as it is.',
  }) assigneeId?: string | null;
  @Field(() => ID, { nullable: true, description: 'The queue; null takes it out of its queue; omitted leaves it.' }) queueId?: string | null;
}

@InputType({
  description: 'Move a case to another status. Legal: NEW → ASSIGNED | IN_PROGRESS | RESOLVED; ASSIGNED → IN_PROGRESS | WAITING_ON_CUSTOMER | RESOLVED; '
    + 'IN_PROGRESS → WAITING_ON_CUSTOMER | RESOLVED; WAITING_ON_CUSTOMER → IN_PROGRESS | RESOLVED; RESOLVED → CLOSED. Anything else is a BUSINESS_RULE error '
    + 'at `input.status` (RESOLVED and CLOSED cases go back with reopenCase). Pass the `version` you read; a stale one is a CONFLICT.',
})
export class ChangeCaseStatusInput implements cases.ChangeCaseStatusInput {
  @Field(() => ID, { description: 'The case.' }) id!: string;
  @Field(() => Int, { description: 'The version you read.' }) version!: number;
  @Field(() => CaseStatus, { description: 'The new status. ASSIGNED needs an assignee (assignCase sets one and moves NEW → ASSIGNED itself).' }) status!: CaseStatus;
  @Field(() => String, { nullable: true, description: 'Why (up to 1000 characters); kept in the customer\'s history with the change, not shown to partners. Not a comment.' }) note?: string | null;
}

@InputType({ description: 'Reopen a RESOLVED or CLOSED case within 14 days after it was resolved. Pass the `version` you read; a stale one is a CONFLICT.' })
export class ReopenCaseInput implements cases.ReopenCaseInput {
  @Field(() => ID, { description: 'The case.' }) id!: string;
  @Field(() => Int, { description: 'The version you read.' }) version!: number;
  @Field({ description: 'Why it is reopened (1–1000 characters); kept in the customer\'s history.' }) reason!: string;
}

@InputType({ description: 'A comment on a case (not CLOSED).' })
export class AddCaseCommentInput implements comments.AddCaseCommentInput {
  @Field(() => ID, { description: 'The case.' }) caseId!: string;
  @Field({ description: 'The text (1–20000 characters).' }) body!: string;
  @Field(() => CommentVisibility, {
    description: 'PUBLIC: a reply the customer and partner see (the first one by staff sets `firstRespondedAt`); INTERNAL: a note for staff only. '
      + 'Partners write PUBLIC comments only (INTERNAL: FORBIDDEN at `input.visibility`).',
  }) visibility!: CommentVisibility;
}

@ObjectType({ description: 'Result of a case mutation.' })
export class CasePayload {
  @Field(() => ServiceCase, { nullable: true, description: 'The case after the change; null when `errors` is not empty.' }) case!: ServiceCase | null;
  @Field(() => [UserError], { description: 'Why the change was refused; empty on success (otherwise nothing was changed).' }) errors!: UserError[];
}

@ObjectType({ description: 'Result of addCaseComment.' })
export class CaseCommentPayload {
  @Field(() => CaseComment, { nullable: true, description: 'The new comment; null when `errors` is not empty.' }) comment!: CaseComment | null;
  @Field(() => [UserError], { description: 'Why the comment was refused; empty on success (otherwise nothing was written).' }) errors!: UserError[];
}

// ---------------------------------------------------------------------------------------- SLA policies and queues

@InputType({ description: 'New SLA targets of one priority (ADMIN). They apply to cases opened (or re-prioritised) from now on; open cases keep their due dates.' })
export class UpdateSlaPolicyInput implements queues.UpdateSlaPolicyInput {
  @Field(() => CasePriority, { description: 'The priority whose targets change.' }) priority!: CasePriority;
  @Field(() => Int, { description: 'The version you read; a stale one is a CONFLICT.' }) version!: number;
  @Field(() => Int, { description: 'Minutes from opening to the first public reply: 1 or more.' }) firstResponseMinutes!: number;
  @Field(() => Int, { description: 'Minutes from opening to resolution: at least the first-response minutes (VALIDATION otherwise).' }) resolutionMinutes!: number;
}

@ObjectType({ description: 'Result of updateSlaPolicy.' })
export class SlaPolicyPayload {
  @Field(() => SlaPolicy, { nullable: true, description: 'The policy after the change; null when `errors` is not empty.' }) slaPolicy!: SlaPolicy | null;
  @Field(() => [UserError], { description: 'Why the change was refused; empty on success.' }) errors!: UserError[];
}

@InputType({ description: 'A new service queue (ADMIN).' })
export class CreateServiceQueueInput implements queues.CreateQueueInput {
  @Field({ description: 'Name (1–100 characters); unique (DUPLICATE otherwise).' }) name!: string;
  @Field(() => String, { nullable: true, description: 'What goes into this queue (up to 1000 characters).' }) description?: string | null;
  @Field(() => ID, { nullable: true, description: 'The manager: an active SERVICE_AGENT or ADMIN user, notified of breached cases and shown the unassigned cases in `myQueue`.' })
  managerId?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'true makes it the escalation queue; there is at most one (DUPLICATE at `input.escalation`). Default false.' })
  escalation?: boolean | null;
}

@InputType({ description: 'Changes to a service queue (ADMIN). An omitted field stays as it is; null clears an optional one. Pass the `version` you read.' })
export class UpdateServiceQueueInput implements queues.UpdateQueueInput {
  @Field(() => ID, { description: 'The queue.' }) id!: string;
  @Field(() => Int, { description: 'The version you read; a stale one is a CONFLICT.' }) version!: number;
  @Field(() => String, { nullable: true, description: 'Name (1–100 characters); unique.' }) name?: string | null;
  @Field(() => String, { nullable: true, description: 'Description; null clears it.' }) description?: string | null;
  @Field(() => ID, { nullable: true, description: 'The manager (an active SERVICE_AGENT or ADMIN user); null removes the manager.' }) managerId?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Whether it is the escalation queue (at most one: DUPLICATE at `input.escalation`).' }) escalation?: boolean | null;
}

@ObjectType({ description: 'Result of a queue mutation.' })
export class ServiceQueuePayload {
  @Field(() => ServiceQueue, { nullable: true, description: 'The queue after the change; null when `errors` is not empty.' }) serviceQueue!: ServiceQueue | null;
  @Field(() => [UserError], { description: 'Why the change was refused; empty on success.' }) errors!: UserError[];
}
