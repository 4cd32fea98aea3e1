/** The SLA rule: when a case counts as breached (isBreached in JavaScript, breachedAt in SQL for the job and filters). */
import { breachedAt, isBreached } from '../../src/services/case.service';
import { raw, sql } from '../../src/services/sql';

const at = (hhmm: string) => new Date(`2026-05-04T${hhmm}:00Z`);
// Opened 08:00 with a 2-hour first-response and a 10-hour resolution target.
const OPEN = { firstResponseDueAt: at('10:00'), resolutionDueAt: at('18:00'), firstRespondedAt: null, resolvedAt: null };

describe('isBreached', () => {
  test('open, no response yet: breached only once the response is overdue', () => {
    expect(isBreached(OPEN, at('09:59'))).toBe(false);
    expect(isBreached(OPEN, at('10:00'))).toBe(false); // due at 10:00 is still on time
    expect(isBreached(OPEN, at('10:01'))).toBe(true);
  });

  test('responded on time: breached only once the resolution is overdue', () => {
    const responded = { ...OPEN, firstRespondedAt: at('09:30') };
    expect(isBreached(responded, at('17:00'))).toBe(false);
    expect(isBreached(responded, at('18:00'))).toBe(false);
    expect(isBreached(responded, at('18:01'))).toBe(true);
  });

  test('a late response stays a breach, also after resolving in time', () => {
    expect(isBreached({ ...OPEN, firstRespondedAt: at('10:30'), resolvedAt: at('12:00') }, at('20:00'))).toBe(true);
  });

  test('a resolution without a reply counts as the response: the clocks stop', () => {
    expect(isBreached({ ...OPEN, resolvedAt: at('09:45') }, at('23:00'))).toBe(false);
    expect(isBreached({ ...OPEN, resolvedAt: at('11:00') }, at('11:30'))).toBe(true);
  });

  test('resolved late is breached even when it is long over', () => {
    expect(isBreached({ ...OPEN, firstRespondedAt: at('09:00'), resolvedAt: at('18:30') }, at('23:59'))).toBe(true);
  });

  test('timestamps read as ISO text (plain rows) give the same answers', () => {
    const text = { firstResponseDueAt: '2026-05-04T10:00:00.000Z', resolutionDueAt: '2026-05-04T18:00:00.000Z', firstRespondedAt: null, resolvedAt: null };
    expect(isBreached(text as any, at('09:00'))).toBe(false);
    expect(isBreached(text as any, at('10:30'))).toBe(true);
  });
});

describe('breachedAt', () => {
  test('the same rule in SQL, on the given alias and clock (a parameter for the job)', () => {
    const clock = sql`${'2026-05-04T10:01:00.000Z'}::timestamptz`;
    expect(breachedAt('k', clock)).toEqual({
      text: '(coalesce(k.first_responded_at, k.resolved_at, ?::timestamptz) > k.first_response_due_at\n'
        + '    or coalesce(k.resolved_at, ?::timestamptz) > k.resolution_due_at)',
      params: ['2026-05-04T10:01:00.000Z', '2026-05-04T10:01:00.000Z'],
    });
    expect(breachedAt('c', raw('now()')).params).toEqual([]);
  });
});
