import DataLoader from 'dataloader';
import type { CallerContext } from '../services/context';
import type { TaskStatus } from '../entities/enums';
import type { ServiceContext } from '../services/context';
import type { Connection, ConnectionArgs } from '../services/pagination';
import { taskCountsByCustomer, taskPagesByCustomer, tasksByIds, type TaskRow } from '../services/task.service';
import { byKey, perArgs } from './batch';

export type CustomerTasksArgs = ConnectionArgs & { status?: TaskStatus[] | null };

/** Loaders of the task domain (merged into the request's loaders). */
export function createTaskLoaders(ctx: CallerContext) {
  const svc = (): ServiceContext => ({ em: ctx.em, principal: ctx.principal! });
  const customerTasksCount = perArgs((argsKey) => new DataLoader<string, number>(async (ids) => {
    const counts = await taskCountsByCustomer(svc(), ids, JSON.parse(argsKey).status);
    return ids.map((id) => counts.get(id) ?? 0);
  }));
  return {
    /** Tasks by id, visible to the caller (`taskScope`); null otherwise. */
    taskById: new DataLoader<string, TaskRow | null>(async (ids) => byKey(ids, await tasksByIds(svc(), ids))),
    /** `Customer.tasks`: one page per customer, batched across customers (one statement per page shape). */
    customerTasksPage: perArgs((argsKey) => new DataLoader<string, Connection<TaskRow>>(async (ids) => {
      const args = JSON.parse(argsKey) as CustomerTasksArgs;
      const pages = await taskPagesByCustomer(svc(), ids, args, (id) => customerTasksCount({ status: args.status ?? null }).load(id));
      return ids.map((id) => pages.get(id)!);
    })),
  };
}

// This domain's loaders, typed on the request's `Loaders` (see loaders/index.ts).
declare module './index' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds the members of the factory's result
  interface Loaders extends ReturnType<typeof createTaskLoaders> {}
}
