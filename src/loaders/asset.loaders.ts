import type { CallerContext } from '../services/context';
import { assetReads } from '../services/asset.service';
import { readLoaders } from './read-loaders';
import { readsCases } from '../auth/case.permissions';

/** Loaders of the asset domain (merged into the request's loaders). */
export function createAssetLoaders(ctx: CallerContext) {
  /**
   * Assets by id within the caller's scope (`caseScope`), null otherwise (also feeds `node(id)` and
   * `ServiceCase.asset`); `Customer.assets` pages and counts.
   */
  const assets = readLoaders(ctx, assetReads, readsCases);
  return { assetById: assets.byId, assetCount: assets.count, assetPage: assets.page };
}

// This domain's loaders, typed on the request's `Loaders` (see loaders/index.ts).
declare module './index' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds the members of the factory's result
  interface Loaders extends ReturnType<typeof createAssetLoaders> {}
}
