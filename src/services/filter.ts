import { InputError } from './errors';
import { FALSE, and, likeEscape, list, or, raw, sql, textArray, type Sql } from './sql';

/** Operators of one field; which ones a field offers is decided by its GraphQL filter input type. */
export interface FieldOps {
  eq?: unknown;
  ne?: unknown;
  in?: unknown[] | null;
  notIn?: unknown[] | null;
  contains?: string | null;
  startsWith?: string | null;
  gt?: unknown;
  gte?: unknown;
  lt?: unknown;
  lte?: unknown;
  isNull?: boolean | null;
  hasAny?: string[] | null;
  hasAll?: string[] | null;
}

/** A filter: field operators, combined with `and` / `or` / `not`. */
export interface Filter {
  and?: Filter[] | null;
  or?: Filter[] | null;
  not?: Filter | null;
  [field: string]: FieldOps | Filter[] | Filter | null | undefined;
}

/**
 * The filter argument of a list over the filter spec `S`: its fields (which operators a field takes is
 * the GraphQL filter input's business) combined with `and` / `or` / `not`. The GraphQL filter inputs
 * satisfy it as they are, so resolvers pass them without a cast.
 */
export type FilterOf<S> = { and?: FilterOf<S>[] | null; or?: FilterOf<S>[] | null; not?: FilterOf<S> | null } & { [K in keyof S]?: unknown };

/** A filter over any spec (what the filter compiler and the filter hooks of a read model take). */
export type AnyFilter = FilterOf<FilterSpec>;

/**
 * Filterable fields of a type: the trusted SQL expression for each (a fragment when it needs parameters,
 * e.g. a value masked as null where the caller may not read it, so a filter cannot probe for it).
 */
export type FilterSpec = Record<string, { expr: string | Sql; kind: 'scalar' | 'text' | 'tags' }>;

const MAX_IN = 500;

/**
 * Levels of `and` / `or` / `not`. The API's input guard (schema/input-guards.ts) refuses deeper filters
 * before anything recursive runs on them; this check stays for filters built in code.
 */
export const MAX_FILTER_DEPTH = 5;

function fieldSql(name: string, expr: string | Sql, kind: 'scalar' | 'text' | 'tags', ops: FieldOps, path: string): Sql {
  const col = typeof expr === 'string' ? raw(expr) : expr;
  const parts: Sql[] = [];
  const value = (v: unknown) => (v instanceof Date ? v.toISOString() : v);
  if (ops.eq != null) parts.push(sql`${col} = ${value(ops.eq)}`);
  if (ops.ne != null) parts.push(sql`${col} is distinct from ${value(ops.ne)}`);
  for (const op of ['in', 'notIn'] as const) {
    const items = ops[op];
    if (items == null) continue;
    if (items.length > MAX_IN) throw new InputError(`\`${op}\` takes at most ${MAX_IN} values.`, `${path}.${name}.${op}`);
    if (op === 'in') parts.push(items.length ? sql`${col} in ${list(items.map(value))}` : FALSE);
    // Like `ne`, a missing value counts as "not one of these".
    else if (items.length) parts.push(sql`(${col} not in ${list(items.map(value))} or ${col} is null)`);
  }
  if (ops.contains != null) parts.push(sql`${col} ilike ${`%${likeEscape(ops.contains)}%`}`);
  if (ops.startsWith != null) parts.push(sql`${col} ilike ${`${likeEscape(ops.startsWith)}%`}`);
  if (ops.gt != null) parts.push(sql`${col} > ${value(ops.gt)}`);
  if (ops.gte != null) parts.push(sql`${col} >= ${value(ops.gte)}`);
  if (ops.lt != null) parts.push(sql`${col} < ${value(ops.lt)}`);
  if (ops.lte != null) parts.push(sql`${col} <= ${value(ops.lte)}`);
  if (ops.isNull != null) parts.push(sql`${col} is ${raw(ops.isNull ? '' : 'not ')}null`);
  if (kind === 'tags') {
    const norm = (tags: string[]) => tags.map((t) => t.trim().toLowerCase());
    if (ops.hasAny != null) parts.push(sql`${col} && ${textArray(norm(ops.hasAny))}`);
    if (ops.hasAll != null) parts.push(sql`${col} @> ${textArray(norm(ops.hasAll))}`);
  }
  return and(parts);
}

/** Translates a filter into a SQL condition; nesting is limited to keep plans sane. */
export function filterSql(filter: Filter | AnyFilter | null | undefined, spec: FilterSpec, path = 'filter', depth = 0): Sql {
  if (!filter) return raw('true');
  if (depth > MAX_FILTER_DEPTH) throw new InputError(`Filters nest at most ${MAX_FILTER_DEPTH} levels deep.`, path);
  const parts: Sql[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (value == null) continue;
    if (key === 'and') parts.push(and((value as Filter[]).map((f, i) => filterSql(f, spec, `${path}.and.${i}`, depth + 1))));
    else if (key === 'or') parts.push(or((value as Filter[]).map((f, i) => filterSql(f, spec, `${path}.or.${i}`, depth + 1))));
    // "Does not hold" includes rows where the condition is unknown (a null column): SQL's `not` alone would drop them.
    else if (key === 'not') parts.push(sql`not coalesce((${filterSql(value as Filter, spec, `${path}.not`, depth + 1)}), false)`);
    else {
      const field = spec[key];
      if (!field) throw new InputError(`Unknown filter field \`${key}\`.`, `${path}.${key}`);
      parts.push(fieldSql(key, field.expr, field.kind, value as FieldOps, path));
    }
  }
  return and(parts);
}
