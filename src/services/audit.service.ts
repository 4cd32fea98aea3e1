import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../auth/principal';
import { AuditEvent, type FieldChangeValue } from '../entities/audit-event.entity';
import { ActorType, AuditAction } from '../entities/enums';
import { customerScope } from './scope';
import type { ServiceContext } from './context';
import { expandKeys, keysetSql, lazyCount, orderSql, pageRequest, toConnection, type ConnectionArgs, type SortKey } from './pagination';
import { columnsOf, list, rows, sql, type Sql } from './sql';

const json = (v: unknown): unknown => (v instanceof Date ? v.toISOString() : v === undefined ? null : v);

/** The changed fields between two states, as JSON values (old → new). */
export function diff(before: Record<string, unknown>, after: Record<string, unknown>, fields: string[]): FieldChangeValue[] {
  return fields
    .filter((f) => JSON.stringify(json(before[f])) !== JSON.stringify(json(after[f])))
    .map((f) => ({ field: f, old: json(before[f]), new: json(after[f]) }));
}

export function actorOf(principal: Principal | null): { actorType: ActorType; actorId: string | null } {
  if (!principal) return { actorType: ActorType.SYSTEM, actorId: null };
  return { actorType: principal.type === 'USER' ? ActorType.USER : ActorType.API_KEY, actorId: principal.id };
}

/** Adds an audit entry to the unit of work: it commits or rolls back with the change it records. */
export function recordAudit(
  em: EntityManager,
  principal: Principal | null,
  entry: { entityType: string; entityId: string; customerId: string; action: AuditAction; changes?: FieldChangeValue[] },
): AuditEvent {
  const event = em.create(AuditEvent, { ...entry, ...actorOf(principal), changes: entry.changes ?? [], at: new Date() });
  em.persist(event);
  return event;
}

const HISTORY_KEYS: SortKey[] = expandKeys([
  { expr: 'a.at', dir: 'DESC', get: (r) => r.at },
  { expr: 'a.id', dir: 'DESC', get: (r) => r.id },
]);

/** Audit entries of a customer and its contacts, newest first. The customer must be visible. */
export async function customerHistory(ctx: ServiceContext, customerId: string, args: ConnectionArgs) {
  const req = pageRequest(args, 'history');
  const where: Sql = sql`a.customer_id = ${customerId}
    and exists (select 1 from customer c where c.id = a.customer_id and ${customerScope(ctx.principal)})`;
  const fetched = await rows(ctx.em, sql`select ${columnsOf(ctx.em, 'AuditEvent', 'a')} from audit_event a
    where ${where} and ${keysetSql(HISTORY_KEYS, req.cursor, req.backward)}
    order by ${orderSql(HISTORY_KEYS, req.backward)} limit ${req.limit + 1}`);
  const count = lazyCount(async () => (await rows<{ n: number }>(ctx.em, sql`select count(*)::int as n from audit_event a where ${where}`))[0].n);
  return toConnection(fetched, req, HISTORY_KEYS, 'history', count);
}

/** One audit entry by id, if its customer is visible to the caller. */
export async function auditEventsByIds(ctx: ServiceContext, ids: readonly string[]) {
  if (!ids.length) return [];
  return rows(ctx.em, sql`select ${columnsOf(ctx.em, 'AuditEvent', 'a')} from audit_event a
    join customer c on c.id = a.customer_id
    where a.id in ${list([...ids])} and ${customerScope(ctx.principal)}`);
}
