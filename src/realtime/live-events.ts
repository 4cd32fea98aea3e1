import { refId } from '../entities/ids';
import type { OrderStatus } from '../entities/order.entity';
import { CaseAssignedReason, type CaseAssignedEvent, type CaseReplyEvent, type OrderStatusEvent, type TaskDueEvent } from '../schema/subscription.types';
import { rows, sql } from '../services/sql';
import type { LiveContext } from './live-connection';
import type { OutboxRecord } from './outbox-feed';

/**
 * What each subscription makes of an outbox event for one subscriber: the payload, or null when the
 * event is not for them. The record is always read through the subscriber's own loaders (their record
 * scope, in SQL), so a record they could not query is never sent; the schema's field rules then apply
 * to the selection as for a query. The checks here that are not the record scope (whose case, whose
 * queue, which cases one follows) are one small statement each, made only for events of the right type.
 */

const base = (event: OutboxRecord) => ({ eventId: event.eventId, occurredAt: new Date(event.occurredAt) });
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * `caseAssigned`: the subscriber became the case's assignee, or the case, now assigned to nobody, arrived
 * in a queue they manage (moved there, or unassigned while there). Other edits of an assignment (the
 * queue of a case already assigned to them changed) are no news for them.
 */
export async function caseAssigned(event: OutboxRecord, ctx: LiveContext): Promise<CaseAssignedEvent | null> {
  const me = ctx.principal!.id;
  const assigneeId = text(event.data.assigneeId);
  const queueId = text(event.data.queueId);
  const previousAssigneeId = text(event.data.previousAssigneeId);
  const previousQueueId = text(event.data.previousQueueId);
  let reason: CaseAssignedReason | null = assigneeId === me && previousAssigneeId !== me ? CaseAssignedReason.ASSIGNED_TO_YOU : null;
  if (!reason && queueId && !assigneeId && (queueId !== previousQueueId || previousAssigneeId)) {
    const [managed] = await rows(ctx.em, sql`select 1 as yes from service_queue q where q.id = ${queueId} and q.manager_id = ${me}`);
    if (managed) reason = CaseAssignedReason.YOUR_QUEUE;
  }
  if (!reason) return null;
  const serviceCase = await ctx.loaders.caseById.load(event.entityId);
  return serviceCase ? { ...base(event), reason, case: serviceCase } : null;
}

/**
 * Whether the subscriber follows a case: it is assigned to them, they opened it, or they commented on
 * it before (users and API keys alike: `opened_by` and `author_id` hold either id).
 */
async function follows(ctx: LiveContext, caseId: string, exceptCommentId: string | null): Promise<boolean> {
  const me = ctx.principal!.id;
  const [hit] = await rows(ctx.em, sql`select 1 as yes from service_case k where k.id = ${caseId}
    and (k.assignee_id = ${me} or k.opened_by = ${me}
      or exists (select 1 from case_comment m where m.case_id = k.id and m.author_id = ${me} and m.id is distinct from ${exceptCommentId}))`);
  return Boolean(hit);
}

/**
 * `caseReplied(caseId)`: a comment on the case named, or (without `caseId`) on a case the subscriber
 * follows; never their own comment. The comment is read in their scope: an INTERNAL note is null for
 * partners and keys, so they never get the event.
 */
export function caseReplied(caseId: string | null | undefined) {
  return async (event: OutboxRecord, ctx: LiveContext): Promise<CaseReplyEvent | null> => {
    if (event.actorId === ctx.principal!.id) return null;
    if (caseId && event.entityId !== caseId) return null;
    const commentId = text(event.data.commentId);
    if (!commentId) return null;
    if (!caseId && !(await follows(ctx, event.entityId, commentId))) return null;
    const [serviceCase, comment] = await Promise.all([ctx.loaders.caseById.load(event.entityId), ctx.loaders.caseCommentById.load(commentId)]);
    return serviceCase && comment ? { ...base(event), case: serviceCase, comment } : null;
  };
}

/** `orderStatusChanged(orderId)`: the order named, or (without `orderId`) any order the subscriber can read. */
export function orderStatusChanged(orderId: string | null | undefined) {
  return async (event: OutboxRecord, ctx: LiveContext): Promise<OrderStatusEvent | null> => {
    if (orderId && event.entityId !== orderId) return null;
    const order = await ctx.loaders.orderById.load(event.entityId);
    if (!order) return null;
    return { ...base(event), from: event.data.from as OrderStatus, to: event.data.to as OrderStatus, order };
  };
}

/** `taskDue`: the subscriber's own task (they are its assignee), still visible to them. */
export async function taskDue(event: OutboxRecord, ctx: LiveContext): Promise<TaskDueEvent | null> {
  if (text(event.data.assigneeId) !== ctx.principal!.id) return null;
  const task = await ctx.loaders.taskById.load(event.entityId);
  return task && refId(task.assignee) === ctx.principal!.id ? { ...base(event), task } : null;
}
