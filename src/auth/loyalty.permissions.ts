import { Role } from '../entities/enums';
import type { PermissionMap } from './permission-map';
import { LOYALTY_READERS, MEMBER_ENROLLERS, POINTS_ADJUSTERS } from './roles';
import { anyOf, hasScope, isRole, reachable } from './rules';

/**
 * Loyalty (issue 11). Rows are scoped in SQL (`membershipScope`): staff the customers they see, a
 * PARTNER its own record only, keys with `customers:read` like any customer read.
 */
/** The programme's settings: every staff role. */
export const readsProgramme = isRole(...LOYALTY_READERS);
/** Memberships and tiers: staff (ANALYST too: tiers and counts carry no personal data), partners (own), keys that read customers. */
export const readsMemberships = anyOf(isRole(...LOYALTY_READERS, Role.PARTNER), hasScope('customers:read'));
/** A person's ledger: as memberships, but not ANALYST (aggregates only). */
export const readsLedger = anyOf(isRole(...LOYALTY_READERS.filter((r) => r !== Role.ANALYST), Role.PARTNER), hasScope('customers:read'));

export const loyaltyPermissions: PermissionMap = {
  Query: {
    loyaltyProgramme: readsProgramme,
    loyaltyLiability: isRole(Role.ADMIN, Role.FINANCE),
  },
  Mutation: {
    updateLoyaltyProgramme: isRole(Role.ADMIN),
    enrolMember: isRole(...MEMBER_ENROLLERS),
    adjustPoints: isRole(...POINTS_ADJUSTERS),
  },
  Customer: { membership: readsMemberships, pointsLedger: readsLedger },
  LoyaltyProgramme: { '*': reachable },
  TierRule: { '*': reachable },
  LoyaltyLiability: { '*': reachable },
  LiabilityMonth: { '*': reachable },
  Membership: { '*': reachable },
  PointsExpiry: { '*': reachable },
  NextTier: { '*': reachable },
  TierChange: { '*': reachable },
  PointsEntry: { '*': reachable },
  PointsEntryConnection: { '*': reachable },
  PointsEntryEdge: { '*': reachable },
  LoyaltyProgrammePayload: { '*': reachable },
  MembershipPayload: { '*': reachable },
};
