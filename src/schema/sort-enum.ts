import { registerEnumType } from 'type-graphql';

/**
 * Registers a list's sort enum (`XOrderField`) from the service's sort table (services/read-model.ts
 * `SortTable`): the table's keys are the enum values, in the table's order, each with the table's
 * description. The order of a list is thus written once, in the service. Returns the enum object for
 * `@Field(() => XOrderField)`.
 */
export function sortEnum<O extends Record<string, { description: string }>>(
  table: O, name: string, description: string,
): { [K in Extract<keyof O, string>]: K } {
  const keys = Object.keys(table) as Extract<keyof O, string>[];
  const values = Object.fromEntries(keys.map((k) => [k, k])) as { [K in Extract<keyof O, string>]: K };
  registerEnumType(values, {
    name,
    description,
    valuesConfig: Object.fromEntries(keys.map((k) => [k, { description: table[k].description }])) as Record<Extract<keyof O, string>, { description: string }>,
  });
  return values;
}

/** The fields of a filter input class, without the combinators. */
type FilterFields<C> = Exclude<keyof C, 'and' | 'or' | 'not'>;

/**
 * `true` when the GraphQL filter input `C` and the service's filter spec `S` name the same fields;
 * `Assert<SameFilterFields<C, S>>` then fails to compile when a field is missing on either side.
 */
export type SameFilterFields<C, S> = [FilterFields<C>] extends [keyof S] ? ([keyof S] extends [FilterFields<C>] ? true : false) : false;
export type Assert<T extends true> = T;
