import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures (issue 15). Every delivery carries
 *
 *     X-CRM-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the subscription's secret>
 *
 * The receiver recomputes the HMAC over the raw body it received (before parsing JSON), compares in
 * constant time, and refuses a timestamp too far from its clock (replays of an old request). Pure code,
 * no database: the README's verification recipe is this file's `verifyWebhookSignature`.
 */

export const SIGNATURE_HEADER = 'X-CRM-Signature';

/** The header value for `body` sent at `timestamp` (unix seconds). */
export function signWebhook(secret: string, body: string, timestamp: number): string {
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${v1}`;
}

export interface VerifyOptions {
  /** How far the signed time may be from `now`, in seconds (default 300). */
  toleranceSeconds?: number;
  /** The receiver's clock, unix seconds (default: now). */
  now?: number;
}

/** True when `header` is a valid signature of `body` with `secret`, made within the tolerance. */
export function verifyWebhookSignature(secret: string, body: string, header: string | undefined | null, opts: VerifyOptions = {}): boolean {
  if (!header) return false;
  const parts = new Map(header.split(',').map((p) => {
    const at = p.indexOf('=');
    return [p.slice(0, at).trim(), p.slice(at + 1).trim()] as const;
  }));
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1') ?? '';
  if (!Number.isInteger(t) || !/^[0-9a-f]{64}$/.test(v1)) return false;
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > (opts.toleranceSeconds ?? 300)) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(v1, 'hex'));
}
