import { LoyaltyProgramme, Membership, PointsEntry, TierChange } from '../entities/loyalty.entity';
import { Offer, OfferRedemption, ProductInterest } from '../entities/offer.entity';
import { Migration20261215000000Loyalty } from '../../migrations/Migration20261215000000Loyalty';
import { offerPermissions } from '../auth/offer.permissions';
import { loyaltyPermissions } from '../auth/loyalty.permissions';
import type { Domain } from './domain';

/** The loyalty programme: memberships and tiers, the points ledger, member prices, personalised offers. */
export const loyaltyDomain: Domain = {
  name: 'loyalty',
  entities: [LoyaltyProgramme, Membership, TierChange, PointsEntry, Offer, OfferRedemption, ProductInterest],
  migrations: [
    { name: 'Migration20261215000000Loyalty', class: Migration20261215000000Loyalty },
  ],
  resolvers: [],
  permissions: [loyaltyPermissions, offerPermissions],
  nodes: {
    Membership: async (_ctx, ids) => ids.map(() => null),
    Offer: async (_ctx, ids) => ids.map(() => null),
  },
};
