import { once } from 'node:events';
import { writeFileSync, existsSync, readFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientBase } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * Loading with `COPY … FROM STDIN` (text format, see copy-text.ts), and the seeder's temporary index
 * choice: drop the non-unique secondary indexes of the tables it fills, recreate them afterwards from
 * their own definitions, and check that the indexes are then exactly what they were.
 */

/** Piece size written to the COPY stream: large enough to keep the socket busy, small enough for steady progress. */
const PIECE = 256 * 1024;

/**
 * One `COPY table (columns) FROM STDIN` of `data` (whole lines of COPY text) on `client`, written in
 * pieces that wait for the stream to drain (backpressure: at most one piece waits in memory beyond the
 * socket). Resolves when PostgreSQL has acknowledged the COPY (the rows are then in the transaction).
 */
export async function copyInto(client: ClientBase, table: string, columns: readonly string[], data: Uint8Array): Promise<void> {
  const stream = client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin`));
  const failed = new Promise<never>((_, reject) => stream.once('error', reject));
  failed.catch(() => undefined); // observed through the race below
  const finished = once(stream, 'finish');
  for (let at = 0; at < data.length; at += PIECE) {
    if (!stream.write(data.subarray(at, Math.min(at + PIECE, data.length)))) await Promise.race([once(stream, 'drain'), failed]);
  }
  stream.end();
  await Promise.race([finished, failed]);
}

export interface IndexDef { name: string; table: string; definition: string }

/**
 * The indexes the seeder may drop while loading `tables`: neither primary keys nor unique (those keep
 * the data correct while it arrives) nor backing a constraint.
 */
export async function secondaryIndexes(client: ClientBase, tables: readonly string[]): Promise<IndexDef[]> {
  const { rows } = await client.query<{ name: string; table: string; definition: string }>(`
    select i.relname as name, t.relname as "table", pg_get_indexdef(x.indexrelid) as definition
    from pg_index x
    join pg_class i on i.oid = x.indexrelid
    join pg_class t on t.oid = x.indrelid
    join pg_namespace n on n.oid = t.relnamespace
    where n.nspname = current_schema() and t.relname = any($1) and not x.indisprimary and not x.indisunique
      and not exists (select 1 from pg_constraint c where c.conindid = x.indexrelid)
    order by t.relname, i.relname`, [tables]);
  return rows;
}

/**
 * The foreign keys of `tables` (the rows they load point through them): PostgreSQL checks each one row
 * by row during a load (a lookup per row and key), and checks a whole table at once, with a join, when
 * the constraint is added back.
 */
export async function foreignKeys(client: ClientBase, tables: readonly string[]): Promise<IndexDef[]> {
  const { rows } = await client.query<IndexDef>(`
    select c.conname as name, t.relname as "table", pg_get_constraintdef(c.oid) as definition
    from pg_constraint c
    join pg_class t on t.oid = c.conrelid
    join pg_namespace n on n.oid = t.relnamespace
    where n.nspname = current_schema() and c.contype = 'f' and t.relname = any($1)
    order by t.relname, c.conname`, [tables]);
  return rows;
}

/**
 * Every index and constraint of the schema with its definition, one per line: compared before and
 * after the load, it must not change.
 */
export async function schemaFingerprint(client: ClientBase): Promise<string> {
  const { rows: [row] } = await client.query<{ fp: string }>(`select coalesce(string_agg(line, E'\\n' order by line), '') as fp from (
      select 'index ' || tablename || ' ' || indexname || ' ' || indexdef as line from pg_indexes where schemaname = current_schema()
      union all
      select 'constraint ' || t.relname || ' ' || c.conname || ' ' || pg_get_constraintdef(c.oid) || case when c.convalidated then '' else ' (not valid)' end
      from pg_constraint c join pg_class t on t.oid = c.conrelid join pg_namespace n on n.oid = t.relnamespace
      where n.nspname = current_schema()) s`);
  return row.fp;
}

/**
 * Where the definitions of dropped indexes wait until they are recreated: if the process dies in between,
 * the next run finds the file and recreates them first (and the message says so).
 */
export function pendingIndexFile(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  const name = `${url.hostname}_${url.port || '5432'}_${url.pathname.slice(1)}`.replace(/[^A-Za-z0-9_-]/g, '_');
  return join(tmpdir(), `bench-seed-dropped-${name}.json`);
}

/** What the seeder dropped and must put back. */
export interface Dropped { indexes: IndexDef[]; foreignKeys: IndexDef[] }

export function savePending(file: string, dropped: Dropped): void {
  writeFileSync(file, JSON.stringify(dropped, null, 2));
}

export function loadPending(file: string): Dropped | null {
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) as Dropped : null;
}

export function clearPending(file: string): void {
  if (existsSync(file)) unlinkSync(file);
}

export async function dropIndexes(client: ClientBase, defs: readonly IndexDef[]): Promise<void> {
  for (const def of defs) await client.query(`drop index if exists "${def.name}"`);
}

export async function dropForeignKeys(client: ClientBase, defs: readonly IndexDef[]): Promise<void> {
  for (const def of defs) await client.query(`alter table "${def.table}" drop constraint if exists "${def.name}"`);
}

/**
 * Adds foreign keys back under their own names and definitions; adding one checks every existing row
 * (and fails if one points nowhere). Skips one that exists (a resumed run). Up to `clients.length` at a time.
 */
export async function recreateForeignKeys(clients: readonly ClientBase[], defs: readonly IndexDef[],
  report: (def: IndexDef, seconds: number) => void): Promise<void> {
  await eachOnFreeClient(clients, defs, report, async (client, def) => {
    const { rows: [exists] } = await client.query(`select 1 from pg_constraint where conname = $1 and conrelid = $2::regclass`, [def.name, def.table]);
    if (!exists) await client.query(`alter table "${def.table}" add constraint "${def.name}" ${def.definition}`);
  });
}

/** Runs `build` for each definition in order, one per client at a time, and reports each with its seconds. */
async function eachOnFreeClient(clients: readonly ClientBase[], defs: readonly IndexDef[],
  report: (def: IndexDef, seconds: number) => void, build: (client: ClientBase, def: IndexDef) => Promise<unknown>): Promise<void> {
  const queue = [...defs];
  await Promise.all(clients.map(async (client) => {
    for (let def = queue.shift(); def; def = queue.shift()) {
      const started = process.hrtime.bigint();
      await build(client, def);
      report(def, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }));
}

/**
 * Recreates indexes from their definitions, on up to `parallel` connections at once (each index build
 * is one backend; PostgreSQL may add parallel workers to btree builds), the biggest tables first.
 * `if not exists` so a resumed run can repeat it. Reports each index as it is built.
 */
export async function recreateIndexes(clients: readonly ClientBase[], defs: readonly IndexDef[],
  report: (def: IndexDef, seconds: number) => void): Promise<void> {
  await eachOnFreeClient(clients, defs, report, (client, def) => client.query(def.definition.replace(/^CREATE INDEX /, 'CREATE INDEX IF NOT EXISTS ')));
}
