import DataLoader from 'dataloader';
import type { GraphQLContext } from '../auth/context';
import { campaignResultsByIds, campaignsByIds, type CampaignResultsRow, type CampaignRow } from '../services/campaign.service';
import type { ServiceContext } from '../services/context';
import { leadsByIds, type LeadRow } from '../services/lead.service';

/** Loaders of the campaign and lead domain (merged into the request's loaders). */
export function createLeadLoaders(ctx: GraphQLContext) {
  const svc = (): ServiceContext => ({ em: ctx.em, principal: ctx.principal! });
  const byId = <T extends { id: string }>(found: T[], ids: readonly string[]) => {
    const map = new Map(found.map((row) => [row.id, row]));
    return ids.map((id) => map.get(id) ?? null);
  };
  return {
    /** Campaigns by id, visible to the caller; null otherwise. */
    campaignById: new DataLoader<string, CampaignRow | null>(async (ids) => (ctx.principal ? byId(await campaignsByIds(svc(), ids), ids) : ids.map(() => null))),
    /** Leads by id, visible to the caller; null otherwise. */
    leadById: new DataLoader<string, LeadRow | null>(async (ids) => (ctx.principal ? byId(await leadsByIds(svc(), ids), ids) : ids.map(() => null))),
    /** Results of campaigns (already visible), counted within the caller's scope: one statement per batch. */
    campaignResults: new DataLoader<string, CampaignResultsRow>(async (ids) => {
      const results = await campaignResultsByIds(svc(), ids);
      return ids.map((id) => results.get(id) ?? new Error(`No results for campaign ${id}`));
    }),
  };
}
