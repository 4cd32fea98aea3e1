import { z } from 'zod';
import { hasScope, type Principal } from '../auth/principal';
import { Contact } from '../entities/contact.entity';
import { Customer } from '../entities/customer.entity';
import { Role, TaskStatus, TaskType } from '../entities/enums';
import { refId } from '../entities/ids';
import { Opportunity } from '../entities/opportunity.entity';
import { Task } from '../entities/task.entity';
import { User } from '../entities/user.entity';
import { contactsByIds } from './contact.service';
import { fixedOrder, readModel, type SortFieldOf, type SortTable } from './read-model';
import type { ServiceContext } from './context';
import { customersByIds } from './customer.service';
import { InputError, NotFoundError, RollbackWithErrors, userError, type UserError } from './errors';
import { type FilterSpec } from './filter';
import { visibleOpportunity } from './opportunity.service';
import {
  type Connection, type ConnectionArgs, pageRequest, type SortKey, } from './pagination';
import { assignableUserScope, taskScope, userScope } from './scope';
import { and, FALSE, rows, sql, textArray, TRUE, type Sql } from './sql';
import { fail, inTransaction } from './transaction';
import { ID, optionalText, parseInput, text, type InputOf } from './validation';

/**
 * Tasks: scheduled work for a user. Every read applies `taskScope` in SQL (one's own tasks, a
 * manager's team's, ADMIN all); `dueReminders` has its own scope so a notifier key can poll it.
 */

export type TaskRow = Task;
export type TaskOrderField = SortFieldOf<typeof TASK_ORDER>;
export interface AgendaArgs extends ConnectionArgs {
  from: Date;
  to: Date;
  status?: TaskStatus[] | null;
}

/** OPEN and past its due time; the same definition as the `overdue` field. */
const OVERDUE_SQL = `(t.status = 'OPEN' and t.due_at < now())`;

/** The `overdue` flag of a row (or managed entity) at `now`. */
export const isOverdue = (task: Pick<Task, 'status' | 'dueAt'>, now = new Date()): boolean =>
  task.status === TaskStatus.OPEN && new Date(task.dueAt).getTime() < now.getTime();

/** The sort enum `TaskOrderField` (schema/task.inputs.ts registers it from this table). */
export const TASK_ORDER = {
  DUE_AT: { expr: 't.due_at', get: (r) => r.dueAt, description: 'When the task is due.' },
  CREATED_AT: { expr: 't.created_at', get: (r) => r.createdAt, description: 'When the task was created.' },
  UPDATED_AT: { expr: 't.updated_at', get: (r) => r.updatedAt, description: 'When the task was last changed.' },
} satisfies SortTable<TaskRow>;

/** The fields of the GraphQL `TaskFilter` (which checks it names the same ones). */
export const TASK_FILTER = {
  id: { expr: 't.id', kind: 'scalar' },
  title: { expr: 't.title', kind: 'text' },
  type: { expr: 't.type', kind: 'scalar' },
  status: { expr: 't.status', kind: 'scalar' },
  assigneeId: { expr: 't.assignee_id', kind: 'scalar' },
  assignedById: { expr: 't.assigned_by_id', kind: 'scalar' },
  customerId: { expr: 't.customer_id', kind: 'scalar' },
  contactId: { expr: 't.contact_id', kind: 'scalar' },
  opportunityId: { expr: 't.opportunity_id', kind: 'scalar' },
  receivableId: { expr: 't.receivable_id', kind: 'scalar' },
  caseId: { expr: 't.case_id', kind: 'scalar' },
  dueAt: { expr: 't.due_at', kind: 'scalar' },
  remindAt: { expr: 't.remind_at', kind: 'scalar' },
  completedAt: { expr: 't.completed_at', kind: 'scalar' },
  createdAt: { expr: 't.created_at', kind: 'scalar' },
  overdue: { expr: OVERDUE_SQL, kind: 'scalar' },
} satisfies FilterSpec;

/** Agendas, reminders and a customer's tasks: soonest first, the id breaking ties. */
const BY_DUE: SortKey<TaskRow>[] = [
  { expr: 't.due_at', dir: 'ASC', get: (r) => r.dueAt },
  { expr: 't.id', dir: 'ASC', get: (r) => r.id },
];
const BY_REMIND: SortKey<TaskRow>[] = [
  { expr: 't.remind_at', dir: 'ASC', get: (r) => r.remindAt },
  { expr: 't.id', dir: 'ASC', get: (r) => r.id },
];

const iso = (d: Date) => d.toISOString();

const statusIn = (status: TaskStatus[] | null | undefined): Sql =>
  status == null ? TRUE : status.length ? sql`t.status = any(${textArray(status)})` : FALSE;

export const taskReads = readModel<TaskRow>()({
  entity: 'Task', table: 'task', alias: 't',
  visible: (ctx) => taskScope(ctx.principal),
  filter: TASK_FILTER,
  order: { list: 'tasks', table: TASK_ORDER, default: { field: 'DUE_AT', direction: 'ASC' } },
});

/** `Customer.tasks`: the visible tasks of a customer, soonest first, optionally of some statuses only. */
export const customerTaskReads = readModel<TaskRow>()({
  entity: 'Task', table: 'task', alias: 't', parentColumn: 't.customer_id',
  visible: (ctx) => taskScope(ctx.principal),
  parentArgs: {
    pick: (args: { status?: TaskStatus[] | null }) => ({ status: args.status ?? null }),
    where: (_ctx, args) => statusIn(args.status),
  },
  order: fixedOrder('customerTasks', BY_DUE),
});

export const listTasks = taskReads.list;
/** Tasks by id, visible to the caller only; the order of the result is not guaranteed. */
export const tasksByIds = taskReads.byIds;
export const getTask = taskReads.get;

/**
 * A user's tasks due in [from, to), soonest first. The caller sees their own agenda; a manager
 * anyone's in their subtree; ADMIN anyone's. Anyone else's agenda: NOT_FOUND (the user "does not exist").
 */
export async function agenda(ctx: ServiceContext, userId: string, args: AgendaArgs): Promise<Connection<TaskRow>> {
  pageRequest(args, 'agenda');
  if (!(args.from instanceof Date) || !(args.to instanceof Date)) throw new InputError('`from` and `to` are timestamps.', 'from');
  if (args.to.getTime() <= args.from.getTime()) throw new InputError('`to` must be after `from` (the range is [from, to)).', 'to');
  if (userId !== ctx.principal.id) {
    const [user] = await rows<{ id: string }>(ctx.em, sql`select u.id from app_user u where u.id = ${userId} and ${userScope(ctx.principal)}`);
    if (!user) throw new NotFoundError('User');
  }
  const where = and([
    sql`t.assignee_id = ${userId}`,
    taskScope(ctx.principal),
    sql`t.due_at >= ${iso(args.from)} and t.due_at < ${iso(args.to)}`,
    statusIn(args.status),
  ]);
  return taskReads.page(ctx, where, { keys: BY_DUE, signature: 'agenda' }, args);
}

/** Whose reminders a caller may poll: ADMIN and INTEGRATION keys with `tasks:read` everyone's, other users their own. */
function reminderScope(principal: Principal): Sql {
  if (principal.type === 'API_KEY') return principal.role === Role.INTEGRATION && hasScope(principal, 'tasks:read') ? TRUE : FALSE;
  if (principal.role === Role.ADMIN) return TRUE;
  if (principal.role === Role.PARTNER) return FALSE;
  return sql`t.assignee_id = ${principal.id}`;
}

/** OPEN tasks whose reminder time is at or before `now`, oldest reminder first (for a notifier to poll). */
export async function dueReminders(ctx: ServiceContext, now: Date | null | undefined, args: ConnectionArgs): Promise<Connection<TaskRow>> {
  pageRequest(args, 'dueReminders');
  const at = now ?? new Date();
  const where = and([reminderScope(ctx.principal), sql`t.status = 'OPEN' and t.remind_at is not null and t.remind_at <= ${iso(at)}`]);
  return taskReads.page(ctx, where, { keys: BY_REMIND, signature: 'dueReminders' }, args);
}

// ---------------------------------------------------------------------------------------- writes

const TIMESTAMP = z.date({ invalid_type_error: 'A timestamp is required.', required_error: 'A timestamp is required.' });

const CreateTask = z.object({
  title: text(200),
  type: z.nativeEnum(TaskType),
  dueAt: TIMESTAMP,
  remindAt: TIMESTAMP.nullish(),
  assigneeId: ID('usr').nullish(),
  customerId: ID('cus').nullish(),
  contactId: ID('con').nullish(),
  opportunityId: ID('opp').nullish(),
  notes: optionalText(4000),
});

const UpdateTask = z.object({
  id: ID('tsk'),
  version: z.number().int(),
  title: text(200).nullish(),
  type: z.nativeEnum(TaskType).nullish(),
  dueAt: TIMESTAMP.nullish(),
  remindAt: TIMESTAMP.nullish(),
  assigneeId: ID('usr').nullish(),
  customerId: ID('cus').nullish(),
  contactId: ID('con').nullish(),
  opportunityId: ID('opp').nullish(),
  notes: optionalText(4000),
});

const CloseTask = z.object({ id: ID('tsk'), version: z.number().int().nullish(), notes: optionalText(4000) });

export type CreateTaskInput = InputOf<typeof CreateTask>;
export type UpdateTaskInput = InputOf<typeof UpdateTask>;
export type CloseTaskInput = InputOf<typeof CloseTask>;

const NON_NULLABLE = ['title', 'type', 'dueAt', 'assigneeId'] as const;

type LinkField = 'customerId' | 'contactId' | 'opportunityId';
type Links = Record<LinkField, string | null>;

const f = (name: string) => ['input', name];

/**
 * Who may get a task from the caller: anyone may assign to themselves; a SALES_MANAGER to anyone
 * active in their subtree; ADMIN to any active user; other roles to nobody else (FORBIDDEN).
 */
async function assigneeErrors(tx: ServiceContext, assigneeId: string): Promise<UserError[]> {
  const { principal } = tx;
  if (assigneeId === principal.id) return [];
  if (principal.role !== Role.ADMIN && principal.role !== Role.SALES_MANAGER) {
    return [userError('FORBIDDEN', 'You can only assign tasks to yourself.', f('assigneeId'))];
  }
  const [user] = await rows<{ active: boolean; role: Role }>(tx.em, sql`select u.active, u.role from app_user u where u.id = ${assigneeId} and ${assignableUserScope(principal)}`);
  if (!user) return [userError('NOT_FOUND', principal.role === Role.SALES_MANAGER ? 'No such user in your team.' : 'No such user.', f('assigneeId'))];
  if (!user.active) return [userError('VALIDATION', 'That user is deactivated.', f('assigneeId'))];
  if (user.role === Role.PARTNER) return [userError('VALIDATION', 'Partner users do not get tasks.', f('assigneeId'))];
  return [];
}

/**
 * Checks the linked records a write would leave on the task and returns the customer it is linked to.
 * Records named in this input must be visible to the caller (NOT_FOUND otherwise); a contact and an
 * opportunity must belong to the task's customer, which defaults to theirs when not given.
 */
async function resolveLinks(tx: ServiceContext, next: Links, named: Set<LinkField>): Promise<{ customerId: string | null; errors: UserError[] }> {
  const errors: UserError[] = [];
  if (next.customerId && named.has('customerId')) {
    const [customer] = await customersByIds(tx, [next.customerId]);
    if (!customer) errors.push(userError('NOT_FOUND', 'Customer not found.', f('customerId')));
  }
  let contactCustomer: string | null = null;
  if (next.contactId) {
    if (named.has('contactId')) {
      const [contact] = await contactsByIds(tx, [next.contactId]);
      if (!contact) errors.push(userError('NOT_FOUND', 'Contact not found.', f('contactId')));
      contactCustomer = contact ? refId(contact.customer) : null;
    } else {
      const [contact] = await rows<{ customerId: string }>(tx.em, sql`select k.customer_id as "customerId" from contact k where k.id = ${next.contactId}`);
      contactCustomer = contact?.customerId ?? null;
    }
  }
  let opportunityCustomer: string | null = null;
  if (next.opportunityId) {
    const scoped = named.has('opportunityId') ? sql`and ${visibleOpportunity(tx)}` : sql``;
    const [opportunity] = await rows<{ customerId: string }>(tx.em, sql`select o.customer_id as "customerId" from opportunity o
      where o.id = ${next.opportunityId} ${scoped}`);
    if (!opportunity) errors.push(userError('NOT_FOUND', 'Opportunity not found.', f('opportunityId')));
    opportunityCustomer = opportunity?.customerId ?? null;
  }
  if (errors.length) return { customerId: null, errors };

  const customerId = next.customerId ?? contactCustomer ?? opportunityCustomer;
  if (contactCustomer && contactCustomer !== customerId) {
    errors.push(userError('VALIDATION', 'The contact does not belong to the task\'s customer.', f('contactId')));
  }
  if (opportunityCustomer && opportunityCustomer !== customerId) {
    errors.push(userError('VALIDATION', 'The opportunity does not belong to the task\'s customer.', f('opportunityId')));
  }
  return { customerId, errors };
}

function reminderErrors(dueAt: Date, remindAt: Date | null | undefined, field: string): UserError[] {
  return remindAt && remindAt.getTime() > dueAt.getTime()
    ? [userError('VALIDATION', 'The reminder must not be after the due time.', f(field))]
    : [];
}

function setLinks(tx: ServiceContext, task: Task, links: Links) {
  task.customer = links.customerId ? tx.em.getReference(Customer, links.customerId) : null;
  task.contact = links.contactId ? tx.em.getReference(Contact, links.contactId) : null;
  task.opportunity = links.opportunityId ? tx.em.getReference(Opportunity, links.opportunityId) : null;
}

export async function createTask(ctx: ServiceContext, input: CreateTaskInput) {
  const parsed = parseInput(CreateTask, input);
  if (!parsed.ok) return { task: null, errors: parsed.errors };
  const data = parsed.data;
  const reminder = reminderErrors(data.dueAt, data.remindAt, 'remindAt');
  if (reminder.length) return { task: null, errors: reminder };
  const assigneeId = data.assigneeId ?? ctx.principal.id;

  const { result, errors } = await inTransaction(ctx, async (tx) => {
    const links: Links = { customerId: data.customerId ?? null, contactId: data.contactId ?? null, opportunityId: data.opportunityId ?? null };
    const linked = await resolveLinks(tx, links, new Set(['customerId', 'contactId', 'opportunityId']));
    fail([...(await assigneeErrors(tx, assigneeId)), ...linked.errors]);
    const task = tx.em.create(Task, {
      title: data.title, type: data.type, dueAt: data.dueAt, remindAt: data.remindAt ?? null, notes: data.notes ?? null,
      assignee: tx.em.getReference(User, assigneeId), assignedBy: tx.em.getReference(User, ctx.principal.id),
    });
    setLinks(tx, task, { ...links, customerId: linked.customerId });
    await tx.em.flush();
    return task;
  });
  return { task: result, errors };
}

/** Loads a visible task as a managed entity inside the transaction, checking the version when given. */
async function loadForWrite(tx: ServiceContext, id: string, version: number | null | undefined): Promise<Task> {
  const [row] = await tasksByIds(tx, [id]);
  if (!row) throw new RollbackWithErrors([userError('NOT_FOUND', 'Task not found.', f('id'))]);
  const task = await tx.em.findOneOrFail(Task, id);
  if (version != null && task.version !== version) {
    fail([userError('CONFLICT', `This task was changed meanwhile (now version ${task.version}): reload it and apply your change again.`, f('version'))]);
  }
  return task;
}

function closedError(task: Task, action: string): UserError[] {
  return task.status === TaskStatus.OPEN ? [] : [userError('BUSINESS_RULE', `This task is already ${task.status}: ${action}.`, f('id'))];
}

export async function updateTask(ctx: ServiceContext, input: UpdateTaskInput) {
  const parsed = parseInput(UpdateTask, input);
  if (!parsed.ok) return { task: null, errors: parsed.errors };
  const data = parsed.data;
  const nullErrors = NON_NULLABLE.filter((k) => data[k] === null).map((k) => userError('VALIDATION', `${k} cannot be null.`, f(k)));
  if (nullErrors.length) return { task: null, errors: nullErrors };

  const { result, errors } = await inTransaction(ctx, async (tx) => {
    const task = await loadForWrite(tx, data.id, data.version);
    fail(closedError(task, 'closed tasks cannot be changed'));
    const dueAt = data.dueAt ?? task.dueAt;
    const remindAt = data.remindAt !== undefined ? data.remindAt : task.remindAt;
    fail(reminderErrors(dueAt, remindAt, data.remindAt !== undefined ? 'remindAt' : 'dueAt'));

    const current: Links = { customerId: refId(task.customer), contactId: refId(task.contact), opportunityId: refId(task.opportunity) };
    const named = new Set((['customerId', 'contactId', 'opportunityId'] as const).filter((k) => data[k] !== undefined && data[k] !== current[k]));
    const next: Links = { ...current };
    for (const k of named) next[k] = data[k] ?? null;
    const reassigned = data.assigneeId != null && data.assigneeId !== refId(task.assignee);
    const linked = named.size ? await resolveLinks(tx, next, named) : { customerId: current.customerId, errors: [] };
    fail([...(reassigned ? await assigneeErrors(tx, data.assigneeId!) : []), ...linked.errors]);

    if (data.title != null) task.title = data.title;
    if (data.type != null) task.type = data.type;
    if (data.dueAt != null) task.dueAt = data.dueAt;
    if (data.remindAt !== undefined) task.remindAt = data.remindAt;
    if (data.notes !== undefined) task.notes = data.notes;
    if (named.size) setLinks(tx, task, { ...next, customerId: linked.customerId });
    if (reassigned) {
      task.assignee = tx.em.getReference(User, data.assigneeId!);
      task.assignedBy = tx.em.getReference(User, ctx.principal.id);
    }
    await tx.em.flush();
    return task;
  });
  return { task: result, errors };
}

async function close(ctx: ServiceContext, input: CloseTaskInput, status: TaskStatus.DONE | TaskStatus.CANCELLED) {
  const parsed = parseInput(CloseTask, input);
  if (!parsed.ok) return { task: null, errors: parsed.errors };
  const data = parsed.data;
  const { result, errors } = await inTransaction(ctx, async (tx) => {
    const task = await loadForWrite(tx, data.id, data.version);
    fail(closedError(task, status === TaskStatus.DONE ? 'only an OPEN task can be completed' : 'only an OPEN task can be cancelled'));
    task.status = status;
    task.completedAt = new Date();
    if (data.notes !== undefined) task.notes = data.notes;
    await tx.em.flush();
    return task;
  });
  return { task: result, errors };
}

/** Marks an OPEN task DONE and stamps `completedAt`. */
export const completeTask = (ctx: ServiceContext, input: CloseTaskInput) => close(ctx, input, TaskStatus.DONE);
/** Marks an OPEN task CANCELLED and stamps `completedAt`. */
export const cancelTask = (ctx: ServiceContext, input: CloseTaskInput) => close(ctx, input, TaskStatus.CANCELLED);
