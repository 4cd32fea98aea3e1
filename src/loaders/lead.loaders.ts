import DataLoader from 'dataloader';
import type { CallerContext } from '../services/context';
import { campaignResultsByIds, campaignsByIds, type CampaignResultsRow, type CampaignRow } from '../services/campaign.service';
import type { ServiceContext } from '../services/context';
import { leadsByIds, type LeadRow } from '../services/lead.service';
import { byKey } from './batch';

/** Loaders of the campaign and lead domain (merged into the request's loaders). */
export function createLeadLoaders(ctx: CallerContext) {
  const svc = (): ServiceContext => ({ em: ctx.em, principal: ctx.principal! });
  return {
    /** Campaigns by id, visible to the caller; null otherwise. */
    campaignById: new DataLoader<string, CampaignRow | null>(async (ids) => byKey(ids, await campaignsByIds(svc(), ids))),
    /** Leads by id, visible to the caller; null otherwise. */
    leadById: new DataLoader<string, LeadRow | null>(async (ids) => byKey(ids, await leadsByIds(svc(), ids))),
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
