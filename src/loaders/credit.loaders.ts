import DataLoader from 'dataloader';
import type { GraphQLContext } from '../auth/context';
import type { CreditAssessment, CreditHold } from '../entities/credit.entity';

/** Loaders of the credit domain (merged into the request's loaders). STUB: replace with scoped loaders. */
export function createCreditLoaders(_ctx: GraphQLContext) {
  return {
    creditAssessmentById: new DataLoader<string, CreditAssessment | null>(async (ids) => ids.map(() => null)),
    creditHoldById: new DataLoader<string, CreditHold | null>(async (ids) => ids.map(() => null)),
  };
}
