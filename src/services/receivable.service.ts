import Decimal from 'decimal.js';
import type { PaymentAllocation } from '../entities/payment.entity';
import type { Receivable } from '../entities/receivable.entity';
import type { ServiceContext } from './context';
import { filterSql, type Filter, type FilterSpec } from './filter';
import { type Connection, type ConnectionArgs, type Direction, keysetSql, lazyCount, orderKeys, orderSql, pageRequest, type SortKey, toConnection } from './pagination';
import { pagesByParent } from './pages-by-parent';
import { accountScope } from './scope';
import { and, columnsOf, list, rows, sql, type Sql } from './sql';

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
export type ReceivableOrderField = 'DUE_DATE' | 'AMOUNT' | 'CREATED_AT' | 'UPDATED_AT';
export interface ReceivableOrderBy { field: ReceivableOrderField; direction: Direction }
export interface ReceivableListArgs extends ConnectionArgs {
  filter?: Filter | null;
  orderBy?: ReceivableOrderBy[] | null;
}

/**
 * DUE_DATE sorts like payments are applied (due date, then issue date, then invoice number), so the
 * first open receivable of a list is the one the next payment goes to.
 */
const ORDER: Record<ReceivableOrderField, Omit<SortKey<ReceivableRow>, 'dir'>[]> = {
  DUE_DATE: [
    { expr: 'r.due_date', get: (r) => r.dueDate },
    { expr: 'r.issued_on', get: (r) => r.issuedOn },
    { expr: 'r.number', get: (r) => r.number },
  ],
  AMOUNT: [{ expr: 'r.amount', get: (r) => r.amount }],
  CREATED_AT: [{ expr: 'r.created_at', get: (r) => r.createdAt }],
  UPDATED_AT: [{ expr: 'r.updated_at', get: (r) => r.updatedAt }],
};

export const RECEIVABLE_FILTER: FilterSpec = {
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
  open: { expr: `(r.status <> 'SETTLED')`, kind: 'scalar' },
  updatedAt: { expr: 'r.updated_at', kind: 'scalar' },
};

/** `open: true` in the GraphQL filter is a plain Boolean: turn it into the operator form the filter builder reads, at every level. */
function normalised(filter: Filter | null | undefined): Filter | null {
  if (!filter) return null;
  const out: Filter = {};
  for (const [key, value] of Object.entries(filter)) {
    if (value == null) continue;
    if (key === 'open') out.open = { eq: value as unknown as boolean };
    else if (key === 'and' || key === 'or') out[key] = (value as Filter[]).map((f) => normalised(f) ?? {});
    else if (key === 'not') out.not = normalised(value as Filter);
    else out[key] = value;
  }
  return out;
}

const receivableFilterSql = (filter: Filter | null | undefined): Sql => filterSql(normalised(filter), RECEIVABLE_FILTER);

const sortKeys = (orderBy: ReceivableOrderBy[] | null | undefined) =>
  orderKeys('receivables', ORDER, orderBy, { field: 'DUE_DATE', direction: 'ASC' }, 'r.id');

const visible = (ctx: ServiceContext): Sql => accountScope(ctx.principal, 'r.customer_id');

/** What is still owed: amount − paid, exact. */
export function outstandingOf(row: Pick<ReceivableRow, 'amount' | 'paidAmount'>): string {
  return new Decimal(String(row.amount)).minus(String(row.paidAmount)).toFixed(2);
}

export async function listReceivables(ctx: ServiceContext, args: ReceivableListArgs): Promise<Connection<ReceivableRow>> {
  const { keys, signature } = sortKeys(args.orderBy);
  const req = pageRequest(args, signature);
  const where = and([visible(ctx), receivableFilterSql(args.filter)]);
  const fetched = await rows<ReceivableRow>(ctx.em, sql`select ${columnsOf(ctx.em, 'Receivable', 'r')} from receivable r
    where ${where} and ${keysetSql(keys, req.cursor, req.backward)}
    order by ${orderSql(keys, req.backward)} limit ${req.limit + 1}`);
  const count = lazyCount(async () => (await rows<{ n: number }>(ctx.em, sql`select count(*)::int as n from receivable r where ${where}`))[0].n);
  return toConnection(fetched, req, keys, signature, count);
}

/** Receivables by id, visible to the caller only; the order of the result is not guaranteed. */
export async function receivablesByIds(ctx: ServiceContext, ids: readonly string[]): Promise<ReceivableRow[]> {
  if (!ids.length) return [];
  return rows<ReceivableRow>(ctx.em, sql`select ${columnsOf(ctx.em, 'Receivable', 'r')} from receivable r
    where r.id in ${list([...ids])} and ${visible(ctx)}`);
}

export async function getReceivable(ctx: ServiceContext, id: string): Promise<ReceivableRow | null> {
  const [row] = await receivablesByIds(ctx, [id]);
  return row ?? null;
}

/** One page of receivables for each of several (already visible) customers, in one statement. */
export async function receivablePagesByCustomer(
  ctx: ServiceContext,
  customerIds: readonly string[],
  args: ReceivableListArgs,
  countFor: (customerId: string) => Promise<number>,
): Promise<Map<string, Connection<ReceivableRow>>> {
  const { keys, signature } = sortKeys(args.orderBy);
  return pagesByParent<ReceivableRow>(ctx.em, {
    parentIds: customerIds, columns: columnsOf(ctx.em, 'Receivable', 'r'), from: 'receivable r', parentColumn: 'r.customer_id',
    where: and([visible(ctx), receivableFilterSql(args.filter)]),
    keys, req: pageRequest(args, signature), signature, countFor,
  });
}

/** Receivable counts per (already visible) customer, filtered like the pages, for `totalCount`. */
export async function receivableCountsByCustomer(ctx: ServiceContext, customerIds: readonly string[], filter: Filter | null | undefined) {
  if (!customerIds.length) return new Map<string, number>();
  const counted = await rows<{ id: string; n: number }>(ctx.em, sql`select r.customer_id as id, count(*)::int as n from receivable r
    where r.customer_id in ${list([...customerIds])} and ${visible(ctx)} and ${receivableFilterSql(filter)}
    group by r.customer_id`);
  return new Map(counted.map((r) => [r.id, r.n]));
}

/**
 * Allocations of several (already visible) receivables, in the order the money came in (payment
 * received on, recorded at, id). A payment and its receivables always belong to one customer.
 */
export async function allocationsByReceivableIds(ctx: ServiceContext, receivableIds: readonly string[]): Promise<PaymentAllocationRow[]> {
  if (!receivableIds.length) return [];
  return rows<PaymentAllocationRow>(ctx.em, sql`select ${columnsOf(ctx.em, 'PaymentAllocation', 'a')} from payment_allocation a
    join payment p on p.id = a.payment_id
    where a.receivable_id in ${list([...receivableIds])} and ${accountScope(ctx.principal, 'p.customer_id')}
    order by a.receivable_id, p.received_on, p.created_at, p.id`);
}
