import type { GraphQLResolveInfo } from 'graphql';
import type { Row } from './row';
import { Args, ArgsType, Ctx, Field, FieldResolver, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { nestedPage, registerNested } from './embed';
import { EDGE_NODE, selectedFields } from './selection';
import { serviceContext, type GraphQLContext } from '../context';
import { readsDealValues } from '../auth/opportunity.permissions';
import { Campaign } from '../entities/campaign.entity';
import { Customer } from '../entities/customer.entity';
import { refId } from '../entities/ids';
import { Lead } from '../entities/lead.entity';
import { Opportunity } from '../entities/opportunity.entity';
import { QuoteLine } from '../entities/quote-line.entity';
import { Quote } from '../entities/quote.entity';
import { OpportunityStageChange } from '../entities/stage-change.entity';
import { User } from '../entities/user.entity';
import { ForbiddenError } from '../services/errors';
import * as opportunities from '../services/opportunity.service';
import * as quotes from '../services/quote.service';
import {
  AcceptQuoteInput, AcceptQuotePayload, CreateOpportunityInput, CreateQuoteInput, OpportunityConnection, OpportunityFilter, OpportunityIdInput,
  OpportunityOrderBy, OpportunityPayload, OpportunityStageChangeConnection, QuoteConnection, QuoteIdInput, QuotePayload, ReopenOpportunityInput,
  UpdateOpportunityInput, UpdateQuoteInput,
} from '../schema/opportunity.inputs';
import { ConnectionArgs, IdArg, InputArg, NULL_WHEN_ABSENT, filterDescription, orderByDescription } from './args';

@ArgsType()
class OpportunitiesArgs extends ConnectionArgs {
  @Field(() => OpportunityFilter, { nullable: true, description: filterDescription('opportunities') }) filter?: OpportunityFilter | null;
  @Field(() => [OpportunityOrderBy], { nullable: true, description: orderByDescription('newest first') }) orderBy?: OpportunityOrderBy[] | null;
}

const pageArgs = (args: ConnectionArgs) => ({ first: args.first, after: args.after, last: args.last, before: args.before });

/** Filtering or sorting by amount reveals amounts: only for roles that may read them. */
function listArgs(ctx: GraphQLContext, args: OpportunitiesArgs): opportunities.OpportunityListArgs {
  const list = { ...pageArgs(args), filter: args.filter ?? null, orderBy: args.orderBy ?? null };
  if (opportunities.usesAmount(list.filter, list.orderBy) && !(ctx.principal && readsDealValues.check(ctx.principal, null))) {
    throw new ForbiddenError('Your role may not read opportunity amounts, so it may not filter or sort by them either.');
  }
  return list;
}

@Resolver(() => Opportunity)
export class OpportunityResolver {
  @Query(() => OpportunityConnection, { description: 'Opportunities visible to you: a rep their own, a manager their team\'s, ADMIN, FINANCE, MARKETING and SERVICE_AGENT all. Not for ANALYST, PARTNER or API keys.' })
  opportunities(@Args() args: OpportunitiesArgs, @Ctx() ctx: GraphQLContext) {
    return opportunities.listOpportunities(serviceContext(ctx), listArgs(ctx, args));
  }

  @Query(() => Opportunity, { nullable: true, description: `One opportunity; ${NULL_WHEN_ABSENT}.` })
  opportunity(@IdArg('Opportunity', 'opportunity') id: string, @Ctx() ctx: GraphQLContext) {
    return opportunities.getOpportunity(serviceContext(ctx), id);
  }

  @FieldResolver(() => Customer, { nullable: true, description: 'The customer of the deal; null when you cannot see that customer (e.g. a rep owning a deal on a colleague\'s customer).' })
  customer(@Root() opportunity: Row<Opportunity>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.customer.load(refId(opportunity.customer)!);
  }

  @FieldResolver(() => User, { description: 'The user responsible for the deal.' })
  owner(@Root() opportunity: Row<Opportunity>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.user.load(refId(opportunity.owner)!);
  }

  @FieldResolver(() => Campaign, { nullable: true, description: 'The campaign the deal is attributed to; null when none (or not visible to you).' })
  campaign(@Root() opportunity: Row<Opportunity>, @Ctx() ctx: GraphQLContext) {
    const id = refId(opportunity.campaign);
    return id ? ctx.loaders.campaignById.load(id) : null;
  }

  @FieldResolver(() => Lead, { nullable: true, description: 'The lead this deal was converted from; null when none (or not visible to you).' })
  lead(@Root() opportunity: Row<Opportunity>, @Ctx() ctx: GraphQLContext) {
    const id = refId(opportunity.lead);
    return id ? ctx.loaders.leadById.load(id) : null;
  }

  @FieldResolver(() => OpportunityStageChangeConnection, { description: 'Every stage change, oldest first (the first entry is the creation, with `fromStage: null`); `last: 1` gives the latest. Batched across opportunities.' })
  stageHistory(@Root() opportunity: Row<Opportunity>, @Args() args: ConnectionArgs, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.stageHistoryPage(pageArgs(args)).load(opportunity.id);
  }

  @FieldResolver(() => QuoteConnection, { nullable: true, description: 'Quotes made on this deal, newest first. Sales roles, ADMIN and FINANCE only. Batched across opportunities.' })
  quotes(@Root() opportunity: Row<Opportunity>, @Args() args: ConnectionArgs, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.quotePage(pageArgs(args)).load(opportunity.id);
  }

  @Mutation(() => OpportunityPayload, { description: 'Create an opportunity on a customer you can see. You own it unless you (a manager or admin) name someone in your team. Audited on the customer.' })
  createOpportunity(@InputArg() input: CreateOpportunityInput, @Ctx() ctx: GraphQLContext) {
    return opportunities.createOpportunity(serviceContext(ctx), input);
  }

  @Mutation(() => OpportunityPayload, { description: 'Change an opportunity. Stale `version`: CONFLICT. A stage change is recorded in `stageHistory` and resets the probability to the stage\'s default unless you pass one; WON/LOST set `closedAt`; a closed deal goes back to an open stage only through `reopenOpportunity` (BUSINESS_RULE). Audited.' })
  updateOpportunity(@InputArg() input: UpdateOpportunityInput, @Ctx() ctx: GraphQLContext) {
    return opportunities.updateOpportunity(serviceContext(ctx), input);
  }

  @Mutation(() => OpportunityPayload, { description: 'Reopen a WON or LOST deal into an open stage: clears `closedAt` and the loss, adds a stage-history entry with `reopened: true`, audited.' })
  reopenOpportunity(@InputArg() input: ReopenOpportunityInput, @Ctx() ctx: GraphQLContext) {
    return opportunities.reopenOpportunity(serviceContext(ctx), input);
  }

  @Mutation(() => OpportunityPayload, { description: 'Soft-delete an opportunity: it, its quotes and its stage history disappear from every read. Audited.' })
  deleteOpportunity(@InputArg() input: OpportunityIdInput, @Ctx() ctx: GraphQLContext) {
    return opportunities.deleteOpportunity(serviceContext(ctx), input.id);
  }

  @Mutation(() => QuotePayload, { description: 'Make a DRAFT quote on an open opportunity you can see. Totals are computed exactly (cents, half-up); the number is unique, e.g. "Q-2026-000042".' })
  createQuote(@InputArg() input: CreateQuoteInput, @Ctx() ctx: GraphQLContext) {
    return quotes.createQuote(serviceContext(ctx), input);
  }

  @Mutation(() => QuotePayload, { description: 'Change a DRAFT quote (BUSINESS_RULE otherwise); `lines` replaces all lines. Stale `version`: CONFLICT.' })
  updateQuote(@InputArg() input: UpdateQuoteInput, @Ctx() ctx: GraphQLContext) {
    return quotes.updateQuote(serviceContext(ctx), input);
  }

  @Mutation(() => QuotePayload, { description: 'DRAFT → SENT: the quote went to the customer and can no longer be changed.' })
  sendQuote(@InputArg() input: QuoteIdInput, @Ctx() ctx: GraphQLContext) {
    return quotes.sendQuote(serviceContext(ctx), input.id);
  }

  @Mutation(() => AcceptQuotePayload, { description: 'SENT → ACCEPTED. The deal\'s other DRAFT/SENT quotes become REJECTED; with `markOpportunityWon` (default) the deal becomes WON with the quote\'s total as its amount. Past `validUntil`: the quote is marked EXPIRED and the acceptance refused (BUSINESS_RULE).' })
  acceptQuote(@InputArg() input: AcceptQuoteInput, @Ctx() ctx: GraphQLContext) {
    return quotes.acceptQuote(serviceContext(ctx), input);
  }

  @Mutation(() => QuotePayload, { description: 'SENT → REJECTED: the customer declined.' })
  rejectQuote(@InputArg() input: QuoteIdInput, @Ctx() ctx: GraphQLContext) {
    return quotes.rejectQuote(serviceContext(ctx), input.id);
  }
}

@Resolver(() => OpportunityStageChange)
export class OpportunityStageChangeResolver {
  @FieldResolver(() => User, { nullable: true, description: 'Who moved the deal; null when an API key or the system did.' })
  by(@Root() change: Row<OpportunityStageChange>, @Ctx() ctx: GraphQLContext) {
    return change.actorType === 'USER' && change.actorId ? ctx.loaders.user.load(change.actorId) : null;
  }

  @FieldResolver(() => Opportunity, { nullable: true, description: 'The opportunity that moved; null when it is deleted or not visible to you.' })
  opportunity(@Root() change: Row<OpportunityStageChange>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.opportunityById.load(refId(change.opportunity)!);
  }
}

@Resolver(() => Quote)
export class QuoteResolver {
  @FieldResolver(() => [QuoteLine], { description: 'The priced lines, in order.' })
  lines(@Root() quote: Row<Quote>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.quoteLines.load(quote.id);
  }

  @FieldResolver(() => Opportunity, { nullable: true, description: 'The opportunity the quote is for; null when it is not visible to you.' })
  opportunity(@Root() quote: Row<Quote>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.opportunityById.load(refId(quote.opportunity)!);
  }
}

registerNested('Customer', 'opportunities', { model: opportunities.opportunityReads, listArgs: (args: OpportunitiesArgs, ctx: GraphQLContext) => listArgs(ctx, args) });

@Resolver(() => Customer)
export class CustomerOpportunitiesResolver {
  @FieldResolver(() => OpportunityConnection, { nullable: true, description: 'Deals with this customer that you can see (a rep their own, a manager their team\'s), newest first unless ordered. Not for ANALYST, PARTNER or API keys. Batched across customers.' })
  opportunities(@Root() customer: Row<Customer>, @Args() args: OpportunitiesArgs, @Ctx() ctx: GraphQLContext, @Info() info: GraphQLResolveInfo) {
    return nestedPage(customer, info, { ...listArgs(ctx, args), select: selectedFields(info, EDGE_NODE) }, ctx.loaders.customerOpportunityPage, ctx.loaders.customerOpportunityEmbedded);
  }
}
