import type Decimal from 'decimal.js';
import type { ServiceContext } from './context';
import { userError } from './errors';
import { fail } from './transaction';

/**
 * Personalised offers (issue 11). STUB: filled in by the offers work; `pushOrder` calls the two
 * functions below inside the order's transaction.
 */

/** A line of the order being pushed, as the offers see it (after its price was settled). */
export interface OfferLine {
  /** 0-based index in `input.lines`. */
  index: number;
  productId: string;
  sku: string;
  category: string;
  quantity: number;
  unitPrice: string;
  /** The line's own discount amount. */
  discount: string;
}

/** What the offers of a push take off the order, offer by offer (in the order of `offerCodes`). */
export interface PricedOffers {
  /** Sum of `offers[].discount`, 2 decimals. */
  discount: string;
  offers: { offerId: string; code: string; discount: string }[];
}

/**
 * Checks the offer codes of a push for this customer now and prices them (no writes). Refusals go
 * through `fail` with errors at ["input", "offerCodes", "<index>"]. `netBeforeOffers` = subtotal −
 * line discounts.
 */
export async function priceOffers(_tx: ServiceContext, input: {
  customerId: string; currency: string; codes: string[]; lines: OfferLine[]; netBeforeOffers: Decimal;
  /** False for keys that may not read customers and did not name it by id: only EVERYONE offers apply. */
  customerKnown: boolean;
}): Promise<PricedOffers> {
  if (input.codes.length) fail([userError('VALIDATION', 'Offers are not available yet.', ['input', 'offerCodes', '0'])]);
  return { discount: '0.00', offers: [] };
}

/**
 * Records the redemptions of priced offers for the created order, race-safe (quantity limits and
 * once-per-customer are enforced here under the offer's row lock; a refusal `fail`s, rolling the whole
 * push back).
 */
export async function recordRedemptions(_tx: ServiceContext, _input: {
  orderId: string; customerId: string; currency: string; priced: PricedOffers;
}): Promise<void> {}
