import DataLoader from 'dataloader';
import type { CallerContext } from '../services/context';
import type { ServiceContext } from '../services/context';
import {
  assessmentReads, creditHoldReads, exposureKey, exposuresByCustomer, type ExposureKey,
} from '../services/credit.service';
import { readLoaders } from './read-loaders';

/** Loaders of the credit domain (merged into the request's loaders). */
export function createCreditLoaders(ctx: CallerContext) {
  const svc = (): ServiceContext => ({ em: ctx.em, principal: ctx.principal! });

  /**
   * Assessments by id within the caller's scope (ADMIN, FINANCE, managers for their customers), null
   * otherwise (feeds `node(id)`); `Customer.creditAssessments` pages and counts.
   */
  const assessments = readLoaders(ctx, assessmentReads);

  /** Holds by id within the caller's scope (ADMIN, FINANCE, managers and reps for their customers); null otherwise. Feeds `node(id)`. */
  const holds = readLoaders(ctx, creditHoldReads);

  /** Exposure of a customer in the currency of its limit (`Customer.creditExposure` / `availableCredit`): one statement per page. */
  const creditExposure = new DataLoader<ExposureKey, string | null, string>(async (keys) => {
    const found = await exposuresByCustomer(svc(), keys);
    return keys.map((k) => { const e = found.get(exposureKey(k)); return e === undefined ? '0.00' : e; });
  }, { cacheKeyFn: exposureKey });

  return {
    creditAssessmentById: assessments.byId, creditHoldById: holds.byId, creditAssessmentCount: assessments.count,
    creditAssessmentPage: assessments.page, creditExposure,
  };
}

// This domain's loaders, typed on the request's `Loaders` (see loaders/index.ts).
declare module './index' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds the members of the factory's result
  interface Loaders extends ReturnType<typeof createCreditLoaders> {}
}
