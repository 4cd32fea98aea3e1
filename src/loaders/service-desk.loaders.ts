import DataLoader from 'dataloader';
import type { CallerContext } from '../services/context';
import { refId } from '../entities/ids';
import type { ServiceContext } from '../services/context';
import { surveysByCaseIds, surveysByIds, type SurveyRow } from '../services/survey.service';
import { byKey } from './batch';

/** Loaders of the service desk: surveys (merged into the request's loaders). */
export function createServiceDeskLoaders(ctx: CallerContext) {
  const svc = (): ServiceContext => ({ em: ctx.em, principal: ctx.principal! });
  return {
    /** Surveys by id, visible to the caller (staff who read the case); null otherwise. */
    surveyById: new DataLoader<string, SurveyRow | null>(async (ids) => byKey(ids, await surveysByIds(svc(), ids))),
    /** `ServiceCase.survey`: the survey of each case, batched across cases (one statement). */
    surveyByCase: new DataLoader<string, SurveyRow | null>(async (ids) =>
      byKey(ids, await surveysByCaseIds(svc(), ids), (row) => refId(row.serviceCase)!)),
  };
}

// This domain's loaders, typed on the request's `Loaders` (see loaders/index.ts).
declare module './index' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds the members of the factory's result
  interface Loaders extends ReturnType<typeof createServiceDeskLoaders> {}
}
