import type { PermissionMap } from './permission-map';
import { anyOf, hasScope, isRole, reachable, readsCustomers } from './rules';
import { OFFER_READERS, OFFER_WRITERS, REDEMPTION_READERS, SHOPPER_STAFF } from '../services/offer.service';
import { Role } from '../entities/enums';

/** Staff read every offer (a target customer's own fields follow the customer's rules). */
export const readsOffers = isRole(...OFFER_READERS);

/** MARKETING and ADMIN publish and change offers. */
export const writesOffers = isRole(...OFFER_WRITERS);

/**
 * What a shop shows a signed-in shopper, and "notify me first": staff who deal with customers (the
 * customers they can see, checked in SQL), and shops — INTEGRATION keys with `offers:read` (any live customer by id).
 */
export const asksForShoppers = anyOf(isRole(...SHOPPER_STAFF), hasScope('offers:read'));

/** The orders and customers behind an offer: those who run and account for the programme (customers in their scope). */
export const readsRedemptions = isRole(...REDEMPTION_READERS);

/** Aggregate figures of an offer: as redemptions, plus ANALYST (aggregates without people). */
export const readsOfferResults = isRole(...REDEMPTION_READERS, Role.ANALYST);

export const offerPermissions: PermissionMap = {
  Query: { offers: readsOffers, offer: readsOffers, offersFor: asksForShoppers },
  Mutation: { createOffer: writesOffers, updateOffer: writesOffers, registerInterest: asksForShoppers },
  // Shops reach offers through `offersFor`: the terms are public to them, whom an offer targets is customer data.
  Offer: {
    '*': reachable, targetCustomerId: readsCustomers, targetCustomer: readsCustomers,
    redemptions: readsRedemptions, results: readsOfferResults,
  },
  OfferRedemption: { '*': reachable, customerId: readsCustomers },
  OfferResults: { '*': reachable },
  ProductInterest: { '*': reachable, customerId: readsCustomers },
  OfferConnection: { '*': reachable },
  OfferEdge: { '*': reachable },
  OfferRedemptionConnection: { '*': reachable },
  OfferRedemptionEdge: { '*': reachable },
  OfferPayload: { '*': reachable },
  ProductInterestPayload: { '*': reachable },
};
