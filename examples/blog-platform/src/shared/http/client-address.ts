import type { IncomingMessage } from 'node:http';

/**
 * The client's address as the gateway saw it: `X-Real-IP` set by the gateway (services are only
 * reachable through it; in Kubernetes a NetworkPolicy enforces that), else the socket peer.
 */
export function clientAddress(req: IncomingMessage): string {
  const real = req.headers['x-real-ip'];
  if (typeof real === 'string' && real.length > 0 && real.length <= 64) return real;
  return req.socket.remoteAddress ?? 'unknown';
}
