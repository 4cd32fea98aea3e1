import DataLoader from 'dataloader';
import type { GraphQLContext } from '../auth/context';
import type { CaseComment, ServiceCase } from '../entities/service-case.entity';
import type { ServiceQueue } from '../entities/service-queue.entity';

/** STUB: loaders of cases, comments and queues (merged into the request's loaders). */
export function createCaseLoaders(_ctx: GraphQLContext) {
  return {
    caseById: new DataLoader<string, ServiceCase | null>(async (ids) => ids.map(() => null)),
    caseCommentById: new DataLoader<string, CaseComment | null>(async (ids) => ids.map(() => null)),
    serviceQueueById: new DataLoader<string, ServiceQueue | null>(async (ids) => ids.map(() => null)),
  };
}
