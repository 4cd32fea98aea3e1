import DataLoader from 'dataloader';
import type { CallerContext } from '../services/context';
import type { ServiceContext } from '../services/context';
import {
  assessmentCountsByCustomer, assessmentPagesByCustomer, creditAssessmentsByIds, creditHoldsByIds, exposureKey, exposuresByCustomer,
  type CreditAssessmentRow, type CreditHoldRow, type ExposureKey,
} from '../services/credit.service';
import type { Connection, ConnectionArgs } from '../services/pagination';
import { byKey, perArgs } from './batch';

/** Loaders of the credit domain (merged into the request's loaders). */
export function createCreditLoaders(ctx: CallerContext) {
  const svc = (): ServiceContext => ({ em: ctx.em, principal: ctx.principal! });

  /** Assessments by id within the caller's scope (ADMIN, FINANCE, managers for their customers); null otherwise. Feeds `node(id)`. */
  const creditAssessmentById = new DataLoader<string, CreditAssessmentRow | null>(async (ids) => byKey(ids, await creditAssessmentsByIds(svc(), ids)));

  /** Holds by id within the caller's scope (ADMIN, FINANCE, managers and reps for their customers); null otherwise. Feeds `node(id)`. */
  const creditHoldById = new DataLoader<string, CreditHoldRow | null>(async (ids) => byKey(ids, await creditHoldsByIds(svc(), ids)));

  /** Assessment counts per customer (`Customer.creditAssessments.totalCount`). */
  const creditAssessmentCount = new DataLoader<string, number>(async (ids) => {
    const counts = await assessmentCountsByCustomer(svc(), ids);
    return ids.map((id) => counts.get(id) ?? 0);
  });

  /** `Customer.creditAssessments`: one page per customer, one statement per page shape. */
  const creditAssessmentPage = perArgs((argsKey) => new DataLoader<string, Connection<CreditAssessmentRow>>(async (ids) => {
    const pages = await assessmentPagesByCustomer(svc(), ids, JSON.parse(argsKey) as ConnectionArgs, (id) => creditAssessmentCount.load(id));
    return ids.map((id) => pages.get(id)!);
  }));

  /** Exposure of a customer in the currency of its limit (`Customer.creditExposure` / `availableCredit`): one statement per page. */
  const creditExposure = new DataLoader<ExposureKey, string, string>(async (keys) => {
    const found = await exposuresByCustomer(svc(), keys);
    return keys.map((k) => found.get(exposureKey(k)) ?? '0.00');
  }, { cacheKeyFn: exposureKey });

  return { creditAssessmentById, creditHoldById, creditAssessmentCount, creditAssessmentPage, creditExposure };
}

// This domain's loaders, typed on the request's `Loaders` (see loaders/index.ts).
declare module './index' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds the members of the factory's result
  interface Loaders extends ReturnType<typeof createCreditLoaders> {}
}
