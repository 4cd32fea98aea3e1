import { z } from 'zod';
import type { Principal } from '../auth/principal';
import { AuditAction } from '../entities/enums';
import { refId } from '../entities/ids';
import { CaseStatus, CommentVisibility } from '../entities/service.enums';
import { CaseComment, ServiceCase } from '../entities/service-case.entity';
import { auditCase, caseSnapshot, caseVisible, loadCaseForWrite } from './case.service';
import type { ServiceContext } from './context';
import { recordEvent } from './outbox';
import { userError, type UserError } from './errors';
import { fixedOrder, readModel } from './read-model';
import { seesInternalNotes } from './scope';
import { TRUE, and, raw, rows, sql, type Sql } from './sql';
import { fail, inTransaction } from './transaction';
import { ID, parseInput, text, type InputOf } from './validation';

/**
 * Comments on cases: PUBLIC replies and INTERNAL notes.
 *
 * - INTERNAL notes exist only for staff users (`seesInternalNotes`): for PARTNER users and every API
 *   key they are filtered out in SQL — in `ServiceCase.comments` (rows and totalCount) and by id
 *   (`node`). Their bodies are never audited.
 * - ADMIN and SERVICE_AGENT comment on every case, PUBLIC or INTERNAL; a PARTNER (user or key) adds
 *   PUBLIC comments to the cases it sees (INTERNAL: FORBIDDEN at `input.visibility`). CLOSED cases
 *   take no comments (reopen first).
 * - The first PUBLIC comment by staff sets the case's `firstRespondedAt` (once; audited as a change
 *   of the case). Partner comments never count as the response.
 */

export type CommentRow = CaseComment;

/** Comments (aliased `alias`) the caller may read on a visible case: INTERNAL notes for staff only. */
export function commentVisible(principal: Principal, alias = 'm'): Sql {
  return seesInternalNotes(principal) ? TRUE : raw(`${alias}.visibility = '${CommentVisibility.PUBLIC}'`);
}

export const commentReads = readModel<CommentRow>()({
  entity: 'CaseComment', table: 'case_comment', alias: 'm', parentColumn: 'm.case_id',
  // By id (also `node(id)`): on cases the caller sees; under a case the page's parent is already visible.
  join: 'join service_case k on k.id = m.case_id',
  visible: (ctx) => and([commentVisible(ctx.principal), caseVisible(ctx.principal)]),
  visibleUnderParent: (ctx) => commentVisible(ctx.principal),
  // Oldest first; the id breaks ties.
  order: fixedOrder('caseComments', [
    { expr: 'm.created_at', dir: 'ASC', get: (r) => r.createdAt },
    { expr: 'm.id', dir: 'ASC', get: (r) => r.id },
  ]),
});

/** Comments by id: on cases the caller sees, INTERNAL notes only for staff (also feeds `node(id)`). */
export const commentsByIds = commentReads.byIds;

const AddCaseComment = z.object({
  caseId: ID('cas'),
  body: text(20000),
  visibility: z.nativeEnum(CommentVisibility),
});
export type AddCaseCommentInput = InputOf<typeof AddCaseComment>;
export interface CaseCommentPayload { comment: CommentRow | null; errors: UserError[] }

export async function addCaseComment(ctx: ServiceContext, input: AddCaseCommentInput): Promise<CaseCommentPayload> {
  const parsed = parseInput(AddCaseComment, input);
  if (!parsed.ok) return { comment: null, errors: parsed.errors };
  const data = parsed.data;
  const staff = seesInternalNotes(ctx.principal);
  if (!staff && data.visibility === CommentVisibility.INTERNAL) {
    return { comment: null, errors: [userError('FORBIDDEN', 'Internal notes are for the service desk only: write a PUBLIC comment.', ['input', 'visibility'])] };
  }
  const outcome = await inTransaction(ctx, async (tx) => {
    const serviceCase = await loadCaseForWrite(tx, data.caseId, { participant: true, field: ['input', 'caseId'] });
    if (serviceCase.status === CaseStatus.CLOSED) {
      fail([userError('BUSINESS_RULE', `Case ${serviceCase.number} is CLOSED: reopen it first.`, ['input', 'caseId'])]);
    }
    const now = new Date();
    const comment = tx.em.create(CaseComment, {
      serviceCase: tx.em.getReference(ServiceCase, serviceCase.id),
      visibility: data.visibility,
      body: data.body,
      authorType: tx.principal.type,
      authorId: tx.principal.id,
      createdAt: now,
    });
    tx.em.persist(comment);
    // Every comment, INTERNAL notes too: live subscribers who may read them get them (webhooks send PUBLIC ones only).
    recordEvent(tx.em, tx.principal, {
      type: 'case.replied', entityType: 'ServiceCase', entityId: serviceCase.id, customerId: refId(serviceCase.customer),
      data: { commentId: comment.id, visibility: data.visibility },
    });
    if (data.visibility === CommentVisibility.PUBLIC) {
      // A reply is news for whoever polls cases (`updatedAt`); it changes no field of the case, so the
      // version stays (an agent's pending edit is not a conflict). INTERNAL notes stay invisible to pollers.
      await rows(tx.em, sql`update service_case set updated_at = ${now.toISOString()}::timestamptz where id = ${serviceCase.id}`);
    }
    if (staff && data.visibility === CommentVisibility.PUBLIC && !serviceCase.firstRespondedAt) {
      const before = caseSnapshot(serviceCase);
      serviceCase.firstRespondedAt = now;
      serviceCase.updatedAt = now;
      auditCase(tx, serviceCase, AuditAction.UPDATE, before);
    }
    await tx.em.flush();
    return comment.id;
  });
  if (!outcome.result) return { comment: null, errors: outcome.errors };
  const [row] = await commentsByIds(ctx, [outcome.result]);
  return { comment: row ?? null, errors: [] };
}
