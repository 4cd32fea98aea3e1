import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * A background job: a name (for logs, the run log and `node dist/src/jobs/cli.js <name>`) and a run
 * function that gets its own EntityManager and the clock; whatever it returns is logged and kept in the
 * run log (counts, usually). Jobs must be idempotent and safe to run concurrently with requests.
 *
 * The scheduler runs each job once per period across every instance on the database (see
 * `jobs/run-once.ts`): the period is `everyMs` when the job declares it (a job that should run
 * continuously, such as webhook delivery, declares a short one), else JOBS_INTERVAL_MS.
 */
export interface Job {
  name: string;
  /** The job's own period in ms (wall-clock multiples of it); default: JOBS_INTERVAL_MS. */
  everyMs?: number;
  run(em: EntityManager, now: Date): Promise<unknown>;
}
