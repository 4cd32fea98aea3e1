import cors from 'cors';
import type { RequestHandler } from 'express';
import type { Config } from '../config';

/**
 * Request headers a browser page may send. The API reads `authorization` and `x-api-key`;
 * `content-type: application/json` and the two CSRF headers (`apollo-require-preflight`,
 * `x-apollo-operation-name`) are what make a request non-simple, which Apollo's CSRF prevention requires.
 * (Order pushes carry their idempotency key in the input, not in a header.)
 */
export const CORS_ALLOWED_HEADERS = ['authorization', 'content-type', 'x-api-key', 'apollo-require-preflight', 'x-apollo-operation-name'];

/** Response headers a page may read besides the CORS-safelisted ones: rate-limit state and when to retry. */
export const CORS_EXPOSED_HEADERS = ['RateLimit', 'RateLimit-Policy', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Retry-After'];

/** `http(s)://localhost` or `127.0.0.1` (or `[::1]`) on any port: a developer's own dev server. */
const LOCALHOST = /^https?:\/\/(?:localhost|127\.0\.0\.1|\[::1\])(?::\d{1,5})?$/;

/** Which origins may call the API: `CORS_ORIGINS` exactly; unset, any localhost origin outside production. */
export function originPolicy(config: Pick<Config, 'CORS_ORIGINS' | 'NODE_ENV'>): (origin: string) => boolean {
  if (config.CORS_ORIGINS) {
    const allowed = new Set(config.CORS_ORIGINS);
    return (origin) => allowed.has(origin);
  }
  if (config.NODE_ENV === 'production') return () => false;
  return (origin) => LOCALHOST.test(origin);
}

/**
 * CORS for /graphql. Mounted before everything else on the path so that every answer (401 for a bad
 * token, 400, 413, 429) carries the headers and the page can read the error. Credentials stay off:
 * tokens travel in headers, never in cookies. Apollo's CSRF prevention is untouched: a simple
 * (non-preflighted) request from any origin is still refused before it runs.
 */
export function corsMiddleware(config: Pick<Config, 'CORS_ORIGINS' | 'NODE_ENV'>): RequestHandler {
  const isAllowed = originPolicy(config);
  const allow = cors({
    origin: true, // echo the request's origin; only called for allowed origins
    methods: ['GET', 'POST'],
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    credentials: false,
    maxAge: 600, // browsers cap this anyway (Chromium: 2 h)
  });
  return (req, res, next) => {
    // Answers differ by origin: caches must not hand one origin's answer to another.
    res.vary('Origin');
    const origin = req.headers.origin;
    if (!origin) return next(); // not a cross-origin browser request
    if (isAllowed(origin)) return allow(req, res, next);
    if (req.method === 'OPTIONS') {
      // No CORS headers, so the browser blocks the call; the body is for whoever reads the network tab.
      res.status(403).json({ errors: [{ message: `Origin ${origin} is not allowed: add it to CORS_ORIGINS.`, extensions: { code: 'FORBIDDEN' } }] });
      return;
    }
    next();
  };
}
