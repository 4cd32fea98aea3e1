import type { ServiceContext } from './context';

/**
 * STUB (assets helper fills it). Creates the assets of a just-FULFILLED order: one per unit of each
 * line whose product is serialised. Called by updateOrderStatus inside its transaction.
 */
export async function createAssetsForOrder(_tx: ServiceContext, _orderId: string): Promise<void> {
  // not yet
}
