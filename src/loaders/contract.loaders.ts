import DataLoader from 'dataloader';
import type { CallerContext } from '../services/context';
import { refId } from '../entities/ids';
import type { Receivable } from '../entities/receivable.entity';
import type { ServiceContext } from '../services/context';
import { contractReads, receivablesByContractIds } from '../services/contract.service';
import { groupBy } from './batch';
import { readLoaders } from './read-loaders';
import { readsContracts } from '../auth/contract.permissions';

/** Loaders of the contract domain (merged into the request's loaders). */
export function createContractLoaders(ctx: CallerContext) {
  const svc = (): ServiceContext => ({ em: ctx.em, principal: ctx.principal! });

  /** Contracts by id, visible to the caller, null otherwise (also feeds `node(id)`); `Customer.contracts` pages and counts. */
  const contracts = readLoaders(ctx, contractReads, readsContracts);

  /** Receivables per (already visible) contract, by instalment (`Contract.receivables`). */
  const contractReceivables = new DataLoader<string, Receivable[]>(async (ids) =>
    groupBy(ids, await receivablesByContractIds(svc(), ids), (r) => refId(r.contract)!));

  return { contractById: contracts.byId, contractReceivables, contractCount: contracts.count, contractPage: contracts.page };
}

// This domain's loaders, typed on the request's `Loaders` (see loaders/index.ts).
declare module './index' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds the members of the factory's result
  interface Loaders extends ReturnType<typeof createContractLoaders> {}
}
