import { appendFileSync } from 'node:fs';

/**
 * Where a test file spends its time, for tuning the suite: with CRM_TEST_PROFILE=<file>, each test file
 * that starts a test app appends one JSON line with the milliseconds of each phase (file start → modules
 * loaded → database copied → createApp → fixtures and tests → closed). Off by default: a mark is then
 * one Date.now().
 */
const FILE = process.env.CRM_TEST_PROFILE;
// Set by test/support/shared-runtime.js when the file's runtime is created.
const started: number = (globalThis as any).__crmFileStartedAt ?? Date.now();
const marks: [string, number][] = [];

export const profile = {
  mark(name: string): void {
    marks.push([name, Date.now()]);
  },
  /** Writes the file's line (when profiling). */
  write(): void {
    if (!FILE) return;
    let last = started;
    const phases: Record<string, number> = {};
    for (const [name, at] of [...marks, ['close', Date.now()] as [string, number]]) {
      phases[name] = (phases[name] ?? 0) + (at - last);
      last = at;
    }
    const file = expect.getState().testPath?.replace(/.*\/test\//, '') ?? '?';
    appendFileSync(FILE, `${JSON.stringify({ file, pid: process.pid, total: Date.now() - started, ...phases })}\n`);
  },
};
