import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Database } from '../db/database';
import { JOBS, type Job } from './index';
import { nextPeriodStart, periodStart } from './period';
import { runOncePerPeriod } from './run-once';

export interface Scheduler {
  /** This scheduler's name in the run log (`job_run.instance`): host, process id and a random suffix. */
  instance: string;
  /** Stops the timers and waits for runs in progress to finish (call before closing the database). */
  stop(): Promise<void>;
}

export interface SchedulerOptions {
  db: Pick<Database, 'orm' | 'kind'>;
  log: Logger;
  /** The period of jobs that declare none, in ms (wall-clock multiples of it); 0 disables the scheduler. */
  intervalMs: number;
  /** The jobs to run (default: every job of jobs/index.ts). */
  jobs?: readonly Job[];
  /** The clock the jobs get (tests); periods follow the real clock. */
  now?: () => Date;
}

/**
 * Runs each job once per period across every instance on the database (`runOncePerPeriod`). Periods are
 * wall-clock multiples of the job's period (`everyMs`, else `intervalMs`), so the instances agree on them.
 * Jobs of the same period run one after the other in the order of `jobs`, right after start (if this
 * period has not been run yet, by this instance or another) and then at the start of each period; a run
 * that overruns its period is followed at once by the run of the current one, so runs of a job never
 * overlap. Jobs of another period (a delivery job every few seconds) have their own loop and do not wait
 * for the hourly ones. A failing job is logged (pino, level error) and stops neither the others nor the
 * timer. The timers are unref'd: they never keep the process alive.
 */
export function startScheduler(opts: SchedulerOptions): Scheduler {
  const { db, log, intervalMs } = opts;
  const jobs = opts.jobs ?? JOBS;
  const clock = opts.now ?? (() => new Date());
  const instance = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  if (!intervalMs || intervalMs <= 0) {
    return { instance, stop: async () => undefined };
  }
  let stopped = false;
  const wakers = new Set<() => void>();
  const sleep = (ms: number) => new Promise<void>((resolve) => {
    if (stopped) return resolve();
    const timer = setTimeout(done, ms);
    timer.unref();
    function done() {
      clearTimeout(timer);
      wakers.delete(done);
      resolve();
    }
    wakers.add(done);
  });

  const groups = new Map<number, Job[]>();
  for (const job of jobs) {
    const every = job.everyMs ?? intervalMs;
    // A bad period is a programming error: fail at start, not in a timer.
    if (!Number.isSafeInteger(every) || every <= 0) throw new Error(`job ${job.name}: everyMs must be a positive whole number of ms, not ${every}`);
    groups.set(every, [...(groups.get(every) ?? []), job]);
  }

  const loop = async (everyMs: number, group: Job[]) => {
    let lastPeriod = -1;
    while (!stopped) {
      const period = periodStart(Date.now(), everyMs);
      if (period !== lastPeriod) {
        lastPeriod = period;
        for (const job of group) {
          if (stopped) return;
          try {
            const outcome = await runOncePerPeriod({ db, job, periodStart: period, everyMs, instance, now: clock });
            const at = new Date(period).toISOString();
            if (!outcome.ran) log.debug({ job: job.name, period: at, reason: outcome.reason }, 'job skipped');
            else if (outcome.succeeded) log.info({ job: job.name, period: at, result: outcome.result, ms: outcome.ms }, 'job done');
            else log.error({ err: outcome.error, job: job.name, period: at }, 'job failed');
          } catch (err) {
            // The lock or the run log failed (database away): logged; the next period tries again.
            log.error({ err, job: job.name }, 'job failed');
          }
        }
      }
      await sleep(Math.max(1, nextPeriodStart(Date.now(), everyMs) - Date.now()));
    }
  };

  const loops = [...groups].map(([everyMs, group]) => loop(everyMs, group));
  log.info({ intervalMs, instance, jobs: jobs.map((j) => ({ name: j.name, everyMs: j.everyMs ?? intervalMs })) }, 'job scheduler started');
  return {
    instance,
    async stop() {
      stopped = true;
      for (const wake of [...wakers]) wake();
      await Promise.all(loops);
    },
  };
}
