import type { ServiceContext } from './context';
import { InputError } from './errors';
import { checkedRows, conversion, currencyLiteral, missingRateOf, ratesAgg, reportingCurrency, type AppliedRate } from './exchange-rate';
import { agingBuckets, agingLines, counted, money, type AgingArgs, type AgingRow } from './finance-report.service';
import { accountScope } from './scope';
import { limitSql, raw, rows, sql, type Sql, TRUE } from './sql';
import { countArg, currencyArg, LOCAL_DATE, yearInRange } from './validation';

/**
 * Finance reports of issue 14: days sales outstanding by month, cash received per period and the aging
 * per customer. Each is one SQL statement over the caller's account scope (`accountScope`: ADMIN and
 * FINANCE all, a SALES_MANAGER the customers of their team, a SALES_REP their own customers); the
 * receivables counted are those of `receivablesSummary` / `agingReport` (`counted`). Money is exact
 * decimal text per currency, or converted into one reporting currency (`in`, services/exchange-rate.ts:
 * each line at the rate of the line's date, rounded to the cent, then summed; a missing rate fails the
 * report with BAD_USER_INPUT on `in`). Without `in`, currencies are never added together.
 */

export const MAX_DSO_MONTHS = 60;
export const MAX_CASH_DAYS: Record<CashPeriod, number> = { DAY: 366, WEEK: 3660, MONTH: 3660 };
export const CUSTOMER_AGING_DEFAULT_LIMIT = 50;
export const CUSTOMER_AGING_MAX_LIMIT = 500;

export enum CashPeriod { DAY = 'DAY', WEEK = 'WEEK', MONTH = 'MONTH' }

export interface DsoRow {
  month: string;
  currency: string;
  receivablesAtEnd: string;
  creditSales: string;
  days: number;
  dso: number | null;
  rates: AppliedRate[];
}

export interface CashReceivedRow {
  start: string;
  end: string;
  currency: string;
  amount: string;
  count: number;
  rates: AppliedRate[];
}

/** A row of `agingReport` for one customer. */
export interface CustomerAgingRow extends AgingRow {
  customerId: string;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The first day of the month of a date "YYYY-MM-DD". */
function monthOf(value: string, field: string): string {
  if (!MONTH.test(value.slice(0, 7)) || !yearInRange(Number(value.slice(0, 4))) || !LOCAL_DATE.safeParse(value).success) {
    throw new InputError(`\`${field}\` must be a calendar date "YYYY-MM-DD".`, field);
  }
  return `${value.slice(0, 7)}-01`;
}

function dateOf(value: string, field: string): string {
  if (!LOCAL_DATE.safeParse(value).success || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new InputError(`\`${field}\` must be a calendar date "YYYY-MM-DD".`, field);
  }
  return value;
}

/**
 * The currencies a report has rows for, as `select … ` of one column: the reporting currency, or the one
 * asked for, or every currency of the report's lines (`lines`: a CTE with a `currency` column).
 */
function keyCurrencies(to: Sql | null, currency: string | null, lines: string): Sql {
  if (to) return sql`select ${to}`;
  if (currency) return sql`select ${currency}::text`;
  return raw(`select distinct currency from ${lines}`);
}

// ---------------------------------------------------------------------------------------------- DSO

/**
 * Days sales outstanding by calendar month, the period-end method: for each month M from the month of
 * the date `from` to the month of the date `to` (both included), DSO(M) = AR(M) ÷ credit sales(M) × days in M, rounded to 1 decimal; null
 * when the credit sales of M are 0.
 * - AR(M): the money outstanding at the end of M's last day — receivables issued on or before it, amount
 *   minus the payments allocated to them that were received on or before it, not written off on or before
 *   it (as `agingReport` as of that day);
 * - credit sales(M): the amounts of the receivables issued in M (whatever has been paid since).
 * Per currency (one row per month and currency that has AR or credit sales in a month of the range; one
 * row per month when `currency` or `in` is given), months in order. With `in`: AR at the rate of M's last
 * day, each credit sale at the rate of its issue date.
 */
export async function daysSalesOutstanding(
  ctx: ServiceContext,
  args: { from: string; to: string; in?: string | null; currency?: string | null },
): Promise<DsoRow[]> {
  const first = monthOf(args.from, 'from');
  const last = monthOf(args.to, 'to');
  const months = (Number(last.slice(0, 4)) - Number(first.slice(0, 4))) * 12 + Number(last.slice(5, 7)) - Number(first.slice(5, 7)) + 1;
  if (months < 1) throw new InputError('`to` must not be before `from`.', 'to');
  if (months > MAX_DSO_MONTHS) throw new InputError(`At most ${MAX_DSO_MONTHS} months from \`from\` to \`to\`.`, 'to');
  const currency = currencyArg(args.currency);
  const target = reportingCurrency(args.in);
  const to = target ? currencyLiteral(target) : null;
  const line = conversion(to, raw('l.currency'), raw('l.on_date'), raw('l.amount'));
  const found = await rows<DsoRow & { missingRate: string | null }>(ctx.em, sql`
    with month as (
      select g::date as month_start, ((g + interval '1 month')::date - 1) as month_end
      from generate_series(${first}::date::timestamp, ${last}::date::timestamp, interval '1 month') as g
    ), rcv as (
      select r.id, r.currency, r.amount, r.paid_amount, r.issued_on, r.status, (r.written_off_at at time zone 'UTC')::date as written_off_on
      from ${counted(ctx)} and ${currency ? sql`r.currency = ${currency}` : TRUE}
        and r.issued_on <= ((${last}::date + interval '1 month')::date - 1)
    ), open_at_end as (
      select m.month_start, r.currency, m.month_end as on_date, r.amount - r.paid_amount + coalesce(later.amount, 0) as amount, later.amount as paid_later, r.status
      from month m join rcv r on r.issued_on <= m.month_end
        -- written off on or before the month's last day: out of AR then (as in agingReport)
        and (r.written_off_on is null or r.written_off_on > m.month_end)
      left join lateral (select sum(a.amount) as amount from payment_allocation a join payment p on p.id = a.payment_id
        where a.receivable_id = r.id and p.received_on > m.month_end) later on true
    ), raw_line as (
      select o.month_start, o.currency, o.on_date, false as is_sale, o.amount from open_at_end o
      where (o.status <> 'SETTLED' or o.paid_later is not null) and o.amount > 0
      union all
      select m.month_start, r.currency, r.issued_on, true, r.amount from month m join rcv r on r.issued_on between m.month_start and m.month_end
    ), line as (
      select l.month_start, l.is_sale, ${line.columns}
      from raw_line l ${line.join}
    ), grid as (
      select m.month_start, m.month_end, k.currency from month m cross join (${keyCurrencies(to, currency, 'line')}) as k(currency)
    )
    select to_char(k.month_start, 'YYYY-MM') as month, k.currency,
      ${money('sum(l.amount) filter (where not l.is_sale)')} as "receivablesAtEnd",
      ${money('sum(l.amount) filter (where l.is_sale)')} as "creditSales",
      (k.month_end - k.month_start + 1)::int as days,
      round(coalesce(sum(l.amount) filter (where not l.is_sale), 0) * (k.month_end - k.month_start + 1)
        / nullif(sum(l.amount) filter (where l.is_sale), 0), 1)::float8 as dso,
      ${ratesAgg('l.rate')} as rates, ${missingRateOf('l.missing_rate')}
    from grid k left join line l on l.month_start = k.month_start and l.currency = k.currency
    group by k.month_start, k.month_end, k.currency
    order by k.month_start, k.currency`);
  return checkedRows(found);
}

// ------------------------------------------------------------------------------------ cash received

const UNIT: Record<CashPeriod, string> = { DAY: 'day', WEEK: 'week', MONTH: 'month' };

/**
 * Cash received: the payments received from `from` to `to` (both included, by `receivedOn`), summed and
 * counted per period — DAY, WEEK (ISO weeks, Monday to Sunday) or MONTH (calendar months) —, the first
 * and last period cut to the range. Every period is listed (zeros when nothing came in), per currency
 * (each currency with a payment in the range; one row per period when `currency` or `in` is given).
 * With `in`: each payment at the rate of its received date. Payments of deleted customers count.
 */
export async function cashReceived(
  ctx: ServiceContext,
  args: { from: string; to: string; groupBy: CashPeriod; in?: string | null; currency?: string | null },
): Promise<CashReceivedRow[]> {
  const first = dateOf(args.from, 'from');
  const last = dateOf(args.to, 'to');
  const days = (Date.parse(last) - Date.parse(first)) / 86_400_000 + 1;
  if (days < 1) throw new InputError('`to` must not be before `from`.', 'to');
  if (days > MAX_CASH_DAYS[args.groupBy]) throw new InputError(`At most ${MAX_CASH_DAYS[args.groupBy]} days from \`from\` to \`to\` by ${args.groupBy}.`, 'to');
  const currency = currencyArg(args.currency);
  const target = reportingCurrency(args.in);
  const to = target ? currencyLiteral(target) : null;
  const line = conversion(to, raw('y.currency'), raw('y.received_on'), raw('y.amount'));
  const unit = raw(`'${UNIT[args.groupBy]}'`);
  const step = raw(`interval '1 ${UNIT[args.groupBy]}'`);
  const found = await rows<CashReceivedRow & { missingRate: string | null }>(ctx.em, sql`
    with period as (
      select greatest(g::date, ${first}::date) as period_start, least((g + ${step})::date - 1, ${last}::date) as period_end
      from generate_series(date_trunc(${unit}, ${first}::date::timestamp), ${last}::date::timestamp, ${step}) as g
    ), line as (
      select y.received_on, ${line.columns}
      from payment y ${line.join}
      where ${accountScope(ctx.principal, 'y.customer_id')} and y.received_on between ${first}::date and ${last}::date
        and ${currency ? sql`y.currency = ${currency}` : TRUE}
    ), grid as (
      select p.period_start, p.period_end, k.currency from period p cross join (${keyCurrencies(to, currency, 'line')}) as k(currency)
    )
    select k.period_start::text as "start", k.period_end::text as "end", k.currency,
      ${money('sum(l.amount)')} as amount, count(l.amount)::int as count,
      ${ratesAgg('l.rate')} as rates, ${missingRateOf('l.missing_rate')}
    from grid k left join line l on l.currency = k.currency and l.received_on between k.period_start and k.period_end
    group by k.period_start, k.period_end, k.currency
    order by k.period_start, k.currency`);
  return checkedRows(found);
}

// ------------------------------------------------------------------------------- aging per customer

/**
 * The aging of `agingReport` per customer: one row per customer and currency (one per customer with
 * `in`), with money outstanding as of `asOf`, largest total first (then by customer id and currency),
 * at most `limit` rows.
 */
export async function customerAging(
  ctx: ServiceContext,
  args: AgingArgs & { limit?: number | null },
  now: Date = new Date(),
): Promise<CustomerAgingRow[]> {
  const limit = countArg(args.limit, CUSTOMER_AGING_DEFAULT_LIMIT, CUSTOMER_AGING_MAX_LIMIT);
  const { asOfText, ctes } = agingLines(ctx, args, now);
  const found = await rows<CustomerAgingRow & { missingRate: string | null }>(ctx.em, sql`
    with ${ctes}
    select l.customer_id as "customerId", ${asOfText}::text as "asOf", l.currency, ${agingBuckets()}
    from line l
    group by l.customer_id, l.currency
    order by sum(l.outstanding) desc, l.customer_id, l.currency
    limit ${limitSql(limit)}`);
  return checkedRows(found);
}
