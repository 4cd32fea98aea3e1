import DataLoader from 'dataloader';
import type { CallerContext } from '../services/context';
import { assetCountsByCustomer, assetPagesByCustomer, assetsByIds, type AssetListArgs, type AssetRow } from '../services/asset.service';
import type { ServiceContext } from '../services/context';
import type { Connection } from '../services/pagination';
import { byKeyFor, perArgs } from './batch';
import { readsCases } from '../auth/case.permissions';

/** Loaders of the asset domain (merged into the request's loaders). */
export function createAssetLoaders(ctx: CallerContext) {
  const svc = (): ServiceContext => ({ em: ctx.em, principal: ctx.principal! });

  /** Assets by id within the caller's scope (`caseScope`); null otherwise (also feeds `node(id)` and `ServiceCase.asset`). */
  const assetById = new DataLoader<string, AssetRow | null>(async (ids) => byKeyFor(ctx, readsCases, ids, () => assetsByIds(svc(), ids)));

  /** Asset counts per customer for one filter (`Customer.assets.totalCount`). */
  const assetCount = perArgs((argsKey) => new DataLoader<string, number>(async (ids) => {
    const counts = await assetCountsByCustomer(svc(), ids, JSON.parse(argsKey).filter);
    return ids.map((id) => counts.get(id) ?? 0);
  }));

  /** `Customer.assets`: one page per customer, one statement per page shape. */
  const assetPage = perArgs((argsKey) => new DataLoader<string, Connection<AssetRow>>(async (ids) => {
    const args = JSON.parse(argsKey) as AssetListArgs;
    const pages = await assetPagesByCustomer(svc(), ids, args, (id) => assetCount({ filter: args.filter ?? null }).load(id));
    return ids.map((id) => pages.get(id)!);
  }));

  return { assetById, assetCount, assetPage };
}

// This domain's loaders, typed on the request's `Loaders` (see loaders/index.ts).
declare module './index' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds the members of the factory's result
  interface Loaders extends ReturnType<typeof createAssetLoaders> {}
}
