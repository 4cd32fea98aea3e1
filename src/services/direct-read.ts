import type { EntityManager } from '@mikro-orm/postgresql';
import type { Connection } from '@mikro-orm/core';
import { TypeOverrides, type PoolClient } from 'pg';
import { queryCounter } from '../db/query-counter';
import type { Sql } from './sql';

/**
 * Reads straight through `pg` on PostgreSQL. MikroORM's `execute` inlines every value into the SQL text
 * and sends it with the simple protocol, so PostgreSQL parses and plans each statement on every request;
 * here the same statement goes as a named prepared statement with `$n` parameters on a connection of the
 * ORM's own pool (no second pool), with timestamps parsed to Date by the driver (no per-row loop).
 * Measured on the customer page: PostgreSQL CPU per request down by about a quarter (issue 13).
 * Not used inside a transaction (the transaction's connection must see its own writes) nor on the
 * embedded database (one connection, serialised by its driver).
 */

/** A list of text values passed as one array parameter (see `textList` in services/sql.ts). */
export class TextList {
  constructor(readonly values: readonly string[]) {}
}

/**
 * Replaces each `?` placeholder of trusted SQL text with `replace()`'s answer, leaving `?` inside
 * string literals, quoted identifiers and comments alone.
 */
export function mapPlaceholders(text: string, replace: () => string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      const stop = end < 0 ? text.length : end + 1;
      out += text.slice(i, stop);
      i = stop;
    } else if (c === '-' && text[i + 1] === '-') {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      out += text.slice(i, stop);
      i = stop;
    } else if (c === '?') {
      out += replace();
      i += 1;
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

interface Prepared {
  name: string;
  text: string;
  /** How each parameter is passed: as it is, as an array (a TextList), or as a TextList's one value. */
  kinds: ParamKind[];
}

type ParamKind = 'value' | 'list' | 'one';

/**
 * Statements by their `?` text and the shape of their lists. Bounded: past the limit, new texts run
 * unnamed (parsed each time) so that an unusual stream of distinct texts (filter combinations) cannot
 * grow every connection's statement cache.
 *
 * A named statement is planned for its values on its first five runs; then PostgreSQL keeps one generic
 * plan if its estimate is no worse. A list of one id is written `array[$n]::text[]`, whose length the
 * planner sees (it takes `$n::text[]` for ten values, so a generic plan for a customer's 360 looked ten
 * times dearer and every request was planned anew: ~1 ms of PostgreSQL CPU for a 0.2 ms read); row
 * limits are written into the text for the same reason (`limitSql`). Statements whose values change the
 * best plan (a name search) keep being planned for their values.
 */
const prepared = new Map<string, Prepared>();
const MAX_PREPARED = 2000;

function prepare(query: Sql): Prepared {
  const kinds = query.params.map((p): ParamKind => (p instanceof TextList ? (p.values.length === 1 ? 'one' : 'list') : 'value'));
  const key = kinds.includes('one') ? `${query.text}\u0000${kinds.join(',')}` : query.text;
  let found = prepared.get(key);
  if (found) return found;
  let n = 0;
  const text = mapPlaceholders(query.text, () => {
    n += 1;
    const kind = kinds[n - 1];
    return kind === 'list' ? `$${n}::text[]` : kind === 'one' ? `array[$${n}::text]` : `$${n}`;
  });
  if (n !== query.params.length) throw new Error(`SQL has ${n} placeholders for ${query.params.length} parameters`);
  found = { name: prepared.size < MAX_PREPARED ? `r${prepared.size + 1}` : '', text, kinds };
  if (found.name) prepared.set(key, found);
  return found;
}

/** Types as the app reads them: timestamps with time zone as Date; dates, timestamps without zone and intervals as text (as the ORM does). */
const readTypes = new TypeOverrides();
for (const oid of [1082, 1114, 1186]) readTypes.setTypeParser(oid, (v: string) => v);

/** Connections of the ORMs whose reads may go straight to `pg` (PostgreSQL ones), and whether each is the read replica's. */
const directConnections = new WeakMap<Connection, { replica: boolean }>();

export function enableDirectReads(connection: Connection, opts: { replica?: boolean } = {}): void {
  directConnections.set(connection, { replica: opts.replica ?? false });
}

interface KnexClient {
  acquireConnection(): Promise<PoolClient>;
  releaseConnection(connection: PoolClient): Promise<unknown>;
}

/** The direct reader for this EntityManager, or null when reads must go through the ORM. */
export function directReader(em: EntityManager): ((query: Sql) => Promise<Record<string, unknown>[]>) | null {
  if (em.isInTransaction()) return null;
  const connection = em.getConnection();
  const kind = directConnections.get(connection);
  if (!kind) return null;
  return async (query) => {
    const statement = prepare(query);
    const values = statement.kinds.every((k) => k === 'value')
      ? query.params
      : query.params.map((p, i) => (statement.kinds[i] === 'list' ? (p as TextList).values : statement.kinds[i] === 'one' ? (p as TextList).values[0] : p));
    const client = (connection.getKnex().client as unknown as KnexClient);
    const pgClient = await client.acquireConnection();
    queryCounter.count += 1;
    if (kind.replica) queryCounter.replica += 1;
    try {
      const result = await pgClient.query({ name: statement.name || undefined, text: statement.text, values: values as unknown[], types: readTypes });
      return result.rows;
    } finally {
      await client.releaseConnection(pgClient);
    }
  };
}
