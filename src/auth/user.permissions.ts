import { Role } from '../entities/enums';
import type { PermissionMap } from './permission-map';
import { isRole, reachable, signedIn, userPiiVisible } from './rules';

export const userPermissions: PermissionMap = {
  Query: {
    users: isRole(Role.ADMIN, Role.SALES_MANAGER),
    apiKeys: isRole(Role.ADMIN),
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
  ChangePasswordPayload: { '*': reachable },
};
