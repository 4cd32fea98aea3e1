import DataLoader from 'dataloader';
import type { CallerContext } from '../services/context';
import { readsDealValues } from '../auth/opportunity.permissions';
import { refId } from '../entities/ids';
import type { Opportunity } from '../entities/opportunity.entity';
import type { QuoteLine } from '../entities/quote-line.entity';
import type { Quote } from '../entities/quote.entity';
import type { OpportunityStageChange } from '../entities/stage-change.entity';
import type { ServiceContext } from '../services/context';
import {
  opportunitiesByIds, opportunityCountsByCustomer, opportunityPagesByCustomer, stageChangeCountsByOpportunity,
  stageChangePagesByOpportunity, stageChangesByIds, type OpportunityListArgs,
} from '../services/opportunity.service';
import type { Connection } from '../services/pagination';
import { linesByQuoteIds, quoteCountsByOpportunity, quotePagesByOpportunity, quotesByIds } from '../services/quote.service';
import { byKey, groupBy, perArgs } from './batch';

/** Loaders of the opportunity domain (merged into the request's loaders). */
export function createOpportunityLoaders(ctx: CallerContext) {
  const svc = (): ServiceContext => ({ em: ctx.em, principal: ctx.principal! });
  const mayReadQuotes = () => ctx.principal != null && readsDealValues.check(ctx.principal, null);

  const stageHistoryCount = new DataLoader<string, number>(async (ids) => {
    const counts = await stageChangeCountsByOpportunity(svc(), ids);
    return ids.map((id) => counts.get(id) ?? 0);
  });
  const quoteCount = new DataLoader<string, number>(async (ids) => {
    const counts = await quoteCountsByOpportunity(svc(), ids);
    return ids.map((id) => counts.get(id) ?? 0);
  });
  const customerOpportunityCount = perArgs((argsKey) => new DataLoader<string, number>(async (ids) => {
    const counts = await opportunityCountsByCustomer(svc(), ids, JSON.parse(argsKey).filter);
    return ids.map((id) => counts.get(id) ?? 0);
  }));

  return {
    /** Opportunities by id, visible to the caller; null otherwise. */
    opportunityById: new DataLoader<string, Opportunity | null>(async (ids) => byKey(ids, await opportunitiesByIds(svc(), ids))),
    /** Stage changes by id, visible when their opportunity is; null otherwise. */
    stageChangeById: new DataLoader<string, OpportunityStageChange | null>(async (ids) => byKey(ids, await stageChangesByIds(svc(), ids))),
    /** Quotes by id, visible when their opportunity is and the caller may read quotes; null otherwise. */
    quoteById: new DataLoader<string, Quote | null>(async (ids) => (mayReadQuotes() ? byKey(ids, await quotesByIds(svc(), ids)) : ids.map(() => null))),

    /** `Opportunity.stageHistory`: a page per (visible) opportunity, oldest first. */
    stageHistoryPage: perArgs((argsKey) => new DataLoader<string, Connection<OpportunityStageChange>>(async (ids) => {
      const pages = await stageChangePagesByOpportunity(svc(), ids, JSON.parse(argsKey), (id) => stageHistoryCount.load(id));
      return ids.map((id) => pages.get(id)!);
    })),
    /** `Opportunity.quotes`: a page per (visible) opportunity, newest first. */
    quotePage: perArgs((argsKey) => new DataLoader<string, Connection<Quote>>(async (ids) => {
      const pages = await quotePagesByOpportunity(svc(), ids, JSON.parse(argsKey), (id) => quoteCount.load(id));
      return ids.map((id) => pages.get(id)!);
    })),
    /** `Quote.lines` of (visible) quotes, in position order. */
    quoteLines: new DataLoader<string, QuoteLine[]>(async (ids) =>
      groupBy(ids, await linesByQuoteIds(svc(), ids), (line) => refId(line.quote)!)),
    /** `Customer.opportunities`: a page per (visible) customer, in the caller's opportunity scope. */
    customerOpportunityPage: perArgs((argsKey) => new DataLoader<string, Connection<Opportunity>>(async (ids) => {
      const args = JSON.parse(argsKey) as OpportunityListArgs;
      const pages = await opportunityPagesByCustomer(svc(), ids, args, (id) => customerOpportunityCount({ filter: args.filter ?? null }).load(id));
      return ids.map((id) => pages.get(id)!);
    })),
  };
}

// This domain's loaders, typed on the request's `Loaders` (see loaders/index.ts).
declare module './index' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds the members of the factory's result
  interface Loaders extends ReturnType<typeof createOpportunityLoaders> {}
}
