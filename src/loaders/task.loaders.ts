import type { CallerContext } from '../services/context';
import type { TaskStatus } from '../entities/enums';
import type { ConnectionArgs } from '../services/pagination';
import { customerTaskReads, taskReads } from '../services/task.service';
import { readLoaders } from './read-loaders';

export type CustomerTasksArgs = ConnectionArgs & { status?: TaskStatus[] | null };

/** Loaders of the task domain (merged into the request's loaders). */
export function createTaskLoaders(ctx: CallerContext) {
  return {
    /** Tasks by id, visible to the caller (`taskScope`); null otherwise. */
    taskById: readLoaders(ctx, taskReads).byId,
    /** `Customer.tasks`: one page per customer, batched across customers (one statement per page shape). */
    customerTasksPage: readLoaders(ctx, customerTaskReads).page,
  };
}

// This domain's loaders, typed on the request's `Loaders` (see loaders/index.ts).
declare module './index' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds the members of the factory's result
  interface Loaders extends ReturnType<typeof createTaskLoaders> {}
}
