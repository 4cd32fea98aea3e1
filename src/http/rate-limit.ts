import type { Request, Response } from 'express';
import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Principal } from '../auth/principal';
import type { Config } from '../config';
import { openLimiterStore } from '../db/limiter-store';
import type { Database } from '../db/database';
import { LoginThrottle, retrySeconds } from '../services/login-throttle';
import { clientAddress } from './client-address';

const WINDOW_SECONDS = 60;

/** The request limits and the login throttle (they share one counter store). */
export interface RateLimits {
  loginThrottle: LoginThrottle;
  /**
   * Builds the request's context (which authenticates the caller) and charges the request: to the user
   * or API key, or to the client address when there are no credentials — or bad ones, so that guessing
   * tokens or keys is limited too (the bad request still gets its 401 until the address is over its
   * limit, then 429). Sets the RateLimit-* headers; over the limit, throws RATE_LIMITED (HTTP 429).
   */
  guard<T extends { principal: Principal | null }>(req: Request, res: Response, build: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const rateLimited = (message: string, retryAfter: number) => new GraphQLError(message, {
  extensions: { code: 'RATE_LIMITED', retryAfter, http: { status: 429, headers: new Map([['retry-after', String(retryAfter)]]) } },
});

/** The IETF draft's fields (draft-ietf-httpapi-ratelimit-headers-06): the limit, what is left, seconds until the window resets. */
function setHeaders(res: Response, limit: number, remaining: number, resetSeconds: number) {
  res.setHeader('RateLimit-Limit', String(limit));
  res.setHeader('RateLimit-Remaining', String(remaining));
  res.setHeader('RateLimit-Reset', String(resetSeconds));
  res.setHeader('RateLimit-Policy', `${limit};w=${WINDOW_SECONDS}`);
}

export async function openRateLimits(config: Config, db: Database, log: Logger): Promise<RateLimits> {
  const store = await openLimiterStore(config, db, log);
  const perMinute = (name: string, points: number) => (points > 0 ? store.limiter({ name, points, duration: WINDOW_SECONDS }) : null);
  const callers = perMinute('requests', config.RATE_LIMIT_PER_MINUTE);
  const addresses = perMinute('requests-anonymous', config.RATE_LIMIT_ANONYMOUS_PER_MINUTE);

  async function charge(limiter: RateLimiterAbstract | null, key: string, res: Response, who: string) {
    if (!limiter) return;
    let used: RateLimiterRes;
    try {
      used = await limiter.consume(key);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) {
        // Both the shared store and its in-memory stand-in failed: serve rather than refuse everyone.
        log.error({ err: rejection }, 'rate limits: counter unavailable, request let through');
        return;
      }
      const retryAfter = retrySeconds(rejection.msBeforeNext);
      setHeaders(res, limiter.points, 0, retryAfter);
      throw rateLimited(`Too many requests: at most ${limiter.points} per minute ${who}. Retry in ${retryAfter} s.`, retryAfter);
    }
    setHeaders(res, limiter.points, used.remainingPoints, retrySeconds(used.msBeforeNext));
  }

  return {
    loginThrottle: new LoginThrottle(store.limiter, {
      maxFailures: config.LOGIN_MAX_FAILURES,
      delayAfterFailures: config.LOGIN_DELAY_AFTER_FAILURES,
      maxFailuresPerAddress: config.LOGIN_MAX_FAILURES_PER_ADDRESS,
      lockSeconds: config.LOGIN_LOCK_SECONDS,
    }),
    async guard(req, res, build) {
      const address = clientAddress(req);
      let context;
      try {
        context = await build();
      } catch (error) {
        await charge(addresses, address, res, 'from your address without valid credentials');
        throw error;
      }
      const p = context.principal;
      if (p) await charge(callers, `${p.type}:${p.id}`, res, p.type === 'USER' ? 'per user' : 'per API key');
      else await charge(addresses, address, res, 'from your address without credentials');
      return context;
    },
    close: () => store.close(),
  };
}
