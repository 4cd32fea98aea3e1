import type { Principal } from '../auth/principal';
import { Role } from '../entities/enums';
import { OrderStatus } from '../entities/order.entity';
import { attributedWonDeals, resultScopes } from './campaign.service';
import type { ServiceContext } from './context';
import { InputError } from './errors';
import { checkedRows, conversion, currencyLiteral, missingRateOf, ratesAgg, reportingCurrency, type AppliedRate } from './exchange-rate';
import { liveCustomer, orderScope } from './scope';
import { and, FALSE, limitSql, raw, rows, sql, textArray, TRUE, type Sql } from './sql';
import { countArg, currencyArg, ID, isoDate, LOCAL_DATE } from './validation';

/**
 * Revenue reports (issue 14): revenue from orders by product, category or channel, and campaign ROI.
 * One SQL statement each; amounts are exact decimals in one currency (currencies are never added).
 *
 * Definitions:
 * - counted orders: status CONFIRMED, FULFILLED or COMPLETED (accepted and not undone); not
 *   PENDING_CREDIT_APPROVAL or PENDING (not accepted yet), CANCELLED or RETURNED (undone);
 * - an order's date is its `createdAt` (when it was placed), UTC; periods are half-open [from, to);
 * - revenue = the sum of the order lines' `lineTotal` (quantity × unit price − line discount): net of line
 *   discounts, before order-level offer discounts and redeemed points (which belong to no line), so that
 *   products, categories and channels add up to the same total;
 * - orders of soft-deleted customers are not counted.
 * With a reporting currency (`in`), money in every currency is counted, converted into it by the one rate
 * rule (services/exchange-rate.ts): an order line (revenueBy) or an order's total of lines (campaignRoi) at the rate of the order's date, a deal at the rate of its
 * closing date, a budget at today's rate (UTC) — each rounded to the cent, then summed; the rows list the
 * rates applied, and a missing rate fails the report (BAD_USER_INPUT on `in`).
 * Scope: ADMIN, FINANCE and ANALYST every order; a SALES_MANAGER the orders of their team's customers and
 * a SALES_REP of their own customers (the order scope, `orderScope`: by the customer's current owner).
 */

export enum RevenueGroupBy { PRODUCT = 'PRODUCT', CATEGORY = 'CATEGORY', CHANNEL = 'CHANNEL' }

/** The order statuses whose orders are revenue (see above). */
export const REVENUE_STATUSES: readonly OrderStatus[] = [OrderStatus.CONFIRMED, OrderStatus.FULFILLED, OrderStatus.COMPLETED];
const COUNTED_STATUSES = raw(`(${REVENUE_STATUSES.map((s) => `'${s}'`).join(', ')})`);

export const REVENUE_DEFAULT_LIMIT = 50;
export const REVENUE_MAX_LIMIT = 500;
const MAX_CAMPAIGN_IDS = 100;

/** `?::timestamptz` (MikroORM inlines parameters: the ISO text keeps the instant exact). */
const ts = (d: Date): Sql => sql`${d.toISOString()}::timestamptz`;

/** Orders whose money the caller may aggregate, on `sales_order o`: see the module comment. */
function revenueScope(principal: Principal): Sql {
  if (principal.type !== 'USER') return FALSE;
  switch (principal.role) {
    case Role.ADMIN:
    case Role.FINANCE:
    case Role.ANALYST:
      return liveCustomer('o.customer_id');
    case Role.SALES_MANAGER:
    case Role.SALES_REP:
      return orderScope(principal);
    default:
      return FALSE;
  }
}

// ------------------------------------------------------------------------------------ revenueBy

export interface RevenueFigures { revenue: string; orderCount: number; quantity: number; rates: AppliedRate[] }
export interface RevenueRow extends RevenueFigures { key: string; productId: string | null }
export interface RevenueResult { from: Date; to: Date; groupBy: RevenueGroupBy; currency: string; rows: RevenueRow[]; total: RevenueFigures }

const GROUP_KEY: Record<RevenueGroupBy, { key: string; join: string }> = {
  PRODUCT: { key: 'l.product_id', join: '' },
  CATEGORY: { key: 'p.category', join: 'join product p on p.id = l.product_id' },
  CHANNEL: { key: 'o.channel', join: '' },
};

/**
 * Revenue of the counted orders placed in [from, to) in `currency`, per product, category (the product's
 * current category) or channel (the order's): revenue, orders (distinct orders with a line in the group)
 * and units; largest revenue first (then by key), at most `limit` groups; the total is over all groups
 * (its order count counts each order once, though an order may have lines in several groups).
 */
export async function revenueBy(
  ctx: ServiceContext,
  args: { groupBy: RevenueGroupBy; from: Date; to: Date; currency: string; limit?: number | null; in?: string | null },
): Promise<RevenueResult> {
  if (!(args.from instanceof Date) || Number.isNaN(args.from.getTime())) throw new InputError('`from` must be a timestamp.', 'from');
  if (!(args.to instanceof Date) || Number.isNaN(args.to.getTime())) throw new InputError('`to` must be a timestamp.', 'to');
  if (args.from.getTime() >= args.to.getTime()) throw new InputError('`from` must be before `to`.', 'to');
  const currency = currencyArg(args.currency);
  const target = reportingCurrency(args.in);
  const limit = countArg(args.limit, REVENUE_DEFAULT_LIMIT, REVENUE_MAX_LIMIT);
  const grouping = GROUP_KEY[args.groupBy];
  if (!grouping) throw new InputError('Unknown grouping.', 'groupBy');
  // With `in`: every currency, each line converted at the rate of its order's day; else only `currency`.
  const to = target ? currencyLiteral(target) : null;
  const line = conversion(to, raw('o.currency'), raw(`(o.created_at at time zone 'UTC')::date`), raw('l.line_total'), 'line_total');
  const found = await rows<RevenueRow & { isTotal: boolean; missingRate: string | null }>(ctx.em, sql`
    with line as (
      select ${raw(grouping.key)} as key, o.id as order_id, l.quantity, ${line.columns}
      from sales_order o join sales_order_line l on l.order_id = o.id ${raw(grouping.join)} ${line.join}
      where o.status in ${COUNTED_STATUSES} and ${to ? TRUE : sql`o.currency = ${currency}`}
        and o.created_at >= ${ts(args.from)} and o.created_at < ${ts(args.to)}
        and ${revenueScope(ctx.principal)}
    ),
    grouped as (
      select key, grouping(key) = 1 as is_total, coalesce(sum(line_total), 0) as revenue,
        count(distinct order_id)::int as orders, coalesce(sum(quantity), 0)::int as quantity,
        ${ratesAgg('rate')} as rates, ${missingRateOf('missing_rate')}
      from line
      group by grouping sets ((key), ())
    ),
    ranked as (
      select g.*, row_number() over (partition by g.is_total order by g.revenue desc, g.key) as rn from grouped g
    )
    select key, is_total as "isTotal", revenue::numeric(18, 2)::text as revenue, orders as "orderCount", quantity, rates, "missingRate"
    from ranked
    where is_total or rn <= ${limitSql(limit)}
    order by is_total, rn`);
  const checked = checkedRows(found);
  const figures = ({ revenue, orderCount, quantity, rates }: RevenueFigures): RevenueFigures => ({ revenue, orderCount, quantity, rates });
  const total = checked.find((r) => r.isTotal) ?? { revenue: '0.00', orderCount: 0, quantity: 0, rates: [] };
  return {
    from: args.from, to: args.to, groupBy: args.groupBy, currency: target ?? currency,
    rows: checked.filter((r) => !r.isTotal).map((r) => ({
      key: r.key, productId: args.groupBy === RevenueGroupBy.PRODUCT ? r.key : null, ...figures(r),
    })),
    total: figures(total),
  };
}

// ---------------------------------------------------------------------------------- campaignRoi

export interface CampaignRoiRow {
  campaignId: string;
  currency: string;
  budget: string | null;
  wonCount: number;
  wonAmount: string;
  wonInOtherCurrencies: number;
  orderCount: number;
  orderRevenue: string;
  ordersInOtherCurrencies: number;
  attributedRevenue: string;
  roi: number | null;
  rates: AppliedRate[];
}

/**
 * Return on the campaigns' budgets, one row per campaign, in one statement:
 * - campaigns: every campaign (or those of `campaignIds`) whose run [startsOn, endsOn] overlaps the dates
 *   [from, to] (either bound may be open), and, with `currency`, only those budgeted in it;
 * - won: the WON deals attributed to the campaign exactly as in the campaign's results (its own
 *   `campaign_id`, else its lead's campaign), in the campaign's currency;
 * - orders: counted orders (see REVENUE_STATUSES) of a customer that a CONVERTED lead of the campaign
 *   became, placed at or after that conversion; when the customer came from several campaigns' leads, the
 *   order goes to the campaign of the latest conversion before it (one campaign per order); revenue as in
 *   `revenueBy` (the sum of the lines' `lineTotal`, i.e. subtotal − line discounts), in the campaign's currency;
 * - attributedRevenue = won amount + order revenue; roi = (attributedRevenue − budget) / budget, rounded
 *   to 4 decimals, null when the budget is null or 0. All of it as of now (deals and orders to date).
 * With `in`: budget, deals and orders in every currency, converted into `in` (see the module comment).
 * Sales managers count within their scope, as in the campaign results (their team's deals, their
 * customers' orders); ADMIN, MARKETING and FINANCE the whole campaign. Highest ROI first (null last), then by id.
 */
export async function campaignRoi(
  ctx: ServiceContext,
  args: { from?: string | null; to?: string | null; campaignIds?: string[] | null; currency?: string | null; limit?: number | null; in?: string | null },
  now: Date = new Date(),
): Promise<CampaignRoiRow[]> {
  for (const field of ['from', 'to'] as const) {
    const value = args[field];
    if (value != null && !LOCAL_DATE.safeParse(value).success) throw new InputError(`\`${field}\` must be a calendar date "YYYY-MM-DD".`, field);
  }
  if (args.from != null && args.to != null && args.from > args.to) throw new InputError('`to` must not be before `from`.', 'to');
  const currency = currencyArg(args.currency);
  const target = reportingCurrency(args.in);
  const limit = countArg(args.limit, REVENUE_DEFAULT_LIMIT, REVENUE_MAX_LIMIT);
  let ids: Sql = TRUE;
  if (args.campaignIds != null) {
    if (args.campaignIds.length > MAX_CAMPAIGN_IDS) throw new InputError(`At most ${MAX_CAMPAIGN_IDS} campaign ids.`, 'campaignIds');
    if (args.campaignIds.some((id) => !ID('cmp').safeParse(id).success)) throw new InputError('Not a valid campaign id (expected `cmp_…`).', 'campaignIds');
    ids = args.campaignIds.length ? sql`cp.id = any(${textArray([...new Set(args.campaignIds)])})` : FALSE;
  }
  const scopes = resultScopes(ctx.principal);
  const orders = ctx.principal.role === Role.SALES_MANAGER || ctx.principal.role === Role.SALES_REP
    ? orderScope(ctx.principal) : liveCustomer('o.customer_id');
  // Each line's money (a budget, a deal, an order) in the row's currency: as it is, or converted (services/exchange-rate.ts).
  const to = target ? currencyLiteral(target) : null;
  const budget = conversion(to, raw('cp.currency'), sql`${isoDate(now)}::date`, raw('cp.budget'), 'budget');
  const deal = conversion(to, raw('w.currency'), raw(`(w.closed_at at time zone 'UTC')::date`), raw('w.amount'));
  const sale = conversion(to, raw('a.currency'), raw(`(a.placed_at at time zone 'UTC')::date`), raw('a.net'));
  // Without `in`, only money in the campaign's currency counts; with it, all of it (converted).
  const counted = (lineCurrency: string) => (to ? TRUE : raw(`${lineCurrency} = c.currency`));
  const found = await rows<CampaignRoiRow & { missingRate: string | null }>(ctx.em, sql`
    with chosen as (
      select b.id, b.currency, b.budget,
        case when b.budget is not null then b.rate end as rate, case when b.budget is not null then b.missing_rate end as missing_rate
      from (
        select cp.id, ${budget.columns} from campaign cp ${budget.join}
        where ${and([
          ids,
          args.from != null ? sql`cp.ends_on >= ${args.from}::date` : TRUE,
          args.to != null ? sql`cp.starts_on <= ${args.to}::date` : TRUE,
          currency ? sql`cp.currency = ${currency}` : TRUE,
        ])}
      ) b
    ),
    won_line as (
      select w.id, ${deal.columns}, ${counted('w.currency')} as counted
      from ${attributedWonDeals(raw('(select id from chosen)'), scopes.deals)} w join chosen c on c.id = w.id ${deal.join}
    ),
    won as (
      select id, count(*) filter (where counted) as n, sum(amount) filter (where counted) as amount, count(*) filter (where not counted) as other,
        ${ratesAgg('rate')} as rates, min(missing_rate) as missing_rate
      from won_line group by id
    ),
    attributed_order as (
      select distinct on (o.id) l.campaign_id as id, o.currency, o.subtotal - o.discount_total as net, o.created_at as placed_at
      from sales_order o
      join lead l on l.converted_customer_id = o.customer_id and l.status = 'CONVERTED' and l.campaign_id is not null and l.converted_at <= o.created_at
      where o.status in ${COUNTED_STATUSES} and ${orders}
      order by o.id, l.converted_at desc, l.id desc
    ),
    order_line as (
      select a.id, ${sale.columns}, ${counted('a.currency')} as counted
      from attributed_order a join chosen c on c.id = a.id ${sale.join}
    ),
    ordered as (
      select id, count(*) filter (where counted) as n, sum(amount) filter (where counted) as amount, count(*) filter (where not counted) as other,
        ${ratesAgg('rate')} as rates, min(missing_rate) as missing_rate
      from order_line group by id
    ),
    roi as (
      select c.id, c.currency, c.budget, coalesce(w.n, 0)::int as won_count, coalesce(w.amount, 0) as won_amount, coalesce(w.other, 0)::int as won_other,
        coalesce(r.n, 0)::int as order_count, coalesce(r.amount, 0) as order_revenue, coalesce(r.other, 0)::int as order_other,
        coalesce(w.amount, 0) + coalesce(r.amount, 0) as attributed,
        (select coalesce(jsonb_agg(distinct e.v order by e.v), '[]'::jsonb) from jsonb_array_elements(
          jsonb_build_array(c.rate) || coalesce(w.rates, '[]'::jsonb) || coalesce(r.rates, '[]'::jsonb)) as e(v)
          where e.v <> 'null'::jsonb) as rates,
        least(c.missing_rate, w.missing_rate, r.missing_rate) as missing_rate
      from chosen c left join won w on w.id = c.id left join ordered r on r.id = c.id
    )
    select id as "campaignId", currency, budget::numeric(18, 2)::text as budget,
      won_count as "wonCount", won_amount::numeric(18, 2)::text as "wonAmount", won_other as "wonInOtherCurrencies",
      order_count as "orderCount", order_revenue::numeric(18, 2)::text as "orderRevenue", order_other as "ordersInOtherCurrencies",
      attributed::numeric(18, 2)::text as "attributedRevenue",
      case when budget > 0 then round((attributed - budget) / budget, 4)::float8 end as roi,
      rates, min(missing_rate) over () as "missingRate"
    from roi
    order by case when budget > 0 then round((attributed - budget) / budget, 4) end desc nulls last, id
    limit ${limitSql(limit)}`);
  return checkedRows(found);
}
