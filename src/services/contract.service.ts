import type { ServiceContext } from './context';

/**
 * STUB (contracts helper fills it). Completes the signing of a contract held for credit approval:
 * status SIGNED, receivables issued. Called by approveCredit inside its transaction.
 */
export async function completeSigning(_tx: ServiceContext, _contractId: string): Promise<void> {
  throw new Error('completeSigning: not implemented yet');
}
