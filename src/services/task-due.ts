import type { EntityManager } from '@mikro-orm/postgresql';
import { ActorType } from '../entities/enums';
import { raw, rows, sql } from './sql';

/** Advisory lock of the step: instances that tick at the same moment take turns, so each task is announced once. */
const TASK_DUE_LOCK = 0x5441534b445545n; // "TASKDUE", like the other jobs' keys

/** How far back a tick looks: tasks that fell due longer ago (e.g. while every instance was down) are not announced any more. */
const LOOKBACK = '1 hour';

/** `due_at` as the event's `dueAt` (UTC ISO-8601, ms): the same text in the insert and in the "already announced" check. */
const DUE_AT_TEXT = `to_char(t.due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * Writes one `task.due` outbox event (live `taskDue`) for each OPEN task whose due time has come (at or
 * before `now`, within the last hour) and that has no event for that due time yet: a task moved to a later
 * due time is announced again when it comes. One statement under a transaction-level advisory lock, so two
 * instances ticking together announce each task once; runs as the job `taskDue` (every 30 s). Answers how
 * many events it wrote.
 */
export async function announceDueTasks(em: EntityManager, now: Date = new Date()): Promise<{ announced: number }> {
  return em.transactional(async (tx) => {
    const at = sql`${now.toISOString()}::timestamptz`;
    await rows(tx as EntityManager, sql`select true as locked from pg_advisory_xact_lock(${raw(TASK_DUE_LOCK.toString())})`);
    const written = await rows<{ id: string }>(tx as EntityManager, sql`
      insert into outbox_event (event_id, type, entity_type, entity_id, customer_id, actor_type, actor_id, data)
      select gen_random_uuid()::text, 'task.due', 'Task', t.id, t.customer_id, ${ActorType.SYSTEM}, null,
        jsonb_build_object('assigneeId', t.assignee_id, 'dueAt', ${raw(DUE_AT_TEXT)})
      from task t
      where t.status = 'OPEN' and t.due_at <= ${at} and t.due_at > ${at} - interval ${raw(`'${LOOKBACK}'`)}
        and not exists (select 1 from outbox_event e where e.entity_id = t.id and e.type = 'task.due' and e.data->>'dueAt' = ${raw(DUE_AT_TEXT)})
      order by t.due_at, t.id
      returning id::text as id`);
    return { announced: written.length };
  });
}
