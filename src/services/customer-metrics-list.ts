import { MARGIN_READERS, METRICS_READERS } from '../auth/roles';
import { isUserIn, type Principal } from '../auth/principal';
import type { ServiceContext } from './context';
import { ForbiddenError } from './errors';
import type { FilterSpec } from './filter';
import {
  keysetSql, lazyCount, orderKeys, orderSql, pageRequest, toConnection,
  type Connection, type ConnectionArgs, type OrderBy, type SortKey,
} from './pagination';
import { and, columnsOf, limitSql, raw, rows, sql, type Sql } from './sql';

/**
 * Customers filtered and sorted by their value and loyalty metrics (issue 12), read from the
 * `customer_metrics` row of each customer (one per customer, absent until the first refresh after
 * the customer was created: its metrics then read as null).
 */

/** The customer list reads `customer c` with this join: PostgreSQL drops it when no metric is used (a unique key, nothing read). */
export const METRICS_JOIN = 'left join customer_metrics m on m.customer_id = c.id';

/** Who may filter and sort customers by metrics: the staff who read metrics. Never PARTNER, never API keys. */
const usesMetrics = (p: Principal) => isUserIn(p, METRICS_READERS);
const usesMoneyMetrics = (p: Principal) => usesMetrics(p) && MARGIN_READERS.includes(p.role);

/** The metric fields of `CustomerFilter`: column of `customer_metrics`, its SQL type (for the null mask), cost-based or not. */
export const METRIC_FILTER_FIELDS = {
  paretoClass: { column: 'pareto_class', type: 'text', money: false },
  c3Segment: { column: 'c3_segment', type: 'text', money: false },
  churnLevel: { column: 'churn_level', type: 'text', money: false },
  rfmScore: { column: 'rfm_total', type: 'int', money: false },
  clvHistoric: { column: 'clv_historic', type: 'numeric', money: true },
  clvPredicted12m: { column: 'clv_predicted_12m', type: 'numeric', money: true },
} as const;
type MetricFilterField = keyof typeof METRIC_FILTER_FIELDS;

/** The filter spec entries of the metric fields (`m` is `METRICS_JOIN`'s alias). */
export const METRIC_FILTER = Object.fromEntries(
  Object.entries(METRIC_FILTER_FIELDS).map(([name, f]) => [name, { expr: `m.${f.column}`, kind: 'scalar' }]),
) as Record<MetricFilterField, { expr: string; kind: 'scalar' }>;

/** The metric fields read as a typed null: to a caller who may not use them, or for customers known to have no metrics row. */
function nulled(fields: MetricFilterField[]): FilterSpec {
  return Object.fromEntries(fields.map((name) => [name, { expr: `null::${METRIC_FILTER_FIELDS[name].type}`, kind: 'scalar' as const }]));
}

/** Every metric filter field as null: for customers without a metrics row. */
export const METRIC_FILTER_NULL: FilterSpec = nulled(Object.keys(METRIC_FILTER_FIELDS) as MetricFilterField[]);

/**
 * The metric filter fields as a caller may use them: a field it may not use reads as null (as a name it
 * may not read does), so `gt` matches nothing and `isNull: true` everything — no probing for values.
 */
export function metricFilterFor(principal: Principal): FilterSpec {
  const names = Object.keys(METRIC_FILTER_FIELDS) as MetricFilterField[];
  if (!usesMetrics(principal)) return nulled(names);
  return usesMoneyMetrics(principal) ? {} : nulled(names.filter((n) => METRIC_FILTER_FIELDS[n].money));
}

// ---------------------------------------------------------------------------------------------- sort

/** A sort key on a `customer_metrics` column; its value travels in the row as `sortAlias` (for the cursor). */
export interface MetricSortField {
  column: string;
  /** The column is NOT NULL in `customer_metrics`: only customers without a row have no value. */
  always: boolean;
  /** Decimals are read as text (as every decimal is: "1234.50"), so that cursors keep them exact. */
  decimal: boolean;
  money: boolean;
  description: string;
}

export const METRIC_SORT_FIELDS = {
  CLV_HISTORIC: {
    column: 'clv_historic', always: true, decimal: true, money: true,
    description: 'Historic customer lifetime value (`CustomerMetrics.clvHistoric`); customers without metrics come last in both directions. SALES_MANAGER, FINANCE and ADMIN only.',
  },
  CLV_PREDICTED_12M: {
    column: 'clv_predicted_12m', always: true, decimal: true, money: true,
    description: 'Predicted margin of the next 12 months (`CustomerMetrics.clvPredicted12m`); customers without metrics come last in both directions. SALES_MANAGER, FINANCE and ADMIN only.',
  },
  RFM_SCORE: {
    column: 'rfm_total', always: false, decimal: false, money: false,
    description: 'RFM score: R + F + M, each 1–5 by quintile (3–15); customers without orders or without metrics come last in both directions. Not for PARTNER or API keys.',
  },
  CHURN_SCORE: {
    column: 'churn_score', always: true, decimal: false, money: false,
    description: 'Churn risk score 0–100 (see `ChurnRiskReason`); customers without metrics come last in both directions. Not for PARTNER or API keys.',
  },
  MARGIN_12M: {
    column: 'margin_12m', always: true, decimal: true, money: true,
    description: 'Gross margin of the last 12 months (`CustomerMetrics.margin12m`); customers without metrics come last in both directions. SALES_MANAGER, FINANCE and ADMIN only.',
  },
} satisfies Record<string, MetricSortField>;
export type MetricSortKey = keyof typeof METRIC_SORT_FIELDS;

export const isMetricSort = (field: string): field is MetricSortKey => field in METRIC_SORT_FIELDS;
/** The row property carrying a metric sort value (selected next to the customer's columns). */
export const sortAlias = (field: MetricSortKey) => `sort_${field}`;

/**
 * Sorting reveals the order of the values: refused (FORBIDDEN, naming the argument) to a caller who may
 * not use the metric, as `opportunities` refuses sorting by amounts to roles that may not read them.
 */
export function refuseMetricSorts(principal: Principal, orderBy: readonly { field: string }[] | null | undefined): void {
  for (const { field } of orderBy ?? []) {
    if (!isMetricSort(field)) continue;
    if (!usesMetrics(principal)) {
      throw new ForbiddenError(`Your role may not read customer metrics, so it may not sort customers by them (\`orderBy: ${field}\`).`);
    }
    if (METRIC_SORT_FIELDS[field].money && !usesMoneyMetrics(principal)) {
      throw new ForbiddenError(`Your role may not read customer lifetime values and margins, so it may not sort customers by them (\`orderBy: ${field}\`).`);
    }
  }
}

export interface MetricsListQuery<T extends { id: string }> {
  /** Every sort column by enum value (the customers' sort table, metric keys included). */
  columns: Record<string, Omit<SortKey<T>, 'dir'>[]>;
  orderBy: OrderBy<string>[];
  /** Scope, search and the filter, over `customer c` + `METRICS_JOIN`. */
  where: Sql;
  /** The same for customers known to have no metrics row (their metric filter fields read as null: constant-folded). */
  whereWithoutMetrics: Sql;
  args: ConnectionArgs;
}

/**
 * A page of customers sorted by metrics (`orderBy` names one). One statement, or two when the first key
 * is a metric, plus one for a `totalCount`.
 *
 * Why two: nulls sort last, but a left join ordered by `(value is null), value` cannot be read from an
 * index, so PostgreSQL joins and sorts every customer (2.5 s at a million). Customers with a value are
 * instead read in the order of the `customer_metrics_*` index (an inner join ordered by the metric and
 * `m.customer_id`, the keyset as a row comparison on the same columns: an index range, 1 ms at any page
 * depth); those without one (no metrics row yet, or a null RFM) only once the first part has run out.
 * The cursor is the same as for one statement (null flag, value, …, id), so the two parts page as one list.
 */
export async function listByMetrics<T extends { id: string }>(ctx: ServiceContext, q: MetricsListQuery<T>): Promise<Connection<T>> {
  const { keys, signature } = orderKeys<T, string>('customers', q.columns, q.orderBy, q.orderBy[0], 'c.id');
  const req = pageRequest(q.args, signature);
  const metricFields = [...new Set(q.orderBy.map((o) => o.field))].filter(isMetricSort);
  const sortColumns = metricFields.map((f) => {
    const { column, decimal } = METRIC_SORT_FIELDS[f] as MetricSortField;
    return `, m.${column}${decimal ? '::text' : ''} as "${sortAlias(f)}"`;
  });
  const select = sql`select ${columnsOf(ctx.em, 'Customer', 'c')}${raw(sortColumns.join(''))} from customer c ${raw(METRICS_JOIN)}`;
  const count = lazyCount(async () => (await rows<{ n: number }>(ctx.em, sql`select count(*)::int as n from customer c ${raw(METRICS_JOIN)} where ${q.where}`))[0].n);
  const part = (where: Sql, partKeys: SortKey<T>[], cursor: unknown[] | null, limit: number) =>
    rows<T>(ctx.em, sql`${select} where ${where} and ${keysetSql(partKeys, cursor, req.backward)}
      order by ${orderSql(partKeys, req.backward)} limit ${limitSql(limit)}`);

  const first = q.orderBy[0].field;
  if (!isMetricSort(first)) {
    // A metric after another key: one statement in the expanded order (the leading key's index does the work).
    return toConnection(await part(q.where, keys, req.cursor, req.limit + 1), req, keys, signature, count);
  }

  // keys = [value is null, value, …rest, id]. With a value: the value (not null) and the rest, the id read from
  // the metrics row (the index's column). Without: the rest only.
  const { column, always } = METRIC_SORT_FIELDS[first];
  const withKeys: SortKey<T>[] = keys.slice(1).map((k, i, all) => ({
    ...k, nullable: i === 0 ? false : k.nullable, expr: i === all.length - 1 ? 'm.customer_id' : k.expr,
  }));
  const withoutKeys = keys.slice(2);
  const parts = [
    { where: and([q.where, raw(`m.${column} is not null`)]), keys: withKeys, cursorOf: (v: unknown[]) => v.slice(1) },
    {
      // Without a metrics row (a NOT NULL column): an anti join, the metric filters constant-folded.
      where: always ? and([q.whereWithoutMetrics, raw('m.customer_id is null')]) : and([q.where, raw(`m.${column} is null`)]),
      keys: withoutKeys, cursorOf: (v: unknown[]) => v.slice(2),
    },
  ];
  // Nulls are last in both directions: paging backward reads the part without values first.
  const ordered = req.backward ? [parts[1], parts[0]] : parts;
  const cursorInWithout = req.cursor != null && req.cursor[0] === true;
  let start = 0;
  if (req.cursor) start = ordered.indexOf(cursorInWithout ? parts[1] : parts[0]);
  const fetched: T[] = [];
  for (let i = start; i < ordered.length && fetched.length < req.limit + 1; i++) {
    const cursor = i === start && req.cursor ? ordered[i].cursorOf(req.cursor) : null;
    fetched.push(...await part(ordered[i].where, ordered[i].keys, cursor, req.limit + 1 - fetched.length));
  }
  return toConnection(fetched, req, keys, signature, count);
}
