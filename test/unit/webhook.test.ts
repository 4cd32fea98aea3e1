import { createHmac } from 'node:crypto';
import { retryDelayMs, RETRY_WINDOW_MS } from '../../src/services/webhook-delivery';
import { signWebhook, verifyWebhookSignature } from '../../src/services/webhook-signature';
import { isNonPublicAddress, urlProblem } from '../../src/services/webhook-url';

/** Pure parts of webhooks: signatures, the URL rules, the retry schedule. */

describe('signWebhook / verifyWebhookSignature', () => {
  const secret = 'whsec_test';
  const body = '{"id":"e1","type":"order.created"}';

  it('signs `${t}.${body}` with HMAC-SHA256 as t=<unix>,v1=<hex>, and verifies it', () => {
    const header = signWebhook(secret, body, 1_800_000_000);
    // Known answer: the recipe in the README gives the same hex.
    expect(header).toBe(`t=1800000000,v1=${createHmac('sha256', secret).update(`1800000000.${body}`).digest('hex')}`);
    expect(verifyWebhookSignature(secret, body, header, { now: 1_800_000_010 })).toBe(true);
  });

  it('refuses another body, secret or timestamp, a stale or future time, and malformed headers', () => {
    const header = signWebhook(secret, body, 1_800_000_000);
    const at = { now: 1_800_000_000 };
    expect(verifyWebhookSignature(secret, body.replace('e1', 'e2'), header, at)).toBe(false);
    expect(verifyWebhookSignature('whsec_other', body, header, at)).toBe(false);
    expect(verifyWebhookSignature(secret, body, header.replace('t=1800000000', 't=1800000001'), at)).toBe(false);
    expect(verifyWebhookSignature(secret, body, header, { now: 1_800_000_301 })).toBe(false);
    expect(verifyWebhookSignature(secret, body, header, { now: 1_799_999_600 })).toBe(false);
    expect(verifyWebhookSignature(secret, body, header, { now: 1_800_000_900, toleranceSeconds: 1000 })).toBe(true);
    for (const bad of [undefined, '', 'v1=abc', 't=x,v1=00', `t=1800000000,v1=${'0'.repeat(63)}`, 't=1800000000']) {
      expect(verifyWebhookSignature(secret, body, bad, at)).toBe(false);
    }
  });
});

describe('URL rules', () => {
  const production = { httpsOnly: true, publicOnly: true };
  const relaxed = { httpsOnly: false, publicOnly: false };

  it('production: https only, no credentials, no loopback/private/link-local/unique-local literal or localhost', () => {
    expect(urlProblem('https://hooks.example.com/crm', production)).toBeNull();
    expect(urlProblem('https://93.184.216.34/crm', production)).toBeNull();
    expect(urlProblem('http://hooks.example.com/crm', production)).toMatch(/https/);
    expect(urlProblem('ftp://hooks.example.com/crm', production)).toMatch(/https/);
    expect(urlProblem('https://user:pw@hooks.example.com/', production)).toMatch(/user name or password/);
    for (const host of ['127.0.0.1', '10.0.0.8', '172.20.1.1', '192.168.1.1', '169.254.169.254', '0.0.0.0', '100.64.0.1', '[::1]', '[fe80::1]', '[fd12::1]', '[::ffff:10.0.0.1]', 'localhost', 'api.localhost']) {
      expect(urlProblem(`https://${host}/x`, production)).toMatch(/loopback or private/);
    }
    expect(urlProblem('nonsense', production)).toMatch(/Not a URL/);
  });

  it('outside production local receivers are allowed', () => {
    expect(urlProblem('http://127.0.0.1:8080/hook', relaxed)).toBeNull();
    expect(urlProblem('ftp://127.0.0.1/hook', relaxed)).toMatch(/https/);
  });

  it('classifies resolved addresses', () => {
    expect(['8.8.8.8', '2001:4860:4860::8888', '93.184.216.34'].map(isNonPublicAddress)).toEqual([false, false, false]);
    expect(['127.0.0.2', '::1', 'fc00::5', 'fe80::1', '::ffff:192.168.0.1', '224.0.0.1', 'not-an-ip'].map(isNonPublicAddress)).toEqual(Array(7).fill(true));
  });
});

describe('retry schedule', () => {
  it('doubles from 30 s to a 6 h cap, with a jitter of ±25 %', () => {
    expect([1, 2, 3, 4].map((a) => retryDelayMs(a, 0.5))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(retryDelayMs(20, 0.5)).toBe(6 * 3600_000);
    expect(retryDelayMs(1, 0)).toBe(22_500);
    expect(retryDelayMs(1, 1)).toBe(37_500);
  });

  it('reaches the 3-day window after about 20 attempts (where the default of 20 failures in a row disables the subscription)', () => {
    let elapsed = 0;
    let attempts = 0;
    while (elapsed <= RETRY_WINDOW_MS) elapsed += retryDelayMs(++attempts, 0.5);
    expect(attempts).toBeGreaterThanOrEqual(18);
    expect(attempts).toBeLessThanOrEqual(22);
  });
});
