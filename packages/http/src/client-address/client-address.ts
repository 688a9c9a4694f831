import type { IncomingHttpHeaders } from 'node:http';
import { HttpOptionsError } from '../server/errors.ts';
import { hopAddress, normalizeAddress } from './address.ts';
import { forwardedFor } from './forwarded.ts';
import { trustedProxies as buildTrustedProxies, type TrustedProxies } from './trusted-proxies.ts';

/** The header a trusted proxy names the hops in. */
export type ForwardingHeader = 'x-forwarded-for' | 'forwarded';

/** Options of {@link createClientAddressResolver}. */
export interface ClientAddressOptions {
  /**
   * The peers whose forwarding header is believed: addresses and CIDR ranges (your ingress, the
   * gateway, the pod network), or a set built by {@link trustedProxies}. `[]` trusts no one: the
   * client is always the socket peer.
   */
  readonly trustedProxies: readonly string[] | TrustedProxies;
  /**
   * The header your proxies write: `X-Forwarded-For` (nginx, Envoy, most load balancers) or the
   * standard `Forwarded` (RFC 7239, its `for` parameter). Only this one is read; the other is
   * ignored, so a client cannot pick the header it forges.
   * @default 'x-forwarded-for'
   */
  readonly header?: ForwardingHeader;
  /**
   * Hops read from the right of the header at most (1 to 1024). When every one of them is a
   * trusted proxy, the leftmost of them is the answer.
   * @default 16
   */
  readonly maxHops?: number;
}

/** What {@link createClientAddressResolver} reads from a request: Node's `IncomingMessage` fits. */
export interface AddressedRequest {
  readonly headers: IncomingHttpHeaders;
  readonly socket: { readonly remoteAddress?: string | undefined };
}

/** Returns the client's address of a request; see {@link createClientAddressResolver}. */
export type ClientAddressResolver = (req: AddressedRequest) => string;

/** Default of {@link ClientAddressOptions.maxHops}. */
export const DEFAULT_MAX_FORWARDED_HOPS = 16;

/** The address one comma-separated part of `X-Forwarded-For` names, if any. */
function forwardedForHop(part: string): string | undefined {
  return hopAddress(part.trim());
}

/** The address one element of `Forwarded` names in its `for` parameter, if any. */
function forwardedHop(element: string): string | undefined {
  const node = forwardedFor(element);
  return node === undefined ? undefined : hopAddress(node);
}

function isTrustedProxies(value: unknown): value is TrustedProxies {
  return typeof value === 'object' && value !== null && typeof (value as { has?: unknown }).has === 'function';
}

/**
 * Builds the function that tells a request's client address when the service runs behind
 * proxies. The client is the socket peer, unless the peer is a trusted proxy: then the
 * forwarding header is read from the right, skipping trusted proxies, and the first address that
 * is not one is the client. What a client writes into the header itself stands further left and
 * is never reached, so it cannot choose its address. `X-Real-IP` is never read: anyone can send
 * it.
 *
 * The header is split at every comma and each hop parsed on its own, so a malformed hop (garbage,
 * `unknown`, an obfuscated `Forwarded` identifier, a quoted value holding a comma) cannot change
 * how the hops right of it read: the walk stops there and the hop right of it (a trusted proxy)
 * is the answer. Nothing in the header throws. IPv4-mapped IPv6 addresses are returned as IPv4
 * (`::ffff:10.0.0.7` → `10.0.0.7`), ports and brackets dropped (`[2001:db8::1]:4711` →
 * `2001:db8::1`). A socket that is already closed has no address: `'unknown'`.
 *
 * @throws {@link TrustedProxyError} for an entry of `trustedProxies` that is not an address or range
 * @throws {@link HttpOptionsError} for a bad `header`, `maxHops` or `trustedProxies`
 *
 * @example
 * ```ts
 * const clientAddress = createClientAddressResolver({ trustedProxies: ['10.0.0.0/8'] });
 * // peer 10.0.3.4, X-Forwarded-For: 198.51.100.1, 203.0.113.9, 10.0.1.2 → '203.0.113.9'
 * router.post('/login', async ({ req }) => limiter.reserve(clientAddress(req)));
 * ```
 */
export function createClientAddressResolver(options: ClientAddressOptions): ClientAddressResolver {
  const header = options.header ?? 'x-forwarded-for';
  if (header !== 'x-forwarded-for' && header !== 'forwarded') {
    throw new HttpOptionsError('header', `expected 'x-forwarded-for' or 'forwarded', got ${JSON.stringify(header)}`);
  }
  const maxHops = options.maxHops ?? DEFAULT_MAX_FORWARDED_HOPS;
  if (!Number.isInteger(maxHops) || maxHops < 1 || maxHops > 1024) {
    throw new HttpOptionsError('maxHops', `expected an integer from 1 to 1024, got ${String(maxHops)}`);
  }
  const given: unknown = options.trustedProxies;
  let trusted: TrustedProxies;
  if (Array.isArray(given)) trusted = buildTrustedProxies(given as readonly string[]);
  else if (isTrustedProxies(given)) trusted = given;
  else throw new HttpOptionsError('trustedProxies', 'expected a list of addresses and CIDR ranges, or a set made by trustedProxies()');
  const parse = header === 'forwarded' ? forwardedHop : forwardedForHop;
  return (req) => {
    const peer = normalizeAddress(req.socket.remoteAddress ?? 'unknown');
    if (!trusted.has(peer)) return peer;
    const raw = req.headers[header];
    const value = Array.isArray(raw) ? raw.join(',') : raw;
    if (value === undefined) return peer;
    let client = peer;
    const parts = value.split(',');
    const stop = Math.max(0, parts.length - maxHops);
    for (let i = parts.length - 1; i >= stop; i--) {
      const hop = parse(parts[i]!);
      if (hop === undefined) break;
      client = hop;
      if (!trusted.has(hop)) break;
    }
    return client;
  };
}
