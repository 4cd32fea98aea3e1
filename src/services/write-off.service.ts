import Decimal from 'decimal.js';
import { z } from 'zod';
import { AuditAction } from '../entities/enums';
import { ReceivableStatus } from '../entities/finance.enums';
import { refId } from '../entities/ids';
import { Receivable } from '../entities/receivable.entity';
import { WriteOffCategory } from '../entities/write-off.enums';
import { recordAudit } from './audit.service';
import { closeSettledCollectionTasks } from './collection.service';
import type { ServiceContext } from './context';
import { InputError, userError, type UserError } from './errors';
import {
  appliedRateJson, converted, currencyLiteral, failOnMissingRate, missingRate, rateJoin, ratesAgg, reportingCurrency, type AppliedRate,
} from './exchange-rate';
import { getReceivable, type ReceivableRow } from './receivable.service';
import { accountScope } from './scope';
import { limitSql, raw, rows, sql, TRUE, type Sql } from './sql';
import { fail, inTransaction } from './transaction';
import { countArg, currencyArg, ID, idArg, LOCAL_DATE, parseInput, text, type InputOf } from './validation';

/**
 * Bad-debt write-off (issue 14): FINANCE gives up on the money still outstanding on a receivable.
 *
 * `writeOffReceivable` (FINANCE only — not ADMIN: writing off money is a finance decision, like credit
 * decisions): the receivable, OPEN or OVERDUE with money outstanding, becomes WRITTEN_OFF with
 * `writtenOffAmount` = amount − paidAmount (what was outstanding), `writtenOffAt` = now, by the caller,
 * with a category and a reason. One transaction: the receivable row is locked first (a concurrent
 * payment or write-off waits, then finds it written off), the change is audited (UPDATE of the
 * receivable, like payments), and its open COLLECTION task is closed (DONE) like a settled one's.
 * Refused with payload errors naming the field: unknown or not visible (NOT_FOUND on receivableId),
 * SETTLED, already WRITTEN_OFF or nothing outstanding (BUSINESS_RULE on receivableId), stale version
 * (CONFLICT on version), bad category/reason (VALIDATION).
 *
 * From then on it is out of accounts receivable: not in receivablesSummary, not in agingReport as of
 * its write-off date (the UTC date of `writtenOffAt`) or later, not in credit exposure, not dunned by
 * the overdue job, no payment can be applied to it; statements show a WRITE_OFF line on the write-off
 * date that lowers the balance by the amount written off.
 *
 * `writeOffReport`: the write-offs of a period [from, to) (UTC write-off dates, `to` excluded), in the
 * caller's account scope (`accountScope`, like the other finance reports: FINANCE and ADMIN all, a
 * SALES_MANAGER the customers of their team, a SALES_REP their own). Write-offs of customers deleted
 * since count: they happened. One SQL statement: the lines (oldest first, at most `limit`) and the
 * totals per currency (over every write-off of the period, also beyond the limit). With a reporting
 * currency (`in`): every line's amounts (written off, billed, paid) converted into it by the one rate rule
 * (services/exchange-rate.ts) at the rate of its write-off date, each rounded to the cent, and one total
 * in it (the sum of the converted written-off amounts); lines and total list the rates applied; a missing
 * rate fails the report (BAD_USER_INPUT on `in`).
 */

// ---------------------------------------------------------------------------------------- the write-off

const WriteOff = z.object({
  receivableId: ID('rcv'),
  version: z.number().int(),
  category: z.nativeEnum(WriteOffCategory),
  reason: text(500),
});
export type WriteOffReceivableInput = InputOf<typeof WriteOff>;
export interface WriteOffPayload { receivable: ReceivableRow | null; errors: UserError[] }

export async function writeOffReceivable(ctx: ServiceContext, input: WriteOffReceivableInput): Promise<WriteOffPayload> {
  const parsed = parseInput(WriteOff, input);
  if (!parsed.ok) return { receivable: null, errors: parsed.errors };
  const data = parsed.data;
  const field = ['input', 'receivableId'];
  const outcome = await inTransaction(ctx, async (tx) => {
    // Lock the receivable: a concurrent payment (which locks the customer's open receivables) or write-off waits.
    const [found] = await rows<{ id: string }>(tx.em, sql`select r.id from receivable r
      where r.id = ${data.receivableId} and ${accountScope(tx.principal, 'r.customer_id')} for update`);
    if (!found) fail([userError('NOT_FOUND', 'Receivable not found.', field)]);
    const r = await tx.em.findOneOrFail(Receivable, data.receivableId, { refresh: true });
    const outstanding = new Decimal(String(r.amount)).minus(String(r.paidAmount));
    if (r.status === ReceivableStatus.WRITTEN_OFF) fail([userError('BUSINESS_RULE', `${r.number} is already written off.`, field)]);
    if (r.status === ReceivableStatus.SETTLED) fail([userError('BUSINESS_RULE', `${r.number} is settled (paid in full): nothing to write off.`, field)]);
    if (outstanding.lte(0)) fail([userError('BUSINESS_RULE', `Nothing is outstanding on ${r.number}: nothing to write off.`, field)]);
    if (r.version !== data.version) {
      fail([userError('CONFLICT', `This receivable was changed meanwhile (now version ${r.version}): reload it and write it off again.`, ['input', 'version'])]);
    }
    const now = new Date();
    const amount = outstanding.toFixed(2);
    recordAudit(tx.em, tx.principal, {
      entityType: 'Receivable', entityId: r.id, customerId: refId(r.customer)!, action: AuditAction.UPDATE,
      changes: [
        { field: 'status', old: r.status, new: ReceivableStatus.WRITTEN_OFF },
        { field: 'writtenOffAmount', old: null, new: amount },
        { field: 'writeOffCategory', old: null, new: data.category },
        { field: 'writeOffReason', old: null, new: data.reason },
      ],
    });
    r.status = ReceivableStatus.WRITTEN_OFF;
    r.writtenOffAt = now;
    r.writtenOffBy = tx.principal.id;
    r.writeOffCategory = data.category;
    r.writeOffReason = data.reason;
    r.writtenOffAmount = amount;
    await tx.em.flush();
    // Nothing left to collect: its open COLLECTION task is done (as for a settled receivable).
    await closeSettledCollectionTasks(tx.em, now, [r.id]);
    return r.id;
  });
  if (!outcome.result) return { receivable: null, errors: outcome.errors };
  return { receivable: await getReceivable(ctx, outcome.result), errors: [] };
}

// ---------------------------------------------------------------------------------------- the report

export const WRITE_OFF_DEFAULT_LIMIT = 200;
export const WRITE_OFF_MAX_LIMIT = 1000;

export interface WriteOffLineRow {
  receivableId: string;
  number: string;
  customerId: string;
  currency: string;
  amount: string;
  receivableAmount: string;
  paidAmount: string;
  category: WriteOffCategory;
  reason: string;
  writtenOffById: string;
  writtenOffAt: Date;
  writtenOn: string;
  rates: AppliedRate[];
}

export interface WriteOffTotalRow { currency: string; count: number; amount: string; rates: AppliedRate[] }

export interface WriteOffReportRow {
  from: string;
  to: string;
  lineCount: number;
  truncated: boolean;
  lines: WriteOffLineRow[];
  totals: WriteOffTotalRow[];
}

function dateArg(value: string, field: string): string {
  const parsed = LOCAL_DATE.safeParse(value);
  const day = parsed.success ? new Date(`${parsed.data}T00:00:00Z`) : null;
  if (!parsed.success || !day || Number.isNaN(day.getTime()) || !day.toISOString().startsWith(parsed.data)) {
    throw new InputError(`\`${field}\` must be a calendar date like "2026-04-30".`, field);
  }
  return parsed.data;
}

/**
 * The write-offs of [from, to) in the caller's account scope, optionally in one currency or of one
 * customer: lines oldest first (write-off time, then id), at most `limit`; totals per currency
 * (currency order) over every write-off of the period — with `in`, every line in it and one total.
 */
export async function writeOffReport(
  ctx: ServiceContext,
  args: { from: string; to: string; currency?: string | null; customerId?: string | null; limit?: number | null; in?: string | null },
): Promise<WriteOffReportRow> {
  const from = dateArg(args.from, 'from');
  const to = dateArg(args.to, 'to');
  if (to <= from) throw new InputError('`to` must be after `from` (the period is [from, to): `to` is not included).', 'to');
  const currency = currencyArg(args.currency);
  const customerId = idArg(args.customerId, 'cus', 'customerId');
  const limit = countArg(args.limit, WRITE_OFF_DEFAULT_LIMIT, WRITE_OFF_MAX_LIMIT);
  const target = reportingCurrency(args.in);
  // A line's money as it is, or converted at the rate of its write-off date (the join `xr`).
  const into = target ? currencyLiteral(target) : null;
  const day = raw(`(r.written_off_at at time zone 'UTC')::date`);
  const money = (column: string): Sql => (into ? converted('xr', raw(column)) : raw(column));
  type Found = WriteOffLineRow & WriteOffTotalRow & { kind: 'LINE' | 'TOTAL'; position: number | null; lineCount: number; missingRate: string | null };
  const found = await rows<Found>(ctx.em, sql`
    with w as (
      select r.id, r.number, r.customer_id, ${into ?? raw('r.currency')} as currency, ${money('r.written_off_amount')} as written_off_amount,
        ${money('r.amount')} as amount, ${money('r.paid_amount')} as paid_amount, r.write_off_category,
        r.write_off_reason, r.written_off_by, r.written_off_at,
        ${into ? appliedRateJson('xr', raw('r.currency'), into) : raw('null::jsonb')} as rate,
        ${into ? missingRate('xr', raw('r.currency'), into, day) : raw('null::text')} as missing_rate,
        row_number() over (order by r.written_off_at, r.id) as position
      from receivable r ${into ? rateJoin('xr', raw('r.currency'), into, day) : raw('')}
      where r.status = 'WRITTEN_OFF'
        and r.written_off_at >= ${`${from}T00:00:00Z`}::timestamptz and r.written_off_at < ${`${to}T00:00:00Z`}::timestamptz
        and ${accountScope(ctx.principal, 'r.customer_id')}
        and ${currency ? sql`r.currency = ${currency}` : TRUE}
        and ${customerId ? sql`r.customer_id = ${customerId}` : TRUE}
    )
    select 'LINE' as kind, w.position, w.id as "receivableId", w.number, w.customer_id as "customerId", w.currency,
      w.written_off_amount::numeric(18, 2)::text as amount, w.amount::numeric(18, 2)::text as "receivableAmount",
      w.paid_amount::numeric(18, 2)::text as "paidAmount", w.write_off_category as category, w.write_off_reason as reason,
      w.written_off_by as "writtenOffById", w.written_off_at as "writtenOffAt", (w.written_off_at at time zone 'UTC')::date::text as "writtenOn",
      null::int as count, (select count(*) from w)::int as "lineCount",
      case when w.rate is null then '[]'::jsonb else jsonb_build_array(w.rate) end as rates, (select min(missing_rate) from w) as "missingRate"
    from w where w.position <= ${limitSql(limit)}
    union all
    select 'TOTAL' as kind, null, null, null, null, w.currency, sum(w.written_off_amount)::numeric(18, 2)::text, null, null, null, null, null, null, null,
      count(*)::int, (select count(*) from w)::int, ${ratesAgg('w.rate')}, min(w.missing_rate)
    from w group by w.currency
    order by kind, position, currency`);
  failOnMissingRate(found.find((r) => r.missingRate)?.missingRate);
  const lines: WriteOffLineRow[] = found.filter((r) => r.kind === 'LINE').map((r) => ({
    receivableId: r.receivableId, number: r.number, customerId: r.customerId, currency: r.currency, amount: r.amount,
    receivableAmount: r.receivableAmount, paidAmount: r.paidAmount, category: r.category, reason: r.reason,
    writtenOffById: r.writtenOffById, writtenOffAt: r.writtenOffAt, writtenOn: r.writtenOn, rates: r.rates,
  }));
  const totals: WriteOffTotalRow[] = found.filter((r) => r.kind === 'TOTAL')
    .map((r) => ({ currency: r.currency, count: r.count, amount: r.amount, rates: r.rates }));
  const lineCount = found[0]?.lineCount ?? 0;
  return { from, to, lineCount, truncated: lineCount > lines.length, lines, totals };
}
