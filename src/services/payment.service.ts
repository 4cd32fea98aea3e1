import { LockMode } from '@mikro-orm/core';
import Decimal from 'decimal.js';
import { z } from 'zod';
import { Customer } from '../entities/customer.entity';
import { AuditAction } from '../entities/enums';
import { PaymentMethod, ReceivableStatus } from '../entities/finance.enums';
import { Payment, PaymentAllocation } from '../entities/payment.entity';
import { Receivable } from '../entities/receivable.entity';
import { diff, recordAudit } from './audit.service';
import { recordEvent } from './outbox';
import { closeSettledCollectionTasks } from './collection.service';
import { readModel, type ListArgs, type SortFieldOf, type SortTable } from './read-model';
import type { ServiceContext } from './context';
import { userError, type UserError } from './errors';
import { type FilterSpec } from './filter';
import { outstandingOf, type PaymentAllocationRow } from './receivable.service';
import { accountScope } from './scope';
import { columnsOf, rows, sql, textArray, type Sql } from './sql';
import { fail, inTransaction } from './transaction';
import { CURRENCY, ID, LOCAL_DATE, MONEY, isoDate, parseInput, text, type InputOf } from './validation';

/**
 * Payments received from customers and their allocation to receivables (issue 4).
 *
 * Rules (also in the schema descriptions; who may call: src/auth/receivable.permissions.ts):
 * - `recordPayment`: one transaction that first locks the customer's open
 *   receivables (`for update`, in allocation order), so concurrent payments of one customer are applied
 *   one after the other and each sees what the other left outstanding.
 * - A payment is always fully allocated, to open receivables of the same customer in the same currency.
 *   With explicit `allocations`: each names an open receivable of the customer (another customer's:
 *   VALIDATION; SETTLED or WRITTEN_OFF: BUSINESS_RULE; unknown: NOT_FOUND), in the payment's currency (VALIDATION), at
 *   most its outstanding amount (BUSINESS_RULE), no receivable twice (VALIDATION), and they add up to the
 *   payment amount (VALIDATION on `input.allocations`). Without: oldest first — due date, issue date,
 *   invoice number — the last one possibly partly.
 * - A payment larger than everything the customer owes in that currency is refused (BUSINESS_RULE on
 *   `input.amount`, "overpayment"): credit notes and refunds do not exist yet.
 * - A receivable paid down to zero becomes SETTLED (`settledAt` stamped); an OVERDUE one stays OVERDUE
 *   while partly paid. Audited: the payment (CREATE) and each receivable (UPDATE of paidAmount/status).
 * - Reads: like receivables (`accountScope` on the payment's customer).
 */

export type PaymentRow = Payment;
export type PaymentOrderField = SortFieldOf<typeof PAYMENT_ORDER>;
export type PaymentListArgs = ListArgs<typeof PAYMENT_ORDER, typeof PAYMENT_FILTER>;

/** The sort enum `PaymentOrderField` (schema/receivable.inputs.ts registers it from this table). */
export const PAYMENT_ORDER = {
  RECEIVED_ON: {
    expr: 'p.received_on', get: (r) => r.receivedOn, then: [{ expr: 'p.created_at', get: (r) => r.createdAt }],
    description: 'The day the money was received, then when it was recorded.',
  },
  AMOUNT: { expr: 'p.amount', get: (r) => r.amount, description: 'The amount, compared as a number regardless of currency.' },
  CREATED_AT: { expr: 'p.created_at', get: (r) => r.createdAt, description: 'When the payment was recorded.' },
} satisfies SortTable<PaymentRow>;

/** The fields of the GraphQL `PaymentFilter` (which checks it names the same ones). */
export const PAYMENT_FILTER = {
  id: { expr: 'p.id', kind: 'scalar' },
  customerId: { expr: 'p.customer_id', kind: 'scalar' },
  currency: { expr: 'p.currency', kind: 'text' },
  amount: { expr: 'p.amount', kind: 'scalar' },
  receivedOn: { expr: 'p.received_on', kind: 'scalar' },
  method: { expr: 'p.method', kind: 'scalar' },
} satisfies FilterSpec;

const visible = (ctx: ServiceContext): Sql => accountScope(ctx.principal, 'p.customer_id');

export const paymentReads = readModel<PaymentRow>()({
  entity: 'Payment', table: 'payment', alias: 'p', parentColumn: 'p.customer_id',
  visible,
  filter: PAYMENT_FILTER,
  order: { list: 'payments', table: PAYMENT_ORDER, default: { field: 'RECEIVED_ON', direction: 'DESC' } },
});

export const listPayments = paymentReads.list;
/** Payments by id, visible to the caller only; the order of the result is not guaranteed. */
export const paymentsByIds = paymentReads.byIds;
export const getPayment = paymentReads.get;

/** Allocations of several (already visible) payments, in the order they were applied (due date, issue date, invoice number). */
export async function allocationsByPaymentIds(ctx: ServiceContext, paymentIds: readonly string[]): Promise<PaymentAllocationRow[]> {
  if (!paymentIds.length) return [];
  return rows<PaymentAllocationRow>(ctx.em, sql`select ${columnsOf(ctx.em, 'PaymentAllocation', 'a')} from payment_allocation a
    join receivable r on r.id = a.receivable_id
    where a.payment_id = any(${textArray([...paymentIds])}) and ${accountScope(ctx.principal, 'r.customer_id')}
    order by a.payment_id, r.due_date, r.issued_on, r.number`);
}

// ---------------------------------------------------------------------------------------- recording

const POSITIVE_MONEY = MONEY.refine((v) => new Decimal(v).gt(0), 'Must be more than 0.');

const RecordPayment = z.object({
  customerId: ID('cus'),
  amount: POSITIVE_MONEY,
  currency: CURRENCY,
  receivedOn: LOCAL_DATE.refine((v) => v <= isoDate(new Date(), 1), 'Cannot be in the future.'),
  method: z.nativeEnum(PaymentMethod),
  reference: text(100).nullish(),
  note: text(2000).nullish(),
  allocations: z.array(z.object({ receivableId: ID('rcv'), amount: POSITIVE_MONEY }))
    .min(1, 'Give at least one allocation, or omit `allocations` to pay the oldest receivables first.')
    .max(500, 'At most 500 allocations.')
    .nullish(),
});

export type RecordPaymentInput = InputOf<typeof RecordPayment>;
type RecordPaymentData = z.infer<typeof RecordPayment>;
export interface PaymentPayload { payment: PaymentRow | null; errors: UserError[] }

const outstanding = (r: Receivable) => new Decimal(outstandingOf(r));

/** Explicit allocations: every rule checked, every error reported with its position. */
async function explicitAllocations(tx: ServiceContext, data: RecordPaymentData, open: Receivable[]): Promise<[Receivable, Decimal][]> {
  const given = data.allocations!;
  const openById = new Map(open.map((r) => [r.id, r]));
  const missing = [...new Set(given.map((a) => a.receivableId).filter((id) => !openById.has(id)))];
  const others = new Map((missing.length
    ? await rows<{ id: string; customerId: string; status: ReceivableStatus }>(tx.em, sql`select r.id, r.customer_id as "customerId", r.status
        from receivable r where r.id = any(${textArray(missing)})`)
    : []).map((r) => [r.id, r]));
  const errors: UserError[] = [];
  const seen = new Set<string>();
  const plan: [Receivable, Decimal][] = [];
  let sum = new Decimal(0);
  given.forEach((a, i) => {
    const at = (field: string) => ['input', 'allocations', String(i), field];
    const amount = new Decimal(a.amount);
    sum = sum.plus(amount);
    if (seen.has(a.receivableId)) {
      errors.push(userError('VALIDATION', 'This receivable is named twice: give it one allocation.', at('receivableId')));
      return;
    }
    seen.add(a.receivableId);
    const r = openById.get(a.receivableId);
    if (!r) {
      const other = others.get(a.receivableId);
      if (!other) errors.push(userError('NOT_FOUND', 'Receivable not found.', at('receivableId')));
      else if (other.customerId !== data.customerId) errors.push(userError('VALIDATION', 'This receivable belongs to another customer.', at('receivableId')));
      else if (other.status === ReceivableStatus.WRITTEN_OFF) errors.push(userError('BUSINESS_RULE', 'This receivable was written off: nothing can be applied to it.', at('receivableId')));
      else errors.push(userError('BUSINESS_RULE', 'This receivable is already settled.', at('receivableId')));
      return;
    }
    if (r.currency !== data.currency) {
      errors.push(userError('VALIDATION', `This receivable is in ${r.currency}, the payment in ${data.currency}.`, at('receivableId')));
      return;
    }
    if (amount.gt(outstanding(r))) {
      errors.push(userError('BUSINESS_RULE', `More than the ${outstanding(r).toFixed(2)} ${r.currency} outstanding on ${r.number}.`, at('amount')));
      return;
    }
    plan.push([r, amount]);
  });
  if (!sum.eq(data.amount)) {
    errors.push(userError('VALIDATION', `The allocations add up to ${sum.toFixed(2)}, the payment is ${data.amount}: they must be equal.`, ['input', 'allocations']));
  }
  fail(errors);
  return plan;
}

/** No allocations given: the oldest open receivables in the payment's currency first, the last one possibly partly. */
function oldestFirst(data: RecordPaymentData, candidates: Receivable[]): [Receivable, Decimal][] {
  let left = new Decimal(data.amount);
  const plan: [Receivable, Decimal][] = [];
  for (const r of candidates) {
    if (left.isZero()) break;
    const part = Decimal.min(left, outstanding(r));
    plan.push([r, part]);
    left = left.minus(part);
  }
  return plan;
}

export async function recordPayment(ctx: ServiceContext, input: RecordPaymentInput): Promise<PaymentPayload> {
  const parsed = parseInput(RecordPayment, input);
  if (!parsed.ok) return { payment: null, errors: parsed.errors };
  const data = parsed.data;
  const outcome = await inTransaction(ctx, async (tx) => {
    const [customer] = await rows<{ id: string }>(tx.em, sql`select c.id from customer c
      where c.id = ${data.customerId} and c.deleted_at is null and ${accountScope(tx.principal, 'c.id')}`);
    if (!customer) fail([userError('NOT_FOUND', 'Customer not found.', ['input', 'customerId'])]);

    // Lock every open receivable of the customer, always in the same order: a concurrent payment waits
    // here and then sees what this one left outstanding (settled and written-off ones drop out of its result).
    const open = await tx.em.find(Receivable, { customer: data.customerId, status: { $in: [ReceivableStatus.OPEN, ReceivableStatus.OVERDUE] } }, {
      orderBy: [{ dueDate: 'asc' }, { issuedOn: 'asc' }, { number: 'asc' }],
      lockMode: LockMode.PESSIMISTIC_WRITE,
    });
    const candidates = open.filter((r) => r.currency === data.currency);
    const owed = candidates.reduce((total, r) => total.plus(outstanding(r)), new Decimal(0));
    if (new Decimal(data.amount).gt(owed)) {
      fail([userError('BUSINESS_RULE',
        `Overpayment: the customer owes ${owed.toFixed(2)} ${data.currency} in all, the payment is ${data.amount} ${data.currency}.`, ['input', 'amount'])]);
    }
    const plan = data.allocations ? await explicitAllocations(tx, data, open) : oldestFirst(data, candidates);

    const payment = tx.em.create(Payment, {
      customer: tx.em.getReference(Customer, data.customerId), amount: data.amount, currency: data.currency, receivedOn: data.receivedOn,
      method: data.method, reference: data.reference ?? null, note: data.note ?? null, recordedBy: tx.principal.id,
    });
    tx.em.persist(payment);
    recordAudit(tx.em, tx.principal, {
      entityType: 'Payment', entityId: payment.id, customerId: data.customerId, action: AuditAction.CREATE,
      changes: [
        { field: 'amount', old: null, new: data.amount }, { field: 'currency', old: null, new: data.currency },
        { field: 'receivedOn', old: null, new: data.receivedOn }, { field: 'method', old: null, new: data.method },
      ],
    });
    const now = new Date();
    for (const [r, part] of plan) {
      tx.em.persist(tx.em.create(PaymentAllocation, { payment, receivable: r, amount: part.toFixed(2) }));
      const before = { paidAmount: new Decimal(String(r.paidAmount)).toFixed(2), status: r.status };
      const paid = new Decimal(String(r.paidAmount)).plus(part);
      r.paidAmount = paid.toFixed(2);
      if (paid.eq(String(r.amount))) {
        r.status = ReceivableStatus.SETTLED;
        r.settledAt = now;
        recordEvent(tx.em, tx.principal, { type: 'receivable.paid', entityType: 'Receivable', entityId: r.id, customerId: data.customerId, data: { paymentId: payment.id } });
      }
      recordAudit(tx.em, tx.principal, {
        entityType: 'Receivable', entityId: r.id, customerId: data.customerId, action: AuditAction.UPDATE,
        changes: diff(before, { paidAmount: r.paidAmount, status: r.status }, ['paidAmount', 'status']),
      });
    }
    await tx.em.flush();
    // Collection is over for what this payment settled: close their open COLLECTION tasks now (the job would, later).
    await closeSettledCollectionTasks(tx.em, now, plan.filter(([r]) => r.status === ReceivableStatus.SETTLED).map(([r]) => r.id));
    return payment.id;
  });
  if (!outcome.result) return { payment: null, errors: outcome.errors };
  const [row] = await paymentsByIds(ctx, [outcome.result]);
  return { payment: row, errors: [] };
}
