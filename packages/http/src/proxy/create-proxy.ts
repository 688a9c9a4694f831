import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import type { Readable } from 'node:stream';
import type { HttpClient } from '../client/create-client.ts';
import type { ClientLogger } from '../client/options.ts';
import { downstreamResponseHeaders, upstreamRequestHeaders } from './forwarded-headers.ts';
import { sendUpstreamProblem } from './upstream-problem.ts';
import { NO_RETRY_HEADER } from '../deadline/headers.ts';

/** Forwards one request to the upstream and streams the answer back (a plain request listener). */
export type ProxyHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** Default {@link ProxyOptions.retryBufferBytes}: 64 KiB (Envoy buffers about as much for retries). */
export const DEFAULT_PROXY_RETRY_BUFFER_BYTES: number = 64 * 1024;

/** Options of {@link createProxy}. */
export interface ProxyOptions {
  /** The podkit client of the upstream: its breaker, retries, timeouts, pool and metrics apply. */
  readonly client: HttpClient;
  /**
   * The upstream's name in problem details and log lines.
   * @default client.name
   */
  readonly name?: string;
  /** Where a failed upstream call is logged (warn). @default no logging */
  readonly logger?: Pick<ClientLogger, 'warn'>;
  /**
   * Request bodies with a declared `Content-Length` up to this many bytes are read before the
   * call, so the client may retry it (e.g. after a connection refused by a replica that just
   * stopped); larger or chunked bodies stream through and are never retried. `0` streams all.
   * @default 65536 (64 KiB)
   */
  readonly retryBufferBytes?: number;
  /**
   * The upstream deduplicates writes by `Idempotency-Key`: give every POST and PATCH that has
   * none a fresh random key, which makes it safe for the client to retry them.
   * @default false
   */
  readonly idempotencyKeys?: boolean;
}

type Body = Uint8Array | PassThrough | undefined;

/** One proxied exchange as seen from the caller's side. */
interface Caller {
  /** Aborts the upstream call when the caller goes away. */
  readonly controller: AbortController;
  /** The upstream response body, once the call resolved. */
  upBody: Readable | undefined;
}

const noop = (): void => {};

/**
 * The request body as a stream of its own for the client: undici destroys the stream it sends
 * when the upstream answers early (e.g. a 413 while the upload is still coming). Destroying the
 * incoming request itself would reset the caller's connection before it reads that answer; with a
 * stream in between, the rest of the upload is read and dropped instead (as Node does for an
 * unread body), and the answer reaches the caller.
 */
function streamOf(req: IncomingMessage): PassThrough {
  const pass = new PassThrough();
  // undici listens to the stream only while a connection writes it: a caller that goes away while
  // the call waits (bulkhead queue, pool queue) must not make its error an uncaught exception.
  pass.on('error', noop);
  const gone = (): void => {
    if (!req.readableEnded) pass.destroy(new Error('the client aborted the request'));
  };
  req.once('error', gone);
  req.once('close', gone);
  pass.once('close', () => {
    if (req.readableEnded) return;
    req.unpipe(pass);
    req.resume();
  });
  req.pipe(pass);
  return pass;
}

function readSmall(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.once('error', reject);
    req.once('aborted', () => reject(new Error('the client aborted the request')));
  });
}

/**
 * A streaming reverse proxy onto a podkit client, as a request listener (usable directly with
 * `serve()`, or from a router or prefix match). For each request it:
 *
 * - forwards method, path and query unchanged, with {@link upstreamRequestHeaders} (hop-by-hop
 *   headers stripped, `X-Forwarded-For`/`X-Forwarded-Proto`/`X-Forwarded-Host`/`X-Real-IP` set);
 *   the client adds `X-Request-Id` and trace context from the request context;
 * - streams the request body (small bodies with a known length are read first, so the client
 *   may retry them; see {@link ProxyOptions.retryBufferBytes});
 * - passes the upstream's status, headers (minus hop-by-hop) and body back as they are, streamed
 *   — problem responses and an early 413 included; a 5xx gets `x-podkit-no-retry: upstream`
 *   (the client retried it as far as its policy allowed; callers must not retry it again);
 * - sends the caller's remaining budget on (`x-podkit-timeout-ms`, less the client's margin):
 *   `serve()` puts the inbound budget in the request context and the client sends what is left;
 * - answers a failed call with a problem ({@link sendUpstreamProblem}): 503 breaker open,
 *   bulkhead full or connection failed, 504 timeout, 502 otherwise;
 * - answers an `InvalidRequestError` (a request the client cannot send as it came) with 400;
 * - aborts the call wherever it is when the caller disconnects (bulkhead queue, pool queue,
 *   connecting, uploading, waiting for the head) and drops an answer already coming, without
 *   throwing and without a log line.
 *
 * Bodies go through `pipe()`, not `pipeline()`: pipeline allocates an AbortController per call
 * and aborting it on finish builds a DOMException (a stack capture) for every response, which
 * measured at about half of a gateway's CPU per request.
 *
 * @example
 * ```ts
 * const posts = createClient({ name: 'posts', baseUrl: process.env.POSTS_URL!, service });
 * const toPosts = createProxy({ client: posts, logger: service.logger, idempotencyKeys: true });
 * await serve(service, (req, res) => {
 *   if (req.url?.startsWith('/api/posts')) toPosts(req, res);
 *   else sendProblem(res, problem(404));
 * });
 * ```
 */
export function createProxy(options: ProxyOptions): ProxyHandler {
  const { client, logger } = options;
  const name = options.name ?? client.name;
  const keyed = options.idempotencyKeys === true;
  const bufferBytes = options.retryBufferBytes ?? DEFAULT_PROXY_RETRY_BUFFER_BYTES;

  const bodyOf = (req: IncomingMessage): Promise<Body> | Body => {
    const len = req.headers['content-length'];
    if (len === undefined) return req.headers['transfer-encoding'] === undefined ? undefined : streamOf(req);
    const n = Number(len);
    if (n === 0) return undefined;
    return n <= bufferBytes ? readSmall(req) : streamOf(req);
  };

  const send = (req: IncomingMessage, res: ServerResponse, body: Body, caller: Caller): void => {
    const headers = upstreamRequestHeaders(req);
    if (keyed && (req.method === 'POST' || req.method === 'PATCH') && headers['idempotency-key'] === undefined) {
      headers['idempotency-key'] = randomUUID();
    }
    const signal = caller.controller.signal;
    client.request({ method: req.method ?? 'GET', path: req.url ?? '/', headers, body, signal, throwOnErrorStatus: false }).then(
      (up) => {
        // The caller went away while the upstream answered: drop the answer (piping into a
        // destroyed response throws and would crash the process).
        if (res.destroyed) {
          void up.dump();
          return;
        }
        const upBody = up.body;
        caller.upBody = upBody;
        const headers = downstreamResponseHeaders(up.headers);
        // A 5xx passed through was retried here as far as the policy allowed: callers must not
        // retry it again (retries at one layer).
        if (up.status >= 500 && headers[NO_RETRY_HEADER] === undefined) headers[NO_RETRY_HEADER] = 'upstream';
        res.writeHead(up.status, headers);
        upBody.on('error', () => res.destroy());
        upBody.pipe(res);
      },
      (err: unknown) => {
        if (body instanceof PassThrough) body.destroy();
        // The caller went away (its hang-up may have failed the upload before the abort landed):
        // nothing to answer, and no upstream failure to log (a burst of them must not flood the log).
        if (signal.aborted) {
          res.destroy();
          return;
        }
        const reason = sendUpstreamProblem(res, name, err);
        if (reason === 'client went away') return;
        const e = err as { code?: unknown; causeCode?: unknown };
        logger?.warn({ upstream: name, reason, code: e.code, cause: e.causeCode, method: req.method }, 'upstream call failed');
      },
    );
  };

  return (req, res) => {
    if (res.destroyed) return;
    // One listener follows the caller for the whole exchange: when it goes away before its answer
    // is complete, the call is aborted wherever it is (bulkhead queue, pool queue, connecting,
    // uploading, waiting for the head) and the upstream body is released.
    const caller: Caller = { controller: new AbortController(), upBody: undefined };
    res.once('close', () => {
      if (res.writableFinished) return;
      caller.controller.abort();
      const upBody = caller.upBody;
      if (upBody !== undefined && !upBody.readableEnded) upBody.destroy();
    });
    const body = bodyOf(req);
    if (body instanceof Promise) {
      body.then(
        (bytes) => send(req, res, bytes, caller),
        () => res.destroy(),
      );
    } else {
      send(req, res, body, caller);
    }
  };
}
