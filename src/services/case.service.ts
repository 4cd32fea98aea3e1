import { z } from 'zod';
import type { Principal } from '../auth/principal';
import { Customer } from '../entities/customer.entity';
import { AuditAction, Role } from '../entities/enums';
import { refId } from '../entities/ids';
import { CaseChannel, CasePriority, CaseStatus, CaseType } from '../entities/service.enums';
import { ServiceCase } from '../entities/service-case.entity';
import { ServiceQueue } from '../entities/service-queue.entity';
import { Contact } from '../entities/contact.entity';
import { Asset } from '../entities/asset.entity';
import { User } from '../entities/user.entity';
import { diff, recordAudit } from './audit.service';
import { recordEvent } from './outbox';
import type { ServiceContext } from './context';
import { RollbackWithErrors, userError, type UserError } from './errors';
import type { FilterSpec } from './filter';
import {
  type Connection, type ConnectionArgs, type SortKey, expandKeys, pageRequest, } from './pagination';
import { visibleCustomerId } from './customer.service';
import { caseWorkerErrors, slaMinutes } from './queue.service';
import { CASE_WORKERS } from '../auth/roles';
import { caseScope, liveCustomer } from './scope';
import { createSurvey } from './survey.service';
import { and, raw, rows, sql, type Sql } from './sql';
import { readModel, type ListArgs, type SortFieldOf, type SortTable } from './read-model';
import { fail, inTransaction } from './transaction';
import { ID, optionalText, parseInput, text, type InputOf } from './validation';

/**
 * Service cases (issue 5).
 *
 * Rules (also in the schema descriptions and the README):
 * - Reads: `caseScope` in SQL — ADMIN and SERVICE_AGENT all cases; SALES_MANAGER and SALES_REP
 *   (read-only) and PARTNER (its own record and the customers it resells to) the cases of customers
 *   in their `customerScope`; cases of deleted customers are hidden. Others: nothing.
 * - Writes (who may call: src/auth/case.permissions.ts): `CASE_WORKERS` on every case. A PARTNER (user or key) opens cases for customers
 *   in its scope (channel forced to PARTNER, no assignee or queue), adds PUBLIC comments to and
 *   reopens the cases it sees. Anything else is NOT_FOUND.
 * - SLA: opening sets `firstResponseDueAt` / `resolutionDueAt` = opened + the priority's policy
 *   minutes (policies read at that moment: changing a policy affects new cases only; changing a
 *   case's priority recomputes both from its `createdAt` with the current policy).
 * - Breach (`slaBreached`, the `breached` filter, the SLA job and the stats): BREACHED_SQL /
 *   `isBreached`, one rule. The first response is late when it came after its due time, or has not
 *   come and the due time has passed; a case resolved without a public reply counts its resolution
 *   as the response (the clock stops). The same for the resolution with `resolvedAt`.
 * - Status: TRANSITIONS below; CLOSED only from RESOLVED; RESOLVED and CLOSED only by `reopenCase`,
 *   within REOPEN_WINDOW_DAYS after `resolvedAt`. → RESOLVED sets `resolvedAt` and creates the
 *   satisfaction survey (`createSurvey`).
 * - Every change is audited (entityType 'ServiceCase') on the customer; comment bodies never are.
 */

export type CaseRow = ServiceCase;
export type CaseOrderField = SortFieldOf<typeof CASE_ORDER>;
export type CaseListArgs = ListArgs<typeof CASE_ORDER, typeof CASE_FILTER>;

/** How long after `resolvedAt` a RESOLVED or CLOSED case can be reopened. */
const REOPEN_WINDOW_DAYS = 14;
const DAY_MS = 86_400_000;

/**
 * The SLA breach of the case row aliased `alias` as of an instant `at` (trusted SQL: `now()`, or a
 * timestamptz parameter for the SLA job's clock): the first response came late or is overdue (a
 * resolution without a public reply counts as the response: the clock stops), or the resolution came
 * late or is overdue. Same rule as `isBreached`.
 */
export function breachedAt(alias: string, at: Sql): Sql {
  const col = (name: string) => raw(`${alias}.${name}`);
  return sql`(coalesce(${col('first_responded_at')}, ${col('resolved_at')}, ${at}) > ${col('first_response_due_at')}
    or coalesce(${col('resolved_at')}, ${at}) > ${col('resolution_due_at')})`;
}

/** `breachedAt` now, as one boolean SQL expression without parameters (usable as a filter expression). */
export const BREACHED_SQL = (alias: string): Sql => breachedAt(alias, raw('now()'));

type SlaTimes = Pick<ServiceCase, 'firstResponseDueAt' | 'resolutionDueAt' | 'firstRespondedAt' | 'resolvedAt'>;

/** The `slaBreached` flag of a row or managed entity at `now`: BREACHED_SQL in JavaScript. */
export function isBreached(c: SlaTimes, now = new Date()): boolean {
  const ms = (d: Date | string | null | undefined) => (d == null ? null : new Date(d).getTime());
  const responded = ms(c.firstRespondedAt) ?? ms(c.resolvedAt) ?? now.getTime();
  const resolved = ms(c.resolvedAt) ?? now.getTime();
  return responded > ms(c.firstResponseDueAt)! || resolved > ms(c.resolutionDueAt)!;
}

/** The legal moves of `changeCaseStatus`; RESOLVED and CLOSED go back only through `reopenCase`. */
const TRANSITIONS: Record<CaseStatus, CaseStatus[]> = {
  [CaseStatus.NEW]: [CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS, CaseStatus.RESOLVED],
  [CaseStatus.ASSIGNED]: [CaseStatus.IN_PROGRESS, CaseStatus.WAITING_ON_CUSTOMER, CaseStatus.RESOLVED],
  [CaseStatus.IN_PROGRESS]: [CaseStatus.WAITING_ON_CUSTOMER, CaseStatus.RESOLVED],
  [CaseStatus.WAITING_ON_CUSTOMER]: [CaseStatus.IN_PROGRESS, CaseStatus.RESOLVED],
  [CaseStatus.RESOLVED]: [CaseStatus.CLOSED],
  [CaseStatus.CLOSED]: [],
};

/** The statuses of finished cases; every other status is open. */
const FINISHED_STATUSES_SQL = `('${CaseStatus.RESOLVED}', '${CaseStatus.CLOSED}')`;

/** The sort enum `CaseOrderField` (schema/case.inputs.ts registers it from this table). */
export const CASE_ORDER = {
  CREATED_AT: { expr: 'k.created_at', get: (r) => r.createdAt, description: 'When the case was opened (the default, newest first).' },
  UPDATED_AT: {
    expr: 'k.updated_at', get: (r) => r.updatedAt,
    description: 'When the case last changed (`ServiceCase.updatedAt`); ties are broken by id, so cursors are stable for polling.',
  },
  PRIORITY: { expr: 'k.priority', get: (r) => r.priority, description: 'The priority; ASC puts P1 (most urgent) first.' },
  RESOLUTION_DUE_AT: { expr: 'k.resolution_due_at', get: (r) => r.resolutionDueAt, description: 'When the resolution is due; ASC puts the most pressing first.' },
} satisfies SortTable<CaseRow>;

/** The fields of the GraphQL `CaseFilter` (which checks it names the same ones). */
export const CASE_FILTER = {
  id: { expr: 'k.id', kind: 'scalar' },
  number: { expr: 'k.number', kind: 'text' },
  status: { expr: 'k.status', kind: 'scalar' },
  type: { expr: 'k.type', kind: 'scalar' },
  priority: { expr: 'k.priority', kind: 'scalar' },
  channel: { expr: 'k.channel', kind: 'scalar' },
  queueId: { expr: 'k.queue_id', kind: 'scalar' },
  assigneeId: { expr: 'k.assignee_id', kind: 'scalar' },
  customerId: { expr: 'k.customer_id', kind: 'scalar' },
  contactId: { expr: 'k.contact_id', kind: 'scalar' },
  assetId: { expr: 'k.asset_id', kind: 'scalar' },
  createdAt: { expr: 'k.created_at', kind: 'scalar' },
  updatedAt: { expr: 'k.updated_at', kind: 'scalar' },
  breached: { expr: BREACHED_SQL('k').text, kind: 'scalar' },
} satisfies FilterSpec;

/** Cases the caller may read (the `service_case` row aliased `alias`): `caseScope`, live customers only. */
export function caseVisible(principal: Principal, alias = 'k'): Sql {
  return and([
    caseScope(principal, `${alias}.customer_id`),
    liveCustomer(`${alias}.customer_id`),
  ]);
}

export const caseReads = readModel<CaseRow>()({
  entity: 'ServiceCase', table: 'service_case', alias: 'k', parentColumn: 'k.customer_id',
  visible: (ctx) => caseVisible(ctx.principal),
  filter: CASE_FILTER,
  order: { list: 'cases', table: CASE_ORDER, default: { field: 'CREATED_AT', direction: 'DESC' } },
});

export const listCases = caseReads.list;
/** Cases by id, visible to the caller only; the order of the result is not guaranteed. */
export const casesByIds = caseReads.byIds;
export const getCase = caseReads.get;

const QUEUE_KEYS: SortKey<CaseRow>[] = expandKeys<CaseRow>([
  { expr: 'k.resolution_due_at', dir: 'ASC', get: (r) => r.resolutionDueAt },
  { expr: 'k.id', dir: 'ASC', get: (r) => r.id },
]);

/**
 * The caller's work list, soonest resolution due first: open cases (not RESOLVED or CLOSED)
 * assigned to them, and open unassigned cases of the queues they manage.
 */
export async function myQueue(ctx: ServiceContext, args: ConnectionArgs): Promise<Connection<CaseRow>> {
  pageRequest(args, 'myQueue'); // argument errors first
  const me = ctx.principal.id;
  const where = and([
    caseVisible(ctx.principal),
    raw(`k.status not in ${FINISHED_STATUSES_SQL}`),
    sql`(k.assignee_id = ${me} or (k.assignee_id is null and k.queue_id in (select q.id from service_queue q where q.manager_id = ${me})))`,
  ]);
  return caseReads.page(ctx, where, { keys: QUEUE_KEYS, signature: 'myQueue' }, args);
}

// ---------------------------------------------------------------------------------------- writes

const isWorker = (principal: Principal) => CASE_WORKERS.includes(principal.role);
const isPartner = (principal: Principal) => principal.role === Role.PARTNER;

/**
 * The id of a live customer the caller may open cases (and register assets) for, or null (inside a
 * write's transaction): ADMIN and SERVICE_AGENT any; a PARTNER itself and the customers it resells to
 * (its customer scope, which is its case scope); nobody else.
 */
export async function serviceCustomerId(tx: ServiceContext, customerId: string): Promise<string | null> {
  return isWorker(tx.principal) || isPartner(tx.principal) ? visibleCustomerId(tx, customerId) : null;
}

/**
 * Locks a case the caller may change and loads it as a managed entity. `participant` also lets a
 * PARTNER through (comments, reopening) for the cases it sees; otherwise only ADMIN and SERVICE_AGENT.
 */
export async function loadCaseForWrite(tx: ServiceContext, id: string, opts: { participant?: boolean; field?: string[] } = {}): Promise<ServiceCase> {
  const field = opts.field ?? ['input', 'id'];
  const allowed = isWorker(tx.principal) || (opts.participant === true && isPartner(tx.principal));
  const [row] = allowed
    ? await rows<{ id: string }>(tx.em, sql`select k.id from service_case k where k.id = ${id} and ${caseVisible(tx.principal)} for update of k`)
    : [];
  if (!row) throw new RollbackWithErrors([userError('NOT_FOUND', 'Case not found.', field)]);
  return tx.em.findOneOrFail(ServiceCase, id, { refresh: true });
}

function versionCheck(serviceCase: ServiceCase, version: number) {
  if (serviceCase.version !== version) {
    fail([userError('CONFLICT', `This case was changed meanwhile (now version ${serviceCase.version}): reload it and apply your change again.`, ['input', 'version'])]);
  }
}

/** Fields recorded in the audit log (never comment bodies). */
const AUDITED = [
  'number', 'type', 'channel', 'priority', 'status', 'subject', 'description', 'contactId', 'assetId', 'queueId', 'assigneeId',
  'firstResponseDueAt', 'resolutionDueAt', 'firstRespondedAt', 'resolvedAt', 'closedAt', 'reopenCount',
];

export function caseSnapshot(k: ServiceCase): Record<string, unknown> {
  return {
    number: k.number, type: k.type, channel: k.channel, priority: k.priority, status: k.status,
    subject: k.subject, description: k.description ?? null,
    contactId: refId(k.contact), assetId: refId(k.asset), queueId: refId(k.queue), assigneeId: refId(k.assignee),
    firstResponseDueAt: k.firstResponseDueAt, resolutionDueAt: k.resolutionDueAt,
    firstRespondedAt: k.firstRespondedAt ?? null, resolvedAt: k.resolvedAt ?? null, closedAt: k.closedAt ?? null,
    reopenCount: k.reopenCount,
  };
}

/** Adds the audit entry of a change to a case (and its extra, non-column entries such as a note). */
export function auditCase(tx: ServiceContext, k: ServiceCase, action: AuditAction, before: Record<string, unknown>, extra: ReturnType<typeof diff> = []) {
  const changes = [...diff(before, caseSnapshot(k), AUDITED).filter((ch) => action !== AuditAction.CREATE || ch.new !== null), ...extra];
  recordAudit(tx.em, tx.principal, { entityType: 'ServiceCase', entityId: k.id, customerId: refId(k.customer)!, action, changes });
}

/**
 * The `case.assigned` event (live `caseAssigned`) when a case gets a new assignee or queue; `before` is the
 * snapshot before the change ({} for a new case). Clearing both is no assignment.
 */
function recordAssignment(tx: ServiceContext, k: ServiceCase, before: Record<string, unknown>) {
  const assigneeId = refId(k.assignee);
  const queueId = refId(k.queue);
  if ((assigneeId ?? null) === (before.assigneeId ?? null) && (queueId ?? null) === (before.queueId ?? null)) return;
  if (!assigneeId && !queueId) return;
  recordEvent(tx.em, tx.principal, {
    type: 'case.assigned', entityType: 'ServiceCase', entityId: k.id, customerId: refId(k.customer),
    data: { assigneeId, queueId, previousAssigneeId: before.assigneeId ?? null, previousQueueId: before.queueId ?? null },
  });
}

/** Writes an edited case when something audited changed (stamped and audited); returns its id either way. */
async function saveChanges(tx: ServiceContext, serviceCase: ServiceCase, before: Record<string, unknown>): Promise<string> {
  if (!diff(before, caseSnapshot(serviceCase), AUDITED).length) return serviceCase.id;
  serviceCase.updatedAt = new Date();
  auditCase(tx, serviceCase, AuditAction.UPDATE, before);
  recordAssignment(tx, serviceCase, before);
  await tx.em.flush();
  return serviceCase.id;
}

export interface CasePayload { case: CaseRow | null; errors: UserError[] }

/** The payload's case: re-read as a plain row, like every query returns it. */
async function withRow(ctx: ServiceContext, outcome: { result: string | null; errors: UserError[] }): Promise<CasePayload> {
  if (!outcome.result) return { case: null, errors: outcome.errors };
  const [row] = await casesByIds(ctx, [outcome.result]);
  return { case: row ?? null, errors: [] };
}

/** The due dates of a case opened at `openedAt` with `priority`, from the current policy. */
async function dueDates(tx: ServiceContext, priority: CasePriority, openedAt: Date) {
  const policy = await slaMinutes(tx, priority);
  return {
    firstResponseDueAt: new Date(openedAt.getTime() + policy.firstResponseMinutes * 60_000),
    resolutionDueAt: new Date(openedAt.getTime() + policy.resolutionMinutes * 60_000),
  };
}

/** References of a case: a live contact and an asset of the customer, an existing queue, a case worker. */
async function referenceErrors(
  tx: ServiceContext,
  customerId: string,
  refs: { contactId?: string | null; assetId?: string | null; queueId?: string | null; assigneeId?: string | null },
): Promise<UserError[]> {
  const errors: UserError[] = [];
  if (refs.contactId) {
    const [found] = await rows(tx.em, sql`select 1 from contact ct where ct.id = ${refs.contactId} and ct.customer_id = ${customerId} and ct.deleted_at is null`);
    if (!found) errors.push(userError('NOT_FOUND', 'No such contact at this customer.', ['input', 'contactId']));
  }
  if (refs.assetId) {
    const [found] = await rows(tx.em, sql`select 1 from asset a where a.id = ${refs.assetId} and a.customer_id = ${customerId}`);
    if (!found) errors.push(userError('NOT_FOUND', 'No such asset of this customer.', ['input', 'assetId']));
  }
  if (refs.queueId) {
    const [found] = await rows(tx.em, sql`select 1 from service_queue q where q.id = ${refs.queueId}`);
    if (!found) errors.push(userError('NOT_FOUND', 'No such queue.', ['input', 'queueId']));
  }
  if (refs.assigneeId) errors.push(...(await caseWorkerErrors(tx, refs.assigneeId, ['input', 'assigneeId'], 'assignee')));
  return errors;
}

const CASE_TYPE = z.nativeEnum(CaseType);
const PRIORITY = z.nativeEnum(CasePriority);

const CreateCase = z.object({
  customerId: ID('cus'),
  type: CASE_TYPE,
  channel: z.nativeEnum(CaseChannel).nullish(),
  priority: PRIORITY,
  subject: text(300),
  description: optionalText(20000),
  contactId: ID('con').nullish(),
  assetId: ID('ast').nullish(),
  queueId: ID('que').nullish(),
  assigneeId: ID('usr').nullish(),
});

const UpdateCase = z.object({
  id: ID('cas'),
  version: z.number().int(),
  subject: text(300).nullish(),
  description: optionalText(20000),
  type: CASE_TYPE.nullish(),
  priority: PRIORITY.nullish(),
  contactId: ID('con').nullish(),
  assetId: ID('ast').nullish(),
  queueId: ID('que').nullish(),
});

const AssignCase = z.object({
  id: ID('cas'),
  version: z.number().int(),
  assigneeId: ID('usr').nullish(),
  queueId: ID('que').nullish(),
});

const ChangeCaseStatus = z.object({
  id: ID('cas'),
  version: z.number().int(),
  status: z.nativeEnum(CaseStatus),
  note: optionalText(1000),
});

const ReopenCase = z.object({ id: ID('cas'), version: z.number().int(), reason: text(1000) });

export type CreateCaseInput = InputOf<typeof CreateCase>;
export type UpdateCaseInput = InputOf<typeof UpdateCase>;
export type AssignCaseInput = InputOf<typeof AssignCase>;
export type ChangeCaseStatusInput = InputOf<typeof ChangeCaseStatus>;
export type ReopenCaseInput = InputOf<typeof ReopenCase>;

/**
 * Opens a case: number "CS-000001", …; due dates from the priority's policy; NEW, or ASSIGNED with
 * an assignee. ADMIN and SERVICE_AGENT for any live customer; a PARTNER for customers in its scope,
 * always on channel PARTNER and without assignee or queue.
 */
export async function createCase(ctx: ServiceContext, input: CreateCaseInput): Promise<CasePayload> {
  const parsed = parseInput(CreateCase, input);
  if (!parsed.ok) return { case: null, errors: parsed.errors };
  const data = parsed.data;
  const partner = isPartner(ctx.principal);
  const early: UserError[] = [];
  if (partner) {
    if (data.assigneeId) early.push(userError('FORBIDDEN', 'A partner cannot assign a case: the service desk does.', ['input', 'assigneeId']));
    if (data.queueId) early.push(userError('FORBIDDEN', 'A partner cannot choose a queue: the service desk does.', ['input', 'queueId']));
  } else if (!data.channel) {
    early.push(userError('VALIDATION', 'Say how the case reached you (channel).', ['input', 'channel']));
  }
  if (early.length) return { case: null, errors: early };

  const outcome = await inTransaction(ctx, async (tx) => {
    const customerId = await serviceCustomerId(tx, data.customerId);
    if (!customerId) throw new RollbackWithErrors([userError('NOT_FOUND', 'Customer not found.', ['input', 'customerId'])]);
    fail(await referenceErrors(tx, customerId, data));
    const [{ n }] = await rows<{ n: string }>(tx.em, sql`select nextval('service_case_number_seq')::text as n`);
    const openedAt = new Date();
    const serviceCase = tx.em.create(ServiceCase, {
      number: `CS-${n.padStart(6, '0')}`,
      type: data.type,
      channel: partner ? CaseChannel.PARTNER : data.channel!,
      priority: data.priority,
      status: data.assigneeId ? CaseStatus.ASSIGNED : CaseStatus.NEW,
      subject: data.subject,
      description: data.description || null,
      customer: tx.em.getReference(Customer, customerId),
      contact: data.contactId ? tx.em.getReference(Contact, data.contactId) : null,
      asset: data.assetId ? tx.em.getReference(Asset, data.assetId) : null,
      queue: data.queueId ? tx.em.getReference(ServiceQueue, data.queueId) : null,
      assignee: data.assigneeId ? tx.em.getReference(User, data.assigneeId) : null,
      openedBy: tx.principal.id,
      ...(await dueDates(tx, data.priority, openedAt)),
      createdAt: openedAt,
      updatedAt: openedAt,
    });
    tx.em.persist(serviceCase);
    auditCase(tx, serviceCase, AuditAction.CREATE, {});
    recordAssignment(tx, serviceCase, {});
    recordEvent(tx.em, tx.principal, { type: 'case.opened', entityType: 'ServiceCase', entityId: serviceCase.id, customerId });
    await tx.em.flush();
    return serviceCase.id;
  });
  return withRow(ctx, outcome);
}

const NON_NULLABLE = ['subject', 'type', 'priority'] as const;

function notClosed(serviceCase: ServiceCase, field: string[] = ['input', 'id']) {
  if (serviceCase.status === CaseStatus.CLOSED) {
    fail([userError('BUSINESS_RULE', `Case ${serviceCase.number} is CLOSED: reopen it first.`, field)]);
  }
}

/** Changes a case's details (ADMIN, SERVICE_AGENT); a new priority recomputes the due dates from `createdAt`. */
export async function updateCase(ctx: ServiceContext, input: UpdateCaseInput): Promise<CasePayload> {
  const parsed = parseInput(UpdateCase, input);
  if (!parsed.ok) return { case: null, errors: parsed.errors };
  const data = parsed.data;
  const nullErrors = NON_NULLABLE.filter((k) => data[k] === null).map((k) => userError('VALIDATION', `${k} cannot be null.`, ['input', k]));
  if (nullErrors.length) return { case: null, errors: nullErrors };

  const outcome = await inTransaction(ctx, async (tx) => {
    const serviceCase = await loadCaseForWrite(tx, data.id);
    versionCheck(serviceCase, data.version);
    notClosed(serviceCase);
    const before = caseSnapshot(serviceCase);
    const customerId = refId(serviceCase.customer)!;
    fail(await referenceErrors(tx, customerId, {
      contactId: data.contactId && data.contactId !== before.contactId ? data.contactId : null,
      assetId: data.assetId && data.assetId !== before.assetId ? data.assetId : null,
      queueId: data.queueId && data.queueId !== before.queueId ? data.queueId : null,
    }));
    if (data.subject != null) serviceCase.subject = data.subject;
    if (data.description !== undefined) serviceCase.description = data.description || null;
    if (data.type != null) serviceCase.type = data.type;
    if (data.contactId !== undefined) serviceCase.contact = data.contactId ? tx.em.getReference(Contact, data.contactId) : null;
    if (data.assetId !== undefined) serviceCase.asset = data.assetId ? tx.em.getReference(Asset, data.assetId) : null;
    if (data.queueId !== undefined) serviceCase.queue = data.queueId ? tx.em.getReference(ServiceQueue, data.queueId) : null;
    if (data.priority != null && data.priority !== serviceCase.priority) {
      serviceCase.priority = data.priority;
      Object.assign(serviceCase, await dueDates(tx, data.priority, new Date(serviceCase.createdAt)));
    }
    return saveChanges(tx, serviceCase, before);
  });
  return withRow(ctx, outcome);
}

/**
 * Sets or clears the assignee (and optionally the queue). NEW → ASSIGNED when an assignee is set;
 * ASSIGNED → NEW when it is cleared; other statuses stay. Omitted fields stay as they are.
 */
export async function assignCase(ctx: ServiceContext, input: AssignCaseInput): Promise<CasePayload> {
  const parsed = parseInput(AssignCase, input);
  if (!parsed.ok) return { case: null, errors: parsed.errors };
  const data = parsed.data;
  const outcome = await inTransaction(ctx, async (tx) => {
    const serviceCase = await loadCaseForWrite(tx, data.id);
    versionCheck(serviceCase, data.version);
    notClosed(serviceCase);
    const before = caseSnapshot(serviceCase);
    fail(await referenceErrors(tx, refId(serviceCase.customer)!, {
      assigneeId: data.assigneeId && data.assigneeId !== before.assigneeId ? data.assigneeId : null,
      queueId: data.queueId && data.queueId !== before.queueId ? data.queueId : null,
    }));
    if (data.assigneeId !== undefined) serviceCase.assignee = data.assigneeId ? tx.em.getReference(User, data.assigneeId) : null;
    if (data.queueId !== undefined) serviceCase.queue = data.queueId ? tx.em.getReference(ServiceQueue, data.queueId) : null;
    const assigned = refId(serviceCase.assignee) != null;
    if (assigned && serviceCase.status === CaseStatus.NEW) serviceCase.status = CaseStatus.ASSIGNED;
    if (!assigned && serviceCase.status === CaseStatus.ASSIGNED) serviceCase.status = CaseStatus.NEW;
    return saveChanges(tx, serviceCase, before);
  });
  return withRow(ctx, outcome);
}

/** Moves a case along TRANSITIONS (ADMIN, SERVICE_AGENT). → RESOLVED: resolvedAt and the survey; → CLOSED: closedAt. */
export async function changeCaseStatus(ctx: ServiceContext, input: ChangeCaseStatusInput): Promise<CasePayload> {
  const parsed = parseInput(ChangeCaseStatus, input);
  if (!parsed.ok) return { case: null, errors: parsed.errors };
  const data = parsed.data;
  const outcome = await inTransaction(ctx, async (tx) => {
    const serviceCase = await loadCaseForWrite(tx, data.id);
    versionCheck(serviceCase, data.version);
    const from = serviceCase.status;
    const to = data.status;
    if (!TRANSITIONS[from].includes(to)) {
      const legal = TRANSITIONS[from];
      const hint = from === CaseStatus.RESOLVED || from === CaseStatus.CLOSED ? ' Use reopenCase to work on it again.' : '';
      fail([userError('BUSINESS_RULE', `Case ${serviceCase.number} is ${from}: it can move to ${legal.length ? legal.join(', ') : 'no other status'}, not ${to}.${hint}`, ['input', 'status'])]);
    }
    if (to === CaseStatus.ASSIGNED && !refId(serviceCase.assignee)) {
      fail([userError('BUSINESS_RULE', `Case ${serviceCase.number} has no assignee: assign it with assignCase.`, ['input', 'status'])]);
    }
    const before = caseSnapshot(serviceCase);
    const now = new Date();
    serviceCase.status = to;
    if (to === CaseStatus.RESOLVED) serviceCase.resolvedAt = now;
    if (to === CaseStatus.CLOSED) serviceCase.closedAt = now;
    serviceCase.updatedAt = now;
    auditCase(tx, serviceCase, AuditAction.UPDATE, before, data.note ? [{ field: 'statusNote', old: null, new: data.note }] : []);
    if (to === CaseStatus.RESOLVED) recordEvent(tx.em, tx.principal, { type: 'case.resolved', entityType: 'ServiceCase', entityId: serviceCase.id, customerId: refId(serviceCase.customer) });
    await tx.em.flush();
    if (to === CaseStatus.RESOLVED) await createSurvey(tx, serviceCase.id);
    return serviceCase.id;
  });
  return withRow(ctx, outcome);
}

/**
 * Reopens a RESOLVED or CLOSED case within REOPEN_WINDOW_DAYS after `resolvedAt`: staff take it
 * back IN_PROGRESS; a partner's reopening puts it back on the agent's desk (ASSIGNED), or NEW when
 * nobody is assigned. reopenCount + 1; resolvedAt and closedAt cleared.
 */
export async function reopenCase(ctx: ServiceContext, input: ReopenCaseInput): Promise<CasePayload> {
  const parsed = parseInput(ReopenCase, input);
  if (!parsed.ok) return { case: null, errors: parsed.errors };
  const data = parsed.data;
  const outcome = await inTransaction(ctx, async (tx) => {
    const serviceCase = await loadCaseForWrite(tx, data.id, { participant: true });
    versionCheck(serviceCase, data.version);
    if (serviceCase.status !== CaseStatus.RESOLVED && serviceCase.status !== CaseStatus.CLOSED) {
      fail([userError('BUSINESS_RULE', `Case ${serviceCase.number} is ${serviceCase.status}: only a RESOLVED or CLOSED case can be reopened.`, ['input', 'id'])]);
    }
    const now = new Date();
    const resolvedAt = new Date(serviceCase.resolvedAt!);
    if (now.getTime() > resolvedAt.getTime() + REOPEN_WINDOW_DAYS * DAY_MS) {
      fail([userError('BUSINESS_RULE', `Case ${serviceCase.number} was resolved more than ${REOPEN_WINDOW_DAYS} days ago: open a new case instead.`, ['input', 'id'])]);
    }
    const before = caseSnapshot(serviceCase);
    const assigned = refId(serviceCase.assignee) != null;
    serviceCase.status = isWorker(tx.principal) ? CaseStatus.IN_PROGRESS : assigned ? CaseStatus.ASSIGNED : CaseStatus.NEW;
    serviceCase.reopenCount += 1;
    serviceCase.resolvedAt = null;
    serviceCase.closedAt = null;
    serviceCase.updatedAt = now;
    auditCase(tx, serviceCase, AuditAction.UPDATE, before, [{ field: 'reopenReason', old: null, new: data.reason }]);
    await tx.em.flush();
    return serviceCase.id;
  });
  return withRow(ctx, outcome);
}

