import { participatesInCases, readsCases, worksCases } from './case.permissions';
import type { PermissionMap } from './permission-map';
import { reachable } from './rules';

/**
 * Reading assets: the readers of cases — ADMIN, SERVICE_AGENT, SALES_MANAGER, SALES_REP and PARTNER
 * users, PARTNER keys with `cases:read`; rows by `caseScope` in SQL. FINANCE, MARKETING, ANALYST and
 * INTEGRATION keys: FORBIDDEN.
 */
const readsAssets = readsCases;

/** Registering: those who open cases — ADMIN and SERVICE_AGENT (any customer), PARTNER users and keys with `cases:write` (itself and the customers it resells to, in SQL). */
const registersAssets = participatesInCases;

/** Changing (address, notes, warranty, ownership): those who work cases — ADMIN and SERVICE_AGENT. */
const updatesAssets = worksCases;

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
