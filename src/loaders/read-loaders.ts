import DataLoader from 'dataloader';
import type { Policy } from '../auth/rules';
import type { CallerContext, ServiceContext } from '../services/context';
import type { Connection } from '../services/pagination';
import type { ListArgs, ReadModel } from '../services/read-model';
import { byKey, byKeyFor, perArgs } from './batch';

/**
 * The loaders of a read model (services/read-model.ts), one set per request:
 * - `byId`: records by id in the caller's scope; with `readers` (the domain's read policy) only for
 *   callers it admits, null for everyone else (see `byKeyFor`);
 * - `count(key)`: counts per parent for one filter (and `parentArgs`) (`totalCount` of nested connections);
 * - `page(args)`: one page per parent, one statement per page shape, its count through `count`;
 * - `embedded(args, parentId, rows)`: the same page from rows read with the parent (read-model `Embed`).
 * The domain's loader file gives them their public names.
 */
export function readLoaders<T, O, S, X, P>(ctx: CallerContext, model: ReadModel<T, O, S, X, P>, readers?: Policy) {
  const svc = (): ServiceContext => ({ em: ctx.em, principal: ctx.principal! });

  const byId = new DataLoader<string, T | null>(async (ids) =>
    (readers ? byKeyFor(ctx, readers, ids, () => model.byIds(svc(), ids)) : byKey(ids, await model.byIds(svc(), ids))));

  const count = perArgs((argsKey) => new DataLoader<string, number>(async (ids) => {
    const key = JSON.parse(argsKey);
    const counts = await model.countsByParent(svc(), ids, key.filter, key);
    return ids.map((id) => counts.get(id) ?? 0);
  }));

  const page = perArgs((argsKey) => new DataLoader<string, Connection<T>>(async (ids) => {
    const args = JSON.parse(argsKey) as ListArgs<O, S> & P;
    const pages = await model.pagesByParent(svc(), ids, args, (id) => count(model.countKey(args)).load(id));
    return ids.map((id) => pages.get(id)!);
  }));

  /** The page of one parent whose rows were read with the parent (`Embed`): the same connection as `page(args).load(parentId)`. */
  const embedded = (args: ListArgs<O, S> & P, parentId: string, fetched: T[]): Connection<T> =>
    model.pageOf(svc(), fetched, args, () => count(model.countKey(args)).load(parentId));

  return { byId, count, page, embedded };
}
