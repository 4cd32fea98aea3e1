import DataLoader from 'dataloader';
import type { CallerContext } from '../services/context';
import { readsDealValues } from '../auth/opportunity.permissions';
import { refId } from '../entities/ids';
import type { QuoteLine } from '../entities/quote-line.entity';
import type { ServiceContext } from '../services/context';
import { opportunityReads, stageChangeReads } from '../services/opportunity.service';
import { linesByQuoteIds, quoteReads } from '../services/quote.service';
import { groupBy } from './batch';
import { readLoaders } from './read-loaders';

/** Loaders of the opportunity domain (merged into the request's loaders). */
export function createOpportunityLoaders(ctx: CallerContext) {
  const svc = (): ServiceContext => ({ em: ctx.em, principal: ctx.principal! });

  const opportunities = readLoaders(ctx, opportunityReads);
  const stageChanges = readLoaders(ctx, stageChangeReads);
  const quotes = readLoaders(ctx, quoteReads, readsDealValues);

  return {
    /** Opportunities by id, visible to the caller; null otherwise. */
    opportunityById: opportunities.byId,
    /** Stage changes by id, visible when their opportunity is; null otherwise. */
    stageChangeById: stageChanges.byId,
    /** Quotes by id, visible when their opportunity is and the caller may read quotes; null otherwise. */
    quoteById: quotes.byId,

    /** `Opportunity.stageHistory`: a page per (visible) opportunity, oldest first. */
    stageHistoryPage: stageChanges.page,
    /** `Opportunity.quotes`: a page per (visible) opportunity, newest first. */
    quotePage: quotes.page,
    /** `Quote.lines` of (visible) quotes, in position order. */
    quoteLines: new DataLoader<string, QuoteLine[]>(async (ids) =>
      groupBy(ids, await linesByQuoteIds(svc(), ids), (line) => refId(line.quote)!)),
    /** `Customer.opportunities`: a page per (visible) customer, in the caller's opportunity scope. */
    customerOpportunityPage: opportunities.page, customerOpportunityEmbedded: opportunities.embedded,
  };
}

// This domain's loaders, typed on the request's `Loaders` (see loaders/index.ts).
declare module './index' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds the members of the factory's result
  interface Loaders extends ReturnType<typeof createOpportunityLoaders> {}
}
