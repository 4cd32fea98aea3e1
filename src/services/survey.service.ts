import type { ServiceContext } from './context';

/**
 * STUB (service-desk helper fills it). Creates the satisfaction survey of a case that just became
 * RESOLVED (once per case: a reopened and re-resolved case keeps its first survey). Called by the
 * case transition inside its transaction.
 */
export async function createSurvey(_tx: ServiceContext, _caseId: string): Promise<void> {
  // not yet
}
