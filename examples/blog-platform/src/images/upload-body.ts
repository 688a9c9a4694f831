import type { IncomingMessage, ServerResponse } from 'node:http';
import { problem, ProblemError } from '@podkit/http';

/** Options of {@link readRawBody}. */
export interface RawBodyLimits {
  /** Largest accepted body, in bytes (413 beyond). */
  readonly maxBytes: number;
  /**
   * How much of a refused body is still read and discarded before the 413 goes out, so the
   * client (often a proxy still streaming the upload) receives the answer on a connection that
   * stays in sync. Beyond this, the 413 goes out at once with `Connection: close`.
   * @default 4 × maxBytes, at least 8 MiB
   */
  readonly discardBytes?: number;
}

function tooLarge(maxBytes: number): ProblemError {
  return new ProblemError(problem(413, `the image exceeds the upload limit of ${maxBytes} bytes`));
}

/**
 * After a refusal, reads and drops the rest of the body before the answer goes out: a client
 * still streaming the upload (often a proxy) then receives a well-formed 413 on a connection that
 * stays in sync. Answering early on a keep-alive connection is what breaks proxies: the proxy
 * stops sending, the server waits for the rest of the body, and the next request on that
 * connection is swallowed as body bytes. Beyond `cap` bytes in all, the answer goes out at once
 * with `Connection: close` and the socket is cut after it.
 */
function discardRest(req: IncomingMessage, res: ServerResponse, received: number, cap: number, error: Error): Promise<never> {
  return new Promise((_resolve, reject) => {
    let seen = received;
    const done = (): void => {
      req.off('data', onData);
      req.off('end', done);
      req.off('error', done);
      reject(error);
    };
    const onData = (chunk: Buffer): void => {
      seen += chunk.length;
      if (seen > cap) {
        req.off('data', onData);
        res.setHeader('connection', 'close');
        done();
      }
    };
    if (req.readableEnded) {
      reject(error);
      return;
    }
    req.on('data', onData);
    req.on('end', done);
    req.on('error', done);
    req.resume();
  });
}

/** The default {@link RawBodyLimits.discardBytes} for a limit. */
export function discardCap(maxBytes: number): number {
  return Math.max(4 * maxBytes, 8 * 1024 * 1024);
}

/**
 * Refuses a request whose body was not read (401, 415 on the header): discards the body first
 * (up to `cap` bytes; beyond, `Connection: close`), then rejects with `error`, so a proxy
 * streaming the upload receives the answer on a connection that stays in sync.
 */
export function refuseUnreadBody(req: IncomingMessage, res: ServerResponse, error: Error, cap: number): Promise<never> {
  const declared = Number(req.headers['content-length'] ?? -1);
  if (declared > cap) {
    res.setHeader('connection', 'close');
    return Promise.reject(error);
  }
  return discardRest(req, res, 0, cap, error);
}

/**
 * Reads a raw (non-JSON) request body into one buffer, at most `maxBytes`: a declared
 * `Content-Length` over the limit is refused before a byte is kept, and a chunked upload is
 * refused as soon as it passes the limit; nothing over the limit is kept in memory. The 413 goes
 * out once the rest of the body was discarded (see {@link RawBodyLimits.discardBytes}).
 *
 * @throws ProblemError 413 over the limit, 400 when the client aborts the upload.
 */
export function readRawBody(req: IncomingMessage, res: ServerResponse, limits: RawBodyLimits): Promise<Buffer> {
  const { maxBytes } = limits;
  const cap = limits.discardBytes ?? discardCap(maxBytes);
  const declared = Number(req.headers['content-length'] ?? -1);
  if (declared > maxBytes) {
    if (declared <= cap) return discardRest(req, res, 0, cap, tooLarge(maxBytes));
    res.setHeader('connection', 'close');
    return Promise.reject(tooLarge(maxBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > maxBytes) {
        cleanup();
        chunks.length = 0;
        discardRest(req, res, received, cap, tooLarge(maxBytes)).catch(reject);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks, received));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(new ProblemError(problem(400, `the upload could not be read: ${err.message}`)));
    };
    const onAborted = (): void => onError(new Error('the client aborted the upload'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}
