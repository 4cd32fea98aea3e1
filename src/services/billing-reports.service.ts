import type { ServiceContext } from './context';
import { checkedRows, conversion, currencyLiteral, missingRateOf, ratesAgg, reportingCurrency, type AppliedRate } from './exchange-rate';
import { accountScope } from './scope';
import { and, raw, rows, sql, TRUE } from './sql';
import { currencyArg, idArg, isoDate } from './validation';

/**
 * The `scheduledBilling` report (issue 14, definition 2): the contract instalments still SCHEDULED — signed
 * contracts whose instalments have not reached their invoice date, not cancelled by a termination — per
 * currency, optionally per month of invoice date. This money is not accounts receivable yet: it is in no
 * AR figure. One SQL statement, scoped like `agingReport` (`accountScope`: ADMIN and FINANCE all, a
 * SALES_MANAGER the customers of their team, a SALES_REP their own); customers deleted earlier count
 * (deleting a customer with scheduled billing is refused).
 *
 * With a reporting currency (`in`), every instalment is converted into it at today's (UTC) rate — money
 * still to be billed is valued at the rate known now, as the receivables summary values open money —
 * each instalment rounded to the cent, then summed; the rows then list the rates applied.
 */

export interface ScheduledBillingRow {
  currency: string;
  month: string | null;
  amount: string;
  instalmentCount: number;
  rates: AppliedRate[];
}

export async function scheduledBilling(
  ctx: ServiceContext,
  args: { currency?: string | null; ownerId?: string | null; customerId?: string | null; byMonth?: boolean | null; in?: string | null },
  now: Date = new Date(),
): Promise<ScheduledBillingRow[]> {
  const currency = currencyArg(args.currency);
  const ownerId = idArg(args.ownerId, 'usr', 'ownerId');
  const customerId = idArg(args.customerId, 'cus', 'customerId');
  const target = reportingCurrency(args.in);
  const month = args.byMonth ? sql`date_trunc('month', s.invoice_date)::date::text` : sql`null::text`;
  const line = conversion(target ? currencyLiteral(target) : null, raw('s.currency'), sql`${isoDate(now)}::date`, raw('s.amount'));
  const found = await rows<ScheduledBillingRow & { missingRate: string | null }>(ctx.em, sql`
    with line as (
      select ${month} as month, ${line.columns}
      from billing_schedule s join customer c on c.id = s.customer_id ${line.join}
      where s.status = 'SCHEDULED' and ${accountScope(ctx.principal, 's.customer_id')} and ${and([
        currency ? sql`s.currency = ${currency}` : TRUE,
        ownerId ? sql`c.owner_id = ${ownerId}` : TRUE,
        customerId ? sql`s.customer_id = ${customerId}` : TRUE,
      ])}
    )
    select l.currency, l.month, sum(l.amount)::numeric(18, 2)::text as amount, count(*)::int as "instalmentCount",
      ${ratesAgg('l.rate')} as rates, ${missingRateOf('l.missing_rate')}
    from line l
    group by l.currency, l.month
    order by l.currency, l.month nulls first`);
  return checkedRows(found);
}
