import DataLoader from 'dataloader';
import type { CallerContext } from '../services/context';
import { refId } from '../entities/ids';
import type { ServiceContext } from '../services/context';
import {
  caseCountsByFeedbackIds, feedbackReads, sourceCasesByFeedbackIds,
  suggestionValuesByCustomerIds, type FeedbackCaseRow, type SuggestionValue,
} from '../services/feedback.service';
import { readLoaders } from './read-loaders';
import { groupBy } from './batch';

/** Loaders of product feedback (merged into the request's loaders). */
export function createFeedbackLoaders(ctx: CallerContext) {
  const svc = (): ServiceContext => ({ em: ctx.em, principal: ctx.principal! });

  /**
   * Feedback by id for its readers, null otherwise (also feeds `node(id)` and `ServiceCase.feedback`);
   * `Product.feedback` pages and counts.
   */
  const feedback = readLoaders(ctx, feedbackReads);

  /** `ProductFeedback.sourceCases`: the linked cases in the caller's case scope, oldest first; one statement per batch. */
  const feedbackSourceCases = new DataLoader<string, FeedbackCaseRow[]>(async (ids) =>
    groupBy(ids, await sourceCasesByFeedbackIds(svc(), ids), (row) => refId(row.feedback)!));

  /** `ProductFeedback.caseCount`: every linked case. */
  const feedbackCaseCount = new DataLoader<string, number>(async (ids) => {
    const counts = await caseCountsByFeedbackIds(svc(), ids);
    return ids.map((id) => counts.get(id) ?? 0);
  });

  /** `Customer.suggestionValue`: one statement per page of customers. */
  const suggestionValue = new DataLoader<string, SuggestionValue>(async (ids) => {
    const values = await suggestionValuesByCustomerIds(svc(), ids);
    return ids.map((id) => values.get(id) ?? { acceptedFeedbackCount: 0, suggestionCount: 0 });
  });

  return {
    feedbackById: feedback.byId, feedbackSourceCases, feedbackCaseCount, productFeedbackCount: feedback.count,
    productFeedbackPage: feedback.page, suggestionValue,
  };
}

// This domain's loaders, typed on the request's `Loaders` (see loaders/index.ts).
declare module './index' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds the members of the factory's result
  interface Loaders extends ReturnType<typeof createFeedbackLoaders> {}
}
