import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@podkit/core';
import type { HttpClient } from '@podkit/http';
import { downstreamResponseHeaders, upstreamRequestHeaders } from './headers.ts';
import { sendUpstreamProblem } from './upstream-errors.ts';

/** Forwards one request to an upstream and streams the answer back. */
export type Proxy = (req: IncomingMessage, res: ServerResponse) => void;

/** Bodies up to this size are read before the call, so it can be retried (Envoy does the same). */
export const RETRY_BUFFER_BYTES = 64 * 1024;

/**
 * The body to send: `undefined` without one; the bytes of a small body with a known length
 * (read in full so the client may retry it when the connection was refused before any byte
 * went out, e.g. to a replica that just stopped); the request stream itself otherwise (large
 * uploads stream through, and are never retried: undici consumes or destroys the stream).
 */
function bodyOf(req: IncomingMessage): Promise<Uint8Array | IncomingMessage | undefined> | Uint8Array | IncomingMessage | undefined {
  const len = req.headers['content-length'];
  if (len === undefined) return req.headers['transfer-encoding'] === undefined ? undefined : req;
  const n = Number(len);
  if (n === 0) return undefined;
  if (!(n <= RETRY_BUFFER_BYTES)) return req;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/** Options of {@link createProxy}. */
export interface ProxyOptions {
  /**
   * The upstream deduplicates creates by `Idempotency-Key` (posts and comments do): give every
   * POST and PATCH without one a fresh key, which makes it safe for the client to retry it, e.g.
   * when a replica that is shutting down reset the connection the request went out on.
   * @default false
   */
  readonly idempotencyKeys?: boolean;
}

function withIdempotencyKey(req: IncomingMessage, headers: Record<string, string>): Record<string, string> {
  if ((req.method === 'POST' || req.method === 'PATCH') && headers['idempotency-key'] === undefined) headers['idempotency-key'] = randomUUID();
  return headers;
}

/**
 * A streaming reverse proxy onto a podkit client: large request bodies are streamed to the
 * upstream (small ones with a known length are read first so they can be retried), the upstream's status, headers and body are streamed back as they are
 * (problem responses included), and the client supplies the breaker per replica, retries
 * where they are safe (idempotent methods, or a connection refused before any byte was sent),
 * request id and trace context propagation, and metrics.
 */
export function createProxy(name: string, client: HttpClient, logger: Logger, options: ProxyOptions = {}): Proxy {
  const keyed = options.idempotencyKeys === true;
  const send = (req: IncomingMessage, res: ServerResponse, body: Uint8Array | IncomingMessage | undefined): void => {
    client
      .request({
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: keyed ? withIdempotencyKey(req, upstreamRequestHeaders(req)) : upstreamRequestHeaders(req),
        body,
        throwOnErrorStatus: false,
      })
      .then(
        (up) => {
          // The caller went away (closed tab, navigation) while the upstream answered: drop the
          // answer; piping into a destroyed response throws and would crash the process.
          if (res.destroyed) {
            up.body.dump().catch(() => {});
            return;
          }
          res.writeHead(up.status, downstreamResponseHeaders(up.headers));
          // pipe() rather than pipeline(): pipeline allocates an AbortController per call and
          // aborting it on finish builds a DOMException (a stack capture) for every response
          const body = up.body;
          body.on('error', () => res.destroy());
          res.once('close', () => {
            if (!body.readableEnded) body.destroy();
          });
          body.pipe(res);
        },
        (err: unknown) => {
          const reason = sendUpstreamProblem(res, name, err);
          logger.warn({ upstream: name, reason, code: (err as { code?: unknown }).code, cause: (err as { causeCode?: unknown }).causeCode, method: req.method }, 'upstream call failed');
          if (body === req && !req.readableEnded) req.resume();
        },
      );
  };
  return (req, res) => {
    const body = bodyOf(req);
    if (body instanceof Promise) {
      body.then(
        (bytes) => send(req, res, bytes),
        () => res.destroy(),
      );
    } else {
      send(req, res, body);
    }
  };
}
