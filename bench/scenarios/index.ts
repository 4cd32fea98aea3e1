import { caseLookup } from './case-lookup';
import { customer360 } from './customer-360';
import { customersPage } from './customers-page';
import { timeline } from './timeline';
import type { ReadScenario } from './types';

/** Every read scenario, in report order. */
export const SCENARIOS: ReadScenario<any>[] = [customersPage, customer360, timeline, caseLookup];
