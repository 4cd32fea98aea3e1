import { isIPv6 } from 'node:net';
import type { Request } from 'express';

/**
 * The caller's address as counters key it: IPv4 as is (also when written IPv4-mapped, `::ffff:1.2.3.4`),
 * IPv6 by its /64 network, because one host commonly holds a whole /64 and would otherwise get as many
 * fresh counters as it likes. Behind a reverse proxy, set TRUST_PROXY so that `req.ip` is the client's.
 */
export function clientAddress(req: Request): string {
  return addressKey(req.ip ?? req.socket.remoteAddress ?? 'unknown');
}

export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1];
  const bare = ip.replace(/%.*$/, ''); // zone index (fe80::1%eth0)
  if (!isIPv6(bare)) return ip;
  const [head, tail = ''] = bare.split('::');
  const groups = (s: string) => (s ? s.split(':') : []);
  const known = bare.includes('::') ? [...groups(head), ...Array(8 - groups(head).length - groups(tail).length).fill('0'), ...groups(tail)] : groups(bare);
  return `${known.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}
