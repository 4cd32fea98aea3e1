import DataLoader from 'dataloader';
import type { GraphQLContext } from '../auth/context';
import type { Survey } from '../entities/survey.entity';

/** STUB: loaders of surveys (merged into the request's loaders). */
export function createServiceDeskLoaders(_ctx: GraphQLContext) {
  return {
    surveyById: new DataLoader<string, Survey | null>(async (ids) => ids.map(() => null)),
  };
}
