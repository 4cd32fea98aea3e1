import 'reflect-metadata';
import type { EntityManager } from '@mikro-orm/postgresql';
import { loadConfig } from '../config';
import { openDatabase } from '../db/orm';
import { JOBS, findJob } from './index';

/**
 * `node dist/src/jobs/cli.js <job>` (`npm run jobs:overdue`): runs one job once against the configured
 * database (DATABASE_URL, else the embedded database in DATA_DIR) and prints what it did as JSON.
 * It does not migrate: run `npm run migrate` first on a new database. Exit code 1 on failure.
 * A manual run is outside the scheduler's once-per-period rule (jobs/run-once.ts): it runs at once,
 * whatever the run log says, and is not written to it (jobs are idempotent, so a catch-up by hand is safe).
 */
async function main(name: string | undefined) {
  const job = name ? findJob(name) : undefined;
  if (!job) throw new Error(`Usage: cli.js <job>; jobs: ${JOBS.map((j) => j.name).join(', ')}`);
  const config = loadConfig();
  const db = await openDatabase(config);
  try {
    const result = await job.run(db.orm.em.fork() as EntityManager, new Date());
    console.log(JSON.stringify({ job: job.name, result }));
  } finally {
    await db.close();
  }
}

main(process.argv[2]).catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
