import Decimal from 'decimal.js';
import { z } from 'zod';
import type { Principal } from '../auth/principal';
import { Contract } from '../entities/contract.entity';
import { CreditAssessment, CreditHold } from '../entities/credit.entity';
import { Customer } from '../entities/customer.entity';
import { AuditAction, CreditRating } from '../entities/enums';
import { CREDIT_ASSESSMENT_READERS, CREDIT_HOLD_READERS } from '../auth/roles';
import { ContractStatus, CreditHoldStatus } from '../entities/finance.enums';
import { refId } from '../entities/ids';
import { Order, OrderStatus } from '../entities/order.entity';
import { User } from '../entities/user.entity';
import type { FieldChangeValue } from '../entities/audit-event.entity';
import { loyaltyOnOrderStatus } from './loyalty.service';
import { recordAudit } from './audit.service';
import { recordEvent } from './outbox';
import { completeSigning } from './contract.service';
import { fixedOrder, readModel, type SortFieldOf, type SortTable } from './read-model';
import type { ServiceContext } from './context';
import { exposuresOf } from './credit-check';
import { customersByIds, type CustomerRow } from './customer.service';
import { userError, type UserError } from './errors';
import { type FilterSpec } from './filter';
import {
  type OrderBy, } from './pagination';
import { accountScope, liveCustomer } from './scope';
import { FALSE, and, rows, sql, type Sql } from './sql';
import { fail, inTransaction } from './transaction';
import { CURRENCY, ID, MONEY, optionalText, parseInput, text, type InputOf } from './validation';

/**
 * Credit, "3+1" (issue 4): (1) assessment — FINANCE rates a customer A–D and grants a limit in one
 * currency (history kept in `credit_assessment`; the latest is on the customer); (2) protection — an
 * ON_ACCOUNT order or a contract that would take the customer's exposure over its limit is held
 * (`credit_hold`, written by credit-check.ts) until FINANCE approves or rejects it; (3) collection
 * lives with receivables. The "one" is FINANCE: the only role that assesses and decides.
 *
 * Rules (also in the schema descriptions):
 * - Reads: holds by ADMIN, FINANCE, SALES_MANAGER, SALES_REP (`accountScope`: managers and reps the
 *   customers in their scope); assessments by ADMIN, FINANCE, SALES_MANAGER. Other roles: none (also
 *   through `node(id)`). Holds and assessments of soft-deleted customers are hidden like the customer.
 * - Exposure (in the limit's currency) = outstanding of open receivables + totals of ON_ACCOUNT orders
 *   PENDING or CONFIRMED, other currencies converted at today's rate (see credit-check.ts); null on a
 *   customer without a limit, and when a debt's currency has no rate today (unknown, never 0).
 * - `assessCredit`: records an assessment and sets the customer's rating, limit and currency (customer
 *   version bumped when one of them changes), audited on the customer.
 * - `approveCredit` / `rejectCredit`: only a PENDING hold (BUSINESS_RULE otherwise), with the version
 *   read (CONFLICT otherwise); approving releases the order (→ PENDING) or completes the contract's
 *   signing; rejecting cancels the order (→ CANCELLED) or sends the contract back to DRAFT. One
 *   transaction, every status change audited.
 */

export type CreditHoldRow = CreditHold;
export type CreditAssessmentRow = CreditAssessment;

/** Condition on the `credit_hold` row aliased `h`. */
function holdScope(principal: Principal): Sql {
  if (!CREDIT_HOLD_READERS.includes(principal.role)) return FALSE;
  return and([liveCustomer('h.customer_id'), accountScope(principal, 'h.customer_id')]);
}

/** Condition on the `credit_assessment` row aliased `a`. */
function assessmentScope(principal: Principal): Sql {
  if (!CREDIT_ASSESSMENT_READERS.includes(principal.role)) return FALSE;
  return and([liveCustomer('a.customer_id'), accountScope(principal, 'a.customer_id')]);
}

// ---------------------------------------------------------------------------------------- holds: reads

export type CreditHoldOrderField = SortFieldOf<typeof CREDIT_HOLD_ORDER>;

/** The sort enum `CreditHoldOrderField` (schema/credit.inputs.ts registers it from this table). */
export const CREDIT_HOLD_ORDER = {
  // 0 for PENDING, 1 for decided: ascending puts the holds waiting for a decision first.
  STATUS: {
    expr: `(case when h.status = 'PENDING' then 0 else 1 end)`, get: (r) => (r.status === CreditHoldStatus.PENDING ? 0 : 1),
    description: 'Waiting or decided: ASC puts PENDING holds first, DESC puts decided ones (APPROVED, REJECTED, WITHDRAWN) first.',
  },
  CREATED_AT: { expr: 'h.created_at', get: (r) => r.createdAt, description: 'When the order or contract was held.' },
  AMOUNT: { expr: 'h.amount', get: (r) => r.amount, description: 'The held amount, regardless of currency.' },
} satisfies SortTable<CreditHoldRow>;

/** Default order: pending first, oldest first (the FINANCE work queue). */
const DEFAULT_HOLD_ORDER: OrderBy<CreditHoldOrderField>[] = [{ field: 'STATUS', direction: 'ASC' }, { field: 'CREATED_AT', direction: 'ASC' }];

/** The fields of the GraphQL `CreditHoldFilter` (which checks it names the same ones). */
export const CREDIT_HOLD_FILTER = {
  id: { expr: 'h.id', kind: 'scalar' },
  customerId: { expr: 'h.customer_id', kind: 'scalar' },
  orderId: { expr: 'h.order_id', kind: 'scalar' },
  contractId: { expr: 'h.contract_id', kind: 'scalar' },
  status: { expr: 'h.status', kind: 'scalar' },
  reason: { expr: 'h.reason', kind: 'scalar' },
  currency: { expr: 'h.currency', kind: 'text' },
  amount: { expr: 'h.amount', kind: 'scalar' },
  createdAt: { expr: 'h.created_at', kind: 'scalar' },
  decidedAt: { expr: 'h.decided_at', kind: 'scalar' },
} satisfies FilterSpec;

export const creditHoldReads = readModel<CreditHoldRow>()({
  entity: 'CreditHold', table: 'credit_hold', alias: 'h',
  visible: (ctx) => holdScope(ctx.principal),
  filter: CREDIT_HOLD_FILTER,
  order: { list: 'creditHolds', table: CREDIT_HOLD_ORDER, default: DEFAULT_HOLD_ORDER },
});

export const listCreditHolds = creditHoldReads.list;
/** Holds by id, visible to the caller only; the order of the result is not guaranteed. */
export const creditHoldsByIds = creditHoldReads.byIds;
export const getCreditHold = creditHoldReads.get;

// ---------------------------------------------------------------------------------------- assessments: reads

export const assessmentReads = readModel<CreditAssessmentRow>()({
  entity: 'CreditAssessment', table: 'credit_assessment', alias: 'a', parentColumn: 'a.customer_id',
  visible: (ctx) => assessmentScope(ctx.principal),
  // Newest first.
  order: fixedOrder('creditAssessments', [
    { expr: 'a.assessed_at', dir: 'DESC', get: (r) => r.assessedAt },
    { expr: 'a.id', dir: 'DESC', get: (r) => r.id },
  ]),
});

/** Assessments by id, visible to the caller only. */
export const creditAssessmentsByIds = assessmentReads.byIds;

// ---------------------------------------------------------------------------------------- exposure

export interface ExposureKey { customerId: string; currency: string }
export const exposureKey = (k: ExposureKey) => `${k.customerId}:${k.currency}`;

/**
 * Exposures of (already visible) customers, each in the currency of its credit limit, as decimal
 * strings keyed by `exposureKey` (null: unknown, a debt in another currency has no rate today): one
 * statement for a page of customers.
 */
export async function exposuresByCustomer(ctx: ServiceContext, keys: readonly ExposureKey[]): Promise<Map<string, string | null>> {
  const result = new Map<string, string | null>();
  // One statement per round; a customer appears once per round (a second currency of the same customer
  // in one request, e.g. after a reassessment, needs another round — never more than the currencies).
  let pending = [...keys];
  while (pending.length) {
    const round = new Map<string, string>();
    const rest: ExposureKey[] = [];
    for (const k of pending) {
      if (round.has(k.customerId)) rest.push(k);
      else round.set(k.customerId, k.currency);
    }
    const found = await exposuresOf(ctx.em, [...round.keys()], (id) => round.get(id)!);
    for (const [id, currency] of round) result.set(exposureKey({ customerId: id, currency }), found.has(id) ? found.get(id)!.exposure : '0.00');
    pending = rest;
  }
  return result;
}

/** What is left of the limit: limit − exposure (negative when over the limit). */
export function availableCredit(limit: string, exposure: string): string {
  return new Decimal(limit).minus(exposure).toFixed(2);
}

// ---------------------------------------------------------------------------------------- assessCredit

const note = (max: number) => optionalText(max).transform((v) => v || null);

const AssessCredit = z.object({
  customerId: ID('cus'),
  rating: z.nativeEnum(CreditRating),
  limit: MONEY,
  currency: CURRENCY,
  note: note(1000),
});
export type AssessCreditInput = InputOf<typeof AssessCredit>;

export interface CreditAssessmentPayload { assessment: CreditAssessmentRow | null; customer: CustomerRow | null; errors: UserError[] }

const sameAmount = (a: string | null | undefined, b: string | null) => (a == null || b == null ? a == b : new Decimal(a).eq(b));

export async function assessCredit(ctx: ServiceContext, input: AssessCreditInput): Promise<CreditAssessmentPayload> {
  const parsed = parseInput(AssessCredit, input);
  if (!parsed.ok) return { assessment: null, customer: null, errors: parsed.errors };
  const data = parsed.data;
  const outcome = await inTransaction(ctx, async (tx) => {
    // Lock the customer: assessments and credit checks of one customer happen one after the other.
    const [found] = await rows<{ id: string }>(tx.em, sql`select c.id from customer c
      where c.id = ${data.customerId} and c.deleted_at is null and ${accountScope(tx.principal, 'c.id')} for update`);
    if (!found) fail([userError('NOT_FOUND', 'Customer not found.', ['input', 'customerId'])]);
    const customer = await tx.em.findOneOrFail(Customer, data.customerId);
    const changes: FieldChangeValue[] = [];
    if (customer.creditRating !== data.rating) changes.push({ field: 'creditRating', old: customer.creditRating ?? null, new: data.rating });
    if (!sameAmount(customer.creditLimit, data.limit)) changes.push({ field: 'creditLimit', old: customer.creditLimit ?? null, new: data.limit });
    if (customer.creditCurrency !== data.currency) changes.push({ field: 'creditCurrency', old: customer.creditCurrency ?? null, new: data.currency });
    const assessment = tx.em.create(CreditAssessment, {
      customer, rating: data.rating, limit: data.limit, currency: data.currency, note: data.note,
      assessedBy: tx.em.getReference(User, tx.principal.id), assessedAt: new Date(),
    });
    tx.em.persist(assessment);
    recordAudit(tx.em, tx.principal, {
      entityType: 'CreditAssessment', entityId: assessment.id, customerId: customer.id, action: AuditAction.CREATE,
      changes: [
        { field: 'rating', old: null, new: data.rating }, { field: 'limit', old: null, new: data.limit },
        { field: 'currency', old: null, new: data.currency }, ...(data.note ? [{ field: 'note', old: null, new: data.note }] : []),
      ],
    });
    if (changes.length) {
      customer.creditRating = data.rating;
      customer.creditLimit = data.limit;
      customer.creditCurrency = data.currency;
      customer.updatedAt = new Date();
      recordAudit(tx.em, tx.principal, { entityType: 'Customer', entityId: customer.id, customerId: customer.id, action: AuditAction.UPDATE, changes });
    }
    await tx.em.flush();
    return assessment.id;
  });
  if (!outcome.result) return { assessment: null, customer: null, errors: outcome.errors };
  const [assessment] = await creditAssessmentsByIds(ctx, [outcome.result]);
  const [customer] = await customersByIds(ctx, [data.customerId]);
  return { assessment, customer: customer ?? null, errors: [] };
}

// ---------------------------------------------------------------------------------------- decisions

const ApproveCredit = z.object({ holdId: ID('crh'), version: z.number().int(), note: note(1000) });
const RejectCredit = z.object({ holdId: ID('crh'), version: z.number().int(), note: text(1000) });
export type ApproveCreditInput = InputOf<typeof ApproveCredit>;
export type RejectCreditInput = InputOf<typeof RejectCredit>;

export interface CreditHoldPayload { creditHold: CreditHoldRow | null; errors: UserError[] }

async function decide(ctx: ServiceContext, data: { holdId: string; version: number; note: string | null }, approve: boolean): Promise<CreditHoldPayload> {
  const outcome = await inTransaction(ctx, async (tx) => {
    // Lock the hold: a concurrent decision waits, then finds it decided.
    const [found] = await rows<{ id: string }>(tx.em, sql`select h.id from credit_hold h where h.id = ${data.holdId} and ${holdScope(tx.principal)} for update`);
    if (!found) fail([userError('NOT_FOUND', 'Credit hold not found.', ['input', 'holdId'])]);
    const hold = await tx.em.findOneOrFail(CreditHold, data.holdId, { refresh: true });
    if (hold.status !== CreditHoldStatus.PENDING) {
      fail([userError('BUSINESS_RULE', `This hold was already decided (${hold.status}).`, ['input', 'holdId'])]);
    }
    if (hold.version !== data.version) {
      fail([userError('CONFLICT', `This hold was changed meanwhile (now version ${hold.version}): reload it and decide again.`, ['input', 'version'])]);
    }
    const status = approve ? CreditHoldStatus.APPROVED : CreditHoldStatus.REJECTED;
    recordAudit(tx.em, tx.principal, {
      entityType: 'CreditHold', entityId: hold.id, customerId: refId(hold.customer)!, action: AuditAction.UPDATE,
      changes: [{ field: 'status', old: hold.status, new: status }, ...(data.note ? [{ field: 'decisionNote', old: null, new: data.note }] : [])],
    });
    hold.status = status;
    hold.decidedBy = tx.em.getReference(User, tx.principal.id);
    hold.decidedAt = new Date();
    hold.decisionNote = data.note;
    recordEvent(tx.em, tx.principal, { type: 'credit.decided', entityType: 'CreditHold', entityId: hold.id, customerId: refId(hold.customer), data: { status, orderId: refId(hold.order), contractId: refId(hold.contract) } });

    const orderId = refId(hold.order);
    const contractId = refId(hold.contract);
    if (orderId) {
      const order = await tx.em.findOneOrFail(Order, orderId, { refresh: true });
      if (order.status !== OrderStatus.PENDING_CREDIT_APPROVAL) {
        fail([userError('BUSINESS_RULE', `The order is no longer waiting for credit approval (it is ${order.status}).`, ['input', 'holdId'])]);
      }
      const next = approve ? OrderStatus.PENDING : OrderStatus.CANCELLED;
      recordAudit(tx.em, tx.principal, {
        entityType: 'Order', entityId: order.id, customerId: refId(order.customer)!, action: AuditAction.UPDATE,
        changes: [{ field: 'status', old: order.status, new: next }],
      });
      recordEvent(tx.em, tx.principal, { type: 'order.status_changed', entityType: 'Order', entityId: order.id, customerId: refId(order.customer), data: { from: order.status, to: next } });
      order.status = next;
      order.updatedAt = new Date();
      // A refused order gives back the points it redeemed (loyalty, issue 11).
      await loyaltyOnOrderStatus(tx, order);
    }
    if (contractId) {
      const contract = await tx.em.findOneOrFail(Contract, contractId, { refresh: true });
      if (contract.status !== ContractStatus.PENDING_CREDIT_APPROVAL) {
        fail([userError('BUSINESS_RULE', `The contract is no longer waiting for credit approval (it is ${contract.status}).`, ['input', 'holdId'])]);
      }
      if (approve) {
        await tx.em.flush();
        await completeSigning(tx, contractId); // SIGNED, receivables issued, audited by the contract service
      } else {
        recordAudit(tx.em, tx.principal, {
          entityType: 'Contract', entityId: contract.id, customerId: refId(contract.customer)!, action: AuditAction.UPDATE,
          changes: [{ field: 'status', old: contract.status, new: ContractStatus.DRAFT }],
        });
        contract.status = ContractStatus.DRAFT;
        contract.updatedAt = new Date();
      }
    }
    await tx.em.flush();
    return hold.id;
  });
  if (!outcome.result) return { creditHold: null, errors: outcome.errors };
  const [row] = await creditHoldsByIds(ctx, [outcome.result]);
  return { creditHold: row ?? null, errors: [] };
}

export async function approveCredit(ctx: ServiceContext, input: ApproveCreditInput): Promise<CreditHoldPayload> {
  const parsed = parseInput(ApproveCredit, input);
  if (!parsed.ok) return { creditHold: null, errors: parsed.errors };
  return decide(ctx, parsed.data, true);
}

export async function rejectCredit(ctx: ServiceContext, input: RejectCreditInput): Promise<CreditHoldPayload> {
  const parsed = parseInput(RejectCredit, input);
  if (!parsed.ok) return { creditHold: null, errors: parsed.errors };
  return decide(ctx, parsed.data, false);
}
