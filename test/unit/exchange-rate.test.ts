import { InputError } from '../../src/services/errors';
import { checkedRows, currencyLiteral, missingRateMessage, reportingCurrency } from '../../src/services/exchange-rate';

/** The pure parts of the exchange-rate rule (services/exchange-rate.ts); the SQL is tested through HTTP in test/exchange-rates.test.ts. */
describe('exchange-rate helpers', () => {
  test('reportingCurrency: null when absent, upper-cased ISO 4217, else BAD_USER_INPUT on `in`', () => {
    expect(reportingCurrency(null)).toBeNull();
    expect(reportingCurrency(undefined)).toBeNull();
    expect(reportingCurrency(' eur ')).toBe('EUR');
    for (const bad of ['EURO', 'XYZ', '', 'E1R']) {
      let error: unknown;
      try { reportingCurrency(bad); } catch (e) { error = e; }
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).field).toBe('in');
    }
  });

  test('currencyLiteral writes only three capital letters into SQL text', () => {
    expect(currencyLiteral('EUR')).toEqual({ text: `'EUR'::text`, params: [] });
    for (const bad of ["EU'R", 'eur', 'EURO', "'; drop table x"]) expect(() => currencyLiteral(bad)).toThrow('not a currency code');
  });

  test('a missing rate names the pair and the date; checkedRows drops the column or throws on `in`', () => {
    expect(missingRateMessage('CHF|EUR|2025-03-31')).toBe('No exchange rate from CHF to EUR valid on 2025-03-31 (no CHF→EUR nor EUR→CHF rate dated on or '
      + 'before it): set one with `setExchangeRate`, or ask without `in`.');
    expect(checkedRows([{ a: 1, missingRate: null }, { a: 2, missingRate: null }])).toEqual([{ a: 1 }, { a: 2 }]);
    expect(checkedRows([])).toEqual([]);
    expect(() => checkedRows([{ a: 1, missingRate: null }, { a: 2, missingRate: 'USD|GBP|2025-01-31' }])).toThrow('from USD to GBP valid on 2025-01-31');
  });
});
