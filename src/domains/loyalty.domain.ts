import { LoyaltyProgramme, Membership, PointsEntry, TierChange } from '../entities/loyalty.entity';
import { Offer, OfferRedemption, ProductInterest } from '../entities/offer.entity';
import { Migration20261215000000Loyalty } from '../../migrations/Migration20261215000000Loyalty';
import { offerPermissions } from '../auth/offer.permissions';
import { loyaltyPermissions } from '../auth/loyalty.permissions';
import { createOfferLoaders } from '../loaders/offer.loaders';
import { OfferRedemptionResolver, OfferResolver, ProductInterestResolver } from '../resolvers/offer.resolver';
import { OFFER_READERS } from '../services/offer.service';
import { FALSE, TRUE } from '../services/sql';
import type { Domain } from './domain';

/** The loyalty programme: memberships and tiers, the points ledger, member prices, personalised offers. */
export const loyaltyDomain: Domain = {
  name: 'loyalty',
  entities: [LoyaltyProgramme, Membership, TierChange, PointsEntry, Offer, OfferRedemption, ProductInterest],
  migrations: [
    { name: 'Migration20261215000000Loyalty', class: Migration20261215000000Loyalty },
  ],
  resolvers: [OfferResolver, OfferRedemptionResolver, ProductInterestResolver],
  permissions: [loyaltyPermissions, offerPermissions],
  loaders: [createOfferLoaders],
  nodes: {
    Membership: async (_ctx, ids) => ids.map(() => null),
    Offer: (ctx, ids) => ctx.loaders.offerById.loadMany(ids),
  },
  // Offers for one customer are recorded in that customer's history (offer.service.ts): staff who read offers see those entries.
  audit: [{ types: ['Offer'], visible: (p) => (p.type === 'USER' && OFFER_READERS.includes(p.role) ? TRUE : FALSE) }],
  uniqueFields: { offer_code_key: ['input', 'code'] },
};
