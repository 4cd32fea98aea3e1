import DataLoader from 'dataloader';
import type { GraphQLContext } from '../auth/context';
import type { Activity } from '../entities/activity.entity';

/** Loaders of the activity domain (merged into the request's loaders). */
export function createActivityLoaders(_ctx: GraphQLContext) {
  return {
    /** Activities by id, visible to the caller; null otherwise. */
    activityById: new DataLoader<string, Activity | null>(async (ids) => ids.map(() => null)),
  };
}
