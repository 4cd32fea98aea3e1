import DataLoader from 'dataloader';
import type { GraphQLContext } from '../auth/context';
import type { ProductFeedback } from '../entities/product-feedback.entity';

/** STUB: loaders of product feedback (merged into the request's loaders). */
export function createFeedbackLoaders(_ctx: GraphQLContext) {
  return {
    feedbackById: new DataLoader<string, ProductFeedback | null>(async (ids) => ids.map(() => null)),
  };
}
