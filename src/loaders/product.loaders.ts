import type { CallerContext } from '../services/context';
import { readsProducts } from '../auth/product.permissions';
import { productReads } from '../services/product.service';
import { readLoaders } from './read-loaders';

/** Loaders of the product domain (merged into the request's loaders). */
export function createProductLoaders(ctx: CallerContext) {
  return {
    /** Products by id, for callers who may read the catalogue; null otherwise (also feeds `node(id)`). */
    productById: readLoaders(ctx, productReads, readsProducts).byId,
  };
}

// This domain's loaders, typed on the request's `Loaders` (see loaders/index.ts).
declare module './index' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds the members of the factory's result
  interface Loaders extends ReturnType<typeof createProductLoaders> {}
}
