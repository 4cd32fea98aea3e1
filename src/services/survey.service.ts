import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { Principal } from '../auth/principal';
import { Customer } from '../entities/customer.entity';
import { TaskType } from '../entities/enums';
import { newId, refId } from '../entities/ids';
import { ServiceCase } from '../entities/service-case.entity';
import type { Survey } from '../entities/survey.entity';
import { Task } from '../entities/task.entity';
import { User } from '../entities/user.entity';
import type { ServiceContext } from './context';
import { RollbackWithErrors, userError, type UserError } from './errors';
import { CASE_STAFF } from '../auth/roles';
import { caseScope, liveCustomer } from './scope';
import { and, columnsOf, FALSE, rows, sql, textArray, type Sql } from './sql';
import { inTransaction } from './transaction';
import { ID, optionalText, parseInput, type InputOf } from './validation';

/**
 * Satisfaction surveys (issue 5). When a case becomes RESOLVED the case transition calls `createSurvey`
 * in its transaction: one survey per case, ever (a reopened and re-resolved case keeps its first one),
 * with a secret token for the customer's link. `submitSurvey` is open to anonymous callers holding the
 * case id and the token; it is answered once.
 *
 * Who reads surveys: staff who read the case — ADMIN and SERVICE_AGENT all, SALES_MANAGER and SALES_REP
 * those of their customers' cases (`caseScope`). Never PARTNER, ANALYST (aggregates only, through
 * `serviceStats`), FINANCE, MARKETING or API keys. Applied in SQL.
 */

export type SurveyRow = Survey;

/** Condition on the `survey` row aliased `alias`: the staff who read cases (`CASE_STAFF`), within their `caseScope`; like cases, not of deleted customers. */
function surveyScope(principal: Principal, alias = 's'): Sql {
  if (principal.type !== 'USER' || !CASE_STAFF.includes(principal.role)) return FALSE;
  return and([
    caseScope(principal, `${alias}.customer_id`),
    liveCustomer(`${alias}.customer_id`),
  ]);
}

/** A new link secret: 32 random bytes, base64url (43 characters). */
export const newSurveyToken = (): string => randomBytes(32).toString('base64url');

/**
 * Creates the satisfaction survey of a case that just became RESOLVED, inside the caller's transaction.
 * Once per case (`on conflict do nothing` on survey_case_key): a case resolved again keeps its first survey.
 */
export async function createSurvey(tx: ServiceContext, caseId: string): Promise<void> {
  await rows(tx.em, sql`insert into survey (id, case_id, customer_id, token, created_at)
    select ${newId('Survey')}, k.id, k.customer_id, ${newSurveyToken()}, ${new Date().toISOString()}::timestamptz from service_case k where k.id = ${caseId}
    on conflict (case_id) do nothing
    returning id`);
}

/** Surveys by id, visible to the caller only. */
export async function surveysByIds(ctx: ServiceContext, ids: readonly string[]): Promise<SurveyRow[]> {
  if (!ids.length) return [];
  return rows<SurveyRow>(ctx.em, sql`select ${columnsOf(ctx.em, 'Survey', 's')} from survey s
    where s.id = any(${textArray([...ids])}) and ${surveyScope(ctx.principal)}`);
}

/** The survey of each of several cases (at most one each), visible to the caller only. */
export async function surveysByCaseIds(ctx: ServiceContext, caseIds: readonly string[]): Promise<SurveyRow[]> {
  if (!caseIds.length) return [];
  return rows<SurveyRow>(ctx.em, sql`select ${columnsOf(ctx.em, 'Survey', 's')} from survey s
    where s.case_id = any(${textArray([...caseIds])}) and ${surveyScope(ctx.principal)}`);
}

/** Path and query of the customer's survey link (prefix it with the customer-facing site's origin). */
export function surveyLink(survey: Pick<SurveyRow, 'serviceCase' | 'token'>): string {
  const caseId = refId(survey.serviceCase) ?? '';
  return `/survey?caseId=${encodeURIComponent(caseId)}&token=${encodeURIComponent(survey.token)}`;
}

// ------------------------------------------------------------------------------------- submit

const SubmitSurvey = z.object({
  caseId: z.string().min(1, 'The case id is required.').max(100),
  token: z.string().min(1, 'The token is required.').max(200),
  csat: z.number({ invalid_type_error: 'CSAT is a whole number from 1 to 5.' }).int('CSAT is a whole number from 1 to 5.')
    .min(1, 'CSAT is a whole number from 1 to 5.').max(5, 'CSAT is a whole number from 1 to 5.'),
  nps: z.number({ invalid_type_error: 'NPS is a whole number from 0 to 10.' }).int('NPS is a whole number from 0 to 10.')
    .min(0, 'NPS is a whole number from 0 to 10.').max(10, 'NPS is a whole number from 0 to 10.'),
  comment: optionalText(4000),
});

export type SubmitSurveyInput = InputOf<typeof SubmitSurvey>;

const NOT_FOUND = (): UserError => userError('NOT_FOUND', 'There is no open survey for this case and token.', ['input', 'token']);
const ANSWERED = (): UserError => userError('BUSINESS_RULE', 'This survey was already answered: a survey is answered once.', null);

const CASE_ID = ID('cas');

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Records the customer's answer. Needs no caller (the link is the credential): a wrong case id or a wrong
 * token give the same NOT_FOUND; an answered survey BUSINESS_RULE (also when two answers race: one
 * conditional update wins); scores out of range VALIDATION at their field.
 */
export async function submitSurvey(em: EntityManager, input: SubmitSurveyInput): Promise<{ survey: SurveyRow | null; errors: UserError[] }> {
  const parsed = parseInput(SubmitSurvey, input);
  if (!parsed.ok) return { survey: null, errors: parsed.errors };
  const data = parsed.data;
  if (!CASE_ID.safeParse(data.caseId).success) return { survey: null, errors: [NOT_FOUND()] };

  const [found] = await rows<{ id: string; token: string; submittedAt: Date | null }>(em,
    sql`select s.id, s.token, s.submitted_at as "submittedAt" from survey s where s.case_id = ${data.caseId}`);
  if (!found || !sameSecret(found.token, data.token)) return { survey: null, errors: [NOT_FOUND()] };
  if (found.submittedAt) return { survey: null, errors: [ANSWERED()] };

  const [updated] = await rows<SurveyRow>(em, sql`update survey s set csat = ${data.csat}, nps = ${data.nps},
      comment = ${data.comment || null}, submitted_at = ${new Date().toISOString()}::timestamptz
    where s.id = ${found.id} and s.submitted_at is null
    returning ${columnsOf(em, 'Survey', 's')}`);
  if (!updated) return { survey: null, errors: [ANSWERED()] };
  return { survey: updated, errors: [] };
}

// ---------------------------------------------------------------------------------- follow-up

const ScheduleFollowUp = z.object({
  caseId: ID('cas'),
  at: z.date({ invalid_type_error: 'A timestamp is required.', required_error: 'A timestamp is required.' }),
  note: optionalText(4000),
});

export type ScheduleFollowUpInput = InputOf<typeof ScheduleFollowUp>;

const TITLE_MAX = 200;

/**
 * A FOLLOW_UP task on a case, due `at` (in the future), for the case's assignee — or the caller when
 * the case is unassigned or its assignee was deactivated — linked to the case and its customer, with
 * the note as the task's notes. The case must be visible to the caller (`caseScope`, live customer; NOT_FOUND otherwise);
 * any status (a follow-up after resolution is the usual one). The permission map limits it to ADMIN and
 * SERVICE_AGENT.
 */
export async function scheduleFollowUp(ctx: ServiceContext, input: ScheduleFollowUpInput): Promise<{ task: Task | null; errors: UserError[] }> {
  const parsed = parseInput(ScheduleFollowUp, input);
  if (!parsed.ok) return { task: null, errors: parsed.errors };
  const data = parsed.data;
  if (data.at.getTime() <= Date.now()) {
    return { task: null, errors: [userError('VALIDATION', 'The follow-up must be in the future.', ['input', 'at'])] };
  }
  const { result, errors } = await inTransaction(ctx, async (tx) => {
    const [found] = await rows<{ id: string; number: string; subject: string; customerId: string; assigneeId: string | null; assigneeActive: boolean | null }>(tx.em, sql`
      select k.id, k.number, k.subject, k.customer_id as "customerId", k.assignee_id as "assigneeId", u.active as "assigneeActive"
      from service_case k
      join customer c on c.id = k.customer_id and c.deleted_at is null
      left join app_user u on u.id = k.assignee_id
      where k.id = ${data.caseId} and ${caseScope(tx.principal, 'k.customer_id')}`);
    if (!found) throw new RollbackWithErrors([userError('NOT_FOUND', 'Case not found.', ['input', 'caseId'])]);
    const assigneeId = found.assigneeId && found.assigneeActive ? found.assigneeId : tx.principal.id;
    const title = `Follow up: ${found.number} ${found.subject}`;
    const task = tx.em.create(Task, {
      title: title.length > TITLE_MAX ? `${title.slice(0, TITLE_MAX - 1)}…` : title,
      type: TaskType.FOLLOW_UP, dueAt: data.at, remindAt: null, notes: data.note || null,
      assignee: tx.em.getReference(User, assigneeId), assignedBy: tx.em.getReference(User, tx.principal.id),
      customer: tx.em.getReference(Customer, found.customerId), serviceCase: tx.em.getReference(ServiceCase, found.id),
    });
    await tx.em.flush();
    return task;
  });
  return { task: result, errors };
}
