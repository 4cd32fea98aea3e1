import DataLoader from 'dataloader';
import type { GraphQLContext } from '../auth/context';
import type { Opportunity } from '../entities/opportunity.entity';
import type { Quote } from '../entities/quote.entity';
import type { OpportunityStageChange } from '../entities/stage-change.entity';

/** Loaders of the opportunity domain (merged into the request's loaders). */
export function createOpportunityLoaders(_ctx: GraphQLContext) {
  return {
    /** Opportunities by id, visible to the caller; null otherwise. */
    opportunityById: new DataLoader<string, Opportunity | null>(async (ids) => ids.map(() => null)),
    /** Stage changes by id, visible when their opportunity is; null otherwise. */
    stageChangeById: new DataLoader<string, OpportunityStageChange | null>(async (ids) => ids.map(() => null)),
    /** Quotes by id, visible when their opportunity is; null otherwise. */
    quoteById: new DataLoader<string, Quote | null>(async (ids) => ids.map(() => null)),
  };
}
