import type { EntityManager } from '@mikro-orm/postgresql';
import { changesSql } from './audit.service';
import { breachedAt } from './case.service';
import { newIdSql, raw, rows, sql, type Sql } from './sql';

/**
 * SLA escalation (issue 5): the `sla` job. Set-based SQL only (the number of statements does not
 * depend on the number of cases) in one transaction, serialised against other runs by an advisory lock.
 *
 * Every case that is not RESOLVED or CLOSED, of a customer that is not deleted, whose SLA is breached as
 * of `now` (`breachedAt` of case.service.ts, the rule of `slaBreached`, at the job's clock) and that was never escalated (`escalated_at` null) is escalated ONCE:
 * 1. its priority goes one step up (P4 → P3 → P2 → P1); a case that already was P1 moves to the
 *    escalation queue (`service_queue.escalation`) when there is one (and stays P1);
 * 2. `escalated_at` = now (so a later run never touches it again, even when it is still breached);
 * 3. one ESCALATION task (the partial unique index `task_escalation_case_key` and `on conflict do nothing`
 *    make it one per case, ever) for the manager of the case's queue after the move — or, when that queue
 *    has no (active) manager or the case has no queue, the escalation queue's manager; no manager at all:
 *    no task, the case is still marked. Title "Escalated: CS-000042 <subject> (SLA breached)", due now,
 *    assigned by the manager themselves (the system has no user), linked to the case and its customer;
 * 4. an audit entry (actor SYSTEM) on the case's customer with the changed fields: priority, queueId,
 *    escalatedAt.
 *
 * Raising the priority does NOT recompute `firstResponseDueAt`/`resolutionDueAt`: the targets a case was
 * opened under stay its contract with the customer (recomputing from the opening time with the shorter
 * targets of the new priority would only make it "more breached" after the fact). The escalation speeds
 * up the work; it does not move the goalposts.
 */

export interface SlaJobResult {
  /** Cases escalated in this run (each case is escalated at most once, ever). */
  escalated: number;
  /** Of those, cases whose priority went one step up. */
  priorityRaised: number;
  /** Of those, P1 cases moved to the escalation queue. */
  movedToEscalationQueue: number;
  /** ESCALATION tasks created (cases whose queue — or the escalation queue — has an active manager). */
  tasksCreated: number;
}

/** Key of the advisory lock that serialises runs of the job ("SLAJOB" in ASCII). */
const JOB_LOCK = 0x534c414a4f42n;

/** Runs the whole job in one transaction; returns what it changed. */
export async function runSlaJob(em: EntityManager, now: Date = new Date()): Promise<SlaJobResult> {
  return em.transactional((tx) => escalateBreachedCases(tx as EntityManager, now));
}

/** The job's statement, in the caller's transaction (the demo seed uses it directly). */
export async function escalateBreachedCases(em: EntityManager, now: Date): Promise<SlaJobResult> {
  const iso = now.toISOString();
  const at = sql`${iso}::timestamptz`;
  await rows(em, sql`select true as locked from pg_advisory_xact_lock(${raw(JOB_LOCK.toString())})`);

  const due = sql`k.status not in ('RESOLVED', 'CLOSED') and k.escalated_at is null and ${breachedAt('k', at)}`;
  // An active user managing a queue; the escalation queue is at most one (unique partial index).
  const activeManager = (queueId: Sql) =>
    sql`(select q.manager_id from service_queue q join app_user u on u.id = q.manager_id and u.active where q.id = ${queueId})`;
  const [result] = await rows<SlaJobResult>(em, sql`
    with escalation_queue as (
      select q.id from service_queue q where q.escalation limit 1
    ),
    candidates as (
      select k.id, k.priority, k.queue_id from service_case k
      join customer c on c.id = k.customer_id and c.deleted_at is null
      where ${due}
      order by k.id
      for update of k
    ),
    changed as (
      update service_case k set
        priority = case k.priority when 'P4' then 'P3' when 'P3' then 'P2' else 'P1' end,
        queue_id = case when k.priority = 'P1' then coalesce((select e.id from escalation_queue e), k.queue_id) else k.queue_id end,
        escalated_at = ${at}, updated_at = ${at}, version = k.version + 1
      from candidates b
      where b.id = k.id and ${due}
      returning k.id, k.customer_id, k.number, k.subject, b.priority as old_priority, k.priority as new_priority,
        b.queue_id as old_queue, k.queue_id as new_queue
    ),
    audited as (
      insert into audit_event (id, entity_type, entity_id, customer_id, action, actor_type, actor_id, at, changes)
      select ${newIdSql('AuditEvent')}, 'ServiceCase', c.id, c.customer_id, 'UPDATE', 'SYSTEM', null, ${at},
        ${changesSql([['priority', 'c.old_priority', 'c.new_priority'], ['queueId', 'c.old_queue', 'c.new_queue'], ['escalatedAt', 'null::text', sql`${iso}::text`]])}
      from changed c
      returning 1
    ),
    notified as (
      select c.id, c.customer_id, c.number, c.subject,
        coalesce(${activeManager(raw('c.new_queue'))}, ${activeManager(raw('(select e.id from escalation_queue e)'))}) as manager_id
      from changed c
    ),
    tasks as (
      insert into task (id, title, type, due_at, assignee_id, assigned_by_id, customer_id, case_id, status, created_at, updated_at, version)
      select ${newIdSql('Task')}, 'Escalated: ' || n.number || ' ' || n.subject || ' (SLA breached)', 'ESCALATION', ${at},
        n.manager_id, n.manager_id, n.customer_id, n.id, 'OPEN', ${at}, ${at}, 1
      from notified n
      where n.manager_id is not null
      order by n.id
      on conflict (case_id) where type = 'ESCALATION' do nothing
      returning 1
    )
    select count(*)::int as escalated,
      count(*) filter (where old_priority <> new_priority)::int as "priorityRaised",
      count(*) filter (where old_queue is distinct from new_queue)::int as "movedToEscalationQueue",
      (select count(*) from tasks)::int as "tasksCreated",
      (select count(*) from audited)::int as audited
    from changed`);
  return {
    escalated: result?.escalated ?? 0,
    priorityRaised: result?.priorityRaised ?? 0,
    movedToEscalationQueue: result?.movedToEscalationQueue ?? 0,
    tasksCreated: result?.tasksCreated ?? 0,
  };
}
