import type { EntityManager } from '@mikro-orm/postgresql';
import { prefixOf, type NodeTypeName } from '../entities/ids';
import { directReader, mapPlaceholders, TextList } from './direct-read';

/**
 * A fragment of SQL with `?` placeholders and its parameters. Column names and other identifiers only
 * ever come from code; every value from a caller travels as a parameter.
 */
export interface Sql {
  text: string;
  params: unknown[];
}

type SqlValue = Sql | unknown;

const isSql = (v: unknown): v is Sql =>
  typeof v === 'object' && v !== null && 'text' in v && 'params' in v && Array.isArray((v as Sql).params);

/** sql`a = ${x} and ${otherFragment}`: values become parameters, fragments are spliced in. */
export function sql(strings: TemplateStringsArray, ...values: SqlValue[]): Sql {
  let text = strings[0];
  const params: unknown[] = [];
  values.forEach((value, i) => {
    if (isSql(value)) {
      text += value.text;
      params.push(...value.params);
    } else {
      text += '?';
      params.push(value);
    }
    text += strings[i + 1];
  });
  return { text, params };
}

/** Trusted SQL text from code (identifiers, keywords), never from input. */
export const raw = (text: string): Sql => ({ text, params: [] });

/**
 * A row limit written into the SQL text, not passed as a parameter. Reads run as named prepared statements
 * (services/direct-read.ts), which PostgreSQL plans once and for all when a generic plan's estimate is no
 * worse than the plans for the values; for `limit $n` it assumes a tenth of the table, so every page and
 * every customer 360 was planned anew on each request. Page sizes are few (1–101): the statements stay few.
 */
export function limitSql(n: number): Sql {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`not a row limit: ${n}`);
  return raw(String(n));
}

/**
 * Names from the code (type names, enum values; never input) written into the SQL text as a text array, for
 * the same reason as `limitSql`: a generic plan then knows them. Anything but letters, digits and `_` is refused.
 */
export function codeNames(values: readonly string[]): Sql {
  for (const v of values) if (!/^\w+$/.test(v)) throw new Error(`not a name from the code: ${v}`);
  return raw(`array[${values.map((v) => `'${v}'`).join(', ')}]::text[]`);
}

export const TRUE = raw('true');
export const FALSE = raw('false');

/** Whether a condition is the constant `true` / `false` (by its text: scopes build new objects, so identity does not tell). */
export const isTrue = (condition: Sql): boolean => condition.text === 'true';
export const isFalse = (condition: Sql): boolean => condition.text === 'false';

export function join(parts: Sql[], separator: string): Sql {
  return { text: parts.map((p) => p.text).join(separator), params: parts.flatMap((p) => p.params) };
}

export function and(parts: Sql[]): Sql {
  const useful = parts.filter((p) => !isTrue(p));
  if (useful.length === 0) return TRUE;
  if (useful.length === 1) return useful[0];
  return join(useful.map((p) => sql`(${p})`), ' and ');
}

/** Always parenthesised: spliced after an `and`, a bare `or` would escape the scope and filters. */
export function or(parts: Sql[]): Sql {
  if (parts.length === 0) return FALSE;
  if (parts.length === 1) return parts[0];
  return sql`(${join(parts.map((p) => sql`(${p})`), ' or ')})`;
}

/** A new id of `type` generated in SQL (like `newId`), for rows inserted by `insert … select`. */
export const newIdSql = (type: NodeTypeName): Sql => raw(`'${prefixOf(type)}_' || replace(gen_random_uuid()::text, '-', '')`);

/** `(?, ?, ?)` for an IN list; callers must handle the empty list (use FALSE). */
export function list(values: unknown[]): Sql {
  return { text: `(${values.map(() => '?').join(', ')})`, params: values };
}

/**
 * A text[] value: `x = any(${textArray(ids)})`. Passed as ONE array parameter through `pg` (`$n::text[]`:
 * one statement text whatever the number of values, so one prepared statement); through the ORM (the
 * embedded database, transactions), which inlines parameters, spelled out as `ARRAY[?, …]::text[]`.
 */
export function textArray(values: readonly string[]): Sql {
  return { text: '?', params: [new TextList(values)] };
}

/**
 * Runs a read and returns plain rows (not managed entities); inside a transaction when `em` is in one.
 * Timestamps come back as Date on both databases. On PostgreSQL, outside a transaction, the statement
 * goes straight to a connection of the ORM's pool as a named prepared statement with `$n` parameters
 * (services/direct-read.ts): PostgreSQL parses and plans it once per connection, not on every request.
 */
export async function rows<T = Record<string, unknown>>(em: EntityManager, query: Sql): Promise<T[]> {
  const direct = directReader(em);
  if (direct) return (await direct(query)) as T[];
  const { text, params } = spellArrays(query);
  let result = (await em.execute(text, params, 'all')) as Record<string, unknown>[];
  // The embedded database's driver runs any text containing ';' (also inside an inlined string value,
  // e.g. a search term) as a script and returns one result per statement: unwrap the single statement.
  if (result.length === 1 && Array.isArray(result[0])) result = result[0] as Record<string, unknown>[];
  const dates = dateProperties(em);
  for (const row of result) {
    for (const key in row) {
      if (typeof row[key] === 'string' && dates.has(key)) row[key] = new Date(row[key] as string);
    }
  }
  return result as T[];
}

let dateProps: Set<string> | null = null;

/** Names of every timestamp property of every entity (the naming convention keeps them unambiguous: `…At`). */
function dateProperties(em: EntityManager): Set<string> {
  dateProps ??= new Set(
    Object.values(em.getMetadata().getAll()).flatMap((meta) =>
      meta.props.filter((p) => p.type !== 'date' && (p.runtimeType === 'Date' || /timestamp|datetime/i.test(p.columnTypes?.[0] ?? ''))).map((p) => p.name)),
  );
  return dateProps;
}

/**
 * Runs a bulk statement with its values as bound parameters. Inside a transaction the ORM inlines
 * parameters into the SQL text (escaping each character of a 500 kB JSON batch, then parsing it back): on a
 * 100,000-row CSV import that was half the Node CPU, mostly garbage collection. The transaction's own knex
 * connection binds them instead (`$n`), on PostgreSQL and the embedded database alike. Values must be plain
 * (strings, numbers): no `textArray`.
 */
export async function exec(em: EntityManager, query: Sql): Promise<void> {
  const trx = em.getTransactionContext<{ raw(text: string, params: unknown[]): Promise<unknown> }>();
  if (trx) await trx.raw(query.text, query.params);
  else await rows(em, query);
}

/** The statement for the ORM: each TextList spelled out as `ARRAY[?, …]::text[]` (MikroORM inlines parameters). */
export function spellArrays(query: Sql): Sql {
  if (!query.params.some((p) => p instanceof TextList)) return query;
  const params: unknown[] = [];
  let i = 0;
  const text = mapPlaceholders(query.text, () => {
    const value = query.params[i++];
    if (!(value instanceof TextList)) {
      params.push(value);
      return '?';
    }
    params.push(...value.values);
    return value.values.length ? `ARRAY[${value.values.map(() => '?').join(', ')}]::text[]` : `'{}'::text[]`;
  });
  return { text, params };
}

/** Escapes LIKE wildcards so user text matches literally. */
export function likeEscape(term: string): string {
  return term.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The select list for an entity's columns, aliased to property names so rows read like entities:
 * `c.owner_id as "owner"`. Decimals are read as text on both databases; hidden properties are skipped.
 */
const selectLists = new Map<string, Sql>();

/**
 * The select list of an entity's columns; with `props`, only those properties (projection: a page
 * reads only what the request needs, see `ReadModelSpec.fieldNeeds`), unknown names ignored.
 */
export function columnsOf(em: EntityManager, entity: string, alias: string, props?: ReadonlySet<string> | null): Sql {
  return cachedPerProjection(selectLists, entity, alias, props, () =>
    raw(selectedProps(em, entity, props).map((p) => `${columnExpr(p, alias)} as "${p.name}"`).join(', ')));
}

/** A select list per entity, alias and projection, made once. Bounded: projections come from request shapes, which a client can vary. */
function cachedPerProjection(cache: Map<string, Sql>, entity: string, alias: string, props: ReadonlySet<string> | null | undefined, make: () => Sql): Sql {
  const key = props ? `${entity}:${alias}:${[...props].sort().join(',')}` : `${entity}:${alias}`;
  let cached = cache.get(key);
  if (!cached) {
    if (cache.size > 5000) cache.clear();
    cache.set(key, (cached = make()));
  }
  return cached;
}

/** The names of an entity's readable column properties (what `columnsOf` can select). */
export function columnProps(em: EntityManager, entity: string): Set<string> {
  return new Set(readableProps(em, entity).map((p) => p.name));
}

function readableProps(em: EntityManager, entity: string) {
  const meta = em.getMetadata().find(entity);
  if (!meta) throw new Error(`Unknown entity ${entity}`);
  return meta.props.filter((p) => !p.hidden && p.persist !== false && p.fieldNames?.length === 1 && (p.kind === 'scalar' || p.kind === 'm:1'));
}

/** The column expression of a property: decimals and calendar dates read as text on both databases ("1234.50", "2026-04-30"). */
function columnExpr(p: ReturnType<typeof readableProps>[number], alias: string): string {
  const column = `${alias}.${p.fieldNames[0]}`;
  const asText = p.type === 'decimal' || p.type === 'date' || /^(numeric|decimal|date)\b/.test(p.columnTypes?.[0] ?? '');
  return asText ? `${column}::text` : column;
}

/** The readable properties in `props` (all of them without). */
function selectedProps(em: EntityManager, entity: string, props: ReadonlySet<string> | null | undefined) {
  return readableProps(em, entity).filter((p) => !props || props.has(p.name));
}

const jsonObjects = new Map<string, Sql>();

/**
 * The same columns as `columnsOf`, as one JSON object per row keyed by property name
 * (`json_build_object('id', k.id, …)`): rows of a nested page embedded in their parent's row
 * (services/pages-by-parent.ts). Timestamps come back as text: `parseEmbedded` turns them into Date.
 */
export function jsonObjectOf(em: EntityManager, entity: string, alias: string, props?: ReadonlySet<string> | null): Sql {
  return cachedPerProjection(jsonObjects, entity, alias, props, () => {
    const parts = selectedProps(em, entity, props).map((p) => `'${p.name}', ${columnExpr(p, alias)}`);
    // json_build_object takes at most 100 arguments (50 properties): wider rows are built in parts and merged.
    const chunks = Array.from({ length: Math.ceil(parts.length / 50) }, (_, i) => `json_build_object(${parts.slice(i * 50, i * 50 + 50).join(', ')})`);
    return raw(chunks.length === 1 ? chunks[0] : `(${chunks.map((c) => `${c}::jsonb`).join(' || ')})`);
  });
}

/** A json/jsonb column as a value: `pg` parses it, the embedded database may hand it over as text. */
export function jsonValue<T = unknown>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/** Rows embedded as JSON (see `jsonObjectOf`), as `rows` returns them: timestamps as Date. */
export function parseEmbedded<T>(em: EntityManager, value: unknown): T[] {
  const list = jsonValue<Record<string, unknown>[] | null>(value) ?? [];
  const dates = dateProperties(em);
  for (const row of list) {
    for (const key in row) {
      if (typeof row[key] === 'string' && dates.has(key)) row[key] = new Date(row[key] as string);
    }
  }
  return list as T[];
}
