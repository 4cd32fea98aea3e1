import Decimal from 'decimal.js';

/**
 * The pure arithmetic of offers on an order (no database): what each offer of a push takes off, in the
 * order the shop listed the codes, each on what the earlier ones left.
 *
 * Exact in decimal (a private clone with 40 significant digits, so pro-rata shares never lose a cent),
 * rounded once per offer to cents:
 * - a percentage is rounded half-up (0.005 → 0.01), like the other money in the CRM;
 * - a discount is then capped at what it applies to, cut down to whole cents, so it is never more than
 *   what is left of those lines (or of the order).
 * What an offer takes is spread over the lines it applies to in proportion to what is left of each
 * (exactly, without rounding per line), so that a later PRODUCT or CATEGORY offer works on what an
 * earlier ORDER offer left of its lines, and the sum of all discounts never exceeds `netBeforeOffers`.
 */
const Money = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
type D = Decimal;

const ZERO = new Money(0);
const halfUp = (d: D) => d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
const down = (d: D) => d.toDecimalPlaces(2, Decimal.ROUND_DOWN);

/** A line as pricing sees it: its net (quantity × unit price − its own discount) is what offers start from. */
export interface PricingLine {
  sku: string;
  productId: string;
  category: string;
  quantity: number;
  unitPrice: string;
  discount: string;
}

/** The terms of one offer that pricing needs (already checked: window, target, currency). */
export interface PricingOffer {
  discountType: 'PERCENT' | 'AMOUNT' | 'BUNDLE';
  appliesTo: 'ORDER' | 'PRODUCT' | 'CATEGORY';
  percent?: string | null;
  amount?: string | null;
  productId?: string | null;
  category?: string | null;
  bundleSkus?: string[] | null;
  bundlePrice?: string | null;
}

/** One offer's outcome: its discount (2 decimals), or why nothing could be taken off. */
export type OfferPrice = { discount: string } | { refused: 'NOTHING_APPLIES' | 'BUNDLE_NO_SAVING' };

/** Lines an offer applies to (ORDER: all of them). */
function appliesTo(offer: PricingOffer, line: PricingLine): boolean {
  if (offer.appliesTo === 'PRODUCT') return line.productId === offer.productId;
  if (offer.appliesTo === 'CATEGORY') return line.category === offer.category;
  return true;
}

/**
 * Prices the offers in order. A refused offer takes nothing (the caller refuses the whole push). The
 * sum of the discounts is at most Σ line nets.
 */
export function priceOfferLines(lines: PricingLine[], offers: PricingOffer[]): OfferPrice[] {
  const left = lines.map((l) => new Money(l.unitPrice).times(l.quantity).minus(l.discount ?? '0'));
  return offers.map((offer): OfferPrice => {
    if (offer.discountType === 'BUNDLE') {
      // One unit of each SKU at what is left of its line per unit; a line counts for one SKU only.
      const used: number[] = [];
      for (const sku of offer.bundleSkus ?? []) {
        const i = lines.findIndex((l, j) => l.sku === sku && !used.includes(j) && left[j].gt(0));
        if (i < 0) return { refused: 'NOTHING_APPLIES' };
        used.push(i);
      }
      if (!used.length) return { refused: 'NOTHING_APPLIES' };
      const units = used.map((i) => left[i].div(lines[i].quantity));
      const value = units.reduce((s, u) => s.plus(u), ZERO);
      const discount = down(value.minus(offer.bundlePrice ?? '0'));
      if (discount.lte(0)) return { refused: 'BUNDLE_NO_SAVING' };
      // Each bundled line gives up its share of the saving, in proportion to its unit's value.
      used.forEach((i, k) => { left[i] = left[i].minus(discount.times(units[k]).div(value)); });
      return { discount: discount.toFixed(2) };
    }
    const idx = lines.map((_, i) => i).filter((i) => appliesTo(offer, lines[i]));
    const base = idx.reduce((s, i) => s.plus(left[i]), ZERO);
    if (!idx.length || base.lte(0)) return { refused: 'NOTHING_APPLIES' };
    const cap = down(base);
    // What each line would give up: its share of what is left (PERCENT, AMOUNT off the order), or for an
    // AMOUNT per unit the amount × its quantity, at most what is left of it.
    const perUnit = offer.discountType === 'AMOUNT' && offer.appliesTo !== 'ORDER';
    const weights = idx.map((i) => (perUnit ? Decimal.min(new Money(offer.amount ?? '0').times(lines[i].quantity), left[i]) : left[i]));
    const weight = weights.reduce((s, w) => s.plus(w), ZERO);
    let wanted: D;
    if (offer.discountType === 'PERCENT') wanted = halfUp(base.times(offer.percent ?? '0').div(100));
    else if (perUnit) wanted = down(weight);
    else wanted = new Money(offer.amount ?? '0');
    const discount = Decimal.min(wanted, cap);
    if (discount.lte(0)) return { refused: 'NOTHING_APPLIES' };
    idx.forEach((i, k) => { left[i] = left[i].minus(discount.times(weights[k]).div(weight)); });
    return { discount: new Money(discount).toFixed(2) };
  });
}
