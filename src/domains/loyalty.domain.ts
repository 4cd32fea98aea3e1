import { isUserIn } from '../auth/principal';
import { LoyaltyProgramme, Membership, PointsEntry, TierChange } from '../entities/loyalty.entity';
import { Offer, OfferRedemption, ProductInterest } from '../entities/offer.entity';
import { Migration20261215000000Loyalty } from '../../migrations/Migration20261215000000Loyalty';
import { offerPermissions } from '../auth/offer.permissions';
import { loyaltyPermissions } from '../auth/loyalty.permissions';
import { createOfferLoaders } from '../loaders/offer.loaders';
import { OfferRedemptionResolver, OfferResolver, ProductInterestResolver } from '../resolvers/offer.resolver';
import { OFFER_READERS } from '../services/offer.service';
import { createLoyaltyLoaders } from '../loaders/loyalty.loaders';
import { CustomerLoyaltyResolver, LoyaltyProgrammeResolver, MembershipResolver, PointsEntryResolver, TierChangeResolver } from '../resolvers/loyalty.resolver';
import { membershipScope } from '../services/loyalty-reads';
import { runLoyaltyJob } from '../services/loyalty.service';
import { timelineRowsById } from '../services/timeline.service';
import { FALSE, TRUE } from '../services/sql';
import { LOYALTY_READERS } from '../auth/roles';
import type { Domain } from './domain';

/** The loyalty programme: memberships and tiers, the points ledger, member prices, personalised offers. */
export const loyaltyDomain: Domain = {
  name: 'loyalty',
  entities: [LoyaltyProgramme, Membership, TierChange, PointsEntry, Offer, OfferRedemption, ProductInterest],
  migrations: [
    { name: 'Migration20261215000000Loyalty', class: Migration20261215000000Loyalty },
  ],
  resolvers: [
    LoyaltyProgrammeResolver, MembershipResolver, TierChangeResolver, PointsEntryResolver, CustomerLoyaltyResolver,
    OfferResolver, OfferRedemptionResolver, ProductInterestResolver,
  ],
  permissions: [loyaltyPermissions, offerPermissions],
  loaders: [createLoyaltyLoaders, createOfferLoaders],
  nodes: {
    Membership: (ctx, ids) => ctx.loaders.membershipById.loadMany(ids),
    Offer: (ctx, ids) => ctx.loaders.offerById.loadMany(ids),
  },
  audit: [
    { types: ['Membership'], visible: (p, a) => membershipScope(p, `${a}.customer_id`) },
    // Programme changes are filed under a pseudo customer id; every staff role reads the settings.
    { types: ['LoyaltyProgramme'], visible: (p) => (LOYALTY_READERS.includes(p.role) ? TRUE : FALSE) },
    // Offers for one customer are recorded in that customer's history (offer.service.ts): staff who read offers see those entries.
    { types: ['Offer'], visible: (p) => (isUserIn(p, OFFER_READERS) ? TRUE : FALSE) },
  ],
  uniqueFields: { offer_code_key: ['input', 'code'] },
  timeline: [{
    kind: 'TIER_CHANGE', rank: 9, entity: TierChange,
    description: 'A member\'s tier changed (enrolment, an order, the nightly job): the node is a `TierChange`, `at` is when. Shown to those who read the customer\'s membership.',
    from: 'loyalty_tier_change h', id: 'h.id', at: 'h.created_at', customer: 'h.customer_id',
    visible: (ctx) => membershipScope(ctx.principal, 'h.customer_id'),
    load: timelineRowsById('TierChange', 'loyalty_tier_change', 'h'),
  }],
  jobs: [{ name: 'loyalty', run: (em, now) => runLoyaltyJob(em, now) }],
};
