import type { EntityManager } from '@mikro-orm/postgresql';
import type { Database } from '../db/database';
import type { Job } from './job';
import { keepRunsMs } from './period';

/**
 * Runs a job for one period at most once across every instance on the database.
 *
 * On PostgreSQL: a transaction on a connection of its own takes `pg_try_advisory_xact_lock(JOBS, hashtext(job))`.
 * Not got: another instance is running the job right now, skip. Got: if the run log (`job_run`) already
 * has this job and period, an instance ran it earlier in the period, skip; else the job runs (on other
 * connections, with its own EntityManager and transactions) and its run is written to the log in the
 * lock's transaction, which then commits, releasing the lock. If the process dies mid-run the
 * connection closes, the lock is released and no run is logged: an instance whose timer fires later in
 * the period runs the job again (jobs are idempotent). A run that fails is logged as failed and counts
 * for its period (the next period tries again), so a broken job does not run on every instance in turn.
 *
 * A transaction-level lock rather than a session lock: it is released by commit or by a dropped
 * connection, never left behind, and it works through PgBouncer in transaction mode (README "Scaling out").
 *
 * On the embedded database (one process, one connection) there is no other process: an in-process set
 * of running jobs stands in for the lock (a transaction held open while the job queries on the same
 * connection would wait forever), and the run log decides as on PostgreSQL.
 */

/** First key of the two-key advisory locks of jobs ("JOBS" in ASCII); the second is `hashtext(job name)`. */
export const JOB_LOCK_CLASS = 0x4a4f4253;

export type RunOutcome =
  | { ran: true; succeeded: boolean; result: unknown; error?: unknown; ms: number }
  | { ran: false; reason: 'running on another instance' | 'already run in this period' };

interface Exec {
  (text: string, params: unknown[]): Promise<Record<string, unknown>[]>;
}

export interface RunOnceOptions {
  db: Pick<Database, 'orm' | 'kind'>;
  job: Job;
  /** Start of the period (ms since the epoch). */
  periodStart: number;
  /** The period's length, for how long runs stay in the log. */
  everyMs: number;
  /** Which instance runs it (the log's `instance`). */
  instance: string;
  now: () => Date;
}

/** Jobs running in this process, by embedded database (the embedded database's stand-in for the advisory lock). */
const runningHere = new WeakMap<object, Set<string>>();

export async function runOncePerPeriod(opts: RunOnceOptions): Promise<RunOutcome> {
  const { db } = opts;
  if (db.kind === 'embedded') {
    const running = runningHere.get(db.orm) ?? new Set<string>();
    runningHere.set(db.orm, running);
    if (running.has(opts.job.name)) return { ran: false, reason: 'running on another instance' };
    running.add(opts.job.name);
    const em = db.orm.em.fork();
    try {
      return await runLocked(opts, (text, params) => em.getConnection().execute(text, params as unknown[] as string[], 'all'));
    } finally {
      running.delete(opts.job.name);
    }
  }
  const knex = db.orm.em.getConnection().getKnex();
  return knex.transaction(async (trx) => {
    const exec: Exec = async (text, params) => (await trx.raw(text, params as never)).rows;
    const [{ locked }] = await exec('select pg_try_advisory_xact_lock(?, hashtext(?)) as locked', [JOB_LOCK_CLASS, opts.job.name]);
    if (!locked) return { ran: false, reason: 'running on another instance' } as const;
    return runLocked(opts, exec);
  });
}

async function runLocked(opts: RunOnceOptions, exec: Exec): Promise<RunOutcome> {
  const { db, job, instance } = opts;
  const period = new Date(opts.periodStart).toISOString();
  const done = await exec('select 1 as done from job_run where job = ? and period_start = ?', [job.name, period]);
  if (done.length) return { ran: false, reason: 'already run in this period' };
  const startedAt = opts.now();
  const started = process.hrtime.bigint();
  let outcome: RunOutcome;
  try {
    const result = await job.run(db.orm.em.fork() as EntityManager, startedAt);
    outcome = { ran: true, succeeded: true, result, ms: elapsed(started) };
  } catch (error) {
    outcome = { ran: true, succeeded: false, result: { error: (error as Error)?.message ?? String(error) }, error, ms: elapsed(started) };
  }
  await exec(`insert into job_run (job, period_start, instance, started_at, finished_at, succeeded, result) values (?, ?, ?, ?, ?, ?, ?::jsonb)`, [
    job.name, period, instance, startedAt.toISOString(), opts.now().toISOString(), outcome.succeeded, JSON.stringify(outcome.result ?? null),
  ]);
  await exec('delete from job_run where job = ? and period_start < ?', [job.name, new Date(opts.periodStart - keepRunsMs(opts.everyMs)).toISOString()]);
  return outcome;
}

const elapsed = (started: bigint) => Number(process.hrtime.bigint() - started) / 1e6;
