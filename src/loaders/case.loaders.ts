import DataLoader from 'dataloader';
import type { CallerContext } from '../services/context';
import type { CaseComment, ServiceCase } from '../entities/service-case.entity';
import type { ServiceQueue } from '../entities/service-queue.entity';
import { commentCountsByCase, commentPagesByCase, commentsByIds } from '../services/case-comment.service';
import { caseCountsByCustomer, casePagesByCustomer, casesByIds, type CaseListArgs, type CaseRow } from '../services/case.service';
import type { ServiceContext } from '../services/context';
import type { Connection, ConnectionArgs } from '../services/pagination';
import { queuesByIds } from '../services/queue.service';
import { byKey, byKeyFor, perArgs } from './batch';
import { readsCases } from '../auth/case.permissions';

/** Loaders of cases, comments and queues (merged into the request's loaders); every one applies the caller's scope. */
export function createCaseLoaders(ctx: CallerContext) {
  const svc = (): ServiceContext => ({ em: ctx.em, principal: ctx.principal! });

  /** Cases by id within `caseScope`; null otherwise (also feeds `node(id)`). */
  const caseById = new DataLoader<string, ServiceCase | null>(async (ids) => byKeyFor(ctx, readsCases, ids, () => casesByIds(svc(), ids)));

  /** Comments by id on visible cases; INTERNAL notes are null for PARTNER callers and API keys. */
  const caseCommentById = new DataLoader<string, CaseComment | null>(async (ids) => byKeyFor(ctx, readsCases, ids, () => commentsByIds(svc(), ids)));

  /** Queues by id, for staff who read cases; null for anyone else. */
  const serviceQueueById = new DataLoader<string, ServiceQueue | null>(async (ids) => byKey(ids, await queuesByIds(svc(), ids)));

  /** Case counts per customer for one filter (`Customer.cases.totalCount`). */
  const customerCaseCount = perArgs((argsKey) => new DataLoader<string, number>(async (ids) => {
    const counts = await caseCountsByCustomer(svc(), ids, JSON.parse(argsKey).filter);
    return ids.map((id) => counts.get(id) ?? 0);
  }));

  /** `Customer.cases`: one page per customer, one statement per page shape. */
  const customerCasePage = perArgs((argsKey) => new DataLoader<string, Connection<CaseRow>>(async (ids) => {
    const args = JSON.parse(argsKey) as CaseListArgs;
    const pages = await casePagesByCustomer(svc(), ids, args, (id) => customerCaseCount({ filter: args.filter ?? null }).load(id));
    return ids.map((id) => pages.get(id)!);
  }));

  /** Visible comment counts per case (`ServiceCase.comments.totalCount`). */
  const caseCommentCount = new DataLoader<string, number>(async (ids) => {
    const counts = await commentCountsByCase(svc(), ids);
    return ids.map((id) => counts.get(id) ?? 0);
  });

  /** `ServiceCase.comments`: one page per case, one statement per page shape. */
  const caseCommentPage = perArgs((argsKey) => new DataLoader<string, Connection<CaseComment>>(async (ids) => {
    const pages = await commentPagesByCase(svc(), ids, JSON.parse(argsKey) as ConnectionArgs, (id) => caseCommentCount.load(id));
    return ids.map((id) => pages.get(id)!);
  }));

  return { caseById, caseCommentById, serviceQueueById, customerCaseCount, customerCasePage, caseCommentCount, caseCommentPage };
}

// This domain's loaders, typed on the request's `Loaders` (see loaders/index.ts).
declare module './index' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds the members of the factory's result
  interface Loaders extends ReturnType<typeof createCaseLoaders> {}
}
