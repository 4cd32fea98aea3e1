import DataLoader from 'dataloader';
import type { GraphQLContext } from '../auth/context';
import type { Payment } from '../entities/payment.entity';
import type { Receivable } from '../entities/receivable.entity';

/** Loaders of receivables and payments (merged into the request's loaders). STUB: replace with scoped loaders. */
export function createReceivableLoaders(_ctx: GraphQLContext) {
  return {
    receivableById: new DataLoader<string, Receivable | null>(async (ids) => ids.map(() => null)),
    paymentById: new DataLoader<string, Payment | null>(async (ids) => ids.map(() => null)),
  };
}
