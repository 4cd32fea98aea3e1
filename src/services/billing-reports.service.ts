import type { ServiceContext } from './context';
import { InputError } from './errors';
import { accountScope } from './scope';
import { and, rows, sql, TRUE } from './sql';
import { CURRENCY, ID } from './validation';

/**
 * The `scheduledBilling` report (issue 14, definition 2): the contract instalments still SCHEDULED — signed
 * contracts whose instalments have not reached their invoice date, not cancelled by a termination — per
 * currency, optionally per month of invoice date. This money is not accounts receivable yet: it is in no
 * AR figure. One SQL statement, scoped like `agingReport` (`accountScope`: ADMIN and FINANCE all, a
 * SALES_MANAGER the customers of their team, a SALES_REP their own); customers deleted earlier count
 * (deleting a customer with scheduled billing is refused).
 */

export interface ScheduledBillingRow {
  currency: string;
  month: string | null;
  amount: string;
  instalmentCount: number;
}

export async function scheduledBilling(
  ctx: ServiceContext,
  args: { currency?: string | null; ownerId?: string | null; customerId?: string | null; byMonth?: boolean | null },
): Promise<ScheduledBillingRow[]> {
  let currency: string | null = null;
  if (args.currency != null) {
    const parsed = CURRENCY.safeParse(args.currency);
    if (!parsed.success) throw new InputError('`currency` must be an ISO 4217 code, e.g. "EUR".', 'currency');
    currency = parsed.data;
  }
  if (args.ownerId != null && !ID('usr').safeParse(args.ownerId).success) throw new InputError('Not a valid id (expected `usr_…`).', 'ownerId');
  if (args.customerId != null && !ID('cus').safeParse(args.customerId).success) throw new InputError('Not a valid id (expected `cus_…`).', 'customerId');
  const month = args.byMonth ? sql`date_trunc('month', s.invoice_date)::date::text` : sql`null::text`;
  return rows<ScheduledBillingRow>(ctx.em, sql`
    select s.currency, ${month} as month, sum(s.amount)::numeric(18, 2)::text as amount, count(*)::int as "instalmentCount"
    from billing_schedule s join customer c on c.id = s.customer_id
    where s.status = 'SCHEDULED' and ${accountScope(ctx.principal, 's.customer_id')} and ${and([
      currency ? sql`s.currency = ${currency}` : TRUE,
      args.ownerId ? sql`c.owner_id = ${args.ownerId}` : TRUE,
      args.customerId ? sql`s.customer_id = ${args.customerId}` : TRUE,
    ])}
    group by s.currency, 2
    order by s.currency, 2 nulls first`);
}
