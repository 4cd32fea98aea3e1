import DataLoader from 'dataloader';
import type { GraphQLContext } from '../auth/context';
import type { Task } from '../entities/task.entity';

/** Loaders of the task domain (merged into the request's loaders). */
export function createTaskLoaders(_ctx: GraphQLContext) {
  return {
    /** Tasks by id, visible to the caller; null otherwise. */
    taskById: new DataLoader<string, Task | null>(async (ids) => ids.map(() => null)),
  };
}
