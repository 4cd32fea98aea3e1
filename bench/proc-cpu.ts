import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/** CPU time from /proc (clock ticks of utime + stime; threads included), for the benches that report it. */

export const CLK_TCK = (() => {
  const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const value = Number(out.stdout?.trim());
  return Number.isInteger(value) && value > 0 ? value : 100;
})();
export const ticksToMs = (ticks: number) => (ticks * 1000) / CLK_TCK;

/** utime + stime of a process in clock ticks, or null when it is gone. */
export function processTicks(pid: number | string): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // Fields after the command name (which may hold spaces, inside parentheses): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

export interface PgSnapshot { ticks: Map<number, number>; ownDb: Set<number> }

/**
 * Every process named `postgres` (server, backends, background workers), with its ticks; `ownDb` are the
 * backends connected to `database` (their title, in cmdline, is `postgres: … user database host(port) state`).
 */
export function postgresSnapshot(database: string): PgSnapshot {
  const ticks = new Map<number, number>();
  const ownDb = new Set<number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
      const t = processTicks(entry);
      if (t === null) continue;
      const pid = Number(entry);
      ticks.set(pid, t);
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').includes(` ${database} `)) ownDb.add(pid);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return { ticks, ownDb };
}

/**
 * Ticks spent between two snapshots, per process (a process born in between counts in full; one that ended
 * in between is lost, which the pools' long-lived connections make rare): all of them, and own-database backends.
 */
export function postgresDelta(before: PgSnapshot, after: PgSnapshot): { all: number; ownDb: number } {
  let all = 0;
  let ownDb = 0;
  for (const [pid, t] of after.ticks) {
    const spent = t - (before.ticks.get(pid) ?? 0);
    all += spent;
    if (after.ownDb.has(pid)) ownDb += spent;
  }
  return { all, ownDb };
}
