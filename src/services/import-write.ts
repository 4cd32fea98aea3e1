import type { EntityManager } from '@mikro-orm/postgresql';
import { exec, raw, sql, type Sql } from './sql';

/**
 * Set-based writes of an import batch: the rows travel as ONE JSON parameter and PostgreSQL turns it into a
 * record set (`jsonb_to_recordset`), so a batch of 1,000 rows is one insert and one update statement, not
 * 1,000 ORM flushes. Column names and types come from the entity's metadata (code, never input).
 */

interface Column { prop: string; column: string; type: string }

function columnsFor(em: EntityManager, entity: string, props: readonly string[]): Column[] {
  const meta = em.getMetadata().find(entity);
  if (!meta) throw new Error(`Unknown entity ${entity}`);
  return props.map((prop) => {
    const p = meta.properties[prop as keyof typeof meta.properties] as { fieldNames?: string[]; columnTypes?: string[] } | undefined;
    if (!p?.fieldNames?.length || !p.columnTypes?.length) throw new Error(`${entity}.${prop} is not a column`);
    return { prop, column: p.fieldNames[0], type: p.columnTypes[0] };
  });
}

const quoted = (name: string) => `"${name}"`;

/** `jsonb_to_recordset(?::jsonb) as x("col" type, …)` over the given values (keyed by column name). */
function recordset(columns: Column[], values: Record<string, unknown>[]): Sql {
  const json = JSON.stringify(values.map((v) => Object.fromEntries(columns.map((c) => [c.column, v[c.prop] ?? null]))));
  return sql`jsonb_to_recordset(${json}::jsonb) as x(${raw(columns.map((c) => `${quoted(c.column)} ${c.type}`).join(', '))})`;
}

/** Inserts the rows (each a property → value object, the same properties on each) in one statement. */
export async function insertRows(em: EntityManager, entity: string, table: string, props: readonly string[], values: Record<string, unknown>[]): Promise<void> {
  if (!values.length) return;
  const columns = columnsFor(em, entity, props);
  const names = raw(columns.map((c) => quoted(c.column)).join(', '));
  await exec(em, sql`insert into ${raw(table)} (${names}) select ${names} from ${recordset(columns, values)}`);
}

/**
 * Updates the rows by id in one statement: the listed properties are set to the given values (the caller
 * merged the old values in), `updated_at` and `version` move on.
 */
export async function updateRows(em: EntityManager, entity: string, table: string, props: readonly string[], values: Record<string, unknown>[]): Promise<void> {
  if (!values.length) return;
  const columns = columnsFor(em, entity, ['id', ...props]);
  const sets = columns.slice(1).map((c) => `${quoted(c.column)} = x.${quoted(c.column)}`);
  await exec(em, sql`update ${raw(table)} t set ${raw([...sets, 'updated_at = now()', 'version = t.version + 1'].join(', '))}
    from ${recordset(columns, values)} where t.id = x.id`);
}

/** Audit entries, one per row, in one statement (the `changes` computed with `diff`, as the services do). */
export async function insertAudit(em: EntityManager, entries: { id: string; entityType: string; entityId: string; customerId: string; action: string; actorType: string; actorId: string | null; changes: unknown[] }[]): Promise<void> {
  if (!entries.length) return;
  const json = JSON.stringify(entries);
  await exec(em, sql`insert into audit_event (id, entity_type, entity_id, customer_id, action, actor_type, actor_id, at, changes)
    select x.id, x."entityType", x."entityId", x."customerId", x.action, x."actorType", x."actorId", now(), x.changes
    from jsonb_to_recordset(${json}::jsonb) as x(id text, "entityType" text, "entityId" text, "customerId" text, action text, "actorType" text, "actorId" text, changes jsonb)`);
}
