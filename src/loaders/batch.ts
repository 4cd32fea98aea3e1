import DataLoader from 'dataloader';
import type { CallerContext } from '../services/context';
import type { Policy } from '../auth/rules';

/** Orders loaded rows like the keys, with null for a key that was not found (or is not visible). */
export function byKey<T>(keys: readonly string[], found: T[], keyOf: (row: T) => string = (row) => (row as { id: string }).id): (T | null)[] {
  const map = new Map(found.map((row) => [keyOf(row), row]));
  return keys.map((k) => map.get(k) ?? null);
}

/** Groups rows under the keys, keeping the rows' order; a key without rows gets an empty list. */
export function groupBy<T>(keys: readonly string[], found: T[], keyOf: (row: T) => string): T[][] {
  const map = new Map<string, T[]>(keys.map((k) => [k, []]));
  for (const row of found) map.get(keyOf(row))?.push(row);
  return keys.map((k) => map.get(k)!);
}

/** Loaders that depend on arguments: one DataLoader per distinct argument set (a page shape batches across parents, never across shapes). */
export function perArgs<V>(make: (argsKey: string) => DataLoader<string, V>) {
  const loaders = new Map<string, DataLoader<string, V>>();
  return (args: unknown) => {
    const key = JSON.stringify(args ?? {});
    let loader = loaders.get(key);
    if (!loader) loaders.set(key, (loader = make(key)));
    return loader;
  };
}

/**
 * Records by id for callers who pass the read policy of their domain (the policy of its root queries),
 * null for everyone else: relation fields and `node(id)` then follow the same roles and API-key scopes
 * as the domain's root queries, on top of the record scope applied in SQL.
 */
export async function byKeyFor<T>(ctx: CallerContext, readers: Policy, keys: readonly string[], fetch: () => Promise<T[]>): Promise<(T | null)[]> {
  if (!ctx.principal || !readers.check(ctx.principal, null)) return keys.map(() => null);
  return byKey(keys, await fetch());
}
