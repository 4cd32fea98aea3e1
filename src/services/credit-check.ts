import Decimal from 'decimal.js';
import { Contract } from '../entities/contract.entity';
import { CreditHold } from '../entities/credit.entity';
import { Customer } from '../entities/customer.entity';
import { AuditAction } from '../entities/enums';
import { CreditHoldReason, CreditHoldStatus } from '../entities/finance.enums';
import { Order } from '../entities/order.entity';
import { refId } from '../entities/ids';
import { recordAudit } from './audit.service';
import type { ServiceContext } from './context';
import { converted, rateJoin } from './exchange-rate';
import { raw, rows, sql } from './sql';
import { isoDate } from './validation';

/**
 * Credit protection at signing ("3+1", mechanism 2). A customer's exposure, in the currency of its
 * credit limit, is the outstanding amount of its open (OPEN or OVERDUE, never WRITTEN_OFF) receivables plus the totals of its ON_ACCOUNT
 * orders not yet billed (PENDING or CONFIRMED) plus the instalments of signed contracts still SCHEDULED for
 * billing (issue 14: committed money not invoiced yet, like an unbilled order — leaving them out would let a
 * second contract pass a limit the first one already uses) — in any currency: amounts in another currency are
 * converted into the limit's at today's rate (issue 14). A new order or contract goes through when
 * exposure + amount ≤ limit; otherwise it is held for FINANCE (a `credit_hold` row):
 * OVER_LIMIT, NO_CREDIT_LIMIT (never assessed: no credit granted) or CURRENCY_MISMATCH (the amount is
 * in another currency than the limit, or a debt in another currency has no rate today, so the exposure
 * is unknown: it is never taken as 0).
 */

export interface CreditCheck {
  /** Null when it may go through; else why it is held. */
  holdReason: CreditHoldReason | null;
  /** Exposure before the new amount, in `creditCurrency` (or in the amount's currency when no limit). */
  exposure: string;
  limit: string | null;
  creditCurrency: string | null;
}

/** A customer's exposure: null when some debt in another currency has no exchange rate for today; `known` sums the debts that convert. */
export interface Exposure { exposure: string | null; known: string }

/**
 * Exposure of customers, each in one currency (the limit's), in one statement. Debts in another currency
 * are converted at today's (UTC) rate (services/exchange-rate.ts; each debt rounded to the cent); when one
 * has no rate the exposure is unknown (null), never counted as 0. Missing ids have none ("0.00").
 */
export async function exposuresOf(
  em: ServiceContext['em'], customerIds: readonly string[], currencyOf: (customerId: string) => string, now: Date = new Date(),
): Promise<Map<string, Exposure>> {
  if (!customerIds.length) return new Map();
  const pairs = customerIds.map((id) => [id, currencyOf(id)]);
  const today = sql`${isoDate(now)}::date`;
  const found = await rows<{ id: string } & Exposure>(em, sql`select p.id,
      (case when count(*) filter (where d.amount is not null and xr.rate is null) = 0
        then coalesce(sum(${converted('xr', sql`d.amount`)}), 0) end)::numeric(18, 2)::text as exposure,
      coalesce(sum(${converted('xr', sql`d.amount`)}), 0)::numeric(18, 2)::text as known
    from jsonb_to_recordset(${JSON.stringify(pairs.map(([id, currency]) => ({ id, currency })))}::jsonb) as p(id text, currency text)
    left join lateral (
      select r.currency, r.amount - r.paid_amount as amount from receivable r where r.customer_id = p.id and r.status in ('OPEN', 'OVERDUE')
      union all
      select o.currency, o.total from sales_order o where o.bill_to_id = p.id and o.payment_terms = 'ON_ACCOUNT' and o.status in ('PENDING', 'CONFIRMED')
      union all
      select s.currency, s.amount from billing_schedule s where s.customer_id = p.id and s.status = 'SCHEDULED'
    ) d on true
    ${rateJoin('xr', raw('d.currency'), raw('p.currency'), today)}
    group by p.id`);
  return new Map(found.map((r) => [r.id, { exposure: r.exposure, known: r.known }]));
}

/**
 * Checks a new amount against the customer's credit. Locks the customer row first, so concurrent
 * orders of one customer are checked one after the other (each sees the other's exposure).
 */
export async function checkCredit(tx: ServiceContext, customerId: string, amount: string, currency: string): Promise<CreditCheck> {
  const [c] = await rows<{ limit: string | null; currency: string | null }>(tx.em, sql`select c.credit_limit::text as "limit", c.credit_currency as currency
    from customer c where c.id = ${customerId} for update`);
  const creditCurrency = c?.currency ?? null;
  const limit = c?.limit ?? null;
  const found = (await exposuresOf(tx.em, [customerId], () => creditCurrency ?? currency)).get(customerId);
  // Unknown (a debt in another currency without today's rate): the part that converts is recorded, and it is held.
  const exposure = found?.exposure ?? found?.known ?? '0.00';
  let holdReason: CreditHoldReason | null = null;
  if (limit == null || creditCurrency == null) holdReason = CreditHoldReason.NO_CREDIT_LIMIT;
  else if (creditCurrency !== currency || (found && found.exposure == null)) holdReason = CreditHoldReason.CURRENCY_MISMATCH;
  else if (new Decimal(exposure).plus(amount).gt(limit)) holdReason = CreditHoldReason.OVER_LIMIT;
  return { holdReason, exposure, limit, creditCurrency };
}

/** Records the hold of an order or a contract (in the caller's transaction), audited on the customer. */
export function holdForCredit(
  tx: ServiceContext,
  held: { customerId: string; orderId?: string; contractId?: string; amount: string; currency: string },
  check: CreditCheck,
): CreditHold {
  const hold = tx.em.create(CreditHold, {
    customer: tx.em.getReference(Customer, held.customerId),
    order: held.orderId ? tx.em.getReference(Order, held.orderId) : null,
    contract: held.contractId ? tx.em.getReference(Contract, held.contractId) : null,
    amount: held.amount, currency: held.currency, exposure: check.exposure, creditLimit: check.limit, creditCurrency: check.creditCurrency,
    reason: check.holdReason!,
  });
  tx.em.persist(hold);
  recordAudit(tx.em, tx.principal, {
    entityType: 'CreditHold', entityId: hold.id, customerId: held.customerId, action: AuditAction.CREATE,
    changes: [
      { field: 'reason', old: null, new: check.holdReason },
      { field: held.orderId ? 'orderId' : 'contractId', old: null, new: held.orderId ?? held.contractId ?? null },
      { field: 'amount', old: null, new: held.amount },
    ],
  });
  return hold;
}

/**
 * Withdraws the PENDING hold of an order that is cancelled before FINANCE decided (in the caller's
 * transaction): status WITHDRAWN, `decidedAt` now, no `decidedBy` (FINANCE did not decide), audited
 * on the customer. The hold row is locked first, so a concurrent decision either happened before (the
 * order is then no longer PENDING_CREDIT_APPROVAL and the cancel meets a stale version) or waits and
 * then finds the hold withdrawn.
 */
export async function withdrawHold(tx: ServiceContext, orderId: string): Promise<void> {
  const [found] = await rows<{ id: string }>(tx.em, sql`select h.id from credit_hold h where h.order_id = ${orderId} and h.status = 'PENDING' for update`);
  if (!found) return;
  const hold = await tx.em.findOneOrFail(CreditHold, found.id, { refresh: true });
  recordAudit(tx.em, tx.principal, {
    entityType: 'CreditHold', entityId: hold.id, customerId: refId(hold.customer)!, action: AuditAction.UPDATE,
    changes: [{ field: 'status', old: hold.status, new: CreditHoldStatus.WITHDRAWN }],
  });
  hold.status = CreditHoldStatus.WITHDRAWN;
  hold.decidedAt = new Date();
  hold.decisionNote = 'The order was cancelled before a credit decision.';
}
