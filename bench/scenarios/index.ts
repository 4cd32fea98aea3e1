import type { ReadScenario } from './types';

/** Every read scenario, in report order (filled in by the scenario files). */
export const SCENARIOS: ReadScenario<any>[] = [];
