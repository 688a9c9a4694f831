import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import type { Readable } from 'node:stream';
import { CallerAbort } from '../client/caller-abort.ts';
import { isPodkitClient } from '../client/create-client.ts';
import type { HttpClient } from '../client/create-client.ts';
import { ClientTimeoutError } from '../client/errors.ts';
import type { ClientLogger } from '../client/options.ts';
import { BufferedResponse } from '../client/response.ts';
import type { ClientResponse } from '../client/response.ts';
import { HttpOptionsError } from '../server/errors.ts';
import { problem, sendProblem } from '../server/problem.ts';
import { downstreamResponseHeaders, upstreamRequestHeaders } from './forwarded-headers.ts';
import { sendUpstreamProblem } from './upstream-problem.ts';
import { NO_RETRY_HEADER } from '../deadline/headers.ts';

/** Forwards one request to the upstream and streams the answer back (a plain request listener). */
export type ProxyHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** Default {@link ProxyOptions.retryBufferBytes}: 64 KiB (Envoy buffers about as much for retries). */
export const DEFAULT_PROXY_RETRY_BUFFER_BYTES: number = 64 * 1024;

/**
 * Default {@link ProxyOptions.responseBufferBytes}: 64 KiB, what podkit's client buffers anyway
 * for a body nobody reads yet (and about what nginx buffers in memory by default).
 */
export const DEFAULT_PROXY_RESPONSE_BUFFER_BYTES: number = 64 * 1024;

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
   * Upstream responses with a declared `Content-Length` up to this many bytes are collected
   * (the received chunks, not copied) and sent with one `res.end()`, without a stream pipeline:
   * the common small JSON answer costs no `Readable`, no `pipe()` and no per-chunk listeners.
   * Larger responses, and responses without a `Content-Length` (chunked, or read to close),
   * stream through as they arrive. An upstream that fails before such a collected body is
   * complete gets a 502 (504 on a body timeout) instead of a cut response. `0` streams all.
   * @default 65536 (64 KiB)
   */
  readonly responseBufferBytes?: number;
  /**
   * The upstream deduplicates writes by `Idempotency-Key`: give every POST and PATCH that has
   * none a fresh random key, which makes it safe for the client to retry them.
   * @default false
   */
  readonly idempotencyKeys?: boolean;
}

type Body = Uint8Array | PassThrough | undefined;

/**
 * One proxied exchange as seen from the caller's side: the caller's abort signal of the call and
 * the upstream answer still arriving. One object per request; its methods are shared.
 */
class Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** With podkit's client a {@link CallerAbort} (an object); with another client a real `AbortController`. */
  readonly #abort: CallerAbort | AbortController;
  /** The upstream response body being streamed to the caller. */
  upBody: Readable | undefined = undefined;
  /** The upstream response being collected (the small-body fast path). */
  collecting: BufferedResponse | undefined = undefined;

  constructor(req: IncomingMessage, res: ServerResponse, cheapSignal: boolean) {
    this.req = req;
    this.res = res;
    this.#abort = cheapSignal ? new CallerAbort() : new AbortController();
  }

  /** The call's `signal`. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** Whether the caller went away before its answer was complete. */
  get aborted(): boolean {
    return this.#abort.signal.aborted;
  }

  /**
   * The caller's response closed: when its answer was not complete, the call is aborted wherever
   * it is (bulkhead queue, pool queue, connecting, uploading, waiting for the head) and the
   * upstream answer already coming is released.
   */
  callerClosed(): void {
    if (this.res.writableFinished) return;
    this.#abort.abort(new Error('the client went away'));
    const upBody = this.upBody;
    if (upBody !== undefined && !upBody.readableEnded) upBody.destroy();
    this.collecting?.abort();
  }
}

const noop = (): void => {};

/** Whether a declared `Content-Length` is a plain number of at most `limit` bytes. */
function fits(contentLength: string | string[] | undefined, limit: number): boolean {
  if (typeof contentLength !== 'string' || contentLength === '' || limit <= 0) return false;
  const n = Number(contentLength);
  return Number.isInteger(n) && n >= 0 && n <= limit;
}

/** Bodies up to this size are written as a latin1 string with the head (see {@link endWith}). */
const ONE_WRITE_BYTES = 16 * 1024;

/**
 * Ends `res` with `body`. Node writes a `Buffer` body and the response head as two chunks (one
 * `writev` through the corked socket); a string body is appended to the head and written at once.
 * A latin1 string maps each byte to one character and back, so the bytes go out unchanged, and a
 * small body costs one plain write (measured: about 9 % less proxy CPU per request at 5,000 req/s).
 */
function endWith(res: ServerResponse, body: Buffer): void {
  if (body.length <= ONE_WRITE_BYTES) res.end(body.toString('latin1'), 'latin1');
  else res.end(body);
}

function byteOption(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(value >= 0) || (!Number.isInteger(value) && value !== Infinity)) throw new HttpOptionsError(name, `must be a whole number of bytes >= 0 (got ${String(value)})`);
  return value;
}

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
 * - passes the upstream's status, headers (minus hop-by-hop) and body back as they are — problem
 *   responses and an early 413 included; a 5xx gets `x-podkit-no-retry: upstream` (the client
 *   retried it as far as its policy allowed; callers must not retry it again). A body with a
 *   declared `Content-Length` up to {@link ProxyOptions.responseBufferBytes} is collected and
 *   sent with one `res.end()`; any other body streams as it arrives;
 * - sends the caller's remaining budget on (`x-podkit-timeout-ms`, less the client's margin):
 *   `serve()` puts the inbound budget in the request context and the client sends what is left;
 * - answers a failed call with a problem ({@link sendUpstreamProblem}): 503 breaker open,
 *   bulkhead full or connection failed, 504 timeout, 502 otherwise;
 * - answers an `InvalidRequestError` (a request the client cannot send as it came) with 400;
 * - aborts the call wherever it is when the caller disconnects (bulkhead queue, pool queue,
 *   connecting, uploading, waiting for the head) and drops an answer already coming, without
 *   throwing and without a log line.
 *
 * With podkit's own client, following the caller costs an object, not an `AbortController` (see
 * `CallerAbort`). Bodies go through `pipe()`, not `pipeline()`: pipeline allocates an AbortController per call
 * and aborting it on finish builds a DOMException (a stack capture) for every response, which
 * measured at about half of a gateway's CPU per request.
 *
 * @throws HttpOptionsError when `retryBufferBytes` or `responseBufferBytes` is not a whole number >= 0
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
  const bufferBytes = byteOption('retryBufferBytes', options.retryBufferBytes, DEFAULT_PROXY_RETRY_BUFFER_BYTES);
  const responseBytes = byteOption('responseBufferBytes', options.responseBufferBytes, DEFAULT_PROXY_RESPONSE_BUFFER_BYTES);
  // podkit's own client reads only a few members of the signal: a plain object does (see CallerAbort).
  const cheapSignal = isPodkitClient(client);

  const bodyOf = (req: IncomingMessage): Promise<Body> | Body => {
    const len = req.headers['content-length'];
    if (len === undefined) return req.headers['transfer-encoding'] === undefined ? undefined : streamOf(req);
    const n = Number(len);
    if (n === 0) return undefined;
    return n <= bufferBytes ? readSmall(req) : streamOf(req);
  };

  /** The call failed (before the head, or while a collected body was arriving). */
  const failed = (ex: Exchange, body: Body, err: unknown): void => {
    const { req, res } = ex;
    if (body instanceof PassThrough) body.destroy();
    // The caller went away (its hang-up may have failed the upload before the abort landed):
    // nothing to answer, and no upstream failure to log (a burst of them must not flood the log).
    if (ex.aborted) {
      res.destroy();
      return;
    }
    const reason = sendUpstreamProblem(res, name, err);
    if (reason === 'client went away') return;
    const e = err as { code?: unknown; causeCode?: unknown };
    logger?.warn({ upstream: name, reason, code: e.code, cause: e.causeCode, method: req.method }, 'upstream call failed');
  };

  /** A collected body failed before its end: the head was not sent, so the caller gets a problem. */
  const bodyFailed = (ex: Exchange, err: unknown): void => {
    ex.collecting = undefined;
    const res = ex.res;
    if (ex.aborted || res.destroyed) {
      res.destroy();
      return;
    }
    let reason: string;
    if (err instanceof ClientTimeoutError) {
      reason = sendUpstreamProblem(res, name, err);
    } else {
      sendProblem(res, problem(502, `${name} failed mid-response`));
      reason = 'failed mid-response';
    }
    const e = err as { code?: unknown; causeCode?: unknown };
    logger?.warn({ upstream: name, reason, code: e.code, cause: e.causeCode, method: ex.req.method }, 'upstream call failed');
  };

  const answer = (ex: Exchange, up: ClientResponse): void => {
    const res = ex.res;
    // The caller went away while the upstream answered: drop the answer (piping into a
    // destroyed response throws and would crash the process).
    if (res.destroyed) {
      void up.dump();
      return;
    }
    const headers = downstreamResponseHeaders(up.headers);
    // A 5xx passed through was retried here as far as the policy allowed: callers must not
    // retry it again (retries at one layer).
    if (up.status >= 500 && headers[NO_RETRY_HEADER] === undefined) headers[NO_RETRY_HEADER] = 'upstream';
    // Small-body fast path: a small declared length is collected and sent with one end().
    if (up instanceof BufferedResponse && fits(up.headers['content-length'], responseBytes)) {
      const whole = up.takeIfEnded();
      if (whole !== undefined) {
        res.writeHead(up.status, headers);
        endWith(res, whole);
        return;
      }
      ex.collecting = up;
      up.collect().then((bytes) => {
        ex.collecting = undefined;
        if (res.destroyed) return;
        res.writeHead(up.status, headers);
        endWith(res, bytes);
      }, (err: unknown) => bodyFailed(ex, err));
      return;
    }
    const upBody = up.body;
    ex.upBody = upBody;
    res.writeHead(up.status, headers);
    upBody.on('error', () => res.destroy());
    upBody.pipe(res);
  };

  const send = (ex: Exchange, body: Body): void => {
    const req = ex.req;
    const headers = upstreamRequestHeaders(req);
    if (keyed && (req.method === 'POST' || req.method === 'PATCH') && headers['idempotency-key'] === undefined) {
      headers['idempotency-key'] = randomUUID();
    }
    client.request({ method: req.method ?? 'GET', path: req.url ?? '/', headers, body, signal: ex.signal, throwOnErrorStatus: false }).then(
      (up) => answer(ex, up),
      (err: unknown) => failed(ex, body, err),
    );
  };

  return (req, res) => {
    if (res.destroyed) return;
    // One listener follows the caller for the whole exchange (see Exchange.callerClosed).
    const ex = new Exchange(req, res, cheapSignal);
    res.on('close', () => ex.callerClosed());
    const body = bodyOf(req);
    if (body instanceof Promise) {
      body.then(
        (bytes) => send(ex, bytes),
        () => res.destroy(),
      );
    } else {
      send(ex, body);
    }
  };
}
