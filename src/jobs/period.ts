/**
 * Periods of the background jobs: wall-clock multiples of the job's interval counted from the Unix epoch
 * (UTC), so that every instance, whenever it started, agrees on which period "now" is in. With the hourly
 * default a period is a clock hour (10:00–11:00 UTC).
 */
export function periodStart(at: number, everyMs: number): number {
  if (!Number.isSafeInteger(everyMs) || everyMs <= 0) throw new Error(`not a job period: ${everyMs}`);
  return Math.floor(at / everyMs) * everyMs;
}

/** The start of the period after the one `at` is in. */
export function nextPeriodStart(at: number, everyMs: number): number {
  return periodStart(at, everyMs) + everyMs;
}

/**
 * How long runs stay in the run log: a week, but no more than 1,000 periods (a job that runs every
 * second would otherwise keep 600,000 rows).
 */
export function keepRunsMs(everyMs: number): number {
  return Math.min(7 * 86_400_000, 1000 * everyMs);
}
