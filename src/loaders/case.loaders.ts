import DataLoader from 'dataloader';
import type { CallerContext } from '../services/context';
import type { ServiceQueue } from '../entities/service-queue.entity';
import { commentReads } from '../services/case-comment.service';
import { caseReads } from '../services/case.service';
import type { ServiceContext } from '../services/context';
import { queuesByIds } from '../services/queue.service';
import { byKey } from './batch';
import { readLoaders } from './read-loaders';
import { readsCases } from '../auth/case.permissions';

/** Loaders of cases, comments and queues (merged into the request's loaders); every one applies the caller's scope. */
export function createCaseLoaders(ctx: CallerContext) {
  const svc = (): ServiceContext => ({ em: ctx.em, principal: ctx.principal! });

  /** Cases by id within `caseScope`, null otherwise (also feeds `node(id)`); `Customer.cases` pages and counts. */
  const cases = readLoaders(ctx, caseReads, readsCases);

  /** Comments by id on visible cases (INTERNAL notes are null for PARTNER callers and API keys); `ServiceCase.comments`. */
  const comments = readLoaders(ctx, commentReads, readsCases);

  /** Queues by id, for staff who read cases; null for anyone else. */
  const serviceQueueById = new DataLoader<string, ServiceQueue | null>(async (ids) => byKey(ids, await queuesByIds(svc(), ids)));

  return {
    caseById: cases.byId, customerCaseCount: cases.count, customerCasePage: cases.page, customerCaseEmbedded: cases.embedded,
    caseCommentById: comments.byId, caseCommentCount: comments.count, caseCommentPage: comments.page,
    serviceQueueById,
  };
}

// This domain's loaders, typed on the request's `Loaders` (see loaders/index.ts).
declare module './index' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds the members of the factory's result
  interface Loaders extends ReturnType<typeof createCaseLoaders> {}
}
