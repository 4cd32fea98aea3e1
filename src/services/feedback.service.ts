import { z } from 'zod';
import { isUserIn, type Principal } from '../auth/principal';
import { AuditAction } from '../entities/enums';
import { Product } from '../entities/product.entity';
import { ProductFeedback } from '../entities/product-feedback.entity';
import type { ServiceCase } from '../entities/service-case.entity';
import { CaseType, FeedbackStatus } from '../entities/service.enums';
import { recordAudit } from './audit.service';
import { casesByIds, caseVisible } from './case.service';
import { readModel, type ListArgs, type SortFieldOf, type SortTable } from './read-model';
import type { ServiceContext } from './context';
import { RollbackWithErrors, userError, type UserError } from './errors';
import { type FilterSpec } from './filter';
import { FEEDBACK_READERS, SOURCE_CASE_READERS } from '../auth/roles';
import { columnsOf, FALSE, rows, sql, textArray, TRUE, type Sql } from './sql';
import { fail, inTransaction } from './transaction';
import { ID, optionalText, parseInput, text, type InputOf } from './validation';

/**
 * Product feedback (issue 5): what the product team should change, distilled from COMPLAINT and
 * SUGGESTION cases, and a customer's suggestion value (for the loyalty metrics).
 *
 * Rules (also in the schema descriptions):
 * - Feedback is not customer-keyed: every reader (`FEEDBACK_READERS`) sees all of it; others none
 *   (FORBIDDEN at the root fields, null through `node`). Writers: `FEEDBACK_WRITERS` (src/auth/roles.ts).
 * - Status: NEW → ACCEPTED | REJECTED; ACCEPTED → SHIPPED | REJECTED; REJECTED → NEW (reconsider);
 *   SHIPPED is final. Anything else is a BUSINESS_RULE error at ["input","status"].
 * - Source cases: only COMPLAINT and SUGGESTION cases are linked (BUSINESS_RULE otherwise); a case links
 *   to at most one feedback (`service_case.feedback_id`): linking a case linked elsewhere is a
 *   BUSINESS_RULE error (unlink it first); linking it again to the same feedback, or unlinking an
 *   unlinked case, changes nothing. Linking and unlinking move the case's `version` and are audited on
 *   the case's customer (entityType 'ServiceCase', field `feedbackId`). Creating and changing feedback is
 *   not audited (the audit log is customer-keyed; feedback is not).
 * - `sourceCases`, linking and unlinking follow the caller's case visibility (`caseVisible`: a rep sees the
 *   linked cases of its own customers only; nobody sees the cases of deleted customers);
 *   `caseCount` counts every linked case — it is the weight of the feedback, an aggregate.
 * - Suggestion value of a customer: `acceptedFeedbackCount` = distinct feedback ACCEPTED or SHIPPED that
 *   one of its cases is linked to; `suggestionCount` = its COMPLAINT/SUGGESTION cases linked to any
 *   feedback (whatever its status).
 */

export type FeedbackRow = ProductFeedback;
export type FeedbackCaseRow = ServiceCase;

/** Case types that can become product feedback. */
const FEEDBACK_CASE_TYPES: readonly CaseType[] = [CaseType.COMPLAINT, CaseType.SUGGESTION];

/** Legal status changes. */
const FEEDBACK_TRANSITIONS: Record<FeedbackStatus, readonly FeedbackStatus[]> = {
  [FeedbackStatus.NEW]: [FeedbackStatus.ACCEPTED, FeedbackStatus.REJECTED],
  [FeedbackStatus.ACCEPTED]: [FeedbackStatus.SHIPPED, FeedbackStatus.REJECTED],
  [FeedbackStatus.REJECTED]: [FeedbackStatus.NEW],
  [FeedbackStatus.SHIPPED]: [],
};

/** Statuses that count toward a customer's suggestion value. */
const ACCEPTED_STATUSES = [FeedbackStatus.ACCEPTED, FeedbackStatus.SHIPPED];

const readsFeedback = (p: Principal) => isUserIn(p, FEEDBACK_READERS);

/** Condition for feedback rows: all of them for readers, none for anyone else. */
function feedbackScope(principal: Principal): Sql {
  return readsFeedback(principal) ? TRUE : FALSE;
}

// ---------------------------------------------------------------------------------------- reads

export type FeedbackOrderField = SortFieldOf<typeof FEEDBACK_ORDER>;
export type FeedbackListArgs = ListArgs<typeof FEEDBACK_ORDER, typeof FEEDBACK_FILTER>;

/** The sort enum `ProductFeedbackOrderField` (schema/feedback.inputs.ts registers it from this table). */
export const FEEDBACK_ORDER = {
  CREATED_AT: { expr: 'f.created_at', get: (r) => r.createdAt, description: 'When it was created.' },
  UPDATED_AT: { expr: 'f.updated_at', get: (r) => r.updatedAt, description: 'When it was last changed (e.g. its status).' },
} satisfies SortTable<FeedbackRow>;

/** The fields of the GraphQL `ProductFeedbackFilter` (which checks it names the same ones). */
export const FEEDBACK_FILTER = {
  id: { expr: 'f.id', kind: 'scalar' },
  productId: { expr: 'f.product_id', kind: 'scalar' },
  status: { expr: 'f.status', kind: 'scalar' },
  summary: { expr: 'f.summary', kind: 'text' },
  createdAt: { expr: 'f.created_at', kind: 'scalar' },
  updatedAt: { expr: 'f.updated_at', kind: 'scalar' },
} satisfies FilterSpec;

export const feedbackReads = readModel<FeedbackRow>()({
  entity: 'ProductFeedback', table: 'product_feedback', alias: 'f', parentColumn: 'f.product_id',
  visible: (ctx) => feedbackScope(ctx.principal),
  filter: FEEDBACK_FILTER,
  order: { list: 'productFeedback', table: FEEDBACK_ORDER, default: { field: 'CREATED_AT', direction: 'DESC' } },
});

export const listFeedback = feedbackReads.list;
/** Feedback by id, for readers only; the order of the result is not guaranteed. */
export const feedbackByIds = feedbackReads.byIds;
export const getFeedback = feedbackReads.get;

/**
 * The cases linked to several feedback records that the caller may see (`caseVisible`, in SQL),
 * oldest first; callers group them by `feedback`.
 */
export async function sourceCasesByFeedbackIds(ctx: ServiceContext, feedbackIds: readonly string[]): Promise<FeedbackCaseRow[]> {
  if (!feedbackIds.length || !SOURCE_CASE_READERS.includes(ctx.principal.role)) return [];
  return rows<FeedbackCaseRow>(ctx.em, sql`select ${columnsOf(ctx.em, 'ServiceCase', 's')} from service_case s
    where s.feedback_id = any(${textArray([...feedbackIds])}) and ${caseVisible(ctx.principal, 's')}
    order by s.feedback_id, s.created_at, s.id`);
}

/** How many cases are linked to each feedback (all of them: the weight of the feedback). */
export async function caseCountsByFeedbackIds(ctx: ServiceContext, feedbackIds: readonly string[]): Promise<Map<string, number>> {
  if (!feedbackIds.length) return new Map();
  const counted = await rows<{ id: string; n: number }>(ctx.em, sql`select s.feedback_id as id, count(*)::int as n from service_case s
    where s.feedback_id = any(${textArray([...feedbackIds])}) group by s.feedback_id`);
  return new Map(counted.map((r) => [r.id, r.n]));
}

export interface SuggestionValue {
  acceptedFeedbackCount: number;
  suggestionCount: number;
}

/** Suggestion value of several (already visible) customers, in one statement; customers without linked cases get zeros. */
export async function suggestionValuesByCustomerIds(ctx: ServiceContext, customerIds: readonly string[]): Promise<Map<string, SuggestionValue>> {
  if (!customerIds.length) return new Map();
  const found = await rows<{ id: string } & SuggestionValue>(ctx.em, sql`select s.customer_id as id,
      count(distinct f.id) filter (where f.status = any(${textArray(ACCEPTED_STATUSES)}))::int as "acceptedFeedbackCount",
      count(*) filter (where s.type = any(${textArray([...FEEDBACK_CASE_TYPES])}))::int as "suggestionCount"
    from service_case s join product_feedback f on f.id = s.feedback_id
    where s.customer_id = any(${textArray([...customerIds])})
    group by s.customer_id`);
  return new Map(found.map(({ id, ...value }) => [id, value]));
}

/** The payload's case: re-read as a plain row, as `case(id)` returns it. */
async function caseRow(ctx: ServiceContext, id: string): Promise<FeedbackCaseRow | null> {
  const [row] = await casesByIds(ctx, [id]);
  return row ?? null;
}

// ---------------------------------------------------------------------------------------- writes

const CASE_IDS = z.array(ID('cas')).max(100, 'At most 100 cases.');

const CreateFeedback = z.object({
  productId: ID('prd'),
  summary: text(300),
  description: optionalText(10000),
  caseIds: CASE_IDS.nullish(),
});

const UpdateFeedback = z.object({
  id: ID('fbk'),
  version: z.number().int('A whole number.'),
  summary: text(300).nullish(),
  description: optionalText(10000),
  status: z.nativeEnum(FeedbackStatus).nullish(),
});

const LinkCase = z.object({ caseId: ID('cas'), feedbackId: ID('fbk') });
const UnlinkCase = z.object({ caseId: ID('cas') });

export type CreateFeedbackInput = InputOf<typeof CreateFeedback>;
export type UpdateFeedbackInput = InputOf<typeof UpdateFeedback>;
export type LinkCaseInput = InputOf<typeof LinkCase>;
export type UnlinkCaseInput = InputOf<typeof UnlinkCase>;

export interface FeedbackPayload { feedback: FeedbackRow | null; errors: UserError[] }
export interface CaseLinkPayload { serviceCase: FeedbackCaseRow | null; feedback: FeedbackRow | null; errors: UserError[] }

interface LockedCase { id: string; number: string; type: CaseType; feedbackId: string | null; customerId: string }

/**
 * Links cases to a feedback inside the transaction: each must be visible, a COMPLAINT or SUGGESTION,
 * and not linked to another feedback. One statement locks them, one updates them; each link is audited
 * on the case's customer. `at(i)` names the input field of the i-th id.
 */
async function linkCases(tx: ServiceContext, feedbackId: string, caseIds: string[], at: (i: number) => string[]): Promise<void> {
  if (!caseIds.length) return;
  const locked = await rows<LockedCase>(tx.em, sql`select s.id, s.number, s.type, s.feedback_id as "feedbackId", s.customer_id as "customerId"
    from service_case s where s.id = any(${textArray(caseIds)}) and ${caseVisible(tx.principal, 's')}
    order by s.id for update of s`); // a fixed lock order: concurrent links of overlapping cases never deadlock
  const byId = new Map(locked.map((c) => [c.id, c]));
  const errors: UserError[] = [];
  const toLink: LockedCase[] = [];
  caseIds.forEach((id, i) => {
    const c = byId.get(id);
    if (!c) errors.push(userError('NOT_FOUND', 'Case not found.', at(i)));
    else if (!FEEDBACK_CASE_TYPES.includes(c.type)) {
      errors.push(userError('BUSINESS_RULE', `Case ${c.number} is a ${c.type} case: only COMPLAINT and SUGGESTION cases become product feedback.`, at(i)));
    } else if (c.feedbackId && c.feedbackId !== feedbackId) {
      errors.push(userError('BUSINESS_RULE', `Case ${c.number} is already linked to other feedback (${c.feedbackId}): a case links to at most one; unlink it first.`, at(i)));
    } else if (!c.feedbackId) toLink.push(c);
  });
  fail(errors);
  if (!toLink.length) return;
  await rows(tx.em, sql`update service_case set feedback_id = ${feedbackId}, version = version + 1, updated_at = now()
    where id = any(${textArray(toLink.map((c) => c.id))})`);
  for (const c of toLink) {
    recordAudit(tx.em, tx.principal, {
      entityType: 'ServiceCase', entityId: c.id, customerId: c.customerId, action: AuditAction.UPDATE,
      changes: [{ field: 'feedbackId', old: null, new: feedbackId }],
    });
  }
  await tx.em.flush();
}

async function withFeedback(ctx: ServiceContext, outcome: { result: string | null; errors: UserError[] }): Promise<FeedbackPayload> {
  if (!outcome.result) return { feedback: null, errors: outcome.errors };
  return { feedback: await getFeedback(ctx, outcome.result), errors: [] };
}

export async function createFeedback(ctx: ServiceContext, input: CreateFeedbackInput): Promise<FeedbackPayload> {
  const parsed = parseInput(CreateFeedback, input);
  if (!parsed.ok) return { feedback: null, errors: parsed.errors };
  const data = parsed.data;
  const caseIds = [...new Set(data.caseIds ?? [])];
  const outcome = await inTransaction(ctx, async (tx) => {
    const [product] = await rows<{ id: string }>(tx.em, sql`select p.id from product p where p.id = ${data.productId}`);
    if (!product) fail([userError('NOT_FOUND', 'Product not found.', ['input', 'productId'])]);
    const feedback = tx.em.create(ProductFeedback, {
      product: tx.em.getReference(Product, data.productId), summary: data.summary, description: data.description || null,
      status: FeedbackStatus.NEW, createdBy: tx.principal.id,
    });
    tx.em.persist(feedback);
    await tx.em.flush();
    // Errors name the first place an id was given.
    await linkCases(tx, feedback.id, caseIds, (i) => ['input', 'caseIds', String((data.caseIds ?? []).indexOf(caseIds[i]))]);
    return feedback.id;
  });
  return withFeedback(ctx, outcome);
}

export async function updateFeedback(ctx: ServiceContext, input: UpdateFeedbackInput): Promise<FeedbackPayload> {
  const parsed = parseInput(UpdateFeedback, input);
  if (!parsed.ok) return { feedback: null, errors: parsed.errors };
  const data = parsed.data;
  const nullErrors = (['summary', 'status'] as const).filter((k) => data[k] === null).map((k) => userError('VALIDATION', `${k} cannot be null.`, ['input', k]));
  if (nullErrors.length) return { feedback: null, errors: nullErrors };
  const outcome = await inTransaction(ctx, async (tx) => {
    const feedback = await tx.em.findOne(ProductFeedback, data.id);
    if (!feedback) throw new RollbackWithErrors([userError('NOT_FOUND', 'Product feedback not found.', ['input', 'id'])]);
    if (feedback.version !== data.version) {
      fail([userError('CONFLICT', `This feedback was changed meanwhile (now version ${feedback.version}): reload it and apply your change again.`, ['input', 'version'])]);
    }
    let changed = false;
    if (data.status != null && data.status !== feedback.status) {
      if (!FEEDBACK_TRANSITIONS[feedback.status].includes(data.status)) {
        const legal = FEEDBACK_TRANSITIONS[feedback.status];
        fail([userError('BUSINESS_RULE', `Feedback that is ${feedback.status} cannot become ${data.status}`
          + `${legal.length ? ` (only ${legal.join(' or ')})` : ` (${feedback.status} is final)`}.`, ['input', 'status'])]);
      }
      feedback.status = data.status;
      changed = true;
    }
    if (data.summary != null && data.summary !== feedback.summary) {
      feedback.summary = data.summary;
      changed = true;
    }
    if (data.description !== undefined && (data.description || null) !== (feedback.description ?? null)) {
      feedback.description = data.description || null;
      changed = true;
    }
    if (changed) {
      feedback.updatedAt = new Date();
      await tx.em.flush();
    }
    return feedback.id;
  });
  return withFeedback(ctx, outcome);
}

export async function linkCaseToFeedback(ctx: ServiceContext, input: LinkCaseInput): Promise<CaseLinkPayload> {
  const parsed = parseInput(LinkCase, input);
  if (!parsed.ok) return { serviceCase: null, feedback: null, errors: parsed.errors };
  const data = parsed.data;
  const outcome = await inTransaction(ctx, async (tx) => {
    const [feedback] = await feedbackByIds(tx, [data.feedbackId]);
    if (!feedback) fail([userError('NOT_FOUND', 'Product feedback not found.', ['input', 'feedbackId'])]);
    await linkCases(tx, data.feedbackId, [data.caseId], () => ['input', 'caseId']);
    return data.feedbackId;
  });
  if (!outcome.result) return { serviceCase: null, feedback: null, errors: outcome.errors };
  return { serviceCase: await caseRow(ctx, data.caseId), feedback: await getFeedback(ctx, data.feedbackId), errors: [] };
}

export async function unlinkCaseFromFeedback(ctx: ServiceContext, input: UnlinkCaseInput): Promise<CaseLinkPayload> {
  const parsed = parseInput(UnlinkCase, input);
  if (!parsed.ok) return { serviceCase: null, feedback: null, errors: parsed.errors };
  const data = parsed.data;
  const outcome = await inTransaction(ctx, async (tx) => {
    const [c] = await rows<Omit<LockedCase, 'number' | 'type'>>(tx.em, sql`select s.id, s.feedback_id as "feedbackId", s.customer_id as "customerId"
      from service_case s where s.id = ${data.caseId} and ${caseVisible(tx.principal, 's')} for update of s`);
    if (!c) fail([userError('NOT_FOUND', 'Case not found.', ['input', 'caseId'])]);
    if (c.feedbackId) {
      await rows(tx.em, sql`update service_case set feedback_id = null, version = version + 1, updated_at = now() where id = ${c.id}`);
      recordAudit(tx.em, tx.principal, {
        entityType: 'ServiceCase', entityId: c.id, customerId: c.customerId, action: AuditAction.UPDATE,
        changes: [{ field: 'feedbackId', old: c.feedbackId, new: null }],
      });
      await tx.em.flush();
    }
    return { caseId: c.id, feedbackId: c.feedbackId };
  });
  if (!outcome.result) return { serviceCase: null, feedback: null, errors: outcome.errors };
  const { feedbackId } = outcome.result;
  return { serviceCase: await caseRow(ctx, data.caseId), feedback: feedbackId ? await getFeedback(ctx, feedbackId) : null, errors: [] };
}
