import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/** The peers whose `X-Forwarded-For` is believed: addresses and CIDR ranges. */
export interface TrustedProxies {
  /** True when `address` (IPv4, IPv6 or IPv4-mapped IPv6) is one of the trusted proxies. */
  has(address: string): boolean;
}

/** Loopback only: the local platform, where the gateway runs on the same machine. */
export const DEFAULT_TRUSTED_PROXIES: readonly string[] = Object.freeze(['127.0.0.0/8', '::1/128']);

/** Proxy hops read from the right of `X-Forwarded-For` at most. */
const MAX_HOPS = 16;

/** `::ffff:10.0.0.7` → `10.0.0.7`; other addresses unchanged. */
function normalize(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/** Parses `10.0.0.0/8`, `fd00::/8` or a single address; `undefined` when it is neither. */
function parseEntry(entry: string): { address: string; prefix: number; type: 'ipv4' | 'ipv6' } | undefined {
  const [address = '', bits, ...rest] = entry.trim().split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return undefined;
  const max = version === 4 ? 32 : 128;
  const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
  if (!(prefix >= 0 && prefix <= max)) return undefined;
  return { address, prefix, type: version === 4 ? 'ipv4' : 'ipv6' };
}

/** True for an IP address or a CIDR range ({@link trustedProxies} accepts it). */
export function isAddressOrRange(entry: string): boolean {
  return parseEntry(entry) !== undefined;
}

/**
 * Builds the trusted-proxy set from addresses and CIDR ranges (config `trusted-proxies`).
 * Throws a `TypeError` naming the entry that is neither (the config schema refuses it first).
 *
 * @example
 * const trusted = trustedProxies(['10.0.0.0/8', '127.0.0.1']);
 * trusted.has('10.1.2.3'); // true
 */
export function trustedProxies(entries: readonly string[]): TrustedProxies {
  const list = new BlockList();
  for (const entry of entries) {
    const parsed = parseEntry(entry);
    if (parsed === undefined) throw new TypeError(`trusted proxy ${JSON.stringify(entry)} is not an IP address or CIDR range`);
    list.addSubnet(parsed.address, parsed.prefix, parsed.type);
  }
  return {
    has(address) {
      const a = normalize(address);
      const version = isIP(a);
      return version !== 0 && list.check(a, version === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

/**
 * The client's address. The socket peer, unless the peer is a trusted proxy (the gateway, an
 * ingress): then `X-Forwarded-For` is read from the right, skipping trusted proxies, and the
 * first address that is not one is the client (what a client writes itself into the header is
 * further left and never reached). `X-Real-IP` is ignored: anyone can send it.
 */
export function clientAddress(req: IncomingMessage, trusted: TrustedProxies): string {
  const peer = normalize(req.socket.remoteAddress ?? 'unknown');
  if (!trusted.has(peer)) return peer;
  const header = req.headers['x-forwarded-for'];
  if (typeof header !== 'string') return peer;
  let client = peer;
  const hops = header.split(',');
  for (let i = hops.length - 1; i >= Math.max(0, hops.length - MAX_HOPS); i--) {
    const hop = normalize(hops[i]!.trim());
    if (isIP(hop) === 0) break; // garbage left of the trusted hops: the hop to its right is the client
    client = hop;
    if (!trusted.has(hop)) break;
  }
  return client;
}
