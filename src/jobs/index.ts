import { DOMAINS } from '../domains';
import type { Job } from './job';

export type { Job };

/** Every job, in the order the scheduler runs them: each domain's (`Domain.jobs`), in the order of the domains. */
export const JOBS: readonly Job[] = DOMAINS.flatMap((d) => d.jobs ?? []);

export function findJob(name: string): Job | undefined {
  return JOBS.find((job) => job.name === name);
}
