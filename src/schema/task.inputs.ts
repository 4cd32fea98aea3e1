import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { TaskStatus, TaskType } from '../entities/enums';
import { Task } from '../entities/task.entity';
import { connectionType } from './connection';
import { ASCENDING_BY_DEFAULT, SortDirection } from './enums';
import { BooleanFilter, DateTimeFilter, IdFilter, StringFilter, enumFilter } from './filters';
import { UserError } from './payload';
import { DateTimeScalar } from './scalars';
import type * as taskService from '../services/task.service';
import { Assert, SameFilterFields, sortEnum } from './sort-enum';
import { TASK_FILTER, TASK_ORDER } from '../services/task.service';
import type { SortFieldOf } from '../services/read-model';

export const TaskConnection = connectionType(Task, 'Task');

const TaskStatusFilter = enumFilter(TaskStatus, 'TaskStatus');
const TaskTypeFilter = enumFilter(TaskType, 'TaskType');

@InputType({ description: 'Which tasks to list. Fields are and-ed; combine filters with `and`, `or`, `not`.' })
export class TaskFilter {
  @Field(() => [TaskFilter], { nullable: true, description: 'All of these hold.' }) and?: TaskFilter[];
  @Field(() => [TaskFilter], { nullable: true, description: 'At least one of these holds.' }) or?: TaskFilter[];
  @Field(() => TaskFilter, { nullable: true, description: 'This does not hold.' }) not?: TaskFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The task id.' }) id?: IdFilter;
  @Field(() => StringFilter, { nullable: true, description: 'The title.' }) title?: StringFilter;
  @Field(() => TaskTypeFilter, { nullable: true, description: 'The kind of task.' }) type?: object;
  @Field(() => TaskStatusFilter, { nullable: true, description: 'OPEN, DONE or CANCELLED.' }) status?: object;
  @Field(() => IdFilter, { nullable: true, description: 'Who the task is assigned to (a user id).' }) assigneeId?: IdFilter;
  @Field(() => IdFilter, { nullable: true, description: 'Who assigned it (a user id).' }) assignedById?: IdFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The linked customer.' }) customerId?: IdFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The linked contact.' }) contactId?: IdFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The linked opportunity.' }) opportunityId?: IdFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The receivable of a COLLECTION task.' }) receivableId?: IdFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The service case an ESCALATION or FOLLOW_UP task follows.' }) caseId?: IdFilter;
  @Field(() => DateTimeFilter, { nullable: true, description: 'Due time, e.g. `{ gte: "2026-03-01T00:00:00Z", lt: "2026-03-08T00:00:00Z" }`.' }) dueAt?: DateTimeFilter;
  @Field(() => DateTimeFilter, { nullable: true, description: 'Reminder time (`isNull: true` for tasks without a reminder).' }) remindAt?: DateTimeFilter;
  @Field(() => DateTimeFilter, { nullable: true, description: 'When it was completed or cancelled.' }) completedAt?: DateTimeFilter;
  @Field(() => DateTimeFilter, { nullable: true, description: 'Creation time.' }) createdAt?: DateTimeFilter;
  @Field(() => BooleanFilter, { nullable: true, description: 'true: OPEN and past its due time; false: everything else.' }) overdue?: BooleanFilter;
}

export const TaskOrderField = sortEnum(TASK_ORDER, 'TaskOrderField', 'Fields tasks can be sorted by.');
export type TaskOrderField = SortFieldOf<typeof TASK_ORDER>;
export type TaskFilterMatchesService = Assert<SameFilterFields<TaskFilter, typeof TASK_FILTER>>;

@InputType({ description: 'One sort key for tasks; the id always breaks the last tie.' })
export class TaskOrderBy {
  @Field(() => TaskOrderField, { description: 'What to sort by.' }) field!: TaskOrderField;
  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: ASCENDING_BY_DEFAULT }) direction!: SortDirection;
}

@InputType({ description: 'A new task.' })
export class CreateTaskInput implements taskService.CreateTaskInput {
  @Field({ description: 'What to do (1–200 characters).' }) title!: string;
  @Field(() => TaskType, { description: 'Kind of task.' }) type!: TaskType;
  @Field(() => DateTimeScalar, { description: 'When it is due. May be in the past (the task is then overdue at once).' }) dueAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When to remind the assignee; not after `dueAt`. Null or omitted: no reminder.' }) remindAt?: Date | null;
  @Field(() => ID, { nullable: true, description: 'Who does it; yourself when omitted. A SALES_MANAGER may pick anyone active in their team, ADMIN any active user, everyone else only themselves.' })
  assigneeId?: string | null;
  @Field(() => ID, { nullable: true, description: 'The customer it concerns (must be visible to you). Defaults to the customer of the contact or opportunity.' }) customerId?: string | null;
  @Field(() => ID, { nullable: true, description: 'The contact it concerns (visible to you; must belong to the customer).' }) contactId?: string | null;
  @Field(() => ID, { nullable: true, description: 'The opportunity it concerns (visible to you; must belong to the customer).' }) opportunityId?: string | null;
  @Field(() => String, { nullable: true, description: 'Notes (up to 4000 characters).' }) notes?: string | null;
}

@InputType({ description: 'Changes to an OPEN task; an omitted field is left as it is, null clears an optional one. Pass the `version` you read; a stale one is a CONFLICT.' })
export class UpdateTaskInput implements taskService.UpdateTaskInput {
  @Field(() => ID, { description: 'The task.' }) id!: string;
  @Field(() => Int, { description: 'The version you read.' }) version!: number;
  @Field(() => String, { nullable: true, description: 'What to do (1–200 characters).' }) title?: string | null;
  @Field(() => TaskType, { nullable: true, description: 'Kind of task.' }) type?: TaskType | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When it is due; the reminder must not be after it.' }) dueAt?: Date | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When to remind the assignee (not after `dueAt`); null removes the reminder.' }) remindAt?: Date | null;
  @Field(() => ID, { nullable: true, description: 'Reassign (same rule as on create); you become `assignedBy`.' }) assigneeId?: string | null;
  @Field(() => ID, { nullable: true, description: 'The customer (visible to you); null unlinks it unless a contact or opportunity still ties the task to it.' }) customerId?: string | null;
  @Field(() => ID, { nullable: true, description: 'The contact (visible to you, of the task\'s customer); null unlinks it.' }) contactId?: string | null;
  @Field(() => ID, { nullable: true, description: 'The opportunity (visible to you, of the task\'s customer); null unlinks it.' }) opportunityId?: string | null;
  @Field(() => String, { nullable: true, description: 'Notes (up to 4000 characters); null clears them.' }) notes?: string | null;
}

@InputType({ description: 'Closes an OPEN task.' })
class CloseTaskFields {
  @Field(() => ID, { description: 'The task.' }) id!: string;
  @Field(() => Int, { nullable: true, description: 'The version you read; when given and stale: CONFLICT.' }) version?: number | null;
  @Field(() => String, { nullable: true, description: 'Replaces the notes, e.g. with the outcome (up to 4000 characters); omitted: unchanged.' }) notes?: string | null;
}

@InputType({ description: 'Marks an OPEN task DONE.' })
export class CompleteTaskInput extends CloseTaskFields {}

@InputType({ description: 'Marks an OPEN task CANCELLED.' })
export class CancelTaskInput extends CloseTaskFields {}

@ObjectType({ description: 'Result of a task mutation.' })
export class TaskPayload {
  @Field(() => Task, { nullable: true, description: 'The task after the change; null when `errors` is not empty.' }) task!: Task | null;
  @Field(() => [UserError], { description: 'Why the change was refused; empty on success.' }) errors!: UserError[];
}
