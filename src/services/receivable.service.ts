import Decimal from 'decimal.js';
import type { PaymentAllocation } from '../entities/payment.entity';
import type { Receivable } from '../entities/receivable.entity';
import { readModel, type ListArgs, type SortFieldOf, type SortTable } from './read-model';
import type { ServiceContext } from './context';
import type { AnyFilter, FilterSpec } from './filter';
import { accountScope } from './scope';
import { columnsOf, rows, sql, textArray, type Sql } from './sql';

/**
 * Receivables: money a customer owes (issue 4). They come into being only through `issueReceivables`
 * (receivable-issue.ts: contract signing, ON_ACCOUNT orders when FULFILLED) and are paid down by
 * `recordPayment` (payment.service.ts); the overdue job flags them OVERDUE.
 *
 * Reads: ADMIN and FINANCE see all; SALES_MANAGER and SALES_REP those of the customers in their scope;
 * a PARTNER those of its own account (not of the customers it resells to) — `accountScope` in the SQL.
 * Anything else is absent from lists and counts and NOT_FOUND by id.
 */

export type ReceivableRow = Receivable;
export type PaymentAllocationRow = PaymentAllocation;
export type ReceivableOrderField = SortFieldOf<typeof RECEIVABLE_ORDER>;
export type ReceivableListArgs = ListArgs<typeof RECEIVABLE_ORDER, typeof RECEIVABLE_FILTER>;

/**
 * The sort enum `ReceivableOrderField` (schema/receivable.inputs.ts registers it from this table).
 * DUE_DATE sorts like payments are applied (due date, then issue date, then invoice number), so the
 * first open receivable of a list is the one the next payment goes to.
 */
export const RECEIVABLE_ORDER = {
  DUE_DATE: {
    expr: 'r.due_date', get: (r) => r.dueDate,
    then: [{ expr: 'r.issued_on', get: (r) => r.issuedOn }, { expr: 'r.number', get: (r) => r.number }],
    description: 'Due date, then issue date, then invoice number: ascending, the order payments are applied in.',
  },
  AMOUNT: { expr: 'r.amount', get: (r) => r.amount, description: 'The amount billed, compared as a number regardless of currency.' },
  CREATED_AT: { expr: 'r.created_at', get: (r) => r.createdAt, description: 'When the receivable was created.' },
  UPDATED_AT: {
    expr: 'r.updated_at', get: (r) => r.updatedAt,
    description: 'When the receivable last changed (`Receivable.updatedAt`); ties are broken by id, so cursors are stable for polling.',
  },
} satisfies SortTable<ReceivableRow>;

/** The fields of the GraphQL `ReceivableFilter` (which checks it names the same ones). */
export const RECEIVABLE_FILTER = {
  id: { expr: 'r.id', kind: 'scalar' },
  customerId: { expr: 'r.customer_id', kind: 'scalar' },
  contractId: { expr: 'r.contract_id', kind: 'scalar' },
  orderId: { expr: 'r.order_id', kind: 'scalar' },
  status: { expr: 'r.status', kind: 'scalar' },
  currency: { expr: 'r.currency', kind: 'text' },
  amount: { expr: 'r.amount', kind: 'scalar' },
  dueDate: { expr: 'r.due_date', kind: 'scalar' },
  issuedOn: { expr: 'r.issued_on', kind: 'scalar' },
  dunningStage: { expr: 'r.dunning_stage', kind: 'scalar' },
  open: { expr: `(r.status in ('OPEN', 'OVERDUE'))`, kind: 'scalar' },
  updatedAt: { expr: 'r.updated_at', kind: 'scalar' },
} satisfies FilterSpec;

/** `open: true` in the GraphQL filter is a plain Boolean: turn it into the operator form the filter builder reads, at every level. */
function normalised(filter: AnyFilter | null | undefined): AnyFilter | null {
  if (!filter) return null;
  const out: AnyFilter = {};
  for (const [key, value] of Object.entries(filter)) {
    if (value == null) continue;
    if (key === 'open') out.open = { eq: value as unknown as boolean };
    else if (key === 'and' || key === 'or') out[key] = (value as AnyFilter[]).map((f) => normalised(f) ?? {});
    else if (key === 'not') out.not = normalised(value as AnyFilter);
    else out[key] = value;
  }
  return out;
}

const visible = (ctx: ServiceContext): Sql => accountScope(ctx.principal, 'r.customer_id');

/** What is still owed: amount − paid − written off (0 once WRITTEN_OFF), exact. */
export function outstandingOf(row: Pick<ReceivableRow, 'amount' | 'paidAmount' | 'writtenOffAmount'>): string {
  return new Decimal(String(row.amount)).minus(String(row.paidAmount)).minus(String(row.writtenOffAmount ?? '0')).toFixed(2);
}

export const receivableReads = readModel<ReceivableRow>()({
  entity: 'Receivable', table: 'receivable', alias: 'r', parentColumn: 'r.customer_id',
  visible,
  filter: RECEIVABLE_FILTER,
  prepareFilter: normalised,
  order: { list: 'receivables', table: RECEIVABLE_ORDER, default: { field: 'DUE_DATE', direction: 'ASC' } },
});

export const listReceivables = receivableReads.list;
export const getReceivable = receivableReads.get;

/**
 * Allocations of several (already visible) receivables, in the order the money came in (payment
 * received on, recorded at, id). A payment and its receivables always belong to one customer.
 */
export async function allocationsByReceivableIds(ctx: ServiceContext, receivableIds: readonly string[]): Promise<PaymentAllocationRow[]> {
  if (!receivableIds.length) return [];
  return rows<PaymentAllocationRow>(ctx.em, sql`select ${columnsOf(ctx.em, 'PaymentAllocation', 'a')} from payment_allocation a
    join payment p on p.id = a.payment_id
    where a.receivable_id = any(${textArray([...receivableIds])}) and ${accountScope(ctx.principal, 'p.customer_id')}
    order by a.receivable_id, p.received_on, p.created_at, p.id`);
}
