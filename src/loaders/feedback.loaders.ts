import DataLoader from 'dataloader';
import type { CallerContext } from '../services/context';
import { refId } from '../entities/ids';
import type { ServiceContext } from '../services/context';
import {
  caseCountsByFeedbackIds, feedbackByIds, feedbackCountsByProduct, feedbackPagesByProduct, sourceCasesByFeedbackIds,
  suggestionValuesByCustomerIds, type FeedbackCaseRow, type FeedbackListArgs, type FeedbackRow, type SuggestionValue,
} from '../services/feedback.service';
import type { Connection } from '../services/pagination';
import { byKey, groupBy, perArgs } from './batch';

/** Loaders of product feedback (merged into the request's loaders). */
export function createFeedbackLoaders(ctx: CallerContext) {
  const svc = (): ServiceContext => ({ em: ctx.em, principal: ctx.principal! });

  /** Feedback by id for its readers; null otherwise (also feeds `node(id)` and `ServiceCase.feedback`). */
  const feedbackById = new DataLoader<string, FeedbackRow | null>(async (ids) => byKey(ids, await feedbackByIds(svc(), ids)));

  /** `ProductFeedback.sourceCases`: the linked cases in the caller's case scope, oldest first; one statement per batch. */
  const feedbackSourceCases = new DataLoader<string, FeedbackCaseRow[]>(async (ids) =>
    groupBy(ids, await sourceCasesByFeedbackIds(svc(), ids), (row) => refId(row.feedback)!));

  /** `ProductFeedback.caseCount`: every linked case. */
  const feedbackCaseCount = new DataLoader<string, number>(async (ids) => {
    const counts = await caseCountsByFeedbackIds(svc(), ids);
    return ids.map((id) => counts.get(id) ?? 0);
  });

  /** Feedback counts per product for one filter (`Product.feedback.totalCount`). */
  const productFeedbackCount = perArgs((argsKey) => new DataLoader<string, number>(async (ids) => {
    const counts = await feedbackCountsByProduct(svc(), ids, JSON.parse(argsKey).filter);
    return ids.map((id) => counts.get(id) ?? 0);
  }));

  /** `Product.feedback`: one page per product, one statement per page shape. */
  const productFeedbackPage = perArgs((argsKey) => new DataLoader<string, Connection<FeedbackRow>>(async (ids) => {
    const args = JSON.parse(argsKey) as FeedbackListArgs;
    const pages = await feedbackPagesByProduct(svc(), ids, args, (id) => productFeedbackCount({ filter: args.filter ?? null }).load(id));
    return ids.map((id) => pages.get(id)!);
  }));

  /** `Customer.suggestionValue`: one statement per page of customers. */
  const suggestionValue = new DataLoader<string, SuggestionValue>(async (ids) => {
    const values = await suggestionValuesByCustomerIds(svc(), ids);
    return ids.map((id) => values.get(id) ?? { acceptedFeedbackCount: 0, suggestionCount: 0 });
  });

  return { feedbackById, feedbackSourceCases, feedbackCaseCount, productFeedbackCount, productFeedbackPage, suggestionValue };
}

// This domain's loaders, typed on the request's `Loaders` (see loaders/index.ts).
declare module './index' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds the members of the factory's result
  interface Loaders extends ReturnType<typeof createFeedbackLoaders> {}
}
