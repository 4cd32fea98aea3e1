import DataLoader from 'dataloader';
import type { CallerContext } from '../services/context';
import { activityReads } from '../services/activity.service';
import type { ServiceContext } from '../services/context';
import { timelineCountsByCustomer, timelinePagesByCustomer, type TimelineArgs, type TimelinePage } from '../services/timeline.service';
import { perArgs } from './batch';
import { readLoaders } from './read-loaders';

/** Dates travel through the argument key as ISO strings. */
const timelineArgs = (argsKey: string): TimelineArgs => {
  const parsed = JSON.parse(argsKey) as Record<string, unknown>;
  return { ...parsed, from: parsed.from ? new Date(parsed.from as string) : null, to: parsed.to ? new Date(parsed.to as string) : null } as TimelineArgs;
};

/** Loaders of the activity domain (merged into the request's loaders). */
export function createActivityLoaders(ctx: CallerContext) {
  const svc = (): ServiceContext => ({ em: ctx.em, principal: ctx.principal! });

  /** Activities by id, visible to the caller, null otherwise; `Customer.activities` pages and counts. */
  const activities = readLoaders(ctx, activityReads);

  /** Timeline sizes per customer for one set of kinds and time range. */
  const timelineCount = perArgs((argsKey) => new DataLoader<string, number>(async (ids) => {
    const counts = await timelineCountsByCustomer(svc(), ids, timelineArgs(argsKey));
    return ids.map((id) => counts.get(id) ?? 0);
  }));

  /** `Customer.timeline`: the merged page of every customer asked for with the same arguments, batched. */
  const timelinePage = perArgs((argsKey) => new DataLoader<string, TimelinePage>(async (ids) => {
    const args = timelineArgs(argsKey);
    const countKey = { types: args.types ?? null, from: args.from ?? null, to: args.to ?? null };
    const pages = await timelinePagesByCustomer(svc(), ids, args, (id) => timelineCount(countKey).load(id));
    return ids.map((id) => pages.get(id)!);
  }));

  return { activityById: activities.byId, activityPage: activities.page, timelinePage };
}

// This domain's loaders, typed on the request's `Loaders` (see loaders/index.ts).
declare module './index' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds the members of the factory's result
  interface Loaders extends ReturnType<typeof createActivityLoaders> {}
}
