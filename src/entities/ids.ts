import { randomUUID } from 'node:crypto';

/**
 * Opaque, typed identifiers: `cus_3f1c…`. The prefix lets `node(id)` find the type without a lookup;
 * the random part never reveals counts or creation order.
 */
export const ID_PREFIX = {
  User: 'usr',
  Customer: 'cus',
  Contact: 'con',
  ApiKey: 'key',
  AuditEvent: 'aud',
  CustomerExternalRef: 'ext',
  Activity: 'act',
  Task: 'tsk',
  Campaign: 'cmp',
  Lead: 'led',
  Opportunity: 'opp',
  OpportunityStageChange: 'stg',
  Quote: 'quo',
  QuoteLine: 'qln',
  Product: 'prd',
  Order: 'ord',
  OrderLine: 'oln',
  Contract: 'ctr',
  Receivable: 'rcv',
  Payment: 'pay',
  PaymentAllocation: 'pal',
  CreditAssessment: 'cra',
  CreditHold: 'crh',
  Asset: 'ast',
  ServiceCase: 'cas',
  CaseComment: 'cmt',
  ServiceQueue: 'que',
  Survey: 'srv',
  ProductFeedback: 'fbk',
} as const;

export type NodeTypeName = keyof typeof ID_PREFIX;

export function newId(type: NodeTypeName): string {
  return `${ID_PREFIX[type]}_${randomUUID().replace(/-/g, '')}`;
}

const typeByPrefix = new Map<string, NodeTypeName>(Object.entries(ID_PREFIX).map(([type, prefix]) => [prefix, type as NodeTypeName]));

/** The type an id belongs to, or null for anything that is not one of our ids. */
export function typeOfId(id: string): NodeTypeName | null {
  const match = /^([a-z]{3})_[0-9a-f]{32}$/.exec(id);
  return match ? (typeByPrefix.get(match[1]) ?? null) : null;
}

/** A many-to-one read as a plain row is the bare foreign key; a managed entity is an object. */
export function refId(ref: unknown): string | null {
  if (ref == null) return null;
  if (typeof ref === 'string') return ref;
  return (ref as { id: string }).id;
}
