import type { IncomingMessage, ServerResponse } from 'node:http';
import { ProblemError } from '../server/errors.ts';
import { problem } from '../server/problem.ts';

/** Options of {@link readRawBody}. */
export interface RawBodyOptions {
  /** Largest accepted body, in bytes (413 beyond). */
  readonly limit: number;
  /**
   * How many bytes of a refused body are still read and dropped before the 413 goes out, so a
   * client still streaming the upload (often a proxy) receives the answer on a keep-alive
   * connection that stays in sync. Beyond this, the 413 goes out at once with `Connection: close`.
   * @default max(4 × limit, 8 MiB) (see {@link defaultDiscardLimit})
   */
  readonly discardLimit?: number;
  /**
   * The 413's `detail`.
   * @default "request body exceeds the limit of <limit> bytes"
   */
  readonly tooLargeDetail?: string;
}

/** Bytes of a refused body drained by default at least (8 MiB). */
const MIN_DISCARD = 8 * 1024 * 1024;

/** How long a connection closed after a 413 keeps reading (and dropping) what the client still sends. */
const LINGER_MS = 2000;

/**
 * Marks the response `Connection: close` with a lingering close (what nginx does): closing a
 * socket that still has unread request bytes makes the kernel send a TCP RST, which can make the
 * client (often a proxy still streaming the upload) discard the 413 before reading it. Instead
 * the socket is half-closed after the answer and keeps dropping what arrives until the client
 * closes its side, at most {@link LINGER_MS}.
 */
function closeAfterAnswer(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('connection', 'close');
  const socket = req.socket;
  socket.destroySoon = function lingeringClose(this: typeof socket): void {
    this.end();
    const timer = setTimeout(() => this.destroy(), LINGER_MS);
    timer.unref();
    this.once('end', () => this.destroy());
    this.once('close', () => clearTimeout(timer));
    this.resume();
  };
  req.resume();
}

/**
 * The default {@link RawBodyOptions.discardLimit} for a body limit: `max(4 × limit, 8 MiB)`.
 *
 * @example
 * ```ts
 * defaultDiscardLimit(1024); // 8388608
 * ```
 */
export function defaultDiscardLimit(limit: number): number {
  return Math.max(4 * limit, MIN_DISCARD);
}

function tooLarge(options: RawBodyOptions): ProblemError {
  return new ProblemError(problem(413, options.tooLargeDetail ?? `request body exceeds the limit of ${options.limit} bytes`));
}

/**
 * After a refusal, reads and drops the rest of the body, then rejects with `error`. Answering
 * early on a keep-alive connection is what breaks proxies: the proxy stops sending, the server
 * waits for the rest of the body, and the next request on that connection is swallowed as body
 * bytes. Beyond `cap` bytes in all, rejects at once with `Connection: close` set.
 */
function discardRest(req: IncomingMessage, res: ServerResponse, received: number, cap: number, error: Error): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (req.readableEnded) {
      reject(error);
      return;
    }
    let seen = received;
    const done = (): void => {
      req.off('data', onData);
      req.off('end', done);
      req.off('error', done);
      req.off('aborted', done);
      reject(error);
    };
    const onData = (chunk: Buffer): void => {
      seen += chunk.length;
      if (seen > cap) {
        closeAfterAnswer(req, res);
        done();
      }
    };
    req.on('data', onData);
    req.on('end', done);
    req.on('error', done);
    req.on('aborted', done);
    req.resume();
  });
}

/**
 * Refuses a request whose body was not read (e.g. a 401 or a 415 decided from the headers):
 * drops the body first (up to `discardLimit` bytes; beyond, `Connection: close`), then rejects
 * with `error`, so a client streaming the upload receives the answer on a connection that stays
 * in sync.
 *
 * @example
 * ```ts
 * router.post('/upload', {}, async ({ req, res }) => {
 *   if (!authorized(req)) return refuseBody(req, res, new ProblemError(problem(401, 'sign in first')));
 *   const bytes = await readRawBody(req, res, { limit: 10 * 1024 * 1024 });
 * });
 * ```
 */
export function refuseBody(req: IncomingMessage, res: ServerResponse, error: Error, discardLimit: number = MIN_DISCARD): Promise<never> {
  const declared = Number(req.headers['content-length'] ?? -1);
  if (declared > discardLimit) {
    closeAfterAnswer(req, res);
    return Promise.reject(error);
  }
  return discardRest(req, res, 0, discardLimit, error);
}

/** What {@link readBodyInto} calls back with: the body, or the error to answer with. @internal */
export type BodyCallback = (err: Error | undefined, body: Buffer | undefined) => void;

const EMPTY = Buffer.alloc(0);

/**
 * The reading behind {@link readRawBody}, with a callback instead of a promise (the router's JSON
 * path parses and validates in the same tick the body ends, without promise hops). Same limits
 * and 413 behaviour. A single-chunk body (most bodies up to ~64 KiB arrive that way) is passed on
 * as is; several chunks are copied once into a buffer of the total length.
 * @internal
 */
export function readBodyInto(req: IncomingMessage, res: ServerResponse, options: RawBodyOptions, done: BodyCallback): void {
  const { limit } = options;
  const cap = options.discardLimit ?? defaultDiscardLimit(limit);
  const declared = Number(req.headers['content-length'] ?? -1);
  const refused = (err: Error): void => done(err, undefined);
  if (declared > limit) {
    if (declared <= cap) {
      discardRest(req, res, 0, cap, tooLarge(options)).catch(refused);
      return;
    }
    closeAfterAnswer(req, res);
    done(tooLarge(options), undefined);
    return;
  }
  if (req.readableEnded) {
    done(undefined, EMPTY);
    return;
  }
  let first: Buffer | undefined;
  let chunks: Buffer[] | undefined;
  let received = 0;
  let settled = false;
  const cleanup = (): void => {
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('error', onError);
    req.off('aborted', onAborted);
  };
  const onData = (chunk: Buffer): void => {
    received += chunk.length;
    if (received > limit) {
      cleanup();
      first = undefined;
      chunks = undefined;
      discardRest(req, res, received, cap, tooLarge(options)).catch(refused);
      return;
    }
    if (first === undefined) first = chunk;
    else if (chunks === undefined) chunks = [first, chunk];
    else chunks.push(chunk);
  };
  // After 'end' the listeners stay (an error after it is ignored): the request emits no more
  // data, and removing four listeners cost ~3k instructions a request (callgrind, ~2 %).
  const onEnd = (): void => {
    settled = true;
    done(undefined, chunks !== undefined ? Buffer.concat(chunks, received) : (first ?? EMPTY));
  };
  const onError = (err: Error): void => {
    if (settled) return;
    cleanup();
    done(new ProblemError(problem(400, `request body could not be read: ${err.message}`)), undefined);
  };
  const onAborted = (): void => onError(new Error('the client aborted the request'));
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('error', onError);
  req.on('aborted', onAborted);
}

/**
 * Reads a raw request body into one `Buffer`, at most `limit` bytes. A declared
 * `Content-Length` over the limit is refused before a byte is kept; a chunked body is refused as
 * soon as it passes the limit; nothing over the limit is kept in memory. The 413 is rejected
 * once the rest of the body was read and dropped (up to `discardLimit`), so the keep-alive
 * connection survives a modest overage; a larger one gets `Connection: close` and the socket is
 * closed after the answer.
 *
 * @throws ProblemError 413 over the limit; 400 when the body cannot be read (client aborted).
 * @example
 * ```ts
 * router.post('/images', {}, async ({ req, res }) => {
 *   const bytes = await readRawBody(req, res, { limit: 10 * 1024 * 1024 });
 *   return reply(202, await store.insert(bytes));
 * });
 * ```
 */
export function readRawBody(req: IncomingMessage, res: ServerResponse, options: RawBodyOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    readBodyInto(req, res, options, (err, body) => (err === undefined ? resolve(body!) : reject(err)));
  });
}
