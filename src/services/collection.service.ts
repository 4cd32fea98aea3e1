import type { EntityManager } from '@mikro-orm/postgresql';
import { DunningStage } from '../entities/finance.enums';
import { changesSql } from './audit.service';
import { issueDueInstalments } from './billing-schedule.service';
import { applyContractDates } from './contract.service';
import { systemEventsSql } from './outbox';
import { join, newIdSql, raw, rows, sql, textArray, TRUE, type Sql } from './sql';
import { isoDate } from './validation';

/**
 * Collections ("3+1", mechanism 3): the overdue job. Set-based SQL only: the number of statements is
 * the same for 1 or 100,000 receivables, and everything happens in one transaction.
 *
 * With `today` = the UTC calendar date of `now`:
 * 0. billing (issue 14): every contract instalment still SCHEDULED whose invoice date is on or before
 *    today becomes a receivable dated its invoice date (`issueDueInstalments`, billing-schedule.service.ts),
 *    exactly once, audited as SYSTEM — before the steps below, so an issued instalment already past due is
 *    flagged in the same run;
 * 1. every receivable OPEN or OVERDUE (never SETTLED or WRITTEN_OFF), with money outstanding and due before today becomes OVERDUE, with
 *    `overdue_since` = due date + 1 day;
 * 2. its dunning stage follows the days overdue (today − due date): 1–14 REMINDER, 15–30 NOTICE,
 *    31–60 ESCALATED, over 60 COLLECTION_AGENCY; stages only move forward;
 * 3. every OVERDUE receivable gets one COLLECTION task (ever) for its customer's current owner
 *    (assignee and assigned by), due now; the partial unique index task_collection_receivable_key and
 *    `on conflict do nothing` make repeated and concurrent runs harmless;
 * 4. open COLLECTION tasks of receivables that are SETTLED or WRITTEN_OFF by now are marked DONE (nothing left to collect);
 * 5. contracts move by their dates: `applyContractDates` of the contract service (SIGNED → ACTIVE →
 *    EXPIRED), in the same transaction;
 * 6. every status and stage change is in the audit log (actor SYSTEM), on the record's customer; a receivable
 *    that becomes OVERDUE writes a `receivable.overdue` event to the outbox (webhooks), in the same statement.
 *
 * Concurrent runs are serialised by a transaction-level advisory lock (the second waits, then finds
 * nothing left to do), so they cannot deadlock on each other's row locks.
 */

export interface OverdueJobResult {
  /** Contract instalments invoiced (SCHEDULED → receivable) in this run. */
  instalmentsIssued: number;
  /** Receivables that became OVERDUE in this run. */
  flagged: number;
  /** Receivables that were already OVERDUE and moved to a later dunning stage in this run. */
  advanced: number;
  /** COLLECTION tasks created. */
  tasksCreated: number;
  /** Open COLLECTION tasks closed (DONE) because their receivable is SETTLED or WRITTEN_OFF. */
  tasksClosed: number;
  /** Contracts SIGNED → ACTIVE. */
  contractsActivated: number;
  /** Contracts SIGNED/ACTIVE → EXPIRED. */
  contractsExpired: number;
}

/** Stages in order, each with the first day overdue it applies from; a stage's position is its rank (1 = REMINDER). */
const STAGES: readonly { stage: DunningStage; fromDay: number }[] = [
  { stage: DunningStage.REMINDER, fromDay: 1 },
  { stage: DunningStage.NOTICE, fromDay: 15 },
  { stage: DunningStage.ESCALATED, fromDay: 31 },
  { stage: DunningStage.COLLECTION_AGENCY, fromDay: 61 },
];
const LATEST_FIRST = [...STAGES].reverse();

/** The stage a receivable has reached after `daysOverdue` (≥ 1) days overdue (the job computes the same in SQL). */
export function dunningStageFor(daysOverdue: number): DunningStage {
  return (LATEST_FIRST.find((s) => daysOverdue >= s.fromDay) ?? STAGES[0]).stage;
}

/** The same as `dunningStageFor`, in SQL, for a days-overdue expression. */
function stageSql(days: Sql): Sql {
  const cases = LATEST_FIRST.slice(0, -1).map((s) => sql` when ${days} >= ${raw(String(s.fromDay))} then ${raw(`'${s.stage}'`)}`);
  return sql`(case${join(cases, '')} else ${raw(`'${STAGES[0].stage}'`)} end)`;
}

/** Key of the advisory lock that serialises runs of the job (any constant; "OVERDUE" in ASCII). */
const JOB_LOCK = 0x4f56455244554500n;

const STAGE_ARRAY = raw(`ARRAY[${STAGES.map((s) => `'${s.stage}'`).join(', ')}]::text[]`);
const rank = (expr: Sql): Sql => sql`coalesce(array_position(${STAGE_ARRAY}, ${expr}), 0)`;

/** Runs the whole job in one transaction; returns what it changed. */
export async function runOverdueJob(em: EntityManager, now: Date = new Date()): Promise<OverdueJobResult> {
  return em.transactional((tx) => applyCollectionRules(tx as EntityManager, now));
}

/** The job's statements, in the caller's transaction (the demo seed uses it directly). */
export async function applyCollectionRules(em: EntityManager, now: Date): Promise<OverdueJobResult> {
  const today = sql`${isoDate(now)}::date`;
  const at = sql`${now.toISOString()}::timestamptz`;
  await rows(em, sql`select true as locked from pg_advisory_xact_lock(${raw(JOB_LOCK.toString())})`);

  // 0: scheduled instalments whose invoice date has come become receivables.
  const instalmentsIssued = await issueDueInstalments(em, now);

  // 1, 2, 6: flag and stage (computed from the locked row itself, so a concurrent change is respected).
  const days = sql`(${today} - r.due_date)`;
  const stage = stageSql(days);
  const due = sql`r.status in ('OPEN', 'OVERDUE') and r.paid_amount < r.amount and r.due_date < ${today}`;
  const needsChange = sql`(r.status <> 'OVERDUE' or r.overdue_since is null or ${rank(raw('r.dunning_stage'))} < ${rank(stage)})`;
  const [receivables] = await rows<{ flagged: number; advanced: number }>(em, sql`
    with before as (
      select r.id, r.status, r.dunning_stage, r.overdue_since from receivable r where ${due} and ${needsChange} order by r.id
    ),
    changed as (
      update receivable r set
        status = 'OVERDUE',
        overdue_since = coalesce(r.overdue_since, r.due_date + 1),
        dunning_stage = case when ${rank(raw('r.dunning_stage'))} >= ${rank(stage)} then r.dunning_stage else ${stage} end,
        updated_at = ${at}, version = r.version + 1
      from before b
      where b.id = r.id and ${due} and ${needsChange}
      returning r.id, r.customer_id, b.status as old_status, r.status as new_status, b.dunning_stage as old_stage,
        r.dunning_stage as new_stage, b.overdue_since as old_since, r.overdue_since as new_since
    ),
    audited as (
      insert into audit_event (id, entity_type, entity_id, customer_id, action, actor_type, actor_id, at, changes)
      select ${newIdSql('AuditEvent')}, 'Receivable', c.id, c.customer_id, 'UPDATE', 'SYSTEM', null, ${at},
        ${changesSql([['status', 'c.old_status', 'c.new_status'], ['dunningStage', 'c.old_stage', 'c.new_stage'], ['overdueSince', 'c.old_since::text', 'c.new_since::text']])}
      from changed c
      returning 1
    ),
    events as (
      ${systemEventsSql('receivable.overdue', 'Receivable', at, { entityId: 'c.id', customerId: 'c.customer_id', data: "jsonb_build_object('dunningStage', c.new_stage, 'overdueSince', c.new_since::text)" }, "changed c where c.old_status <> 'OVERDUE'")}
      returning 1
    )
    select count(*) filter (where old_status <> 'OVERDUE')::int as flagged,
      count(*) filter (where old_status = 'OVERDUE' and old_stage is distinct from new_stage)::int as advanced,
      (select count(*) from audited)::int as audited, (select count(*) from events)::int as events
    from changed`);

  // 3: one COLLECTION task per OVERDUE receivable, for the customer's current owner.
  const [created] = await rows<{ n: number }>(em, sql`
    with inserted as (
      insert into task (id, title, type, due_at, assignee_id, assigned_by_id, customer_id, receivable_id, status, created_at, updated_at, version)
      select ${newIdSql('Task')},
        'Collect ' || r.number || ': ' || (r.amount - r.paid_amount)::text || ' ' || r.currency || ' overdue since ' || r.overdue_since::text,
        'COLLECTION', ${at}, c.owner_id, c.owner_id, r.customer_id, r.id, 'OPEN', ${at}, ${at}, 1
      from receivable r join customer c on c.id = r.customer_id
      where r.status = 'OVERDUE' and not exists (select 1 from task t where t.receivable_id = r.id and t.type = 'COLLECTION')
      order by r.id
      on conflict (receivable_id) where type = 'COLLECTION' do nothing
      returning 1
    )
    select count(*)::int as n from inserted`);

  // 4: the money came in, or it was written off: the collection is done.
  const tasksClosed = await closeSettledCollectionTasks(em, now);

  // 5, 6: contracts by their dates (the contract service owns their lifecycle).
  const contracts = await applyContractDates(em, now);

  return {
    instalmentsIssued,
    flagged: receivables?.flagged ?? 0,
    advanced: receivables?.advanced ?? 0,
    tasksCreated: created?.n ?? 0,
    tasksClosed,
    contractsActivated: contracts.activated,
    contractsExpired: contracts.expired,
  };
}

/**
 * Closes (DONE, at `at`) the open COLLECTION tasks of receivables that are SETTLED or WRITTEN_OFF — only of
 * `receivableIds` when given (recordPayment and writeOffReceivable, in their transaction, for what they
 * settled or wrote off); returns how many.
 */
export async function closeSettledCollectionTasks(em: EntityManager, at: Date, receivableIds?: readonly string[]): Promise<number> {
  if (receivableIds && !receivableIds.length) return 0;
  const time = sql`${at.toISOString()}::timestamptz`;
  const [closed] = await rows<{ n: number }>(em, sql`
    with done as (
      update task t set status = 'DONE', completed_at = ${time}, updated_at = ${time}, version = t.version + 1
      from receivable r
      where r.id = t.receivable_id and t.type = 'COLLECTION' and t.status = 'OPEN' and r.status in ('SETTLED', 'WRITTEN_OFF')
        and ${receivableIds ? sql`r.id = any(${textArray([...receivableIds])})` : TRUE}
      returning 1
    )
    select count(*)::int as n from done`);
  return closed?.n ?? 0;
}
