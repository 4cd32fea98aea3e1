import { Role } from '../entities/enums';
import type { PermissionMap } from './permission-map';
import { isRole, reachable } from './rules';

/** Merging is for those who may change any customer of their scope: ADMIN and sales managers (issue 15). */
const mergesCustomers = isRole(Role.ADMIN, Role.SALES_MANAGER);

export const customerMergePermissions: PermissionMap = {
  Query: { duplicateCandidates: mergesCustomers },
  Mutation: { mergeCustomers: mergesCustomers },
  // The survivor is read through the customer loader, within the reader's scope.
  Customer: { mergedInto: reachable },
  MergeCustomersPayload: { '*': reachable },
  DuplicateCandidate: { '*': reachable },
  DuplicateCandidateConnection: { '*': reachable },
  DuplicateCandidateEdge: { '*': reachable },
};
