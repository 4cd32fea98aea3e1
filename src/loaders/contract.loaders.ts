import DataLoader from 'dataloader';
import type { CallerContext } from '../services/context';
import { refId } from '../entities/ids';
import type { Receivable } from '../entities/receivable.entity';
import type { ServiceContext } from '../services/context';
import {
  contractCountsByCustomer, contractPagesByCustomer, contractsByIds, receivablesByContractIds, type ContractListArgs, type ContractRow,
} from '../services/contract.service';
import type { Connection } from '../services/pagination';
import { byKeyFor, groupBy, perArgs } from './batch';
import { readsContracts } from '../auth/contract.permissions';

/** Loaders of the contract domain (merged into the request's loaders). */
export function createContractLoaders(ctx: CallerContext) {
  const svc = (): ServiceContext => ({ em: ctx.em, principal: ctx.principal! });

  /** Contracts by id, visible to the caller; null otherwise (also feeds `node(id)`). */
  const contractById = new DataLoader<string, ContractRow | null>(async (ids) => byKeyFor(ctx, readsContracts, ids, () => contractsByIds(svc(), ids)));

  /** Receivables per (already visible) contract, by instalment (`Contract.receivables`). */
  const contractReceivables = new DataLoader<string, Receivable[]>(async (ids) =>
    groupBy(ids, await receivablesByContractIds(svc(), ids), (r) => refId(r.contract)!));

  /** Contract counts per customer for one filter (`Customer.contracts.totalCount`). */
  const contractCount = perArgs((argsKey) => new DataLoader<string, number>(async (ids) => {
    const counts = await contractCountsByCustomer(svc(), ids, JSON.parse(argsKey).filter);
    return ids.map((id) => counts.get(id) ?? 0);
  }));

  /** `Customer.contracts`: one page per customer, one statement per page shape. */
  const contractPage = perArgs((argsKey) => new DataLoader<string, Connection<ContractRow>>(async (ids) => {
    const args = JSON.parse(argsKey) as ContractListArgs;
    const pages = await contractPagesByCustomer(svc(), ids, args, (id) => contractCount({ filter: args.filter ?? null }).load(id));
    return ids.map((id) => pages.get(id)!);
  }));

  return { contractById, contractReceivables, contractCount, contractPage };
}

// This domain's loaders, typed on the request's `Loaders` (see loaders/index.ts).
declare module './index' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds the members of the factory's result
  interface Loaders extends ReturnType<typeof createContractLoaders> {}
}
