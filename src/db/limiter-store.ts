import Redis from 'ioredis';
import type { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Config } from '../config';
import type { Database } from './database';

/** One kind of counter: `points` per `duration` seconds; over it, blocked for `blockDuration` seconds (0: to the end of the window). */
export interface LimiterOptions {
  name: string;
  points: number;
  duration: number;
  blockDuration?: number;
}

/** Where the counters of the request limits and the login throttle live (rate-limiter-flexible limiters). */
export interface LimiterStore {
  limiter(opts: LimiterOptions): RateLimiterAbstract;
  close(): Promise<void>;
}

/** Created by a migration: the app never creates tables at run time (`tableCreated: true`). */
const RATE_LIMIT_TABLE = 'rate_limit';

/** Rows expired for longer than this are deleted every 5 minutes (as the library's own timer would, but stoppable). */
const CLEAR_EXPIRED_AFTER_MS = 3_600_000;
const CLEAR_EVERY_MS = 300_000;

const memory = (prefix: string, o: LimiterOptions) =>
  new RateLimiterMemory({ keyPrefix: `${prefix}:${o.name}`, points: o.points, duration: o.duration, blockDuration: o.blockDuration ?? 0 });

/**
 * Redis when `REDIS_URL` is set, else PostgreSQL when the database is PostgreSQL (both shared by every
 * API instance), else memory (the embedded database: one process). A shared store that fails answers
 * from an in-memory stand-in (`insuranceLimiter`) until it is back, so an outage neither stops the API
 * nor turns the limits off.
 */
export async function openLimiterStore(config: Config, db: Database, log: Logger): Promise<LimiterStore> {
  const prefix = config.RATE_LIMIT_PREFIX;
  if (config.REDIS_URL) {
    // No offline queue: while Redis is away, calls fail at once and the in-memory stand-in answers.
    // Reconnects only once it has worked: a wrong REDIS_URL at start-up fails fast instead of retrying
    // (and leaves no timer behind, or Jest would not exit).
    let connected = false;
    const redis = new Redis(config.REDIS_URL, {
      lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectionName: `crm-api:${prefix}`,
      retryStrategy: (attempt) => (connected ? Math.min(attempt * 200, 2000) : null),
    });
    redis.on('error', (err) => log.warn({ err: err.message }, 'redis (rate limits): connection error'));
    try {
      await redis.connect();
      connected = true;
    } catch (error) {
      if (redis.status !== 'end') redis.disconnect();
      throw new Error(`REDIS_URL is set but Redis cannot be reached: ${(error as Error).message}`);
    }
    return {
      limiter: (o) => new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:${o.name}`, points: o.points, duration: o.duration,
        blockDuration: o.blockDuration ?? 0, insuranceLimiter: memory(prefix, o) }),
      async close() {
        await redis.quit().catch(() => redis.disconnect());
      },
    };
  }
  if (db.kind === 'postgresql') {
    // The ORM's own pool (knex): the counters cost one statement per check, no extra connections.
    const knex = db.orm.em.getConnection().getKnex();
    const sweeper = setInterval(() => {
      knex.raw(`delete from ${RATE_LIMIT_TABLE} where expire < ?`, [Date.now() - CLEAR_EXPIRED_AFTER_MS])
        .catch((err: Error) => log.warn({ err: err.message }, 'rate limits: clearing expired counters failed'));
    }, CLEAR_EVERY_MS);
    sweeper.unref();
    return {
      limiter: (o) => new RateLimiterPostgres({ storeClient: knex, storeType: 'knex', tableName: RATE_LIMIT_TABLE, tableCreated: true,
        clearExpiredByTimeout: false, keyPrefix: `${prefix}:${o.name}`, points: o.points, duration: o.duration,
        blockDuration: o.blockDuration ?? 0, insuranceLimiter: memory(prefix, o) }),
      async close() {
        clearInterval(sweeper);
      },
    };
  }
  return { limiter: (o) => memory(prefix, o), close: async () => {} };
}
