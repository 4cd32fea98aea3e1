import type { ServiceContext } from './context';
import { and, jsonValue, limitSql, rows, sql, TRUE } from './sql';
import { countArg } from './validation';

export const JOB_RUNS_DEFAULT_LIMIT = 50;
export const JOB_RUNS_MAX_LIMIT = 500;

/** A row of the run log of the background jobs (`job_run`, written by `jobs/run-once.ts`). */
export interface JobRunRow {
  job: string;
  periodStart: Date;
  instance: string;
  startedAt: Date;
  finishedAt: Date;
  succeeded: boolean;
  result: unknown;
}

/**
 * The latest runs of the background jobs, newest first, optionally of one job (ADMIN, by the permission map).
 * The log is not per customer: no record scope.
 */
export async function jobRuns(ctx: ServiceContext, args: { job?: string | null; limit?: number | null }): Promise<JobRunRow[]> {
  const limit = countArg(args.limit, JOB_RUNS_DEFAULT_LIMIT, JOB_RUNS_MAX_LIMIT);
  const found = await rows<Record<string, unknown>>(ctx.em, sql`
    select r.job, r.period_start, r.instance, r.started_at, r.finished_at, r.succeeded, r.result
    from job_run r where ${and([args.job ? sql`r.job = ${args.job}` : TRUE])}
    order by r.started_at desc, r.job limit ${limitSql(limit)}`);
  // Timestamps as Date from `pg`, as text from the embedded database.
  const at = (v: unknown) => (v == null ? null : v instanceof Date ? v : new Date(String(v)));
  return found.map((r) => ({
    job: String(r.job),
    periodStart: at(r.period_start)!,
    instance: String(r.instance),
    startedAt: at(r.started_at)!,
    finishedAt: at(r.finished_at)!,
    succeeded: Boolean(r.succeeded),
    // jsonb comes back parsed from `pg`, as text from the embedded database.
    result: jsonValue(r.result) ?? null,
  }));
}
