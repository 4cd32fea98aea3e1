import { z } from 'zod';
import type { Principal } from '../auth/principal';
import { AuditAction, Role } from '../entities/enums';
import { analyticsScope } from './analytics.service';
import type { AuditEvent } from '../entities/audit-event.entity';
import { auditVisible, recordAudit } from './audit.service';
import { checkedRows, conversion, currencyLiteral, missingRateOf, ratesAgg, reportingCurrency, type AppliedRate } from './exchange-rate';
import type { ServiceContext } from './context';
import { InputError, userError, type UserError } from './errors';
import { subtreeSql } from './scope';
import { columnsOf, FALSE, limitSql, raw, rows, sql, textArray, TRUE, type Sql } from './sql';
import { fail, inTransaction } from './transaction';
import { currencyArg, CURRENCY, DATE_RANGE, ID, MONEY, parseInput, yearInRange, type InputOf } from './validation';

/**
 * Sales quotas (issue 14): one amount per sales user (SALES_REP or SALES_MANAGER) and calendar month, in
 * one currency, set by ADMIN or by a SALES_MANAGER for the users below them; and attainment against it.
 *
 * Definitions:
 * - a month is a calendar month in UTC ("YYYY-MM"); a deal is won in the month of its `closedAt` (UTC);
 * - won amount of a user in a month: the sum of the amounts of the opportunities WON in that month,
 *   credited to their owner when won (`WON_DEAL_OWNER`), in the report's currency, not deleted, their customer
 *   not deleted (as every sales analytic);
 * - attainment = won amount / quota, 0–1 and beyond, rounded to 4 decimals; null without a quota (or a
 *   quota of 0).
 * Reads are scoped by `analyticsScope` on the quota's user: a rep their own, a manager their subtree,
 * ADMIN, FINANCE and ANALYST everyone (the analyst sees user ids, not names).
 */

/**
 * The user a won deal is credited to, as SQL on the opportunity aliased `o` — the ONE place that says
 * it: its owner when it was won (recorded at close, definition 6; the current owner for a deal closed
 * before that was recorded), so reassigning a won deal later does not move it between quotas.
 */
export const WON_DEAL_OWNER = 'coalesce(o.closed_owner_id, o.owner_id)';

export const MAX_QUOTA_MONTHS = 36;
const MAX_USER_IDS = 100;
/** Audit entries of quotas are filed under this pseudo customer id (a quota belongs to no customer). */
export const QUOTA_AUDIT_KEY = 'sales-quota';

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;
const MONTH_MESSAGE = `A month "YYYY-MM" in the years ${DATE_RANGE.minYear}–${DATE_RANGE.maxYear}, e.g. "2026-04".`;
const MONTH = z.string().trim().refine((v) => MONTH_RE.test(v) && yearInRange(Number(v.slice(0, 4))), MONTH_MESSAGE);

export interface QuotaRow {
  userId: string;
  month: string;
  amount: string;
  currency: string;
  setBy: string;
  updatedAt: Date;
}

const QUOTA_COLUMNS = raw(`q.user_id as "userId", to_char(q.month, 'YYYY-MM') as month, q.amount::text as amount, q.currency,
  q.set_by as "setBy", q.updated_at as "updatedAt"`);

// ---------------------------------------------------------------------------------- arguments

/** "YYYY-MM" → the first day "YYYY-MM-01"; BAD_USER_INPUT naming `field` otherwise. */
function firstDay(month: string, field: string): string {
  if (!MONTH.safeParse(month).success) throw new InputError(`\`${field}\` must be ${MONTH_MESSAGE.charAt(0).toLowerCase()}${MONTH_MESSAGE.slice(1)}`, field);
  return `${month.trim()}-01`;
}

const monthIndex = (month: string) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;

/** How many months a range covers when `from` is not given: `to` and the five months before it. */
export const DEFAULT_QUOTA_MONTHS = 6;

const monthText = (index: number) => `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;

/**
 * A range of months [from, to], both included, at most MAX_QUOTA_MONTHS long; `to` defaults to the
 * current month (UTC), `from` to DEFAULT_QUOTA_MONTHS − 1 months before `to`.
 */
function monthRange(from: string | null | undefined, to: string | null | undefined, now: Date):
  { from: string; to: string; fromMonth: string; toMonth: string; months: number } {
  const hi = firstDay(to ?? now.toISOString().slice(0, 7), 'to');
  const lo = from != null ? firstDay(from, 'from') : `${monthText(monthIndex(hi) - DEFAULT_QUOTA_MONTHS + 1)}-01`;
  const months = monthIndex(hi) - monthIndex(lo) + 1;
  if (months < 1) throw new InputError('`to` must not be before `from`.', 'to');
  if (months > MAX_QUOTA_MONTHS) throw new InputError(`At most ${MAX_QUOTA_MONTHS} months from \`from\` to \`to\`.`, 'to');
  return { from: lo, to: hi, fromMonth: lo.slice(0, 7), toMonth: hi.slice(0, 7), months };
}

function usersSql(userIds: readonly string[] | null | undefined): Sql {
  if (userIds == null) return TRUE;
  if (userIds.length > MAX_USER_IDS) throw new InputError(`At most ${MAX_USER_IDS} user ids.`, 'userIds');
  return userIds.length ? sql`q.user_id = any(${textArray([...new Set(userIds)])})` : FALSE;
}

// -------------------------------------------------------------------------------------- reads

/** Quotas of the months [from, to] ("YYYY-MM", both included; see `monthRange`) in the caller's analytics scope, by month, then user id. */
export async function listQuotas(
  ctx: ServiceContext,
  args: { from?: string | null; to?: string | null; userIds?: string[] | null },
  now: Date = new Date(),
): Promise<QuotaRow[]> {
  const range = monthRange(args.from, args.to, now);
  return rows<QuotaRow>(ctx.em, sql`select ${QUOTA_COLUMNS} from sales_quota q
    where q.month between ${range.from}::date and ${range.to}::date
      and ${analyticsScope(ctx.principal, 'q.user_id')} and ${usersSql(args.userIds)}
    order by q.month, q.user_id`);
}

export interface AttainmentFigures {
  quota: string | null;
  wonAmount: string;
  wonCount: number;
  attainment: number | null;
  rates: AppliedRate[];
}

export interface AttainmentRow extends AttainmentFigures { userId: string; month: string }
export interface AttainmentMonth extends AttainmentFigures { month: string }

export interface QuotaAttainmentResult {
  from: string;
  to: string;
  currency: string;
  rows: AttainmentRow[];
  months: AttainmentMonth[];
}

/**
 * Quota attainment per user and month of [from, to], and per month in total, in one statement. The users:
 * those in the caller's analytics scope with a quota in `currency` in at least one month of the range;
 * each gets a row for every month of the range (quota null in months without one in `currency`). A
 * month's total: the sum of the quotas (null when nobody has one), the won amount and count of all the
 * listed users, and attainment = the won amount of the users WITH a quota that month / the sum of quotas.
 * With a reporting currency `in` (then `currency` is ignored): quotas and deals in every currency count,
 * a quota converted at the rate of its month's first day, a deal at the rate of its closing day (UTC),
 * each rounded to the cent (services/exchange-rate.ts); the rows list the rates applied.
 */
export async function quotaAttainment(
  ctx: ServiceContext,
  args: { from?: string | null; to?: string | null; currency: string; in?: string | null },
  now: Date = new Date(),
): Promise<QuotaAttainmentResult> {
  const range = monthRange(args.from, args.to, now);
  const currency = currencyArg(args.currency);
  const target = reportingCurrency(args.in);
  const owner = raw(WON_DEAL_OWNER);
  const to = target ? currencyLiteral(target) : null;
  // Each quota and deal in the report's currency: as it is (only `currency` counts), or converted (services/exchange-rate.ts).
  const quota = conversion(to, raw('q.currency'), raw('q.month'), raw('q.amount'));
  const deal = conversion(to, raw('o.currency'), raw(`(o.closed_at at time zone 'UTC')::date`), raw('o.amount'));
  const only = (column: string) => (to ? TRUE : sql`${raw(column)} = ${currency}`);
  const found = await rows<AttainmentRow & { isTotal: boolean; missingRate: string | null }>(ctx.em, sql`
    with months as (
      select (${range.from}::date + make_interval(months => g))::date as month from generate_series(0, ${range.months - 1}) as g
    ),
    quota_line as (
      select q.user_id, q.month, ${quota.columns}
      from sales_quota q ${quota.join}
      where q.month between ${range.from}::date and ${range.to}::date and ${only('q.currency')}
        and ${analyticsScope(ctx.principal, 'q.user_id')}
    ),
    reps as (select distinct user_id from quota_line),
    deal_line as (
      select ${owner} as user_id, date_trunc('month', o.closed_at at time zone 'UTC')::date as month, ${deal.columns}
      from opportunity o join customer c on c.id = o.customer_id and c.deleted_at is null ${deal.join}
      where o.deleted_at is null and o.stage = 'WON' and ${only('o.currency')}
        and o.closed_at >= (${range.from}::date)::timestamp at time zone 'UTC'
        and o.closed_at < ((${range.to}::date + interval '1 month')::date)::timestamp at time zone 'UTC'
        and ${owner} in (select user_id from reps)
    ),
    line as (
      select r.user_id, m.month, null::numeric as quota, 0::numeric as won, false as is_deal, null::jsonb as rate, null::text as missing_rate
      from months m left join reps r on true
      union all
      select user_id, month, amount, 0, false, rate, missing_rate from quota_line
      union all
      select user_id, month, null, amount, true, rate, missing_rate from deal_line
    ),
    flagged as (
      select x.*, exists (select 1 from quota_line ql where ql.user_id = x.user_id and ql.month = x.month) as has_quota from line x
    )
    select user_id as "userId", to_char(month, 'YYYY-MM') as month, grouping(user_id) = 1 as "isTotal",
      sum(quota)::numeric(18, 2)::text as quota,
      sum(won)::numeric(18, 2)::text as "wonAmount",
      (count(*) filter (where is_deal))::int as "wonCount",
      round(sum(won) filter (where has_quota) / nullif(sum(quota), 0), 4)::float8 as attainment,
      ${ratesAgg('rate')} as rates, ${missingRateOf('missing_rate')}
    from flagged
    group by grouping sets ((month, user_id), (month))
    having grouping(user_id) = 1 or user_id is not null
    order by month, grouping(user_id), user_id`);
  const checked = checkedRows(found);
  const figures = ({ quota: q, wonAmount, wonCount, attainment, rates }: AttainmentFigures): AttainmentFigures => ({ quota: q, wonAmount, wonCount, attainment, rates });
  return {
    from: range.fromMonth, to: range.toMonth, currency: target ?? currency,
    rows: checked.filter((r) => !r.isTotal).map((r) => ({ userId: r.userId, month: r.month, ...figures(r) })),
    months: checked.filter((r) => r.isTotal).map((r) => ({ month: r.month, ...figures(r) })),
  };
}

/**
 * The audit entries of one user's quota for one month, newest first: who set it to what, and when.
 * Visible to whoever reads that user's quotas (the audit scope of SalesQuota, registered by the sales domain).
 */
export async function quotaHistory(ctx: ServiceContext, args: { userId: string; month: string; first: number }): Promise<AuditEvent[]> {
  if (!ID('usr').safeParse(args.userId).success) throw new InputError('Not a valid user id (expected `usr_…`).', 'userId');
  const month = firstDay(args.month, 'month').slice(0, 7);
  if (!Number.isInteger(args.first) || args.first < 1 || args.first > 100) throw new InputError('`first` must be between 1 and 100.', 'first');
  return rows<AuditEvent>(ctx.em, sql`select ${columnsOf(ctx.em, 'AuditEvent', 'a')} from audit_event a
    where a.entity_type = 'SalesQuota' and a.customer_id = ${QUOTA_AUDIT_KEY} and a.entity_id = ${`${args.userId}/${month}`} and ${auditVisible(ctx)}
    order by a.at desc, a.id desc limit ${limitSql(args.first)}`);
}

// ------------------------------------------------------------------------------------- writes

const SetQuota = z.object({ userId: ID('usr'), month: MONTH, amount: MONEY, currency: CURRENCY });
export type SetQuotaInput = InputOf<typeof SetQuota>;

export interface QuotaPayload { quota: QuotaRow | null; errors: UserError[] }

/** The users whose quotas the caller may set, on the `app_user` row aliased `u`: ADMIN all; a manager those below them (not themselves). */
function quotaSetterScope(principal: Principal): Sql {
  if (principal.type !== 'USER') return FALSE;
  if (principal.role === Role.ADMIN) return TRUE;
  if (principal.role === Role.SALES_MANAGER) return sql`u.id in (${subtreeSql(principal.id)}) and u.id <> ${principal.id}`;
  return FALSE;
}

/**
 * Sets (creates or replaces) the quota of a sales user for a month: ADMIN for any sales user, a
 * SALES_MANAGER for the users below them in the hierarchy. Audited (type SalesQuota, id "user/month").
 * A quota with the same amount and currency changes nothing (no audit entry).
 */
export async function setQuota(ctx: ServiceContext, input: SetQuotaInput): Promise<QuotaPayload> {
  const parsed = parseInput(SetQuota, input);
  if (!parsed.ok) return { quota: null, errors: parsed.errors };
  const data = parsed.data;
  const month = `${data.month}-01`;
  const { result, errors } = await inTransaction(ctx, async (tx) => {
    const field = ['input', 'userId'];
    const [user] = await rows<{ role: Role; active: boolean }>(tx.em, sql`select u.role, u.active from app_user u
      where u.id = ${data.userId} and ${quotaSetterScope(tx.principal)}`);
    if (!user) fail([userError('NOT_FOUND', tx.principal.role === Role.SALES_MANAGER ? 'No such user in your team (below you).' : 'No such user.', field)]);
    if (user.role !== Role.SALES_REP && user.role !== Role.SALES_MANAGER) fail([userError('VALIDATION', 'Quotas are for sales reps and sales managers.', field)]);
    if (!user.active) fail([userError('VALIDATION', 'The user is deactivated.', field)]);
    const [before] = await rows<{ amount: string; currency: string }>(tx.em, sql`select q.amount::text as amount, q.currency from sales_quota q
      where q.user_id = ${data.userId} and q.month = ${month}::date for update`);
    if (!before || before.amount !== data.amount || before.currency !== data.currency) {
      await rows(tx.em, sql`insert into sales_quota (user_id, month, amount, currency, set_by)
        values (${data.userId}, ${month}::date, ${data.amount}::numeric, ${data.currency}, ${tx.principal.id})
        on conflict (user_id, month) do update set amount = excluded.amount, currency = excluded.currency, set_by = excluded.set_by, updated_at = now()`);
      const changes = before
        ? [{ field: 'amount', old: before.amount, new: data.amount }, { field: 'currency', old: before.currency, new: data.currency }]
          .filter((c) => c.old !== c.new)
        : [{ field: 'month', old: null, new: data.month }, { field: 'amount', old: null, new: data.amount }, { field: 'currency', old: null, new: data.currency }];
      recordAudit(tx.em, tx.principal, {
        entityType: 'SalesQuota', entityId: `${data.userId}/${data.month}`, customerId: QUOTA_AUDIT_KEY,
        action: before ? AuditAction.UPDATE : AuditAction.CREATE, changes,
      });
      await tx.em.flush();
    }
    const [row] = await rows<QuotaRow>(tx.em, sql`select ${QUOTA_COLUMNS} from sales_quota q where q.user_id = ${data.userId} and q.month = ${month}::date`);
    return row;
  });
  return { quota: result, errors };
}
