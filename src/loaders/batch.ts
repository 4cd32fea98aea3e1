import DataLoader from 'dataloader';

/** Orders loaded rows like the keys, with null for a key that was not found (or is not visible). */
export function byKey<T>(keys: readonly string[], found: T[], keyOf: (row: T) => string = (row) => (row as { id: string }).id): (T | null)[] {
  const map = new Map(found.map((row) => [keyOf(row), row]));
  return keys.map((k) => map.get(k) ?? null);
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
