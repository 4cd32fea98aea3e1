import { createHash } from 'node:crypto';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { LimiterOptions } from '../db/limiter-store';
import { normalizeEmail } from './validation';

/** The limits of `LoginThrottle` (from the configuration). */
export interface LoginLimits {
  /** Failed sign-ins per e-mail in `lockSeconds` before the e-mail is locked for `lockSeconds`. */
  maxFailures: number;
  /** Failed sign-ins per e-mail after which every further attempt waits 1, 2, 4, … seconds. */
  delayAfterFailures: number;
  /** Failed sign-ins per client address in `lockSeconds` before the address is refused for `lockSeconds`. */
  maxFailuresPerAddress: number;
  lockSeconds: number;
}

/** Why a sign-in was not even tried, and how many seconds until it may be. */
export interface LoginRefusal {
  code: 'LOGIN_LOCKED' | 'LOGIN_THROTTLED';
  /** `account`: locked; `delay`: too soon after the last failure; `address`: too many failures from the caller's address. */
  reason: 'account' | 'delay' | 'address';
  retryAfter: number;
}

export type LoginOutcome<T> = { ok: T } | { refused: LoginRefusal } | { failed: true };

/** Whole seconds, at least 1 (a Retry-After of 0 invites an immediate retry). */
export const retrySeconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * Counters are kept per e-mail whether or not a user has it, so that an unknown e-mail is throttled and
 * locked exactly like a real one (the answers never tell them apart). Hashed: the store holds no e-mails.
 */
const accountKey = (email: string) => createHash('sha256').update(normalizeEmail(email)).digest('hex');

/**
 * Throttles password guessing, per e-mail and per client address:
 * - after `delayAfterFailures` failures of an e-mail, the next attempt must wait 1 s, then 2, 4, … (LOGIN_THROTTLED);
 * - after `maxFailures` failures within `lockSeconds`, the e-mail is locked for `lockSeconds` (LOGIN_LOCKED),
 *   even for the right password, until then or until an ADMIN unlocks it;
 * - after `maxFailuresPerAddress` failures from one address (over any e-mails), that address is refused.
 * A successful sign-in resets the e-mail's counters. Refused attempts skip the password check.
 *
 * Each attempt is counted before the password is checked, atomically in the store: parallel guesses
 * cannot slip past the lock. (The delay is checked first without counting, so parallel requests may
 * share one delay slot; the lock still bounds them.)
 */
export class LoginThrottle {
  private readonly account: RateLimiterAbstract;
  private readonly address: RateLimiterAbstract;
  private readonly delay: RateLimiterAbstract;

  constructor(limiter: (opts: LimiterOptions) => RateLimiterAbstract, private readonly limits: LoginLimits) {
    const window = limits.lockSeconds;
    this.account = limiter({ name: 'login-account', points: limits.maxFailures, duration: window, blockDuration: window });
    this.address = limiter({ name: 'login-address', points: limits.maxFailuresPerAddress, duration: window, blockDuration: window });
    // A blocked key of this limiter is a pending delay; its points are never consumed.
    this.delay = limiter({ name: 'login-delay', points: 1, duration: window });
  }

  /** Runs `verify` (the password check) unless the e-mail or the address is throttled, and counts a failure. */
  async attempt<T>(email: string, address: string, verify: () => Promise<T | null>): Promise<LoginOutcome<T>> {
    const account = accountKey(email);
    const pending = await this.delay.get(account);
    if (pending && pending.consumedPoints > this.delay.points && pending.msBeforeNext > 0) {
      return { refused: { code: 'LOGIN_THROTTLED', reason: 'delay', retryAfter: retrySeconds(pending.msBeforeNext) } };
    }
    const byAddress = await consume(this.address, address);
    if (!(byAddress instanceof RateLimiterRes)) return { refused: { code: 'LOGIN_THROTTLED', reason: 'address', retryAfter: byAddress.retryAfter } };
    const byAccount = await consume(this.account, account);
    if (!(byAccount instanceof RateLimiterRes)) return { refused: { code: 'LOGIN_LOCKED', reason: 'account', retryAfter: byAccount.retryAfter } };

    const result = await verify();
    if (result) {
      // The counters were for failures: a success resets the e-mail's and gives the address its attempt back.
      await Promise.all([this.account.delete(account), this.delay.delete(account), this.address.reward(address)]);
      return { ok: result };
    }
    const failures = byAccount.consumedPoints;
    if (failures >= this.limits.delayAfterFailures && failures < this.limits.maxFailures) {
      await this.delay.block(account, Math.min(2 ** (failures - this.limits.delayAfterFailures), this.limits.lockSeconds));
    }
    return { failed: true };
  }

  /** Lifts a lock and a pending delay of the e-mail (ADMIN `unlockUser`). Address counters expire on their own. */
  async unlock(email: string): Promise<void> {
    const account = accountKey(email);
    await Promise.all([this.account.delete(account), this.delay.delete(account)]);
  }
}

/** Counts one attempt: the counter after it, or how long the key stays refused. Store errors propagate. */
async function consume(limiter: RateLimiterAbstract, key: string): Promise<RateLimiterRes | { retryAfter: number }> {
  try {
    return await limiter.consume(key);
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return { retryAfter: retrySeconds(rejection.msBeforeNext) };
    throw rejection;
  }
}
