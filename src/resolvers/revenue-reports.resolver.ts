import { Args, ArgsType, Ctx, Field, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { serviceContext, type GraphQLContext } from '../context';
import { Campaign } from '../entities/campaign.entity';
import { Product } from '../entities/product.entity';
import { CampaignRoiRow, RevenueReport, RevenueRow } from '../schema/revenue-reports.types';
import { DateTimeScalar, LocalDateScalar } from '../schema/scalars';
import * as reports from '../services/revenue-reports.service';
import type { Row } from './row';

@ArgsType()
class RevenueByArgs {
  @Field(() => reports.RevenueGroupBy, { description: 'One row per product, category or channel.' }) groupBy!: reports.RevenueGroupBy;
  @Field(() => DateTimeScalar, { description: 'Start of the period (inclusive), by the order\'s `createdAt`.' }) from!: Date;
  @Field(() => DateTimeScalar, { description: 'End of the period (exclusive); must be after `from`.' }) to!: Date;
  @Field(() => String, { defaultValue: 'EUR', description: 'ISO 4217 currency: only orders in it are counted. Ignored with `in`.' }) currency!: string;

  @Field(() => String, {
    nullable: true,
    description: 'A reporting currency (ISO 4217): orders in every currency count, each line converted into it at the rate of its order\'s day (UTC; '
      + 'see `AppliedRate`; each line rounded to the cent, then summed), with `rates` listing the rates applied. A currency without a rate fails the report '
      + '(BAD_USER_INPUT, field `in`, naming the pair and date). Null: only `currency`.',
  })
  in?: string | null;

  @Field(() => Int, { defaultValue: reports.REVENUE_DEFAULT_LIMIT, description: `At most this many groups (1–${reports.REVENUE_MAX_LIMIT}), largest revenue first.` })
  limit!: number;
}

@ArgsType()
class CampaignRoiArgs {
  @Field(() => LocalDateScalar, { nullable: true, description: 'Only campaigns still running on or after this date (endsOn ≥ from). Null: no lower bound.' })
  from?: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: 'Only campaigns started on or before this date (startsOn ≤ to). Null: no upper bound.' })
  to?: string | null;

  @Field(() => [ID], { nullable: true, description: 'Only these campaigns (at most 100). Null: every campaign.' })
  campaignIds?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Only campaigns budgeted in this ISO 4217 currency. Null: every currency (each row in its campaign\'s).' })
  currency?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'A reporting currency (ISO 4217): every row in it — the budget converted at today\'s rate (UTC), each deal at the rate of its closing day, '
      + 'each order at the rate of its day (each rounded to the cent, then summed), deals and orders in every currency counted — with `rates` listing the rates '
      + 'applied. A currency without a rate fails the report (BAD_USER_INPUT, field `in`). Null: each row in its campaign\'s currency.',
  })
  in?: string | null;

  @Field(() => Int, { defaultValue: reports.REVENUE_DEFAULT_LIMIT, description: `At most this many campaigns (1–${reports.REVENUE_MAX_LIMIT}), highest ROI first.` })
  limit!: number;
}

/** Revenue from orders and campaign ROI (services/revenue-reports.service.ts). */
@Resolver()
export class RevenueReportsResolver {
  @Query(() => RevenueReport, {
    description: 'Revenue (sum of order lines\' lineTotal) of the orders CONFIRMED, FULFILLED or COMPLETED placed in [from, to), by product, category or channel. '
      + 'ADMIN, FINANCE and ANALYST: every order; a SALES_MANAGER: their team\'s customers\' orders; a SALES_REP: their own customers\' orders. Orders of deleted customers do not count.',
  })
  revenueBy(@Args() args: RevenueByArgs, @Ctx() ctx: GraphQLContext) {
    return reports.revenueBy(serviceContext(ctx), args);
  }

  @Query(() => [CampaignRoiRow], {
    description: 'Return on each campaign\'s budget: attributed won deals and order revenue against the budget, roi = (attributed − budget) / budget, as of now. '
      + 'ADMIN, MARKETING and FINANCE count the whole campaign; a SALES_MANAGER their team\'s deals and customers\' orders.',
  })
  campaignRoi(@Args() args: CampaignRoiArgs, @Ctx() ctx: GraphQLContext) {
    return reports.campaignRoi(serviceContext(ctx), args);
  }
}

/** The product behind a revenue row, batched through the request's loader. */
@Resolver(() => RevenueRow)
export class RevenueRowResolver {
  @FieldResolver(() => Product, { nullable: true, description: 'The product when grouped by PRODUCT; null otherwise.' })
  product(@Root() row: Row<RevenueRow> & { productId: string | null }, @Ctx() ctx: GraphQLContext) {
    return row.productId ? ctx.loaders.productById.load(row.productId) : null;
  }
}

/** The campaign behind an ROI row. */
@Resolver(() => CampaignRoiRow)
export class CampaignRoiRowResolver {
  @FieldResolver(() => Campaign, { nullable: true, description: 'The campaign.' })
  campaign(@Root() row: Row<CampaignRoiRow>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.campaignById.load(row.campaignId);
  }
}

/** The resolvers of this file, registered through the sales domain's manifest. */
export const revenueReportResolvers = [RevenueReportsResolver, RevenueRowResolver, CampaignRoiRowResolver];
