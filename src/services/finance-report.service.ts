import type { ServiceContext } from './context';
import { InputError } from './errors';
import { checkedRows, conversion, currencyLiteral, missingRateOf, ratesAgg, reportingCurrency, type AppliedRate } from './exchange-rate';
import { accountScope } from './scope';
import { and, limitSql, raw, rows, sql, type Sql, TRUE } from './sql';
import { countArg, currencyArg, idArg, LOCAL_DATE, isoDate } from './validation';

/**
 * Finance reports on receivables: totals of outstanding and overdue money per sales rep or per
 * customer, and aging buckets. Each is one SQL statement over the receivables in the caller's account
 * scope (`accountScope`: ADMIN and FINANCE all, a SALES_MANAGER the customers of their team, a
 * SALES_REP their own customers). Receivables of customers deleted earlier still count (issue 14: a
 * customer with open money cannot be deleted any more; older ones stay AR, for FINANCE and ADMIN). Amounts are
 * exact decimals in the receivable's currency; currencies are never added together.
 *
 * Definitions:
 * - outstanding = amount − paid amount, of receivables OPEN or OVERDUE (not SETTLED, not WRITTEN_OFF:
 *   written-off money is out of AR);
 * - overdue = the outstanding money of receivables whose due date is before today (UTC), whether or
 *   not the overdue job has flagged them yet;
 * - aging, as of a date D: receivables issued on or before D, outstanding as of D (payments received
 *   after D are added back), by days past due = D − due date: current (≤ 0, not yet due), 1–30, 31–60,
 *   61–90, over 90. A WRITTEN_OFF receivable counts as of D only when its write-off date (the UTC date
 *   of `written_off_at`) is after D: on and after the write-off day it is out of AR.
 *
 * With a reporting currency (`in`), every receivable's money is converted into it (services/exchange-rate.ts:
 * the rate of the line's date, each line rounded to the cent, then summed): the summary at today's rate,
 * the aging at the rate of the `asOf` date. The rows are then in that one currency and list the rates
 * applied; a missing rate fails the report (BAD_USER_INPUT on `in`).
 */

export enum SummaryGroupBy { OWNER = 'OWNER', CUSTOMER = 'CUSTOMER' }

export const SUMMARY_DEFAULT_LIMIT = 50;
export const SUMMARY_MAX_LIMIT = 500;

export interface ReceivablesSummaryRow {
  ownerId: string;
  customerId: string | null;
  currency: string;
  outstanding: string;
  overdue: string;
  openCount: number;
  overdueCount: number;
  rates: AppliedRate[];
}

export interface AgingRow {
  asOf: string;
  currency: string;
  current: string;
  days1To30: string;
  days31To60: string;
  days61To90: string;
  over90: string;
  total: string;
  rates: AppliedRate[];
}

/**
 * Receivables that count: every receivable of a customer in the caller's account scope — also of a
 * customer deleted earlier (money still owed is AR; the overdue job dunns the same receivables).
 */
export function counted(ctx: ServiceContext): Sql {
  return sql`receivable r join customer c on c.id = r.customer_id
    where ${accountScope(ctx.principal, 'r.customer_id')}`;
}

/** A sum of money as decimal text with 2 places, "0.00" when null (the report columns). */
export const money = (expr: string): Sql => raw(`coalesce(${expr}, 0)::numeric(18, 2)::text`);

/**
 * Outstanding and overdue money per (owner or customer, currency), largest outstanding first (then
 * largest overdue, then by id and currency). Only groups with money outstanding appear. The owner is
 * the customer's current owner; grouped by CUSTOMER, the row names the customer and its owner.
 */
export async function receivablesSummary(
  ctx: ServiceContext,
  args: { groupBy: SummaryGroupBy; currency?: string | null; limit?: number | null; in?: string | null },
  now: Date = new Date(),
): Promise<ReceivablesSummaryRow[]> {
  const currency = currencyArg(args.currency);
  const target = reportingCurrency(args.in);
  const limit = countArg(args.limit, SUMMARY_DEFAULT_LIMIT, SUMMARY_MAX_LIMIT);
  const byCustomer = args.groupBy === SummaryGroupBy.CUSTOMER;
  const today = sql`${isoDate(now)}::date`;
  const groupKeys = raw(byCustomer ? 'o.customer_id, o.owner_id, o.currency' : 'o.owner_id, o.currency');
  const line = conversion(target ? currencyLiteral(target) : null, raw('o.currency'), today, raw('o.outstanding'), 'outstanding');
  const found = await rows<ReceivablesSummaryRow & { missingRate: string | null }>(ctx.em, sql`
    with open_receivable as (
      select r.customer_id, c.owner_id, r.currency, r.amount - r.paid_amount as outstanding, r.due_date < ${today} as is_overdue
      from ${counted(ctx)} and r.status in ('OPEN', 'OVERDUE') and r.paid_amount < r.amount
        and ${currency ? sql`r.currency = ${currency}` : TRUE}
    ), line as (
      select o.customer_id, o.owner_id, o.is_overdue, ${line.columns}
      from open_receivable o ${line.join}
    )
    select o.owner_id as "ownerId", ${raw(byCustomer ? 'o.customer_id' : 'null::text')} as "customerId", o.currency,
      ${money('sum(o.outstanding)')} as outstanding,
      ${money('sum(o.outstanding) filter (where o.is_overdue)')} as overdue,
      count(*)::int as "openCount",
      (count(*) filter (where o.is_overdue))::int as "overdueCount",
      ${ratesAgg('o.rate')} as rates, ${missingRateOf('o.missing_rate')}
    from line o
    group by ${groupKeys}
    order by sum(o.outstanding) desc, coalesce(sum(o.outstanding) filter (where o.is_overdue), 0) desc, ${groupKeys}
    limit ${limitSql(limit)}`);
  return checkedRows(found);
}

export interface AgingArgs { asOf?: string | null; currency?: string | null; ownerId?: string | null; customerId?: string | null; in?: string | null }

/**
 * The lines of an aging as of a date, shared by `agingReport` and the per-customer aging: the CTEs
 * `base` and `line` (one line per receivable with money outstanding as of `asOf`: customer_id,
 * currency — the reporting currency when `in` is given —, days_past_due, outstanding converted at the
 * rate of `asOf`, rate (`AppliedRate` JSON) and missing_rate). Validates the arguments.
 */
export function agingLines(ctx: ServiceContext, args: AgingArgs, now: Date = new Date()): { asOfText: string; only: string | null; ctes: Sql } {
  const currency = currencyArg(args.currency);
  const target = reportingCurrency(args.in);
  const ownerId = idArg(args.ownerId, 'usr', 'ownerId');
  const customerId = idArg(args.customerId, 'cus', 'customerId');
  const asOfText = args.asOf ?? isoDate(now);
  if (!LOCAL_DATE.safeParse(asOfText).success) throw new InputError('`asOf` must be a calendar date "YYYY-MM-DD".', 'asOf');
  const asOf = sql`${asOfText}::date`;
  // Payments received after `asOf` had not come in yet: their allocations count as outstanding.
  const paidLater = sql`(select sum(a.amount) from payment_allocation a join payment p on p.id = a.payment_id
    where a.receivable_id = r.id and p.received_on > ${asOf})`;
  const where = and([
    sql`r.issued_on <= ${asOf}`,
    sql`(r.status <> 'SETTLED' or ${paidLater} is not null)`,
    // Written off on or before `asOf`: out of AR that day. Written off later: still outstanding then.
    sql`(r.written_off_at is null or (r.written_off_at at time zone 'UTC')::date > ${asOf})`,
    currency ? sql`r.currency = ${currency}` : TRUE,
    ownerId ? sql`c.owner_id = ${ownerId}` : TRUE,
    customerId ? sql`r.customer_id = ${customerId}` : TRUE,
  ]);
  const line = conversion(target ? currencyLiteral(target) : null, raw('b.currency'), asOf, raw('b.outstanding'), 'outstanding');
  const ctes = sql`base as (
      select r.customer_id, r.currency, ${asOf} - r.due_date as days_past_due,
        r.amount - r.paid_amount + coalesce(${paidLater}, 0) as outstanding
      from ${counted(ctx)} and ${where}
    ), line as (
      select b.customer_id, b.days_past_due, ${line.columns}
      from base b ${line.join}
      where b.outstanding > 0
    )`;
  return { asOfText, only: target ?? currency, ctes };
}

/** The aging buckets of the `line` rows aliased `l` (select-list items, money as text). */
export function agingBuckets(): Sql {
  const bucket = (condition: string) => money(`sum(l.outstanding) filter (where ${condition})`);
  return sql`${bucket('l.days_past_due <= 0')} as current,
      ${bucket('l.days_past_due between 1 and 30')} as "days1To30",
      ${bucket('l.days_past_due between 31 and 60')} as "days31To60",
      ${bucket('l.days_past_due between 61 and 90')} as "days61To90",
      ${bucket('l.days_past_due > 90')} as "over90",
      ${money('sum(l.outstanding)')} as total,
      ${ratesAgg('l.rate')} as rates, ${missingRateOf('l.missing_rate')}`;
}

/**
 * Aging of the outstanding money as of `asOf` (default: today, UTC), one row per currency in
 * currency order (only currencies with money outstanding; exactly one row, possibly all zeros, when
 * `currency` or `in` is given). Optionally only the customers of one owner, or one customer.
 */
export async function agingReport(ctx: ServiceContext, args: AgingArgs, now: Date = new Date()): Promise<AgingRow[]> {
  const { asOfText, only, ctes } = agingLines(ctx, args, now);
  const found = await rows<AgingRow & { missingRate: string | null }>(ctx.em, sql`
    with ${ctes}
    select ${asOfText}::text as "asOf", l.currency, ${agingBuckets()}
    from line l
    group by l.currency
    order by l.currency`);
  const result = checkedRows(found);
  if (only && !result.length) {
    return [{ asOf: asOfText, currency: only, current: '0.00', days1To30: '0.00', days31To60: '0.00', days61To90: '0.00', over90: '0.00', total: '0.00', rates: [] }];
  }
  return result;
}
