import type { EntityManager } from '@mikro-orm/postgresql';

/** A parameter of a seed row. */
export type Value = string | number | boolean | null;
/** A column and the cast of its parameter (explicit casts keep multi-row VALUES typed). */
export type Column = [name: string, cast: string];

const BATCH = 250;

/** Multi-row INSERTs of `rows` (in batches, in order) into `table`; nothing for no rows. */
export async function insertRows(em: EntityManager, table: string, columns: Column[], rows: Value[][]): Promise<void> {
  for (let at = 0; at < rows.length; at += BATCH) {
    const part = rows.slice(at, at + BATCH);
    const tuple = `(${columns.map(([, cast]) => `?::${cast}`).join(', ')})`;
    await em.execute(`insert into ${table} (${columns.map(([name]) => name).join(', ')}) values ${part.map(() => tuple).join(', ')}`, part.flat(), 'run');
  }
}

/** `count` numbers from `sequence`, formatted as the API makes them (`CT-000042`, `INV-…`, `CS-…`). */
export async function numbers(em: EntityManager, sequence: string, prefix: string, count: number): Promise<string[]> {
  const found = await em.execute<{ n: string }[]>(`select nextval('${sequence}')::text as n from generate_series(1, ?::int)`, [count]);
  return found.map((r) => `${prefix}-${r.n.padStart(6, '0')}`);
}
