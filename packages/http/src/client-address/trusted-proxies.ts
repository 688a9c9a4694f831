import { BlockList, isIP } from 'node:net';
import { TrustedProxyError } from './errors.ts';

/**
 * The peers whose forwarding header is believed: a set of addresses and CIDR ranges, built by
 * {@link trustedProxies}.
 */
export interface TrustedProxies {
  /**
   * Whether `address` is one of the trusted proxies. IPv4-mapped IPv6 addresses
   * (`::ffff:10.0.0.7`) match IPv4 entries; an IPv6 zone id (`fe80::1%eth0`) is ignored; anything
   * that is not an IP address is never trusted.
   */
  has(address: string): boolean;
}

/**
 * The loopback ranges, `127.0.0.0/8` and `::1/128`: the proxy runs on the same machine (a local
 * gateway, a sidecar reaching the app over `localhost`).
 *
 * @example
 * ```ts
 * const resolve = createClientAddressResolver({ trustedProxies: LOOPBACK_PROXIES });
 * ```
 */
export const LOOPBACK_PROXIES: readonly string[] = Object.freeze(['127.0.0.0/8', '::1/128']);

interface Subnet {
  readonly address: string;
  readonly prefix: number;
  readonly type: 'ipv4' | 'ipv6';
}

/** `10.0.0.0/8`, `fd00::/8` or a single address (no zone id); `undefined` when it is neither. */
function parseEntry(entry: string): Subnet | undefined {
  const [address = '', bits, ...rest] = entry.trim().split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0 || address.includes('%')) return undefined;
  const max = version === 4 ? 32 : 128;
  const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : Number.NaN;
  if (!(prefix >= 0 && prefix <= max)) return undefined;
  return { address, prefix, type: version === 4 ? 'ipv4' : 'ipv6' };
}

/**
 * Whether `entry` is an IP address or a CIDR range that {@link trustedProxies} accepts:
 * `10.0.0.0/8`, `172.16.0.0/12`, `127.0.0.1`, `fd00::/8`, `::1`. A zone id, a host name, a
 * prefix longer than the address (`/33` for IPv4) are not. Made for a config schema's
 * `refine`, so a bad entry is refused when the config loads.
 *
 * @example
 * ```ts
 * const schema = z.object({
 *   trustedProxies: z.array(z.string().refine(isAddressOrRange, 'expected an IP address or CIDR range')),
 * });
 * ```
 */
export function isAddressOrRange(entry: string): boolean {
  return parseEntry(entry) !== undefined;
}

/**
 * Builds the set of trusted proxies from addresses and CIDR ranges.
 *
 * @param entries - addresses and ranges, e.g. `['10.0.0.0/8', '127.0.0.1']`
 * @throws {@link TrustedProxyError} naming the first entry that is neither
 *
 * @example
 * ```ts
 * const trusted = trustedProxies(['10.0.0.0/8', '::1']);
 * trusted.has('10.1.2.3'); // true
 * trusted.has('::ffff:10.1.2.3'); // true
 * trusted.has('203.0.113.9'); // false
 * ```
 */
export function trustedProxies(entries: readonly string[]): TrustedProxies {
  const list = new BlockList();
  entries.forEach((entry, index) => {
    const subnet = typeof entry === 'string' ? parseEntry(entry) : undefined;
    if (subnet === undefined) throw new TrustedProxyError(String(entry), index);
    list.addSubnet(subnet.address, subnet.prefix, subnet.type);
  });
  return Object.freeze({
    has(address: string): boolean {
      const version = isIP(address);
      if (version === 0) return false;
      const zone = address.indexOf('%');
      return list.check(zone < 0 ? address : address.slice(0, zone), version === 4 ? 'ipv4' : 'ipv6');
    },
  });
}
