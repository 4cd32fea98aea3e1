/** Money is decimal and rounds half-up to cents: instalment splits, quote totals, product margins. */
import { splitInstalments } from '../../src/services/contract.service';
import { margin, marginPercent } from '../../src/services/product.service';
import { quoteTotals } from '../../src/services/quote.service';

const sum = (amounts: string[]) => amounts.reduce((cents, a) => cents + Math.round(Number(a) * 100), 0);

describe('splitInstalments', () => {
  test('equal split: cents rounded, the last takes the remainder, the sum is exact', () => {
    expect(splitInstalments('100.00', [{ percent: null }, { percent: null }, { percent: null }])).toEqual(['33.33', '33.33', '33.34']);
    expect(splitInstalments('200.00', [{ percent: null }, { percent: null }, { percent: null }])).toEqual(['66.67', '66.67', '66.66']);
  });

  test('half-up at exactly half a cent (banker\'s rounding would go down)', () => {
    expect(splitInstalments('1.01', [{ percent: null }, { percent: null }])).toEqual(['0.51', '0.50']); // 0.505
    expect(splitInstalments('0.05', [{ percent: null }, { percent: null }])).toEqual(['0.03', '0.02']); // 0.025
    expect(splitInstalments('0.10', [{ percent: '25' }, { percent: '75' }])).toEqual(['0.03', '0.07']); // 0.025
  });

  test('by percent: value × percent / 100, exact before the one rounding', () => {
    expect(splitInstalments('1000.00', [{ percent: '33.33' }, { percent: '33.33' }, { percent: '33.34' }])).toEqual(['333.30', '333.30', '333.40']);
    expect(splitInstalments('10.00', [{ percent: '12.345' }, { percent: '87.655' }])).toEqual(['1.23', '8.77']); // 1.2345
    expect(splitInstalments('10.00', [{ percent: '12.35' }, { percent: '87.65' }])).toEqual(['1.24', '8.76']); // 1.235
  });

  test('terms with any percent missing split equally', () => {
    expect(splitInstalments('90.00', [{ percent: '50' }, { percent: null }, { percent: '50' }])).toEqual(['30.00', '30.00', '30.00']);
  });

  test('large values stay exact (no floating point)', () => {
    const parts = splitInstalments('9999999999999999.99', [{ percent: null }, { percent: null }, { percent: null }]);
    expect(parts).toEqual(['3333333333333333.33', '3333333333333333.33', '3333333333333333.33']);
  });

  test('one term is the whole value; no terms, no amounts; sums always equal the value', () => {
    expect(splitInstalments('12.34', [{ percent: null }])).toEqual(['12.34']);
    expect(splitInstalments('12.34', [])).toEqual([]);
    const seven = splitInstalments('1000.00', Array.from({ length: 7 }, () => ({ percent: null })));
    expect(seven).toEqual(['142.86', '142.86', '142.86', '142.86', '142.86', '142.86', '142.84']);
    expect(sum(seven)).toBe(100000);
  });

  test('tiny values can leave a zero or negative last amount (callers refuse such terms)', () => {
    expect(splitInstalments('0.01', [{ percent: null }, { percent: null }])).toEqual(['0.01', '0.00']); // 0.005 -> 0.01
    expect(splitInstalments('0.01', [{ percent: null }, { percent: null }, { percent: null }])).toEqual(['0.00', '0.00', '0.01']);
    expect(splitInstalments('0.06', [{ percent: null }, { percent: null }, { percent: null }, { percent: null }])).toEqual(['0.02', '0.02', '0.02', '0.00']);
    expect(splitInstalments('0.09', [{ percent: null }, { percent: null }, { percent: null }, { percent: null }, { percent: null }, { percent: null }]))
      .toEqual(['0.02', '0.02', '0.02', '0.02', '0.02', '-0.01']);
  });
});

describe('quoteTotals', () => {
  test('a line: gross rounded for the subtotal, net after discount rounded for the total', () => {
    expect(quoteTotals([{ quantity: '3', unitPrice: '19.99', discountPercent: '10' }])).toEqual({
      lineTotals: ['53.97'], subtotal: '59.97', discountTotal: '6.00', total: '53.97', tooLarge: false,
    }); // 59.97 × 0.9 = 53.973
  });

  test('each line is rounded half-up on its own before summing', () => {
    // 0.05 × 0.9 = 0.045 -> 0.05 (half-up; half-even would give 0.04), twice.
    expect(quoteTotals([
      { quantity: '1', unitPrice: '0.05', discountPercent: '10' },
      { quantity: '1', unitPrice: '0.05', discountPercent: '10' },
    ])).toEqual({ lineTotals: ['0.05', '0.05'], subtotal: '0.10', discountTotal: '0.00', total: '0.10', tooLarge: false });
    // Fractional quantity: 0.5 × 0.01 = 0.005 -> 0.01 in the subtotal and the total.
    expect(quoteTotals([{ quantity: '0.5', unitPrice: '0.01', discountPercent: '0' }])).toMatchObject({ subtotal: '0.01', total: '0.01' });
  });

  test('100 % discount gives zero; no lines give zeros', () => {
    expect(quoteTotals([{ quantity: '2', unitPrice: '10.00', discountPercent: '100' }])).toMatchObject({ lineTotals: ['0.00'], discountTotal: '20.00', total: '0.00' });
    expect(quoteTotals([])).toEqual({ lineTotals: [], subtotal: '0.00', discountTotal: '0.00', total: '0.00', tooLarge: false });
  });

  test('a subtotal above what numeric(18, 2) holds is flagged, the largest one is not', () => {
    expect(quoteTotals([{ quantity: '1', unitPrice: '9999999999999999.99', discountPercent: '0' }]).tooLarge).toBe(false);
    expect(quoteTotals([{ quantity: '1', unitPrice: '9999999999999999.99', discountPercent: '0' }, { quantity: '1', unitPrice: '0.01', discountPercent: '0' }]))
      .toMatchObject({ subtotal: '10000000000000000.00', tooLarge: true });
  });
});

describe('product margins', () => {
  test('margin is list price − cost; the percent is of the list price, half-up', () => {
    expect(margin({ listPrice: '200.00', cost: '133.33' })).toBe('66.67');
    expect(marginPercent({ listPrice: '200.00', cost: '133.33' })).toBe('33.34'); // 33.335
    expect(marginPercent({ listPrice: '3.00', cost: '2.00' })).toBe('33.33'); // 33.333…
    expect(marginPercent({ listPrice: '50.00', cost: '60.00' })).toBe('-20.00');
  });

  test('no cost: no margin; a zero list price: no percent', () => {
    expect(margin({ listPrice: '10.00', cost: null })).toBeNull();
    expect(marginPercent({ listPrice: '10.00', cost: null })).toBeNull();
    expect(marginPercent({ listPrice: '0.00', cost: '1.00' })).toBeNull();
    expect(margin({ listPrice: '0.00', cost: '1.00' })).toBe('-1.00');
  });
});
