import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

/** `DATABASE_URL=` (set but empty) means "not set". */
const emptyAsUnset = (value: unknown) => (value === '' ? undefined : value);

/** `a, b` -> exact origins (scheme://host[:port], as a browser sends them in `Origin`); a typo fails start-up. */
function originList(value: string | undefined, ctx: z.RefinementCtx): string[] | undefined {
  if (value === undefined) return undefined;
  const origins = value.split(',').map((o) => o.trim()).filter(Boolean);
  for (const origin of origins) {
    let parsed: URL | null = null;
    try { parsed = new URL(origin); } catch { /* reported below */ }
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${origin}" is not an origin like https://app.example.com (scheme, host and port only, no path or trailing slash)` });
    }
  }
  return origins;
}
const count = (min: number) => z.preprocess(emptyAsUnset, z.coerce.number().int().min(min).max(1_000_000_000).optional());

/**
 * Rate limits and login throttling (see README "Rate limits and login throttling"). Counters live in
 * Redis when REDIS_URL is set, else in PostgreSQL when DATABASE_URL is set, else in memory. Unset
 * counts take the defaults below, which with NODE_ENV=test are high enough never to throttle the suite.
 */
const LimitEnv = {
  REDIS_URL: z.preprocess(emptyAsUnset, z.string().url().optional()),
  /** Prefix of every counter key, so that environments can share one Redis. */
  RATE_LIMIT_PREFIX: z.string().regex(/^[\w:.-]{1,60}$/, '1–60 letters, digits and _ : . - only').default('crm'),
  /** Requests per minute per signed-in user or API key; 0 turns the limit off. */
  RATE_LIMIT_PER_MINUTE: count(0),
  /** Requests per minute per client address without credentials (and with bad ones); 0 turns it off. */
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: count(0),
  /** Failed sign-ins per e-mail in LOGIN_LOCK_SECONDS before the account is locked for LOGIN_LOCK_SECONDS. */
  LOGIN_MAX_FAILURES: count(1),
  /** Failed sign-ins per e-mail after which each further attempt must wait 1, 2, 4, … seconds. */
  LOGIN_DELAY_AFTER_FAILURES: count(1),
  /** Failed sign-ins per client address in LOGIN_LOCK_SECONDS before the address is refused for LOGIN_LOCK_SECONDS. */
  LOGIN_MAX_FAILURES_PER_ADDRESS: count(1),
  LOGIN_LOCK_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  /** Express `trust proxy`: `false`, `true`, a hop count, or addresses/subnets of the proxies (for the client address). */
  TRUST_PROXY: z.string().default('false'),
};

/** Webhook delivery (see README "Webhooks"). */
const WebhookEnv = {
  /** How long a receiver has to answer one delivery, in ms, before the attempt counts as failed. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  /** Failed deliveries in a row after which a subscription is disabled (with a notice on it). */
  WEBHOOK_MAX_FAILURES: z.coerce.number().int().min(1).max(10_000).default(20),
  /** The delivery worker's poll interval in ms (it is also woken by new events); 0 disables it. Default 5000; with NODE_ENV=test disabled unless set. */
  WEBHOOK_POLL_MS: z.preprocess(emptyAsUnset, z.coerce.number().int().min(0).max(2_147_483_647).optional()),
  /**
   * Let webhooks go to http:// and to loopback/private addresses (local receivers). Default true outside
   * production; with NODE_ENV=production it is always false (https and public addresses only).
   */
  WEBHOOKS_ALLOW_PRIVATE: z.preprocess(emptyAsUnset, z.enum(['true', 'false']).optional()),
};

/** Defaults of the limits: production/development, and NODE_ENV=test. */
const LIMIT_DEFAULTS = {
  RATE_LIMIT_PER_MINUTE: [600, 1_000_000],
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: [120, 1_000_000],
  LOGIN_MAX_FAILURES: [10, 1_000_000],
  LOGIN_DELAY_AFTER_FAILURES: [3, 1_000_000],
  LOGIN_MAX_FAILURES_PER_ADDRESS: [100, 1_000_000],
} as const;
type LimitName = keyof typeof LIMIT_DEFAULTS;

/** Typed environment. Every setting the server reads lives here, nowhere else. */
const Env = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  /** PostgreSQL connection string; when unset the embedded database (PGlite) in DATA_DIR is used. */
  DATABASE_URL: z.preprocess(emptyAsUnset, z.string().url().optional()),
  /**
   * A read replica of DATABASE_URL (a PostgreSQL streaming replica): GraphQL queries read from it, mutations
   * (and what they read) stay on DATABASE_URL. Unset: everything on DATABASE_URL. See README "Scaling out".
   */
  DATABASE_READ_URL: z.preprocess(emptyAsUnset, z.string().url().optional()),
  DATA_DIR: z.string().default('./.data'),
  /** HS256 secret for user tokens; required in production, generated once into DATA_DIR otherwise. */
  JWT_SECRET: z.preprocess(emptyAsUnset, z.string().min(32, 'JWT_SECRET must be at least 32 characters').optional()),
  JWT_TTL_SECONDS: z.coerce.number().int().positive().default(8 * 3600),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Seed demo data into an empty database on start (never in production). */
  SEED_DEMO: z.enum(['true', 'false']).default('true'),
  /**
   * Background jobs (overdue receivables, collection tasks, contract dates, clean-up): their period in ms;
   * each runs once per wall-clock multiple of it across every instance (jobs/scheduler.ts); 0 disables
   * them. Default 3600000 (hourly); with NODE_ENV=test disabled unless set.
   */
  JOBS_INTERVAL_MS: z.preprocess(emptyAsUnset, z.coerce.number().int().min(0).max(2_147_483_647).optional()),
  /**
   * Browser origins allowed to call /graphql (CORS), comma-separated exact origins such as
   * `https://app.example.com,http://localhost:5173`. Unset: any localhost origin outside production, none in it.
   */
  CORS_ORIGINS: z.preprocess(emptyAsUnset, z.string().optional()).transform(originList),
  /** Serve the GraphiQL explorer on GET /graphql; default on, except with NODE_ENV=production. */
  EXPLORER: z.preprocess(emptyAsUnset, z.enum(['true', 'false']).optional()),
  /** Live updates (subscriptions): how often every open WebSocket's credentials are checked again (revoked key, deactivated user), in ms. */
  LIVE_RECHECK_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  ...WebhookEnv,
  ...LimitEnv,
});

export type Config = Omit<z.infer<typeof Env>, 'JOBS_INTERVAL_MS' | LimitName | 'TRUST_PROXY' | 'WEBHOOK_POLL_MS' | 'WEBHOOKS_ALLOW_PRIVATE'> & Record<LimitName, number> & {
  JOBS_INTERVAL_MS: number; jwtSecret: Uint8Array; dataDir: string; TRUST_PROXY: boolean | number | string;
  WEBHOOK_POLL_MS: number; WEBHOOKS_ALLOW_PRIVATE: boolean;
};

/** `TRUST_PROXY` as Express takes it: a boolean, a hop count, or the proxies' addresses. */
const trustProxy = (value: string): boolean | number | string =>
  value === 'true' ? true : value === 'false' ? false : /^\d+$/.test(value) ? Number(value) : value;

function loadJwtSecret(env: z.infer<typeof Env>, dataDir: string): Uint8Array {
  if (env.JWT_SECRET) return new TextEncoder().encode(env.JWT_SECRET);
  if (env.NODE_ENV === 'production') throw new Error('JWT_SECRET is required when NODE_ENV=production');
  if (env.NODE_ENV === 'test') return randomBytes(32);
  const file = join(dataDir, 'jwt-secret');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600 });
  }
  return new TextEncoder().encode(readFileSync(file, 'utf8').trim());
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const env = parsed.data;
  if (env.DATABASE_READ_URL && !env.DATABASE_URL) throw new Error('Invalid configuration: DATABASE_READ_URL: a read replica needs DATABASE_URL (the primary) too');
  const dataDir = resolve(env.DATA_DIR);
  const JOBS_INTERVAL_MS = env.JOBS_INTERVAL_MS ?? (env.NODE_ENV === 'test' ? 0 : 3_600_000);
  const limits = Object.fromEntries(Object.entries(LIMIT_DEFAULTS).map(([name, [normal, test]]) =>
    [name, env[name as LimitName] ?? (env.NODE_ENV === 'test' ? test : normal)])) as Record<LimitName, number>;
  const WEBHOOK_POLL_MS = env.WEBHOOK_POLL_MS ?? (env.NODE_ENV === 'test' ? 0 : 5000);
  const WEBHOOKS_ALLOW_PRIVATE = env.NODE_ENV !== 'production' && env.WEBHOOKS_ALLOW_PRIVATE !== 'false';
  return {
    ...env, ...limits, TRUST_PROXY: trustProxy(env.TRUST_PROXY), JOBS_INTERVAL_MS, WEBHOOK_POLL_MS, WEBHOOKS_ALLOW_PRIVATE, dataDir, jwtSecret: loadJwtSecret(env, dataDir),
  };
}
