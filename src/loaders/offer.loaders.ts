import DataLoader from 'dataloader';
import { readsOffers } from '../auth/offer.permissions';
import type { CallerContext, ServiceContext } from '../services/context';
import { offerReads, offerResults, redemptionReads, type OfferResultRow } from '../services/offer.service';
import { groupBy } from './batch';
import { readLoaders } from './read-loaders';

/** Loaders of offers (merged into the request's loaders). */
export function createOfferLoaders(ctx: CallerContext) {
  const svc = (): ServiceContext => ({ em: ctx.em, principal: ctx.principal! });
  /** Offers by id for callers who read offers, null otherwise (also feeds `node(id)`). */
  const offers = readLoaders(ctx, offerReads, readsOffers);
  /** `Offer.redemptions`: one page per offer, one statement per page shape. */
  const redemptions = readLoaders(ctx, redemptionReads);
  /** `Offer.results`: the figures of every offer of the response in one statement. */
  const offerResultsLoader = new DataLoader<string, OfferResultRow[]>(async (ids) => (ctx.principal
    ? groupBy(ids, await offerResults(svc(), ids), (r) => r.offerId)
    : ids.map(() => [])));
  return { offerById: offers.byId, offerRedemptionPage: redemptions.page, offerResults: offerResultsLoader };
}

// This domain's loaders, typed on the request's `Loaders` (see loaders/index.ts).
declare module './index' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds the members of the factory's result
  interface Loaders extends ReturnType<typeof createOfferLoaders> {}
}
