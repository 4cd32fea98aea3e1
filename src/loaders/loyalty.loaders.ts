import DataLoader from 'dataloader';
import type { TierChange } from '../entities/loyalty.entity';
import type { CallerContext, ServiceContext } from '../services/context';
import { ledgerReads, membershipFigures, membershipsBy, tierHistory, type MembershipFigures } from '../services/loyalty-reads';
import type { MembershipRow } from '../services/loyalty.service';
import { byKey, groupBy } from './batch';
import { readLoaders } from './read-loaders';

/** Loaders of memberships (by id, by customer), their figures and tier history, and ledger pages. */
export function createLoyaltyLoaders(ctx: CallerContext) {
  const svc = (): ServiceContext => ({ em: ctx.em, principal: ctx.principal! });
  const membershipById = new DataLoader<string, MembershipRow | null>(async (ids) => byKey(ids, await membershipsBy(svc(), 'id', ids)));
  const membershipOfCustomer = new DataLoader<string, MembershipRow | null>(async (ids) =>
    byKey(ids, await membershipsBy(svc(), 'customer_id', ids), (m) => m.customer as unknown as string));
  // Keyed by id, fed the (visible) rows: one statement for every membership of the response.
  const figures = new DataLoader<MembershipRow, MembershipFigures, string>(
    async (memberships) => membershipFigures(svc(), memberships), { cacheKeyFn: (m) => m.id });
  const tierChanges = new DataLoader<string, TierChange[]>(async (ids) =>
    groupBy(ids, await tierHistory(svc(), ids), (h) => h.membership as unknown as string));
  const ledger = readLoaders(ctx, ledgerReads);
  return { membershipById, membershipOfCustomer, membershipFigures: figures, tierChanges, ledgerPage: ledger.page };
}

// This domain's loaders, typed on the request's `Loaders` (see loaders/index.ts).
declare module './index' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds the members of the factory's result
  interface Loaders extends ReturnType<typeof createLoyaltyLoaders> {}
}
