import { z } from 'zod';
import { Role } from '../entities/enums';
import type { ServiceContext } from './context';
import { InputError, NotFoundError } from './errors';
import type { OrderRow } from './order.service';
import { accountScope, orderScope } from './scope';
import { columnsOf, raw, rows, sql, type Sql } from './sql';
import { CURRENCY, LOCAL_DATE } from './validation';

/**
 * Account statements (issue 4): what a customer's account owes over a period, per currency, so a
 * partner (or FINANCE for any account) can reconcile online.
 *
 * A payment counts on its received day, except its allocations to receivables issued later (issue 14,
 * definition 3): such an allocation is APPLIED on the receivable's issue day and is unapplied credit
 * until then — never a negative balance. (Payments recorded through recordPayment are always fully
 * allocated, so the balance never goes below zero.)
 *
 * Per currency, over the closed period [from, to] (calendar dates, both included):
 * - applied on day D = payments received on D less their allocations to receivables issued after D,
 *   plus the allocations of earlier payments to receivables issued on D;
 * - openingBalance = receivables issued before `from` − money applied before `from`;
 * - openingUnappliedCredit = payments received before `from` − money applied before `from` = the
 *   allocations of payments received before `from` to receivables issued on or after `from`;
 * - billed = receivables issued in [from, to]; paid = money applied in [from, to];
 *   received = payments received in [from, to];
 * - writtenOff = receivables written off in [from, to] (their written-off amounts, on the UTC date of
 *   `written_off_at`); the opening balance is net of earlier write-offs too;
 * - closingBalance = openingBalance + billed − paid − writtenOff (equal to the same balance computed
 *   directly at `to`): what the customer still owes, bad debt written off no longer counted;
 *   closingUnappliedCredit = openingUnappliedCredit + received − paid;
 * - due / notYetDue (issue 14): closingBalance split by due date — notYetDue = receivables issued by `to`
 *   and due after `to`, outstanding as of `to` (amount − allocations of payments received by `to` − the
 *   amount written off, when written off by `to`);
 *   due = closingBalance − notYetDue, i.e. the receivables due by `to` outstanding as of `to` (less any
 *   payment money allocated to no invoice, which recordPayment never leaves). The unapplied credit is in
 *   neither: it is not applied to an invoice yet.
 * Lines: the receivables issued, the payments applied and the receivables written off in the period in date
 * order (receivables before payments before write-offs on the same day, then by document number and instalment), each with the running balance after it — a payment
 * is one line per day it is applied on, crediting what it applied that day; and, for information, the
 * orders billed to the account that were created in the period (UTC days). Orders are not money
 * movements: an ON_ACCOUNT order enters the balance as a receivable when it is billed.
 *
 * Bounds: a period is at most 366 days; each list keeps its first STATEMENT_LINE_CAP entries per
 * currency (the earliest), and `truncated` says when one was cut. The totals always cover the whole
 * period. Everything is computed in SQL (three statements, whatever the number of rows).
 */

/** The longest period of one statement, in days (from and to included). */
export const MAX_STATEMENT_DAYS = 366;
/** At most this many money lines, and this many orders, per currency in one statement (the earliest ones). */
export const STATEMENT_LINE_CAP = 500;

export type StatementLineKind = 'RECEIVABLE' | 'PAYMENT' | 'WRITE_OFF';

export interface StatementArgs {
  from: string;
  to: string;
  currency?: string | null;
}

export interface StatementLineRow {
  currency: string;
  kind: StatementLineKind;
  /** YYYY-MM-DD: when the receivable was issued or the payment applied (the later of its received day and the invoice's issue day). */
  date: string;
  reference: string | null;
  description: string;
  debit: string | null;
  credit: string | null;
  balance: string;
  receivableId: string | null;
  paymentId: string | null;
}

export interface AccountStatementRow {
  accountId: string;
  currency: string;
  from: string;
  to: string;
  openingBalance: string;
  openingUnappliedCredit: string;
  billed: string;
  paid: string;
  received: string;
  writtenOff: string;
  closingBalance: string;
  closingUnappliedCredit: string;
  due: string;
  notYetDue: string;
  lineCount: number;
  orderCount: number;
  truncated: boolean;
  lines: StatementLineRow[];
  orders: OrderRow[];
}

const DAY_MS = 86_400_000;
const utcDay = (date: string) => new Date(`${date}T00:00:00Z`);

interface Period { from: string; to: string; currency: string | null }

/** Validates the period (query arguments: errors are BAD_USER_INPUT naming the argument). */
function period(args: StatementArgs): Period {
  const date = (value: unknown, field: string) => {
    const parsed = LOCAL_DATE.safeParse(value);
    if (!parsed.success || Number.isNaN(utcDay(parsed.data).getTime()) || !utcDay(parsed.data).toISOString().startsWith(parsed.data)) {
      throw new InputError(`\`${field}\` must be a calendar date like "2026-04-30".`, field);
    }
    return parsed.data;
  };
  const from = date(args.from, 'from');
  const to = date(args.to, 'to');
  if (to < from) throw new InputError('`to` must not be before `from` (both days are included).', 'to');
  const days = (utcDay(to).getTime() - utcDay(from).getTime()) / DAY_MS + 1;
  if (days > MAX_STATEMENT_DAYS) throw new InputError(`A statement covers at most ${MAX_STATEMENT_DAYS} days (this period has ${days}): ask for a shorter one.`, 'to');
  let currency: string | null = null;
  if (args.currency != null) {
    const parsed = z.string().pipe(CURRENCY).safeParse(args.currency);
    if (!parsed.success) throw new InputError('`currency` must be an ISO 4217 code, e.g. "EUR".', 'currency');
    currency = parsed.data;
  }
  return { from, to, currency };
}

/**
 * A customer whose account the caller may read (`accountScope`), or NOT_FOUND. A customer deleted
 * earlier still has its statement (its money is AR, as in the finance reports and the overdue job).
 */
async function visibleAccount(ctx: ServiceContext, customerId: string): Promise<string> {
  const [row] = await rows<{ id: string }>(ctx.em, sql`select a.id from customer a
    where a.id = ${customerId} and ${accountScope(ctx.principal, 'a.id')}`);
  if (!row) throw new NotFoundError('Customer');
  return row.id;
}

/** A payment's allocations to receivables issued after the day it was received (applied on their issue day), by payment (`p`). */
const DEFERRED = raw(`(select sum(da.amount) from payment_allocation da join receivable dr on dr.id = da.receivable_id
  where da.payment_id = p.id and dr.issued_on > p.received_on)`);

/** The day a receivable was written off: the UTC date of `written_off_at`. */
const WRITE_OFF_DAY = raw(`(r.written_off_at at time zone 'UTC')::date`);

/**
 * Money movements of the account up to `to`, optionally in one currency: receivables issued (debit);
 * payments on their received day (received = the amount, credit = the amount less its allocations to
 * invoices issued later); those deferred allocations on the invoice's issue day (credit), one row per
 * payment and day; receivables written off, on their write-off day (written_off).
 */
function movementsSql(accountId: string, p: Period): Sql {
  const inCurrency = (alias: string) => (p.currency ? sql` and ${raw(alias)}.currency = ${p.currency}` : sql``);
  return sql`select r.currency, r.issued_on as day, r.amount as debit, 0::numeric as credit, 0::numeric as received, 0::numeric as written_off
      from receivable r where r.customer_id = ${accountId} and r.issued_on <= ${p.to}::date${inCurrency('r')}
    union all
    select p.currency, p.received_on as day, 0::numeric as debit, p.amount - coalesce(${DEFERRED}, 0) as credit, p.amount as received, 0::numeric as written_off
      from payment p where p.customer_id = ${accountId} and p.received_on <= ${p.to}::date${inCurrency('p')}
    union all
    select p.currency, r.issued_on as day, 0::numeric as debit, sum(a.amount) as credit, 0::numeric as received, 0::numeric as written_off
      from payment p join payment_allocation a on a.payment_id = p.id join receivable r on r.id = a.receivable_id
      where p.customer_id = ${accountId} and r.issued_on > p.received_on and r.issued_on <= ${p.to}::date${inCurrency('p')}
      group by p.id, p.currency, r.issued_on
    union all
    select r.currency, ${WRITE_OFF_DAY} as day, 0::numeric as debit, 0::numeric as credit, 0::numeric as received, r.written_off_amount as written_off
      from receivable r where r.customer_id = ${accountId} and r.written_off_at is not null and ${WRITE_OFF_DAY} <= ${p.to}::date${inCurrency('r')}`;
}

/**
 * Orders billed to the account and created in the period (UTC days), optionally in one currency, that
 * the caller may read (`orderScope`: a rep does not see the order of a resold customer outside their
 * scope just because its partner's account is theirs).
 */
function periodOrdersWhere(ctx: ServiceContext, accountId: string, p: Period): Sql {
  const start = utcDay(p.from);
  const end = new Date(utcDay(p.to).getTime() + DAY_MS);
  return sql`o.bill_to_id = ${accountId} and o.created_at >= ${start} and o.created_at < ${end}${p.currency ? sql` and o.currency = ${p.currency}` : sql``}
    and ${orderScope(ctx.principal)}`;
}

/**
 * The statements of one account for a period: one per currency the account has a balance or a
 * movement in (or only the currency asked for, even without any), by currency code.
 */
async function statementsOf(ctx: ServiceContext, accountId: string, p: Period): Promise<AccountStatementRow[]> {
  const asked = p.currency ? sql`union select ${p.currency}::text` : sql``;
  const totals = await rows<{
    currency: string; openingBalance: string; openingUnappliedCredit: string; billed: string; paid: string; received: string; writtenOff: string;
    closingBalance: string; closingUnappliedCredit: string; due: string; notYetDue: string; lineCount: number; orderCount: number;
  }>(ctx.em, sql`with m as (${movementsSql(accountId, p)}),
      t as (
        select m.currency,
          coalesce(sum(m.debit - m.credit - m.written_off) filter (where m.day < ${p.from}::date), 0) as opening,
          coalesce(sum(m.received - m.credit) filter (where m.day < ${p.from}::date), 0) as unapplied,
          coalesce(sum(m.debit) filter (where m.day >= ${p.from}::date), 0) as billed,
          coalesce(sum(m.credit) filter (where m.day >= ${p.from}::date), 0) as paid,
          coalesce(sum(m.received) filter (where m.day >= ${p.from}::date), 0) as received,
          coalesce(sum(m.written_off) filter (where m.day >= ${p.from}::date), 0) as written_off,
          count(*) filter (where m.day >= ${p.from}::date and (m.debit <> 0 or m.credit <> 0 or m.written_off <> 0))::int as lines
        from m group by m.currency
      ),
      -- Receivables issued by \`to\` and due after it, outstanding as of \`to\` (applied by \`to\` = received by \`to\`, the invoice being issued by then;
      -- written off by \`to\`: out).
      d as (
        select r.currency,
          coalesce(sum(r.amount - coalesce(a.applied, 0) - case when ${WRITE_OFF_DAY} <= ${p.to}::date then r.written_off_amount else 0 end)
            filter (where r.due_date > ${p.to}::date), 0) as not_yet_due
        from receivable r
        left join lateral (select sum(pa.amount) as applied from payment_allocation pa join payment y on y.id = pa.payment_id
          where pa.receivable_id = r.id and y.received_on <= ${p.to}::date) a on true
        where r.customer_id = ${accountId} and r.issued_on <= ${p.to}::date${p.currency ? sql` and r.currency = ${p.currency}` : sql``}
        group by r.currency
      ),
      o as (select o.currency, count(*)::int as n from sales_order o where ${periodOrdersWhere(ctx, accountId, p)} group by o.currency),
      c as (select t.currency from t union select o.currency from o ${asked})
    select c.currency,
      coalesce(t.opening, 0)::numeric(18, 2)::text as "openingBalance",
      coalesce(t.unapplied, 0)::numeric(18, 2)::text as "openingUnappliedCredit",
      coalesce(t.billed, 0)::numeric(18, 2)::text as billed,
      coalesce(t.paid, 0)::numeric(18, 2)::text as paid,
      coalesce(t.received, 0)::numeric(18, 2)::text as received,
      coalesce(t.written_off, 0)::numeric(18, 2)::text as "writtenOff",
      (coalesce(t.opening, 0) + coalesce(t.billed, 0) - coalesce(t.paid, 0) - coalesce(t.written_off, 0))::numeric(18, 2)::text as "closingBalance",
      (coalesce(t.unapplied, 0) + coalesce(t.received, 0) - coalesce(t.paid, 0))::numeric(18, 2)::text as "closingUnappliedCredit",
      (coalesce(t.opening, 0) + coalesce(t.billed, 0) - coalesce(t.paid, 0) - coalesce(t.written_off, 0) - coalesce(d.not_yet_due, 0))::numeric(18, 2)::text as due,
      coalesce(d.not_yet_due, 0)::numeric(18, 2)::text as "notYetDue",
      coalesce(t.lines, 0) as "lineCount",
      coalesce(o.n, 0) as "orderCount"
    from c left join t on t.currency = c.currency left join o on o.currency = c.currency left join d on d.currency = c.currency
    where ${p.currency ? sql`c.currency = ${p.currency}` : sql`(t.opening <> 0 or t.unapplied <> 0 or t.lines > 0 or t.received > 0 or o.n > 0)`}
    order by c.currency`);
  if (!totals.length) return [];

  const inCurrency = (alias: string) => (p.currency ? sql`${raw(alias)}.currency = ${p.currency}` : sql`true`);
  // The day travels as "lineDate" (renamed to `date` below), a name no entity uses, so `rows()` leaves it a "YYYY-MM-DD" string.
  const lines = await rows<Omit<StatementLineRow, 'date'> & { lineDate: string }>(ctx.em, sql`with opening as (
        select m.currency, sum(m.debit - m.credit - m.written_off) as amount from (${movementsSql(accountId, p)}) m where m.day < ${p.from}::date group by m.currency
      ),
      x as (
        select r.currency, 'RECEIVABLE' as kind, 0 as rank, r.issued_on as day, r.number as reference, r.description,
          r.amount as debit, null::numeric as credit, r.id as "receivableId", null::text as "paymentId", r.instalment, r.created_at, r.id
        from receivable r
        where r.customer_id = ${accountId} and r.issued_on between ${p.from}::date and ${p.to}::date and ${inCurrency('r')}
        union all
        -- A payment on its received day (less what it applies to invoices issued later), and on each later issue day what it applies then.
        select p.currency, 'PAYMENT' as kind, 1 as rank, p.received_on as day, p.reference, 'Payment (' || p.method || ')' as description,
          null::numeric as debit, p.amount - coalesce(${DEFERRED}, 0) as credit, null::text as "receivableId", p.id as "paymentId", null::int as instalment, p.created_at, p.id
        from payment p
        where p.customer_id = ${accountId} and p.received_on between ${p.from}::date and ${p.to}::date and ${inCurrency('p')}
          and p.amount > coalesce(${DEFERRED}, 0)
        union all
        select p.currency, 'PAYMENT' as kind, 1 as rank, r.issued_on as day, p.reference,
          'Payment (' || p.method || ') received ' || p.received_on::text || ', applied' as description,
          null::numeric as debit, sum(a.amount) as credit, null::text as "receivableId", p.id as "paymentId", null::int as instalment, p.created_at, p.id
        from payment p join payment_allocation a on a.payment_id = p.id join receivable r on r.id = a.receivable_id
        where p.customer_id = ${accountId} and r.issued_on > p.received_on and r.issued_on between ${p.from}::date and ${p.to}::date and ${inCurrency('p')}
        group by p.id, r.issued_on
        union all
        select r.currency, 'WRITE_OFF' as kind, 2 as rank, ${WRITE_OFF_DAY} as day, r.number as reference, 'Written off (bad debt): ' || r.description,
          null::numeric as debit, r.written_off_amount as credit, r.id as "receivableId", null::text as "paymentId", r.instalment, r.written_off_at, r.id
        from receivable r
        where r.customer_id = ${accountId} and r.written_off_at is not null and ${WRITE_OFF_DAY} between ${p.from}::date and ${p.to}::date and ${inCurrency('r')}
      ),
      ranked as (
        select x.*,
          coalesce((select opening.amount from opening where opening.currency = x.currency), 0)
            + sum(coalesce(x.debit, 0) - coalesce(x.credit, 0)) over w as running,
          row_number() over w as position
        from x
        -- Lines of one day: invoices before payments before write-offs, then by document number and instalment, so that the
        -- instalments of one signing (same day, same instant) come in their order, never in id order.
        window w as (partition by x.currency order by x.day, x.rank, x.reference, x.instalment, x.created_at, x.id rows between unbounded preceding and current row)
      )
    select ranked.currency, ranked.kind, ranked.day::text as "lineDate", ranked.reference, ranked.description,
      ranked.debit::numeric(18, 2)::text as debit, ranked.credit::numeric(18, 2)::text as credit,
      ranked.running::numeric(18, 2)::text as balance, ranked."receivableId", ranked."paymentId"
    from ranked where ranked.position <= ${STATEMENT_LINE_CAP}
    order by ranked.currency, ranked.position`);

  const orders = await rows<OrderRow & { position: number }>(ctx.em, sql`select * from (
      select ${columnsOf(ctx.em, 'Order', 'o')}, row_number() over (partition by o.currency order by o.created_at, o.id) as position
      from sales_order o where ${periodOrdersWhere(ctx, accountId, p)}
    ) ranked where ranked.position <= ${STATEMENT_LINE_CAP}
    order by ranked.currency, ranked.position`);

  return totals.map((t) => ({
    accountId, from: p.from, to: p.to, ...t,
    truncated: t.lineCount > STATEMENT_LINE_CAP || t.orderCount > STATEMENT_LINE_CAP,
    lines: lines.filter((l) => l.currency === t.currency).map(({ lineDate, ...l }) => ({ ...l, date: lineDate })),
    orders: orders.filter((o) => o.currency === t.currency),
  }));
}

/** The statement of the partner account the caller acts for (PARTNER users and keys). */
export async function myStatement(ctx: ServiceContext, args: StatementArgs): Promise<AccountStatementRow[]> {
  const p = period(args);
  if (ctx.principal.role !== Role.PARTNER || !ctx.principal.partnerCustomerId) throw new NotFoundError('Account');
  return statementsOf(ctx, await visibleAccount(ctx, ctx.principal.partnerCustomerId), p);
}

/** The statement of any account in the caller's `accountScope` (FINANCE and ADMIN all; managers and reps their customers). */
export async function accountStatement(ctx: ServiceContext, customerId: string, args: StatementArgs): Promise<AccountStatementRow[]> {
  const p = period(args);
  return statementsOf(ctx, await visibleAccount(ctx, customerId), p);
}
