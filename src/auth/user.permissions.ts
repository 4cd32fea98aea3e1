import { Role } from '../entities/enums';
import type { PermissionMap } from './permission-map';
import { everyone, isRole, reachable, signedIn, userPiiVisible } from './rules';

export const userPermissions: PermissionMap = {
  Query: {
    users: isRole(Role.ADMIN, Role.SALES_MANAGER),
    apiKeys: isRole(Role.ADMIN),
    // Who is calling: open, because it reveals nothing but the caller's own identity (null when anonymous).
    viewer: everyone,
  },
  Mutation: {
    createApiKey: isRole(Role.ADMIN),
    createUser: isRole(Role.ADMIN),
    updateUser: isRole(Role.ADMIN),
    changePassword: signedIn,
    unlockUser: isRole(Role.ADMIN),
    revokeApiKey: isRole(Role.ADMIN),
  },
  User: {
    '*': reachable,
    email: userPiiVisible,
    name: userPiiVisible,
  },
  UserConnection: { '*': reachable },
  UserEdge: { '*': reachable },
  UserPayload: { '*': reachable },
  // Only ever the caller itself; `partnerAccount` is loaded within the caller's customer scope (null outside it).
  Viewer: { '*': reachable },
  ViewerApiKey: { '*': reachable },
  ChangePasswordPayload: { '*': reachable },
};
