import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Database } from '../db/database';
import { JOBS, type Job } from './index';

export interface Scheduler {
  /** Stops the timer and waits for a run in progress to finish (call before closing the database). */
  stop(): Promise<void>;
}

export interface SchedulerOptions {
  db: Pick<Database, 'orm'>;
  log: Logger;
  /** Time between the end of one run and the start of the next, in ms; 0 disables the scheduler. */
  intervalMs: number;
  /** The jobs to run (default: every job of jobs/index.ts). */
  jobs?: readonly Job[];
  /** The clock (tests). */
  now?: () => Date;
}

/**
 * Runs the jobs one after the other, right after start and then every `intervalMs` (measured from the
 * end of a run, so runs never overlap). Each job gets a fresh EntityManager; a failing job is logged
 * (pino, level error) and does not stop the others or the timer. The timer is unref'd: it never keeps
 * the process alive.
 */
export function startScheduler(opts: SchedulerOptions): Scheduler {
  const { db, log, intervalMs } = opts;
  const jobs = opts.jobs ?? JOBS;
  const clock = opts.now ?? (() => new Date());
  if (!intervalMs || intervalMs <= 0) {
    return { stop: async () => undefined };
  }
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;

  const runAll = async () => {
    for (const job of jobs) {
      if (stopped) return;
      const started = process.hrtime.bigint();
      try {
        const result = await job.run(db.orm.em.fork() as EntityManager, clock());
        log.info({ job: job.name, result, ms: Number(process.hrtime.bigint() - started) / 1e6 }, 'job done');
      } catch (err) {
        log.error({ err, job: job.name }, 'job failed');
      }
    }
  };

  const schedule = (delay: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = null;
      running = runAll().finally(() => {
        running = null;
        schedule(intervalMs);
      });
    }, delay);
    timer.unref();
  };

  schedule(0);
  log.info({ intervalMs, jobs: jobs.map((j) => j.name) }, 'job scheduler started');
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
    },
  };
}
