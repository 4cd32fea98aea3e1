import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 15, several instances on one database: the run log of the background jobs. The scheduler of
 * every instance runs a job for a period (a wall-clock multiple of its interval) only while holding a
 * PostgreSQL advisory lock keyed by the job, and only when this log has no run of that job for that
 * period yet, so each job runs once per period whichever instance's timer fires first. The lock is the
 * advisory lock; this table is the durable record (and the history ADMIN reads as `jobRuns`).
 */
export class Migration20261231000200JobRuns extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table job_run (
      job text not null,
      period_start timestamptz(3) not null,
      instance text not null,
      started_at timestamptz(3) not null,
      finished_at timestamptz(3) not null,
      succeeded boolean not null,
      result jsonb,
      primary key (job, period_start)
    );`);
    this.addSql(`create index job_run_started_idx on job_run (started_at desc);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists job_run;`);
  }
}
