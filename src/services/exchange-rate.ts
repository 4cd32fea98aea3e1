import { InputError } from './errors';
import { raw, sql, type Sql } from './sql';
import { currencyArg } from './validation';

/**
 * The exchange rate every money report uses, written once (issue 14). Converting an amount in currency
 * X into Y for a line dated D:
 *   1. 1 when X = Y;
 *   2. else the rate X→Y of `exchange_rate` with the latest `valid_on` ≤ D;
 *   3. else the inverse of the latest Y→X rate with `valid_on` ≤ D: round(1 / rate, 10);
 *   4. else there is no rate: the report fails with BAD_USER_INPUT on `in`, naming the pair and the date
 *      (money is never silently skipped or counted as 0).
 * A converted line is rounded to the cent: round(amount × rate, 2); totals are sums of converted lines.
 */

/** An applied rate as the reports return it (`AppliedRate`): from → to, the rate, the day it is valid from, inverted or not. */
export interface AppliedRate {
  from: string;
  to: string;
  rate: string;
  validOn: string;
  inverse: boolean;
}

/** The reporting currency of a report's `in` argument: null when absent, BAD_USER_INPUT on `in` when not ISO 4217. */
export function reportingCurrency(value: string | null | undefined): string | null {
  return currencyArg(value, 'in');
}

/**
 * A validated currency code written into the SQL text as a literal (never a parameter): aggregates that
 * order by an expression containing it then see the same expression twice.
 */
export function currencyLiteral(code: string): Sql {
  if (!/^[A-Z]{3}$/.test(code)) throw new Error(`not a currency code: ${code}`);
  return raw(`'${code}'::text`);
}

/**
 * `left join lateral (…) <alias> on true`: the rate converting `from` into `to` on the day `on` (SQL
 * expressions, which must not use the aliases xr_direct, xr_inverse, xr_pick), as `<alias>.rate` (numeric; null when there is none), `<alias>.valid_on` (the stored
 * rate's day; null when from = to) and `<alias>.inverse` (true when it is 1 / the rate of to → from).
 */
export function rateJoin(alias: string, from: Sql, to: Sql, on: Sql): Sql {
  const a = raw(alias);
  return sql`left join lateral (
    select xr_pick.rate, xr_pick.valid_on, xr_pick.inverse from (
      select 1::numeric as rate, null::date as valid_on, false as inverse, 0 as rank where ${from} = ${to}
      union all
      (select xr_direct.rate::numeric, xr_direct.valid_on, false, 1 from exchange_rate xr_direct
        where xr_direct.from_currency = ${from} and xr_direct.to_currency = ${to} and xr_direct.valid_on <= ${on}
        order by xr_direct.valid_on desc limit 1)
      union all
      (select round(1 / xr_inverse.rate, 10), xr_inverse.valid_on, true, 2 from exchange_rate xr_inverse
        where xr_inverse.from_currency = ${to} and xr_inverse.to_currency = ${from} and xr_inverse.valid_on <= ${on}
        order by xr_inverse.valid_on desc limit 1)
    ) xr_pick order by xr_pick.rank limit 1
  ) ${a} on true`;
}

/** `amount` converted with the rate of the join `alias`, rounded to the cent (null when there is no rate). */
export function converted(alias: string, amount: Sql): Sql {
  return sql`round(${amount} * ${raw(alias)}.rate, 2)`;
}

/**
 * The applied rate of the join `alias` as a JSON object (`AppliedRate`), null when from = to (rate 1,
 * nothing to show) or when there is no rate.
 */
export function appliedRateJson(alias: string, from: Sql, to: Sql): Sql {
  const a = raw(alias);
  return sql`(case when ${a}.valid_on is not null then jsonb_build_object('from', ${from}, 'to', ${to},
    'rate', ${a}.rate::numeric(20, 10)::text, 'validOn', ${a}.valid_on::text, 'inverse', ${a}.inverse) end)`;
}

/**
 * A line's money in the reporting currency: select-list items `currency` (`to`, or the line's own
 * `from` without a reporting currency), `<name>` (the amount converted and rounded to the cent, or as
 * it is), `rate` (`appliedRateJson`) and `missing_rate` (`missingRate`), and the rate join they need
 * (empty without a reporting currency). `to`: a `currencyLiteral` or null; `on`: the line's date.
 */
export function conversion(to: Sql | null, from: Sql, on: Sql, amount: Sql, name = 'amount'): { columns: Sql; join: Sql } {
  const n = raw(name);
  if (!to) return { columns: sql`${from} as currency, ${amount} as ${n}, null::jsonb as rate, null::text as missing_rate`, join: raw('') };
  return {
    columns: sql`${to} as currency, ${converted('xr', amount)} as ${n}, ${appliedRateJson('xr', from, to)} as rate,
      ${missingRate('xr', from, to, on)} as missing_rate`,
    join: rateJoin('xr', from, to, on),
  };
}

/** Aggregate of a column of `appliedRateJson` values: the distinct applied rates of a group, as a JSON array in a fixed order ('[]' when none). */
export function ratesAgg(column: string): Sql {
  const c = raw(column);
  return sql`coalesce(jsonb_agg(distinct ${c} order by ${c}) filter (where ${c} is not null), '[]'::jsonb)`;
}

/** Of one line: "FROM|TO|YYYY-MM-DD" when the join `alias` found no rate, else null (see `missingRateOf`). */
export function missingRate(alias: string, from: Sql, to: Sql, on: Sql): Sql {
  return sql`(case when ${raw(alias)}.rate is null then ${from} || '|' || ${to} || '|' || (${on})::date::text end)`;
}

/**
 * Select-list item `"missingRate"` of a grouped report over lines with a `missingRate` column: the
 * smallest missing pair and date of the whole report, on every row (also on rows a `limit` cuts off,
 * as a window over the groups).
 */
export function missingRateOf(column: string): Sql {
  return raw(`min(min(${column})) over () as "missingRate"`);
}

/** Throws BAD_USER_INPUT on `in` when a report found a line without a rate ("FROM|TO|YYYY-MM-DD", see `missingRate`). */
export function failOnMissingRate(missing: string | null | undefined): void {
  if (!missing) return;
  throw new InputError(missingRateMessage(missing), 'in');
}

/** The message of a missing rate: which pair, which date. */
export function missingRateMessage(missing: string): string {
  const [from, to, on] = missing.split('|');
  return `No exchange rate from ${from} to ${to} valid on ${on} (no ${from}→${to} nor ${to}→${from} rate dated on or before it): `
    + 'set one with `setExchangeRate`, or ask without `in`.';
}

/** Removes the `missingRate` column of report rows after checking it (see `failOnMissingRate`). */
export function checkedRows<T extends { missingRate?: string | null }>(found: T[]): Omit<T, 'missingRate'>[] {
  failOnMissingRate(found.find((r) => r.missingRate)?.missingRate);
  return found.map(({ missingRate: _, ...rest }) => rest);
}
