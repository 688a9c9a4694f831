import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/** Hop-by-hop headers (RFC 9110 §7.6.1) plus the ones the client sets itself. */
const DROP_REQUEST = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'expect',
  // set by the podkit client from the request context and the active span
  'x-request-id',
  'traceparent',
  'tracestate',
  // the caller's budget: the client sends what remains of it with each attempt
  'x-podkit-timeout-ms',
  'x-envoy-expected-rq-timeout-ms',
  // replaced below
  'x-forwarded-for',
  'x-real-ip',
  'x-forwarded-proto',
  'x-forwarded-host',
]);

const DROP_RESPONSE = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  // the proxy's own server echoes the request id
  'x-request-id',
]);

function connectionTokens(value: string | string[] | undefined): Set<string> | undefined {
  if (typeof value !== 'string' || value === '' || value === 'keep-alive' || value === 'close') return undefined;
  return new Set(value.split(',').map((t) => t.trim().toLowerCase()));
}

/**
 * The headers a proxy forwards upstream: the caller's, minus hop-by-hop headers (RFC 9110
 * §7.6.1, including those named in `Connection`), `Host` and `Expect`, with `X-Forwarded-For`
 * extended by the peer address, `X-Real-IP` set to the peer address, and `X-Forwarded-Proto`
 * and `X-Forwarded-Host` set. `X-Request-Id`, `traceparent` and `tracestate` are dropped: the
 * podkit client sets them from the request context and the active span; so are
 * `x-podkit-timeout-ms` and `x-envoy-expected-rq-timeout-ms`, which the client replaces with the
 * budget left when each attempt starts.
 *
 * @example
 * ```ts
 * const headers = upstreamRequestHeaders(req); // { accept: '...', 'x-forwarded-for': '10.0.0.7', ... }
 * ```
 */
export function upstreamRequestHeaders(req: IncomingMessage): Record<string, string> {
  const src = req.headers;
  const extra = connectionTokens(src.connection);
  const out: Record<string, string> = {};
  for (const name in src) {
    if (DROP_REQUEST.has(name) || extra?.has(name) === true) continue;
    const v = src[name];
    if (v === undefined) continue;
    out[name] = Array.isArray(v) ? v.join(', ') : v;
  }
  const peer = peerAddress(req.socket.remoteAddress);
  const xff = src['x-forwarded-for'];
  out['x-forwarded-for'] = typeof xff === 'string' && xff !== '' ? `${xff}, ${peer}` : peer;
  out['x-real-ip'] = peer;
  out['x-forwarded-proto'] = 'encrypted' in req.socket ? 'https' : 'http';
  if (src.host !== undefined) out['x-forwarded-host'] = src.host;
  return out;
}

/**
 * The upstream response headers a proxy passes back to its caller: hop-by-hop headers (and
 * those named in `Connection`) and `X-Request-Id` (the proxy's own server echoes its own) removed.
 *
 * @example
 * ```ts
 * res.writeHead(up.status, downstreamResponseHeaders(up.headers));
 * ```
 */
export function downstreamResponseHeaders(src: Readonly<Record<string, string | string[] | undefined>> | IncomingHttpHeaders): Record<string, string | string[]> {
  const extra = connectionTokens(src.connection);
  const out: Record<string, string | string[]> = {};
  for (const name in src) {
    if (DROP_RESPONSE.has(name) || extra?.has(name) === true) continue;
    const v = src[name];
    if (v !== undefined) out[name] = v;
  }
  return out;
}

/**
 * The caller's address as it goes into `X-Forwarded-For` and `X-Real-IP`: a server listening on
 * `::` (dual stack, Node's default) sees IPv4 callers as IPv4-mapped IPv6 addresses
 * (`::ffff:10.0.0.7`); they are forwarded as the IPv4 address (`10.0.0.7`), as nginx and Envoy
 * do, so the upstream's allow lists and rate limiter keys do not depend on how the proxy listens.
 */
function peerAddress(address: string | undefined): string {
  if (address === undefined) return 'unknown';
  return address.startsWith('::ffff:') && address.includes('.', 7) ? address.slice(7) : address;
}
