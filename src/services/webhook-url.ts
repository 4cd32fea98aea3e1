import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * Where webhooks may go (issue 15). In production only `https:` URLs, and never to an address of this
 * machine or of a private network (SSRF: a subscription must not make the API call its own database,
 * metadata service or intranet). The URL is checked when the subscription is saved (its host resolved),
 * and again at every delivery: the delivery connects only to addresses it has just resolved and checked,
 * so a name that later resolves elsewhere (DNS rebinding) is refused too. Outside production both rules
 * relax (local receivers) unless WEBHOOKS_ALLOW_PRIVATE=false.
 */

export interface UrlRules {
  /** https only. */
  httpsOnly: boolean;
  /** Refuse loopback, private, link-local, unique-local and other non-public addresses. */
  publicOnly: boolean;
}

/** The rules of a deployment: both apply unless WEBHOOKS_ALLOW_PRIVATE (never in production) lifts them. */
export const urlRulesFor = (allowPrivate: boolean): UrlRules => ({ httpsOnly: !allowPrivate, publicOnly: !allowPrivate });

/** Networks a webhook may not reach when `publicOnly`. */
const BLOCKED = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) BLOCKED.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96], ['2001:db8::', 32], ['100::', 64],
] as const) BLOCKED.addSubnet(net, bits, 'ipv6');

/** True for an address a webhook may not reach in production (loopback, private, link-local, unique-local, reserved). */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return BLOCKED.check(address, 'ipv4');
  if (family !== 6) return true;
  // An IPv4 address written as IPv6 (::ffff:10.0.0.1) is that IPv4 address.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return BLOCKED.check(mapped[1], 'ipv4');
  return BLOCKED.check(address, 'ipv6');
}

/** What is wrong with the URL itself (scheme, credentials, a literal address), or null. */
export function urlProblem(url: string, rules: UrlRules): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'Not a URL: give an absolute URL such as https://example.com/hooks/crm.';
  }
  if (url.length > 2000) return 'The URL is longer than 2000 characters.';
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'Use an https:// URL.';
  if (rules.httpsOnly && parsed.protocol !== 'https:') return 'Webhook URLs must use https://.';
  if (parsed.username || parsed.password) return 'Put no user name or password in the URL: check the signature header instead.';
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (rules.publicOnly && (host === 'localhost' || host.endsWith('.localhost') || (isIP(host) && isNonPublicAddress(host)))) {
    return `${host} is a loopback or private address: webhooks go to public addresses only.`;
  }
  return null;
}

/** Resolves a host name to all its addresses; refuses when one of them is not public (under `publicOnly`). */
export async function resolveChecked(host: string, rules: UrlRules): Promise<LookupAddress[]> {
  const bare = host.replace(/^\[|\]$/g, '');
  const addresses = isIP(bare) ? [{ address: bare, family: isIP(bare) }]
    : await new Promise<LookupAddress[]>((resolve, reject) => dnsLookup(bare, { all: true }, (err, found) => (err ? reject(err) : resolve(found))));
  if (!addresses.length) throw new Error(`${bare} does not resolve.`);
  if (rules.publicOnly) {
    const bad = addresses.find((a) => isNonPublicAddress(a.address));
    if (bad) throw new Error(`${bare} resolves to ${bad.address}, a loopback or private address: webhooks go to public addresses only.`);
  }
  return addresses;
}

/** The URL's problem, including where its host resolves (at creation), or null. */
export async function checkWebhookUrl(url: string, rules: UrlRules): Promise<string | null> {
  const problem = urlProblem(url, rules);
  if (problem) return problem;
  if (!rules.publicOnly) return null;
  try {
    await resolveChecked(new URL(url).hostname, rules);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}
