import DataLoader from 'dataloader';
import type { GraphQLContext } from '../auth/context';
import type { Contract } from '../entities/contract.entity';

/** Loaders of the contract domain (merged into the request's loaders). STUB: replace with scoped loaders. */
export function createContractLoaders(_ctx: GraphQLContext) {
  return {
    contractById: new DataLoader<string, Contract | null>(async (ids) => ids.map(() => null)),
  };
}
