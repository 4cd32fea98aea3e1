import { Role } from '../entities/enums';
import type { PermissionMap } from './permission-map';
import { isRole, reachable } from './rules';

/**
 * Reading assets: the readers of cases — ADMIN, SERVICE_AGENT, SALES_MANAGER, SALES_REP and PARTNER
 * (users and keys); rows by `caseScope` in SQL. FINANCE, MARKETING, ANALYST and INTEGRATION keys: FORBIDDEN.
 */
export const readsAssets = isRole(Role.ADMIN, Role.SERVICE_AGENT, Role.SALES_MANAGER, Role.SALES_REP, Role.PARTNER);

/** Registering: ADMIN and SERVICE_AGENT (any customer), PARTNER (itself and the customers it resells to, in SQL). */
export const registersAssets = isRole(Role.ADMIN, Role.SERVICE_AGENT, Role.PARTNER);

/** Changing (address, notes, warranty, ownership): ADMIN and SERVICE_AGENT. */
export const updatesAssets = isRole(Role.ADMIN, Role.SERVICE_AGENT);

/** The permission map of assets (merged in auth/index.ts). */
export const assetPermissions: PermissionMap = {
  Query: { assets: readsAssets, asset: readsAssets, assetByServiceTag: readsAssets },
  Mutation: { registerAsset: registersAssets, updateAsset: updatesAssets },
  Customer: { assets: readsAssets },
  Asset: { '*': reachable },
  AssetConnection: { '*': reachable },
  AssetEdge: { '*': reachable },
  AssetPayload: { '*': reachable },
};
