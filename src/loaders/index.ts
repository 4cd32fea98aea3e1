import type { CallerContext } from '../services/context';

/**
 * The request's loaders, by name. Each domain's loader file adds its own to this interface
 * (`declare module './index' { interface Loaders extends ReturnType<typeof createXLoaders> {} }`), so
 * resolvers see every loader typed while no central list names them.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging (above)
export interface Loaders {}

/** One set of loaders per request, from every domain's factory (`Domain.loaders`): batching and caching never cross callers. */
export function createLoaders(ctx: CallerContext, factories: readonly ((ctx: CallerContext) => object)[]): Loaders {
  const loaders: Record<string, unknown> = {};
  for (const make of factories) {
    for (const [name, loader] of Object.entries(make(ctx))) {
      if (name in loaders) throw new Error(`Two domains declare the loader ${name}.`);
      loaders[name] = loader;
    }
  }
  // The merge of every factory's result: the declarations above type what this holds.
  return loaders as unknown as Loaders;
}
