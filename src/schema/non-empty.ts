/** A list type-graphql requires to be non-empty (resolvers, union members), checked where it is built from the domains. */
export function nonEmpty<T>(items: T[], what: string): [T, ...T[]] {
  if (!isNonEmpty(items)) throw new Error(`No ${what}: were the domains loaded before the schema was built?`);
  return items;
}

const isNonEmpty = <T>(items: T[]): items is [T, ...T[]] => items.length > 0;
