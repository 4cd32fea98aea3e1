/** Periods of the background jobs: wall-clock multiples of the interval, the same on every instance. */
import { keepRunsMs, nextPeriodStart, periodStart } from '../../src/jobs/period';

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);

test('an hourly period is the clock hour (UTC), whenever an instance started', () => {
  expect(periodStart(at('2026-12-05T10:00:00.000Z'), HOUR)).toBe(at('2026-12-05T10:00:00.000Z'));
  expect(periodStart(at('2026-12-05T10:59:59.999Z'), HOUR)).toBe(at('2026-12-05T10:00:00.000Z'));
  expect(periodStart(at('2026-12-05T11:00:00.000Z'), HOUR)).toBe(at('2026-12-05T11:00:00.000Z'));
  expect(nextPeriodStart(at('2026-12-05T10:17:00.000Z'), HOUR)).toBe(at('2026-12-05T11:00:00.000Z'));
  expect(nextPeriodStart(at('2026-12-05T10:00:00.000Z'), HOUR)).toBe(at('2026-12-05T11:00:00.000Z'));
});

test('short periods (a delivery job every 5 s) and periods that do not divide the hour', () => {
  expect(periodStart(at('2026-12-05T10:00:07.300Z'), 5000)).toBe(at('2026-12-05T10:00:05.000Z'));
  const seven = 7 * 60_000;
  const start = periodStart(at('2026-12-05T10:00:00.000Z'), seven);
  expect(start % seven).toBe(0);
  expect(at('2026-12-05T10:00:00.000Z') - start).toBeLessThan(seven);
});

test('not a period: zero, negative or fractional', () => {
  expect(() => periodStart(Date.now(), 0)).toThrow(/not a job period/);
  expect(() => periodStart(Date.now(), -5)).toThrow(/not a job period/);
  expect(() => periodStart(Date.now(), 1.5)).toThrow(/not a job period/);
});

test('runs are kept a week, at most 1,000 periods', () => {
  expect(keepRunsMs(HOUR)).toBe(7 * 24 * HOUR);
  expect(keepRunsMs(1000)).toBe(1_000_000);
});
