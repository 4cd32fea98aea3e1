import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../auth/principal';
import { AuditEvent, type FieldChangeValue } from '../entities/audit-event.entity';
import { ActorType, AuditAction } from '../entities/enums';
import type { ServiceContext } from './context';
import { fixedOrder, readModel } from './read-model';
import { visibleCustomer } from './scope';
import { and, codeNames, FALSE, isFalse, isTrue, join, or, raw, type Sql, sql } from './sql';

const json = (v: unknown): unknown => (v instanceof Date ? v.toISOString() : v === undefined ? null : v);

/** The changed fields between two states, as JSON values (old → new). */
export function diff(before: Record<string, unknown>, after: Record<string, unknown>, fields: string[]): FieldChangeValue[] {
  return fields
    .filter((f) => JSON.stringify(json(before[f])) !== JSON.stringify(json(after[f])))
    .map((f) => ({ field: f, old: json(before[f]), new: json(after[f]) }));
}

/**
 * The same as `diff`, in SQL, for set-based jobs: an audit entry's changes, the listed fields whose value
 * changed (old → new, as JSON), in list order. Expressions are trusted SQL text or fragments (with parameters).
 */
export function changesSql(fields: [name: string, oldExpr: string | Sql, newExpr: string | Sql][]): Sql {
  const expr = (e: string | Sql): Sql => (typeof e === 'string' ? raw(e) : e);
  const items = fields.map(([name, o, n]) =>
    sql`(case when ${expr(o)} is distinct from ${expr(n)} then jsonb_build_object('field', ${raw(`'${name}'`)}, 'old', to_jsonb(${expr(o)}), 'new', to_jsonb(${expr(n)})) end)`);
  return sql`(select coalesce(jsonb_agg(x), '[]'::jsonb) from (values ${join(items, ', ')}) as ch(x) where x is not null)`;
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


/** Who may read the audit entries of some audited types: a condition on the entry aliased `a` (trusted SQL). */
export interface AuditScope {
  types: string[];
  visible: (principal: Principal, a: string) => Sql;
}

/**
 * Entries about records of the customer that the caller may not see stay hidden: every audited type
 * follows the record scope of its own domain (`Domain.audit`, registered when the domains load). The
 * log fails closed: an entry of a type no domain gave a scope is hidden from everyone, so a new audited
 * type is invisible until its domain says who may read it.
 */
const AUDIT_SCOPES: AuditScope[] = [];

export function registerAuditScopes(scopes: AuditScope[]): void {
  for (const scope of scopes) {
    const known = scope.types.filter((t) => auditedTypes().includes(t));
    if (known.length) throw new Error(`Audit scope of ${known.join(', ')} is registered twice.`);
    AUDIT_SCOPES.push(scope);
  }
}

/** The audited types that have a scope. */
export function auditedTypes(): string[] {
  return AUDIT_SCOPES.flatMap((s) => s.types);
}

export function auditVisible(ctx: ServiceContext, alias = 'a'): Sql {
  const allowed = AUDIT_SCOPES.flatMap(({ types, visible }) => {
    const scope = visible(ctx.principal, alias);
    if (isFalse(scope)) return [];
    const ofType = sql`${raw(alias)}.entity_type = any(${codeNames(types)})`;
    return [isTrue(scope) ? ofType : sql`(${ofType} and ${scope})`];
  });
  return allowed.length ? sql`(${or(allowed)})` : FALSE;
}

/**
 * The audit log of customers and their contacts, newest first (the id breaks ties): by id for
 * `node(id)` when the customer is visible, and one page per (already visible) customer in one
 * statement for `Customer.history`; entries of records the caller may not see are left out.
 */
export const historyReads = readModel<AuditEvent>()({
  entity: 'AuditEvent', table: 'audit_event', alias: 'a', parentColumn: 'a.customer_id',
  visible: (ctx) => and([visibleCustomer(ctx.principal, 'a.customer_id'), auditVisible(ctx)]),
  visibleUnderParent: (ctx) => auditVisible(ctx),
  order: fixedOrder('history', [
    { expr: 'a.at', dir: 'DESC', get: (r) => r.at },
    { expr: 'a.id', dir: 'DESC', get: (r) => r.id },
  ]),
});

/** Audit entries by id, if their customer is visible to the caller (and their type to its role). */
export const auditEventsByIds = historyReads.byIds;
