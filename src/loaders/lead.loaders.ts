import DataLoader from 'dataloader';
import type { CallerContext } from '../services/context';
import { campaignReads, campaignResultsByIds, type CampaignResultsRow } from '../services/campaign.service';
import type { ServiceContext } from '../services/context';
import { leadReads } from '../services/lead.service';
import { readLoaders } from './read-loaders';

/** Loaders of the campaign and lead domain (merged into the request's loaders). */
export function createLeadLoaders(ctx: CallerContext) {
  const svc = (): ServiceContext => ({ em: ctx.em, principal: ctx.principal! });
  return {
    /** Campaigns by id, visible to the caller; null otherwise. */
    campaignById: readLoaders(ctx, campaignReads).byId,
    /** Leads by id, visible to the caller; null otherwise. */
    leadById: readLoaders(ctx, leadReads).byId,
    /** Results of campaigns (already visible), counted within the caller's scope: one statement per batch. */
    campaignResults: new DataLoader<string, CampaignResultsRow>(async (ids) => {
      const results = await campaignResultsByIds(svc(), ids);
      return ids.map((id) => results.get(id) ?? new Error(`No results for campaign ${id}`));
    }),
  };
}

// This domain's loaders, typed on the request's `Loaders` (see loaders/index.ts).
declare module './index' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds the members of the factory's result
  interface Loaders extends ReturnType<typeof createLeadLoaders> {}
}
