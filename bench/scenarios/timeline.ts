import { compareIds, dec, day, iso, json, millis, nodes, relay } from './canonical';
import type { ReadScenario } from './types';

/**
 * A customer's timeline page: the newest 50 entries of every kind the API merges into it (activities,
 * deal stage changes, audit entries, cases, orders, contracts, payments, loyalty tier changes), in the
 * API's order (time, then the kind's rank, then id; all descending), with whether a next page exists.
 * As ADMIN every kind is shown, with the API's visibility rules written out in SQL for the raw side:
 * activities that are not deleted, stage changes of deals that are not deleted, and audit entries of
 * the audited types whose record the rules can find (see AUDIT_VISIBLE).
 */
export interface TimelineInput { id: string }

const PAGE = 50;
const TAKE = PAGE + 1; // one more than the page says whether there is a next one

type Node = Record<string, unknown> & { id: string };

/** Each kind of entry: its rank (ties at the same instant: higher first), and its node as canonical fields. */
const KINDS: Record<string, { rank: number; node: (n: any) => Node }> = {
  TIER_CHANGE: { rank: 9, node: (n) => ({ id: n.id, fromTier: n.fromTier ?? null, toTier: n.toTier, reason: n.reason }) },
  CASE: { rank: 7, node: (n) => ({ id: n.id, number: n.number, subject: n.subject, status: n.status, priority: n.priority }) },
  ORDER: { rank: 6, node: (n) => ({ id: n.id, externalRef: n.externalRef ?? null, status: n.status, total: dec(n.total), currency: n.currency }) },
  CONTRACT: { rank: 5, node: (n) => ({ id: n.id, number: n.number, title: n.title, status: n.status, value: dec(n.value), currency: n.currency }) },
  PAYMENT: { rank: 4, node: (n) => ({ id: n.id, amount: dec(n.amount), currency: n.currency, method: n.method, receivedOn: day(n.receivedOn) }) },
  ACTIVITY: {
    rank: 3,
    node: (n) => ({
      id: n.id, type: n.type, direction: n.direction ?? null, subject: n.subject, outcome: n.outcome ?? null,
      durationMinutes: n.durationMinutes ?? null, performedBy: n.performedBy ?? null,
    }),
  },
  STAGE_CHANGE: { rank: 2, node: (n) => ({ id: n.id, fromStage: n.fromStage ?? null, toStage: n.toStage, probability: n.probability }) },
  AUDIT_EVENT: {
    rank: 1,
    node: (n) => ({
      id: n.id, entityType: n.entityType, action: n.action,
      changes: (n.changes as any[]).map((c) => ({ field: c.field, oldValue: json(c.oldValue), newValue: json(c.newValue), redacted: c.redacted })),
    }),
  },
};

interface Entry { kind: string; at: string | null; node: Node }
const entry = (kind: string, at: unknown, node: any): Entry => {
  if (!KINDS[kind]) throw new Error(`Unknown timeline kind ${kind}: add it to bench/scenarios/timeline.ts`);
  return { kind, at: iso(at), node: KINDS[kind].node(node) };
};
/** The page; the API says whether there is a next one, the other sides know it from the extra row. */
const page = (c: { id: string; name: string | null }, entries: Entry[], hasNextPage = entries.length > PAGE) => ({
  id: c.id, name: c.name, entries: entries.slice(0, PAGE), hasNextPage,
});

/** The stored audit changes (`[{ field, old, new }]`) as the API shows them to a reader who may see every field. */
const storedChanges = (changes: any[]) => changes.map((c) => ({ field: c.field, oldValue: c.old ?? null, newValue: c.new ?? null, redacted: false }));

const API_QUERY = `query CustomerTimeline($id: ID!) {
  customer(id: $id) {
    id name
    timeline(first: ${PAGE}) {
      edges {
        kind at
        node {
          # \`status\` has a different enum in each of these types: GraphQL wants them apart
          ... on TierChange { id fromTier toTier reason }
          ... on ServiceCase { id number subject caseStatus: status priority }
          ... on Order { id externalRef orderStatus: status total currency }
          ... on Contract { id number title contractStatus: status value currency }
          ... on Payment { id amount currency method receivedOn }
          ... on Activity { id type direction subject outcome durationMinutes performedBy { name } }
          ... on OpportunityStageChange { id fromStage toStage probability }
          ... on AuditEvent { id entityType action changes { field oldValue newValue redacted } }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

/**
 * PostGraphile 4 has no merged stream: one connection per source, each cut at the page size + 1 in
 * its own order, merged here in the API's order. What it cannot filter — stage changes and audit
 * entries of deleted deals, audit entries the API hides — the inputs avoid (customers without
 * deleted deals and without hidden audit entries), so both sides see the same rows. The audit log has
 * no foreign key to the customer (it outlives records), so PostGraphile reads it from the root, with a
 * condition on its customer column (a second statement within the same request).
 */
const by = (time: string) => `first: ${TAKE}, orderBy: [${time}_DESC, ID_DESC]`;
const PG4_QUERY = `query CustomerTimeline($id: String!) {
  customerById(id: $id) {
    id name deletedAt
    loyaltyTierChangesByCustomerId(${by('CREATED_AT')}) { nodes { id createdAt fromTier toTier reason } }
    serviceCasesByCustomerId(${by('CREATED_AT')}) { nodes { id createdAt number subject status priority } }
    salesOrdersByCustomerId(${by('CREATED_AT')}) { nodes { id createdAt externalRef status total currency } }
    contractsByCustomerId(${by('CREATED_AT')}) { nodes { id createdAt number title status value currency } }
    paymentsByCustomerId(${by('CREATED_AT')}) { nodes { id createdAt amount currency method receivedOn } }
    activitiesByCustomerId(${by('OCCURRED_AT')}, condition: { deletedAt: null }) {
      nodes { id occurredAt type direction subject outcome durationMinutes appUserByPerformedById { name } }
    }
    opportunityStageChangesByCustomerId(${by('AT')}) { nodes { id at fromStage toStage probability } }
  }
  allAuditEvents(${by('AT')}, condition: { customerId: $id }) { nodes { id at entityType action changes } }
}`;

/** The merged order of the timeline: newest first, then the kind's rank, then the id, all descending. */
const newestFirst = (a: { kind: string; at: unknown; id: string }, b: { kind: string; at: unknown; id: string }) =>
  millis(b.at) - millis(a.at) || KINDS[b.kind].rank - KINDS[a.kind].rank || compareIds(b.id, a.id);

/**
 * Audit entries an ADMIN sees (src/services/audit.service.ts `auditVisible` with every domain's scope
 * for ADMIN): the audited types whose scope is "all", and for orders, deals, quotes and leads only
 * entries whose record exists (an order's only while its customer is live). Other types are hidden.
 */
const AUDIT_VISIBLE = `(e.entity_type in ('Customer', 'Contact', 'Receivable', 'Payment', 'CreditHold', 'CreditAssessment', 'Contract',
      'Membership', 'LoyaltyProgramme', 'Offer', 'Asset', 'ServiceCase')
    or (e.entity_type = 'Order' and exists (select 1 from sales_order o join customer oc on oc.id = o.customer_id and oc.deleted_at is null where o.id = e.entity_id))
    or (e.entity_type = 'Opportunity' and exists (select 1 from opportunity o where o.id = e.entity_id))
    or (e.entity_type = 'Quote' and exists (select 1 from quote q join opportunity o on o.id = q.opportunity_id where q.id = e.entity_id))
    or (e.entity_type = 'Lead' and exists (select 1 from lead l where l.id = e.entity_id)))`;

/**
 * One statement: the live customer, and its page as a JSON array: every source cut at the page size + 1
 * on its own `(customer_id, time, id)` order, merged, cut again. Decimals and dates go out as text.
 */
const source = (kind: string, from: string, at: string, where: string, data: string) => `(select '${kind}' as kind, ${KINDS[kind].rank} as rank, x.id, ${at} as at,
        jsonb_build_object(${data}) as data
      from ${from} where x.customer_id = $1${where ? ` and ${where}` : ''} order by ${at} desc, x.id desc limit ${TAKE})`;
const RAW = `select c.id, c.name, (
    select coalesce(json_agg(t order by t.at desc, t.rank desc, t.id desc), '[]') from (
      select u.kind, u.rank, u.id, u.at, u.data from (
      ${[
    source('TIER_CHANGE', 'loyalty_tier_change x', 'x.created_at', '', `'fromTier', x.from_tier, 'toTier', x.to_tier, 'reason', x.reason`),
    source('CASE', 'service_case x', 'x.created_at', '', `'number', x.number, 'subject', x.subject, 'status', x.status, 'priority', x.priority`),
    source('ORDER', 'sales_order x', 'x.created_at', '', `'externalRef', x.external_ref, 'status', x.status, 'total', x.total::text, 'currency', x.currency`),
    source('CONTRACT', 'contract x', 'x.created_at', '', `'number', x.number, 'title', x.title, 'status', x.status, 'value', x.value::text, 'currency', x.currency`),
    source('PAYMENT', 'payment x', 'x.created_at', '', `'amount', x.amount::text, 'currency', x.currency, 'method', x.method, 'receivedOn', x.received_on::text`),
    source('ACTIVITY', 'activity x join app_user p on p.id = x.performed_by_id', 'x.occurred_at', 'x.deleted_at is null',
      `'type', x.type, 'direction', x.direction, 'subject', x.subject, 'outcome', x.outcome, 'durationMinutes', x.duration_minutes, 'performedBy', jsonb_build_object('name', p.name)`),
    source('STAGE_CHANGE', 'opportunity_stage_change x', 'x.at', 'exists (select 1 from opportunity o where o.id = x.opportunity_id and o.deleted_at is null)',
      `'fromStage', x.from_stage, 'toStage', x.to_stage, 'probability', x.probability`),
    source('AUDIT_EVENT', 'audit_event x', 'x.at', AUDIT_VISIBLE.replace(/\be\./g, 'x.'), `'entityType', x.entity_type, 'action', x.action, 'changes', x.changes`),
  ].join('\n      union all\n      ')}
      ) u
      order by u.at desc, u.rank desc, u.id desc limit ${TAKE}
    ) t
  ) as entries
  from customer c where c.id = $1 and c.deleted_at is null`;

/**
 * Busy customers: the most activities (one scan of the activity table; seconds at ten million rows),
 * then the newest customers, so there are inputs even without activities. Only customers the
 * PostGraphile side can answer like the API (see PG4_QUERY).
 */
const INPUTS = `with candidates as (
    (select a.customer_id as id, count(*)::int as n from activity a where a.deleted_at is null
      group by a.customer_id order by n desc, a.customer_id limit $2)
    union all
    (select c.id, 0 from customer c where c.deleted_at is null order by c.created_at desc, c.id desc limit $2)
  )
  select x.id, max(x.n) as n from candidates x join customer c on c.id = x.id and c.deleted_at is null
  where not exists (select 1 from opportunity o where o.customer_id = x.id and o.deleted_at is not null)
    and not exists (select 1 from audit_event e where e.customer_id = x.id and not ${AUDIT_VISIBLE})
  group by x.id
  order by max(x.n) desc, x.id
  limit $1`;

export const timeline: ReadScenario<TimelineInput> = {
  name: 'timeline',
  title: `a customer's timeline page of ${PAGE} entries (every kind, merged newest first)`,

  async inputs(query, { count }) {
    return (await query(INPUTS, [count, count * 4 + 50])).map((r) => ({ id: r.id as string }));
  },

  api: {
    query: API_QUERY,
    variables: ({ id }) => ({ id }),
    canonical: ({ customer: c }) => c && page(
      c,
      c.timeline.edges.map(({ kind, at, node: n }: any) =>
        entry(kind, at, { ...n, status: n.caseStatus ?? n.orderStatus ?? n.contractStatus, performedBy: n.performedBy?.name })),
      c.timeline.pageInfo.hasNextPage,
    ),
  },

  postgraphile: {
    query: relay(PG4_QUERY),
    variables: ({ id }) => ({ id }),
    canonical: ({ customerById: c, allAuditEvents: audit }) => {
      if (!c || c.deletedAt) return null;
      const rows = [
        ...nodes(c.loyaltyTierChangesByCustomerId).map((n: any) => ({ kind: 'TIER_CHANGE', at: n.createdAt, id: n.id, n })),
        ...nodes(c.serviceCasesByCustomerId).map((n: any) => ({ kind: 'CASE', at: n.createdAt, id: n.id, n })),
        ...nodes(c.salesOrdersByCustomerId).map((n: any) => ({ kind: 'ORDER', at: n.createdAt, id: n.id, n })),
        ...nodes(c.contractsByCustomerId).map((n: any) => ({ kind: 'CONTRACT', at: n.createdAt, id: n.id, n })),
        ...nodes(c.paymentsByCustomerId).map((n: any) => ({ kind: 'PAYMENT', at: n.createdAt, id: n.id, n })),
        ...nodes(c.activitiesByCustomerId).map((n: any) => ({ kind: 'ACTIVITY', at: n.occurredAt, id: n.id, n: { ...n, performedBy: n.appUserByPerformedById?.name } })),
        ...nodes(c.opportunityStageChangesByCustomerId).map((n: any) => ({ kind: 'STAGE_CHANGE', at: n.at, id: n.id, n })),
        ...nodes(audit).map((n: any) => ({ kind: 'AUDIT_EVENT', at: n.at, id: n.id, n: { ...n, changes: storedChanges(n.changes) } })),
      ].sort(newestFirst).slice(0, TAKE);
      return page(c, rows.map((r) => entry(r.kind, r.at, r.n)));
    },
  },

  async raw(query, { id }) {
    const [c] = await query(RAW, [id]);
    if (!c) return null;
    return page({ id: c.id, name: c.name }, c.entries.map((t: any) => {
      const node = { id: t.id, ...t.data };
      if (t.kind === 'AUDIT_EVENT') node.changes = storedChanges(node.changes);
      if (t.kind === 'ACTIVITY') node.performedBy = node.performedBy?.name;
      return entry(t.kind, t.at, node);
    }));
  },
};
