import { isUserIn } from '../auth/principal';
import { z } from 'zod';
import { Role } from '../entities/enums';
import { refId } from '../entities/ids';
import { CasePriority } from '../entities/service.enums';
import { ServiceQueue, SlaPolicy } from '../entities/service-queue.entity';
import { User } from '../entities/user.entity';
import type { ServiceContext } from './context';
import { userError, type UserError } from './errors';
import { columnsOf, FALSE, rows, sql, textArray, TRUE, type Sql } from './sql';
import { fail, inTransaction } from './transaction';
import { ID, optionalText, parseInput, text, type InputOf } from './validation';
import { CASE_STAFF, CASE_WORKERS } from '../auth/roles';

/**
 * Service queues and SLA policies (issue 5).
 *
 * Who reads and changes them: the permission map (src/auth/case.permissions.ts).
 * - SLA policies: one per priority (P1–P4); `updateSlaPolicy` needs both targets > 0 and
 *   resolution ≥ first response. A change applies to cases
 *   opened (or re-prioritised) afterwards; open cases keep the due dates they were given.
 * - Queues: names are unique
 *   (DUPLICATE at `input.name`), at most one queue is the escalation queue (DUPLICATE at
 *   `input.escalation`), and the manager is an active ADMIN or SERVICE_AGENT user (the SLA job
 *   notifies them of breached cases, so they must be able to work every case).
 */

const queueScope = (ctx: ServiceContext): Sql => (isUserIn(ctx.principal, CASE_STAFF) ? TRUE : FALSE);

// ---------------------------------------------------------------------------------------- SLA policies

export type SlaPolicyRow = SlaPolicy;

/** The four SLA policies, P1 first (empty for callers who do not read cases). */
export async function listSlaPolicies(ctx: ServiceContext): Promise<SlaPolicyRow[]> {
  return rows<SlaPolicyRow>(ctx.em, sql`select ${columnsOf(ctx.em, 'SlaPolicy', 'p')} from sla_policy p where ${queueScope(ctx)} order by p.priority`);
}

/** The policy minutes of one priority, read inside a write's transaction. */
export async function slaMinutes(tx: ServiceContext, priority: CasePriority): Promise<{ firstResponseMinutes: number; resolutionMinutes: number }> {
  const [policy] = await rows<{ firstResponseMinutes: number; resolutionMinutes: number }>(tx.em, sql`select p.first_response_minutes as "firstResponseMinutes",
    p.resolution_minutes as "resolutionMinutes" from sla_policy p where p.priority = ${priority}`);
  if (!policy) throw new Error(`No SLA policy for ${priority}`);
  return policy;
}

const MINUTES = z.number().int('Whole minutes.').min(1, 'Must be at least 1 minute.').max(525600, 'At most 525600 minutes (a year).');

const UpdateSlaPolicy = z.object({
  priority: z.nativeEnum(CasePriority),
  version: z.number().int(),
  firstResponseMinutes: MINUTES,
  resolutionMinutes: MINUTES,
});
export type UpdateSlaPolicyInput = InputOf<typeof UpdateSlaPolicy>;
export interface SlaPolicyPayload { slaPolicy: SlaPolicyRow | null; errors: UserError[] }

export async function updateSlaPolicy(ctx: ServiceContext, input: UpdateSlaPolicyInput): Promise<SlaPolicyPayload> {
  const parsed = parseInput(UpdateSlaPolicy, input);
  if (!parsed.ok) return { slaPolicy: null, errors: parsed.errors };
  const data = parsed.data;
  if (data.resolutionMinutes < data.firstResponseMinutes) {
    return { slaPolicy: null, errors: [userError('VALIDATION', 'The resolution target cannot be shorter than the first-response target.', ['input', 'resolutionMinutes'])] };
  }
  const outcome = await inTransaction(ctx, async (tx) => {
    const [locked] = await rows<{ priority: string }>(tx.em, sql`select p.priority from sla_policy p where p.priority = ${data.priority} for update`);
    if (!locked) fail([userError('NOT_FOUND', 'SLA policy not found.', ['input', 'priority'])]);
    const policy = await tx.em.findOneOrFail(SlaPolicy, { priority: data.priority }, { refresh: true });
    if (policy.version !== data.version) {
      fail([userError('CONFLICT', `This SLA policy was changed meanwhile (now version ${policy.version}): reload it and apply your change again.`, ['input', 'version'])]);
    }
    if (policy.firstResponseMinutes === data.firstResponseMinutes && policy.resolutionMinutes === data.resolutionMinutes) return policy.priority;
    policy.firstResponseMinutes = data.firstResponseMinutes;
    policy.resolutionMinutes = data.resolutionMinutes;
    policy.updatedBy = tx.principal.id;
    policy.updatedAt = new Date();
    await tx.em.flush();
    return policy.priority;
  });
  if (!outcome.result) return { slaPolicy: null, errors: outcome.errors };
  const [row] = await rows<SlaPolicyRow>(ctx.em, sql`select ${columnsOf(ctx.em, 'SlaPolicy', 'p')} from sla_policy p where p.priority = ${outcome.result}`);
  return { slaPolicy: row, errors: [] };
}

// ---------------------------------------------------------------------------------------- queues

export type QueueRow = ServiceQueue;

/** Every queue, by name (empty for callers who do not read cases). */
export async function listQueues(ctx: ServiceContext): Promise<QueueRow[]> {
  return rows<QueueRow>(ctx.em, sql`select ${columnsOf(ctx.em, 'ServiceQueue', 'q')} from service_queue q where ${queueScope(ctx)} order by q.name, q.id`);
}

/** Queues by id, for the staff who read cases; nothing for anyone else (also feeds `node(id)`). */
export async function queuesByIds(ctx: ServiceContext, ids: readonly string[]): Promise<QueueRow[]> {
  if (!ids.length) return [];
  return rows<QueueRow>(ctx.em, sql`select ${columnsOf(ctx.em, 'ServiceQueue', 'q')} from service_queue q
    where q.id = any(${textArray([...ids])}) and ${queueScope(ctx)}`);
}

/** Errors for a user who should work cases (an assignee, a queue manager): exists, active, ADMIN or SERVICE_AGENT. */
export async function caseWorkerErrors(tx: ServiceContext, userId: string, field: string[], what: string): Promise<UserError[]> {
  const [user] = await rows<{ active: boolean; role: Role }>(tx.em, sql`select u.active, u.role from app_user u where u.id = ${userId}`);
  if (!user) return [userError('NOT_FOUND', 'No such user.', field)];
  if (!user.active) return [userError('VALIDATION', `The ${what} is deactivated.`, field)];
  if (!CASE_WORKERS.includes(user.role)) return [userError('VALIDATION', `The ${what} must be a SERVICE_AGENT or ADMIN user.`, field)];
  return [];
}

const CreateQueue = z.object({
  name: text(100),
  description: optionalText(1000),
  managerId: ID('usr').nullish(),
  escalation: z.boolean().nullish(),
});
const UpdateQueue = z.object({
  id: ID('que'),
  version: z.number().int(),
  name: text(100).nullish(),
  description: optionalText(1000),
  managerId: ID('usr').nullish(),
  escalation: z.boolean().nullish(),
});
export type CreateQueueInput = InputOf<typeof CreateQueue>;
export type UpdateQueueInput = InputOf<typeof UpdateQueue>;
export interface QueuePayload { serviceQueue: QueueRow | null; errors: UserError[] }

/** Name and escalation flag are unique: checked first (a clear error), and the constraint decides races. */
async function uniqueErrors(tx: ServiceContext, id: string | null, name: string | null | undefined, escalation: boolean | null | undefined): Promise<UserError[]> {
  const errors: UserError[] = [];
  if (name != null) {
    const [clash] = await rows(tx.em, sql`select 1 from service_queue q where q.name = ${name} and q.id is distinct from ${id}`);
    if (clash) errors.push(userError('DUPLICATE', `A queue named "${name}" already exists.`, ['input', 'name']));
  }
  if (escalation) {
    const [clash] = await rows<{ name: string }>(tx.em, sql`select q.name from service_queue q where q.escalation and q.id is distinct from ${id}`);
    if (clash) errors.push(userError('DUPLICATE', `"${clash.name}" is already the escalation queue: there is at most one.`, ['input', 'escalation']));
  }
  return errors;
}

async function withQueueRow(ctx: ServiceContext, outcome: { result: string | null; errors: UserError[] }): Promise<QueuePayload> {
  if (!outcome.result) return { serviceQueue: null, errors: outcome.errors };
  const [row] = await queuesByIds(ctx, [outcome.result]);
  return { serviceQueue: row ?? null, errors: [] };
}

export async function createQueue(ctx: ServiceContext, input: CreateQueueInput): Promise<QueuePayload> {
  const parsed = parseInput(CreateQueue, input);
  if (!parsed.ok) return { serviceQueue: null, errors: parsed.errors };
  const data = parsed.data;
  const outcome = await inTransaction(ctx, async (tx) => {
    fail([
      ...(await uniqueErrors(tx, null, data.name, data.escalation)),
      ...(data.managerId ? await caseWorkerErrors(tx, data.managerId, ['input', 'managerId'], 'manager') : []),
    ]);
    const queue = tx.em.create(ServiceQueue, {
      name: data.name, description: data.description || null,
      manager: data.managerId ? tx.em.getReference(User, data.managerId) : null,
      escalation: data.escalation ?? false,
    });
    tx.em.persist(queue);
    await tx.em.flush();
    return queue.id;
  });
  return withQueueRow(ctx, outcome);
}

export async function updateQueue(ctx: ServiceContext, input: UpdateQueueInput): Promise<QueuePayload> {
  const parsed = parseInput(UpdateQueue, input);
  if (!parsed.ok) return { serviceQueue: null, errors: parsed.errors };
  const data = parsed.data;
  if (data.name === null) return { serviceQueue: null, errors: [userError('VALIDATION', 'name cannot be null.', ['input', 'name'])] };
  const outcome = await inTransaction(ctx, async (tx) => {
    const [locked] = await rows(tx.em, sql`select q.id from service_queue q where q.id = ${data.id} for update`);
    if (!locked) fail([userError('NOT_FOUND', 'Queue not found.', ['input', 'id'])]);
    const queue = await tx.em.findOneOrFail(ServiceQueue, data.id, { refresh: true });
    if (queue.version !== data.version) {
      fail([userError('CONFLICT', `This queue was changed meanwhile (now version ${queue.version}): reload it and apply your change again.`, ['input', 'version'])]);
    }
    const renamed = data.name != null && data.name !== queue.name ? data.name : null;
    const toEscalation = data.escalation === true && !queue.escalation;
    const newManager = data.managerId && data.managerId !== refId(queue.manager) ? data.managerId : null;
    fail([
      ...(await uniqueErrors(tx, queue.id, renamed, toEscalation)),
      ...(newManager ? await caseWorkerErrors(tx, newManager, ['input', 'managerId'], 'manager') : []),
    ]);
    const before = JSON.stringify([queue.name, queue.description ?? null, refId(queue.manager), queue.escalation]);
    if (renamed) queue.name = renamed;
    if (data.description !== undefined) queue.description = data.description || null;
    if (data.managerId !== undefined) queue.manager = data.managerId ? tx.em.getReference(User, data.managerId) : null;
    if (data.escalation != null) queue.escalation = data.escalation;
    if (before === JSON.stringify([queue.name, queue.description ?? null, refId(queue.manager), queue.escalation])) return queue.id;
    queue.updatedAt = new Date();
    await tx.em.flush();
    return queue.id;
  });
  return withQueueRow(ctx, outcome);
}
