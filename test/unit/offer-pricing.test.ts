/** Offers on an order, in decimal: each offer on what the earlier ones left, rounded to cents, never more than what it applies to. */
import { priceOfferLines, type PricingLine, type PricingOffer } from '../../src/services/offer-pricing';

const P1 = 'prd_1';
const P2 = 'prd_2';
const P3 = 'prd_3';
const line = (sku: string, productId: string, category: string, quantity: number, unitPrice: string, discount = '0.00'): PricingLine =>
  ({ sku, productId, category, quantity, unitPrice, discount });
// Net 300.00: laptop 2 × 100 (10 off the line) = 190; mouse 1 × 10 = 10; cable 4 × 25 = 100.
const LINES = [line('LAP', P1, 'Laptops', 2, '100.00', '10.00'), line('MOU', P2, 'Accessories', 1, '10.00'), line('CAB', P3, 'Accessories', 4, '25.00')];
const percent = (p: string, appliesTo: PricingOffer['appliesTo'] = 'ORDER', extra: Partial<PricingOffer> = {}): PricingOffer =>
  ({ discountType: 'PERCENT', appliesTo, percent: p, ...extra });
const amount = (a: string, appliesTo: PricingOffer['appliesTo'] = 'ORDER', extra: Partial<PricingOffer> = {}): PricingOffer =>
  ({ discountType: 'AMOUNT', appliesTo, amount: a, ...extra });
const bundle = (skus: string[], price: string): PricingOffer => ({ discountType: 'BUNDLE', appliesTo: 'ORDER', bundleSkus: skus, bundlePrice: price });
const discounts = (offers: PricingOffer[], lines = LINES) => priceOfferLines(lines, offers).map((p) => ('discount' in p ? p.discount : p.refused));

describe('priceOfferLines', () => {
  test('PERCENT on the order: percent × net after line discounts, half-up to cents', () => {
    expect(discounts([percent('10')])).toEqual(['30.00']);
    expect(discounts([percent('12.5')], [line('A', P1, 'x', 1, '0.20')])).toEqual(['0.03']); // 0.025 → 0.03 (half-up)
    expect(discounts([percent('12.5')], [line('A', P1, 'x', 1, '0.12')])).toEqual(['0.02']); // 0.015 → 0.02
    expect(discounts([percent('100')])).toEqual(['300.00']);
  });

  test('PERCENT on a product or a category: only the net of those lines', () => {
    expect(discounts([percent('10', 'PRODUCT', { productId: P1 })])).toEqual(['19.00']); // 10% of 190
    expect(discounts([percent('15', 'CATEGORY', { category: 'Accessories' })])).toEqual(['16.50']); // 15% of 110
  });

  test('AMOUNT on the order is at most the net; per unit on a product at most each line', () => {
    expect(discounts([amount('50.00')])).toEqual(['50.00']);
    expect(discounts([amount('500.00')])).toEqual(['300.00']);
    expect(discounts([amount('3.00', 'CATEGORY', { category: 'Accessories' })])).toEqual(['15.00']); // 1 × 3 + 4 × 3
    expect(discounts([amount('20.00', 'CATEGORY', { category: 'Accessories' })])).toEqual(['90.00']); // mouse capped at 10, cable 4 × 20 = 80
  });

  test('BUNDLE: one unit of each SKU at the line\'s net unit price, minus the bundle price; refused without a saving', () => {
    expect(discounts([bundle(['LAP', 'MOU'], '90.00')])).toEqual(['15.00']); // 95 (190 / 2) + 10 − 90
    expect(discounts([bundle(['LAP', 'MOU'], '105.00')])).toEqual(['BUNDLE_NO_SAVING']);
    expect(discounts([bundle(['LAP', 'XXX'], '1.00')])).toEqual(['NOTHING_APPLIES']);
  });

  test('an offer for a product or category the order lacks applies to nothing', () => {
    expect(discounts([percent('10', 'PRODUCT', { productId: 'prd_none' })])).toEqual(['NOTHING_APPLIES']);
    expect(discounts([amount('1.00', 'CATEGORY', { category: 'Phones' })])).toEqual(['NOTHING_APPLIES']);
  });

  test('several offers: each on what the earlier ones left, spread over the lines in proportion', () => {
    // 10% of 300 = 30; the laptop line keeps 190 × 0.9 = 171, 20% of it = 34.20; then 100 off what is left (300 − 64.20).
    expect(discounts([percent('10'), percent('20', 'PRODUCT', { productId: P1 }), amount('100.00')])).toEqual(['30.00', '34.20', '100.00']);
    // The whole order first: nothing is left for the next one.
    expect(discounts([amount('300.00'), percent('50')])).toEqual(['300.00', 'NOTHING_APPLIES']);
  });

  test('the discounts never add up to more than the net, whatever the order of the offers', () => {
    const offers = [amount('250.00'), percent('60', 'CATEGORY', { category: 'Accessories' }), bundle(['LAP', 'CAB'], '1.00'), amount('7.00', 'PRODUCT', { productId: P3 })];
    const prices = priceOfferLines(LINES, offers);
    const cents = prices.reduce((s, p) => s + ('discount' in p ? Math.round(Number(p.discount) * 100) : 0), 0);
    expect(cents).toBeLessThanOrEqual(30000);
    expect(prices[0]).toEqual({ discount: '250.00' });
  });

  test('large amounts stay exact (no floating point)', () => {
    expect(discounts([percent('33.33')], [line('BIG', P1, 'x', 1, '9999999999999999.99')])).toEqual(['3333000000000000.00']);
    expect(discounts([percent('0.01')], [line('BIG', P1, 'x', 3, '3333333333333333.33')])).toEqual(['1000000000000.00']);
  });
});
