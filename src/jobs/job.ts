import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * A background job: a name (for logs and `node dist/src/jobs/cli.js <name>`) and a run function that
 * gets its own EntityManager and the clock; whatever it returns is logged (counts, usually).
 * Jobs must be idempotent and safe to run concurrently with requests and with another instance.
 */
export interface Job {
  name: string;
  run(em: EntityManager, now: Date): Promise<unknown>;
}
