import type { EntityManager } from '@mikro-orm/postgresql';
import { runOverdueJob } from '../services/collection.service';
import { purgeIdempotencyKeys } from '../services/order.service';
import { runSlaJob } from '../services/sla.service';

/**
 * A background job: a name (for logs and `node dist/src/jobs/cli.js <name>`) and a run function that
 * gets its own EntityManager and the clock; whatever it returns is logged (counts, usually).
 * Jobs must be idempotent and safe to run concurrently with requests and with another instance.
 */
export interface Job {
  name: string;
  run(em: EntityManager, now: Date): Promise<unknown>;
}

/** Every job, in the order the scheduler runs them. Adding a job is one line here. */
export const JOBS: readonly Job[] = [
  { name: 'overdue', run: (em, now) => runOverdueJob(em, now) },
  { name: 'purgeIdempotencyKeys', run: async (em, now) => ({ deleted: await purgeIdempotencyKeys(em, now) }) },
  { name: 'sla', run: (em, now) => runSlaJob(em, now) },
];

export function findJob(name: string): Job | undefined {
  return JOBS.find((job) => job.name === name);
}
