import { z } from 'zod';
import { AuditAction } from '../entities/enums';
import { recordAudit } from './audit.service';
import type { ServiceContext } from './context';
import { InputError, type UserError } from './errors';
import { and, limitSql, rows, sql, TRUE } from './sql';
import { inTransaction } from './transaction';
import { countArg, currencyArg, CURRENCY, LOCAL_DATE, parseInput, type InputOf } from './validation';

/**
 * Exchange rates by day (issue 14; how reports use them: services/exchange-rate.ts). ADMIN and FINANCE
 * set them (`setExchangeRate`, one rate per pair and day, upserted, audited); the roles that read the
 * money reports read them (`exchangeRates`). Rates are global reference data, not tied to a customer.
 */

export interface ExchangeRateRow {
  from: string;
  to: string;
  rate: string;
  validOn: string;
  setAt: Date;
}

export const RATES_DEFAULT_LIMIT = 100;
export const RATES_MAX_LIMIT = 500;

/** A rate > 0 with at most 10 integer digits and 10 decimals, as text (never a float). */
export const RATE = z
  .string()
  .trim()
  .regex(/^\d{1,10}(\.\d{1,10})?$/, 'A positive decimal with at most 10 decimals, e.g. "0.9215".')
  .refine((v) => /[1-9]/.test(v), 'Must be greater than 0.');

const SetExchangeRate = z.object({
  from: CURRENCY,
  to: CURRENCY,
  validOn: LOCAL_DATE,
  rate: RATE,
}).refine((v) => v.from !== v.to, { message: 'Must differ from `from` (a currency converts into itself at 1).', path: ['to'] });
export type SetExchangeRateInput = InputOf<typeof SetExchangeRate>;

export interface ExchangeRatePayload { exchangeRate: ExchangeRateRow | null; errors: UserError[] }

const COLUMNS = sql`x.from_currency as "from", x.to_currency as "to", x.rate::numeric(20, 10)::text as rate,
  x.valid_on::text as "validOn", x.set_at as "setAt"`;

const withDate = (r: ExchangeRateRow): ExchangeRateRow => ({ ...r, setAt: new Date(r.setAt) });

/**
 * Sets the rate of a pair from a day on: inserts it, or replaces the rate of that pair and day. One
 * transaction; audited as an `ExchangeRate` entry (id "FROM/TO/YYYY-MM-DD", the old and new rate) with
 * no customer: the API's history is per customer, so the entry is in the log for audits of the
 * database, not shown by `Customer.history`.
 */
export async function setExchangeRate(ctx: ServiceContext, input: SetExchangeRateInput): Promise<ExchangeRatePayload> {
  const parsed = parseInput(SetExchangeRate, input);
  if (!parsed.ok) return { exchangeRate: null, errors: parsed.errors };
  const data = parsed.data;
  const outcome = await inTransaction(ctx, async (tx) => {
    const [before] = await rows<{ rate: string }>(tx.em, sql`select x.rate::numeric(20, 10)::text as rate from exchange_rate x
      where x.from_currency = ${data.from} and x.to_currency = ${data.to} and x.valid_on = ${data.validOn}::date for update`);
    const [after] = await rows<ExchangeRateRow>(tx.em, sql`insert into exchange_rate as x (from_currency, to_currency, valid_on, rate, set_by, set_at)
      values (${data.from}, ${data.to}, ${data.validOn}::date, ${data.rate}::numeric(20, 10), ${tx.principal.id}, now())
      on conflict (from_currency, to_currency, valid_on) do update set rate = excluded.rate, set_by = excluded.set_by, set_at = excluded.set_at
      returning ${COLUMNS}`);
    if (before?.rate !== after.rate) {
      recordAudit(tx.em, tx.principal, {
        entityType: 'ExchangeRate', entityId: `${data.from}/${data.to}/${data.validOn}`, customerId: '',
        action: before ? AuditAction.UPDATE : AuditAction.CREATE,
        changes: [{ field: 'rate', old: before?.rate ?? null, new: after.rate }],
      });
      await tx.em.flush();
    }
    return withDate(after);
  });
  return { exchangeRate: outcome.result, errors: outcome.errors };
}

/**
 * Stored rates, by pair (from, to) then newest day first. `on`: only the rate of each pair in force on
 * that day (the latest `validOn` ≤ on), as the reports would use it without inverting.
 */
export async function exchangeRates(
  ctx: ServiceContext,
  args: { from?: string | null; to?: string | null; on?: string | null; limit?: number | null },
): Promise<ExchangeRateRow[]> {
  const from = currencyArg(args.from, 'from');
  const to = currencyArg(args.to, 'to');
  if (args.on != null && !LOCAL_DATE.safeParse(args.on).success) throw new InputError('`on` must be a calendar date "YYYY-MM-DD".', 'on');
  const limit = countArg(args.limit, RATES_DEFAULT_LIMIT, RATES_MAX_LIMIT);
  const where = and([
    from ? sql`x.from_currency = ${from}` : TRUE,
    to ? sql`x.to_currency = ${to}` : TRUE,
    args.on != null ? sql`x.valid_on <= ${args.on}::date` : TRUE,
  ]);
  const found = args.on != null
    ? await rows<ExchangeRateRow>(ctx.em, sql`select ${COLUMNS} from (
        select distinct on (x.from_currency, x.to_currency) x.* from exchange_rate x where ${where}
        order by x.from_currency, x.to_currency, x.valid_on desc) x
      order by x.from_currency, x.to_currency limit ${limitSql(limit)}`)
    : await rows<ExchangeRateRow>(ctx.em, sql`select ${COLUMNS} from exchange_rate x where ${where}
      order by x.from_currency, x.to_currency, x.valid_on desc limit ${limitSql(limit)}`);
  return found.map(withDate);
}
