import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../auth/principal';
import { AuditEvent, type FieldChangeValue } from '../entities/audit-event.entity';
import { ActorType, AuditAction } from '../entities/enums';
import type { ServiceContext } from './context';
import { expandKeys, pageRequest, type Connection, type ConnectionArgs, type SortKey } from './pagination';
import { pagesByParent } from './pages-by-parent';
import { accountScope, caseScope, contractScope, leadScope, opportunityScope, orderScope, visibleCustomer } from './scope';
import { and, columnsOf, join, list, raw, rows, sql, type Sql } from './sql';

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

const HISTORY_KEYS: SortKey<AuditEvent>[] = expandKeys<AuditEvent>([
  { expr: 'a.at', dir: 'DESC', get: (r) => r.at },
  { expr: 'a.id', dir: 'DESC', get: (r) => r.id },
]);

/**
 * Entries about records of the customer that the caller may not see stay hidden: every audited type
 * besides the customer and its contacts follows the record scope of its own domain, as a condition on
 * the entry aliased `a` (trusted SQL). An opportunity's entries, and those of its quotes, follow the
 * opportunity's scope (another rep's deal on my customer is not mine to read); a deleted deal keeps its
 * entries (the log says who deleted it).
 */
const ENTRY_SCOPES: { types: string[]; visible: (principal: Principal, a: string) => Sql }[] = [
  { types: ['Opportunity'], visible: (p, a) => sql`exists (select 1 from opportunity o where o.id = ${raw(a)}.entity_id and ${opportunityScope(p, 'o')})` },
  {
    types: ['Quote'],
    visible: (p, a) => sql`exists (select 1 from quote q join opportunity o on o.id = q.opportunity_id
      where q.id = ${raw(a)}.entity_id and ${opportunityScope(p, 'o')})`,
  },
  { types: ['Lead'], visible: (p, a) => sql`exists (select 1 from lead l where l.id = ${raw(a)}.entity_id and ${leadScope(p, 'l')})` },
  { types: ['Order'], visible: (p, a) => sql`exists (select 1 from sales_order o where o.id = ${raw(a)}.entity_id and ${orderScope(p)})` },
  // Money and credit only for those who see the customer's account; contracts also for service.
  { types: ['Receivable', 'Payment', 'CreditHold', 'CreditAssessment'], visible: (p, a) => accountScope(p, `${a}.customer_id`) },
  { types: ['Contract'], visible: (p, a) => contractScope(p, `${a}.customer_id`) },
  // Service entries (assets, cases) only for those who read the customer's cases.
  { types: ['Asset', 'ServiceCase'], visible: (p, a) => caseScope(p, `${a}.customer_id`) },
];

export function auditVisible(ctx: ServiceContext, alias = 'a'): Sql {
  return and(ENTRY_SCOPES.map(({ types, visible }) => {
    const scope = visible(ctx.principal, alias);
    if (scope.text === 'true') return scope;
    const otherType = sql`${raw(alias)}.entity_type not in ${list(types)}`;
    return scope.text === 'false' ? otherType : sql`(${otherType} or ${scope})`;
  }));
}

/**
 * Audit entries of several (already visible) customers and their contacts, newest first: one page
 * per customer in one statement.
 */
export async function historyPagesByCustomer(
  ctx: ServiceContext,
  customerIds: readonly string[],
  args: ConnectionArgs,
  countFor: (customerId: string) => Promise<number>,
): Promise<Map<string, Connection<AuditEvent>>> {
  return pagesByParent<AuditEvent>(ctx.em, {
    parentIds: customerIds, columns: columnsOf(ctx.em, 'AuditEvent', 'a'), from: 'audit_event a', parentColumn: 'a.customer_id',
    where: auditVisible(ctx),
    keys: HISTORY_KEYS, req: pageRequest(args, 'history'), signature: 'history', countFor,
  });
}

export async function historyCountsByCustomer(ctx: ServiceContext, customerIds: readonly string[]): Promise<Map<string, number>> {
  if (!customerIds.length) return new Map();
  const counted = await rows<{ id: string; n: number }>(ctx.em, sql`select a.customer_id as id, count(*)::int as n
    from audit_event a where a.customer_id in ${list([...customerIds])} and ${auditVisible(ctx)} group by a.customer_id`);
  return new Map(counted.map((r) => [r.id, r.n]));
}

/** One audit entry by id, if its customer is visible to the caller. */
export async function auditEventsByIds(ctx: ServiceContext, ids: readonly string[]) {
  if (!ids.length) return [];
  return rows(ctx.em, sql`select ${columnsOf(ctx.em, 'AuditEvent', 'a')} from audit_event a
    where a.id in ${list([...ids])} and ${visibleCustomer(ctx.principal, 'a.customer_id')} and ${auditVisible(ctx)}`);
}
