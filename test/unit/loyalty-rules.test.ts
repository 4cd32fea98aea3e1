/**
 * The loyalty programme's pure rules: what is missing to the next tier, points for an amount. (Which tier a spend
 * earns is SQL — `tierOfSpendSql`, shared by enrolment, orders and the job — and tested through HTTP in loyalty.test.ts.)
 */
import { MembershipTier } from '../../src/entities/loyalty.enums';
import type { ProgrammeRow } from '../../src/services/loyalty.service';
import { nextTier, pointsFor } from '../../src/services/loyalty.service';

const programme = {
  currency: 'EUR', silverSpend: '1000.00', goldSpend: '5000.00', platinumSpend: '20000.00',
  standardRate: '1.0000', silverRate: '1.2500', goldRate: '1.5000', platinumRate: '2.0000',
} as ProgrammeRow;

test('next tier: the one above, with what is missing, never negative; none at PLATINUM', () => {
  expect(nextTier(programme, MembershipTier.STANDARD, '250.50')).toEqual({ tier: MembershipTier.SILVER, missing: '749.50' });
  expect(nextTier(programme, MembershipTier.SILVER, '680.00')).toEqual({ tier: MembershipTier.GOLD, missing: '4320.00' });
  expect(nextTier(programme, MembershipTier.STANDARD, '1200.00')).toEqual({ tier: MembershipTier.SILVER, missing: '0.00' }); // the upgrade waits for an order or the job
  expect(nextTier(programme, MembershipTier.PLATINUM, '99999.00')).toBeNull();
});

test.each([
  ['630.00', '1.0000', 630],
  ['50.00', '1.2500', 62], // 62.5 rounds down
  ['0.79', '1.2500', 0],
  ['19.99', '1.5000', 29], // 29.985, in decimal: never 30 by a float error
  ['0.10', '3', 0], // 0.3
  ['33.33', '3', 99], // 99.99, not 100
])('%s at rate %s earns %i points (floor)', (amount, rate, points) => {
  expect(pointsFor(amount, rate)).toBe(points);
});
