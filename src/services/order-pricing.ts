import Decimal from 'decimal.js';
import { hasScope, type Principal } from '../auth/principal';
import { Role } from '../entities/enums';
import { userError, type UserError } from './errors';

/**
 * Price and currency rules of pushed order lines (issue 9).
 *
 * - Currency: every line's product must be priced in the order's currency (currencies are never
 *   converted). Nobody may override this.
 * - Price: the unit price is the product's list price, or its member price, or lower than the list
 *   price by at most the product's `maxDiscountPercent`; a line `discount` counts too (the line's net
 *   unit price, (quantity × unitPrice − discount) / quantity, must stay at or above that floor unless
 *   the unit price is exactly the member price with no discount). Above the list price is refused.
 * - Member price: accepted only for customers who are members of the loyalty programme (issue 11);
 *   `createOrder` passes the product without a member price for anyone else.
 * - Override: ADMIN users (staff entering a negotiated order) and API keys with the
 *   `orders:price-override` scope may push any price; the order's audit entry lists the lines that
 *   broke the rules. PARTNER users and other keys may not.
 */

/** What the rules read of a product. */
export interface PricedProduct {
  sku: string;
  listPrice: string;
  memberPrice?: string | null;
  maxDiscountPercent: string;
  currency: string;
}

/** What the rules read of a line (amounts already validated: ≥ 0, 2 decimals). */
export interface PricedLine {
  quantity: number;
  unitPrice: string;
  discount?: string | null;
}

/** Whether the caller may push unit prices outside the rules. */
export const overridesPrices = (principal: Principal): boolean =>
  (principal.type === 'USER' && principal.role === Role.ADMIN) || hasScope(principal, 'orders:price-override');

/** The lowest unit price allowed without an override, exact (may have more than 2 decimals). */
export function lowestUnitPrice(product: Pick<PricedProduct, 'listPrice' | 'maxDiscountPercent'>): Decimal {
  return new Decimal(product.listPrice).times(new Decimal(100).minus(product.maxDiscountPercent)).div(100);
}

const money = (d: Decimal) => d.toFixed(2);
/** The floor in cents, rounded up: the lowest 2-decimal price that is not below it. */
const cents = (d: Decimal) => d.toDecimalPlaces(2, Decimal.ROUND_UP).toFixed(2);

/** The order currency against the product's; the error names the line (`index` is 0-based). */
export function lineCurrencyErrors(product: PricedProduct, orderCurrency: string, index: number): UserError[] {
  if (product.currency === orderCurrency) return [];
  return [userError('VALIDATION',
    `Line ${index + 1} (${product.sku}): the product is sold in ${product.currency}, the order is in ${orderCurrency}; push one order per currency.`,
    ['input', 'currency'])];
}

/**
 * The price rules for one line (regardless of who pushes); empty when the price is allowed.
 * Errors are at `path` + `unitPrice` (the unit price itself) or + `discount` (the discount takes it too low).
 */
export function linePriceErrors(line: PricedLine, product: PricedProduct, index: number, path: string[]): UserError[] {
  const price = new Decimal(line.unitPrice);
  const discount = new Decimal(line.discount ?? '0');
  const list = new Decimal(product.listPrice);
  const member = product.memberPrice == null ? null : new Decimal(product.memberPrice);
  const atMemberPrice = member != null && price.eq(member);
  if (atMemberPrice && discount.isZero()) return [];
  const floor = lowestUnitPrice(product);
  const what = `Line ${index + 1} (${product.sku})`;
  const allowed = `the list price ${money(list)}${member ? `, the member price ${money(member)}` : ''}`
    + (floor.lt(list) ? ` or down to ${cents(floor)} (at most ${money(new Decimal(product.maxDiscountPercent))} % off the list price)` : '');
  const override = 'other prices need the `orders:price-override` scope';
  if (!atMemberPrice && price.gt(list)) {
    return [userError('VALIDATION', `${what}: the unit price ${money(price)} ${product.currency} is above the list price; use ${allowed}; ${override}.`, [...path, 'unitPrice'])];
  }
  if (!atMemberPrice && price.lt(floor)) {
    return [userError('VALIDATION', `${what}: the unit price ${money(price)} ${product.currency} is too low; use ${allowed}; ${override}.`, [...path, 'unitPrice'])];
  }
  const net = price.times(line.quantity).minus(discount);
  const lowest = floor.times(line.quantity);
  if (net.lt(lowest)) {
    return [userError('VALIDATION',
      `${what}: after the discount of ${money(discount)} the line comes to ${money(net)} ${product.currency}, below the lowest allowed `
        + `${cents(lowest)} (${line.quantity} × ${cents(floor)}); larger discounts need the \`orders:price-override\` scope.`,
      [...path, 'discount'])];
  }
  return [];
}
