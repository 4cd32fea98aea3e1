import DataLoader from 'dataloader';
import type { GraphQLContext } from '../auth/context';
import type { Asset } from '../entities/asset.entity';

/** STUB: loaders of assets (merged into the request's loaders). */
export function createAssetLoaders(_ctx: GraphQLContext) {
  return {
    assetById: new DataLoader<string, Asset | null>(async (ids) => ids.map(() => null)),
  };
}
