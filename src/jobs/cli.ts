import 'reflect-metadata';
import type { EntityManager } from '@mikro-orm/postgresql';
import { loadConfig } from '../config';
import { openDatabase } from '../db/orm';
import { JOBS, findJob } from './index';

/**
 * `node dist/src/jobs/cli.js <job>` (`npm run jobs:overdue`): runs one job once against the configured
 * database (DATABASE_URL, else the embedded database in DATA_DIR) and prints what it did as JSON.
 * It does not migrate: run `npm run migrate` first on a new database. Exit code 1 on failure.
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
