import DataLoader from 'dataloader';
import type { CallerContext } from '../services/context';
import { readsProducts } from '../auth/product.permissions';
import type { Product } from '../entities/product.entity';
import type { ServiceContext } from '../services/context';
import { productsByIds } from '../services/product.service';
import { byKey } from './batch';

/** Loaders of the product domain (merged into the request's loaders). */
export function createProductLoaders(ctx: CallerContext) {
  const svc = (): ServiceContext => ({ em: ctx.em, principal: ctx.principal! });
  const mayRead = () => ctx.principal != null && readsProducts.check(ctx.principal, null);
  return {
    /** Products by id, for callers who may read the catalogue; null otherwise (also feeds `node(id)`). */
    productById: new DataLoader<string, Product | null>(async (ids) => (mayRead() ? byKey(ids, await productsByIds(svc(), ids)) : ids.map(() => null))),
  };
}

// This domain's loaders, typed on the request's `Loaders` (see loaders/index.ts).
declare module './index' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds the members of the factory's result
  interface Loaders extends ReturnType<typeof createProductLoaders> {}
}
