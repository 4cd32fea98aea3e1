import type { CallerContext } from '../services/context';

/**
 * The request's loaders, by name. Each domain's loader file adds its own to this interface
 * (`declare module './index' { interface Loaders extends ReturnType<typeof createXLoaders> {} }`), so
 * resolvers see every loader typed while no central list names them.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging (above)
export interface Loaders {}

type Factory = (ctx: CallerContext) => object;

/**
 * The loaders of a request are made lazily, a domain's set on the first use of one of them: a request
 * touches two or three domains, and making every domain's DataLoaders for every request showed in the
 * profile of a page read. The names are learnt once per list of factories, by making each set once.
 */
const shapes = new WeakMap<readonly Factory[], new (ctx: CallerContext) => object>();

function shapeOf(ctx: CallerContext, factories: readonly Factory[]) {
  let Shape = shapes.get(factories);
  if (Shape) return Shape;
  class LazyLoaders {
    readonly sets: (Record<string, unknown> | undefined)[] = [];
    constructor(readonly ctx: CallerContext) {}
  }
  const owner = new Map<string, number>();
  factories.forEach((make, i) => {
    for (const name of Object.keys(make(ctx))) {
      if (owner.has(name)) throw new Error(`Two domains declare the loader ${name}.`);
      owner.set(name, i);
      Object.defineProperty(LazyLoaders.prototype, name, {
        enumerable: true,
        get(this: LazyLoaders) {
          return (this.sets[i] ??= factories[i](this.ctx) as Record<string, unknown>)[name];
        },
      });
    }
  });
  Shape = LazyLoaders;
  shapes.set(factories, Shape);
  return Shape;
}

/** One set of loaders per request, from every domain's factory (`Domain.loaders`): batching and caching never cross callers. */
export function createLoaders(ctx: CallerContext, factories: readonly Factory[]): Loaders {
  const Shape = shapeOf(ctx, factories);
  // The merge of every factory's result: the declarations above type what this holds.
  return new Shape(ctx) as unknown as Loaders;
}
