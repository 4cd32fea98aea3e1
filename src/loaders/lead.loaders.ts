import DataLoader from 'dataloader';
import type { GraphQLContext } from '../auth/context';
import type { Campaign } from '../entities/campaign.entity';
import type { Lead } from '../entities/lead.entity';

/** Loaders of the campaign and lead domain (merged into the request's loaders). */
export function createLeadLoaders(_ctx: GraphQLContext) {
  return {
    /** Campaigns by id, visible to the caller; null otherwise. */
    campaignById: new DataLoader<string, Campaign | null>(async (ids) => ids.map(() => null)),
    /** Leads by id, visible to the caller; null otherwise. */
    leadById: new DataLoader<string, Lead | null>(async (ids) => ids.map(() => null)),
  };
}
