import type { PermissionMap } from './permission-map';
import { Role } from '../entities/enums';
import { everyone, isRole, notPartner, reachable, signedIn } from './rules';

/** API keys (and their secrets) are ADMIN's alone. */
export const readsApiKeys = isRole(Role.ADMIN);

/** Entry points every caller shares, and the generic wrapper types. */
export const commonPermissions: PermissionMap = {
  Query: {
    me: signedIn,
    node: signedIn,
    nodes: signedIn,
  },
  Mutation: {
    login: everyone,
  },
  PageInfo: { '*': reachable },
  UserError: { '*': reachable },
  FieldChange: { '*': reachable },
  // The audit log (read through `Customer.history`, the timeline and `node`), never for partners.
  AuditEvent: { '*': notPartner },
  AuditEventConnection: { '*': reachable },
  AuditEventEdge: { '*': reachable },
  LoginPayload: { '*': reachable },
  Phone: { '*': reachable },
  Email: { '*': reachable },
  PostalAddress: { '*': reachable },
  ApiKey: { '*': readsApiKeys },
  ApiKeyConnection: { '*': reachable },
  ApiKeyEdge: { '*': reachable },
  CreateApiKeyPayload: { '*': reachable, secret: readsApiKeys },
  ApiKeyPayload: { '*': reachable },
};
