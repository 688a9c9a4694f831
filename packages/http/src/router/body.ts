import type { IncomingMessage, ServerResponse } from 'node:http';
import { ProblemError } from '../server/errors.ts';
import { problem } from '../server/problem.ts';
import { parseJsonSafely } from './safe-json.ts';
import { isUtf8 } from 'node:buffer';
import { readBodyInto } from '../body/raw-body.ts';

/** Limits applied when reading a JSON request body. */
export interface BodyLimits {
  /** Largest accepted body in bytes. */
  readonly maxBytes: number;
  /** Deepest accepted nesting of objects/arrays. */
  readonly maxDepth: number;
}

/** Whether the request carries a body (a non-zero Content-Length or chunked encoding). */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return length !== '0';
  return req.headers['transfer-encoding'] !== undefined;
}

/**
 * Whether `contentType` is JSON (`application/json` or `application/*+json`) in UTF-8 (the
 * charset parameter, if present, must be utf-8).
 */
export function isJsonContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  if (contentType === 'application/json' || contentType === 'application/json; charset=utf-8') return true;
  const semi = contentType.indexOf(';');
  const mime = (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  if (mime !== 'application/json' && !(mime.startsWith('application/') && mime.endsWith('+json'))) return false;
  if (semi === -1) return true;
  const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(contentType.slice(semi));
  return charset === null || /^utf-?8$/i.test(charset[1]!);
}

/** What {@link readJsonBodyInto} calls back with: the parsed body, or the error to answer with. */
export type JsonBodyCallback = (err: Error | undefined, value: unknown) => void;

/**
 * Reads and safely parses a JSON request body, calling `done` once: with a {@link ProblemError}
 * 415 when the content type is not JSON, 413 when the body exceeds `maxBytes` (checked against
 * Content-Length before reading, and while streaming), 400 when it is not valid UTF-8, malformed,
 * too deep or carrying `__proto__`/`constructor.prototype`; with `undefined` when there is no body
 * (no Content-Length or `Content-Length: 0`, or an empty chunked body).
 * A callback, not a promise: the body is parsed in the tick it ends (no promise hops on the
 * router's hot path).
 *
 * On 413 a modestly oversized body is read and dropped before the answer, so the keep-alive
 * connection survives (a proxy streaming the body in front stays in sync); beyond
 * `max(4 × maxBytes, 8 MiB)` the response is marked `Connection: close` instead (see
 * `readRawBody`).
 */
export function readJsonBodyInto(req: IncomingMessage, res: ServerResponse, limits: BodyLimits, done: JsonBodyCallback): void {
  if (!hasBody(req)) {
    done(undefined, undefined);
    return;
  }
  const contentType = req.headers['content-type'];
  if (!isJsonContentType(contentType)) {
    done(
      new ProblemError(
        problem(415, `expected a JSON body (application/json; charset=utf-8), got ${contentType ?? 'no content type'}`),
        { 'accept-post': 'application/json' },
      ),
      undefined,
    );
    return;
  }
  readBodyInto(req, res, { limit: limits.maxBytes }, (err, bytes) => {
    if (err !== undefined) {
      done(err, undefined);
      return;
    }
    let value: unknown;
    try {
      value = parseJsonBytes(bytes!, limits.maxDepth);
    } catch (parseError) {
      done(parseError as Error, undefined);
      return;
    }
    done(undefined, value);
  });
}

/** {@link readJsonBodyInto} as a promise. */
export function readJsonBody(req: IncomingMessage, res: ServerResponse, limits: BodyLimits): Promise<unknown> {
  return new Promise((resolve, reject) => {
    readJsonBodyInto(req, res, limits, (err, value) => (err === undefined ? resolve(value) : reject(err)));
  });
}

/** The replacement character the UTF-8 decoder puts in place of each invalid sequence. */
const REPLACEMENT_CHARACTER = '\uFFFD';

/**
 * Decodes a body (which must be valid UTF-8: a replacement character would silently change the
 * client's data) and parses it with {@link parseJsonSafely}. The bytes are validated only when
 * the decoded text holds a replacement character (invalid bytes, or U+FFFD sent as such): a text
 * without one cannot come from invalid UTF-8, and looking for it in a one-byte (Latin-1) string,
 * as an ASCII body decodes to, costs nothing, where `isUtf8` is one more pass over the bytes.
 */
function parseJsonBytes(bytes: Buffer, maxDepth: number): unknown {
  if (bytes.length === 0) return undefined; // an empty chunked body is no body, as Content-Length: 0 is
  const text = bytes.toString('utf8');
  if (text.includes(REPLACEMENT_CHARACTER) && !isUtf8(bytes)) throw new ProblemError(problem(400, 'request body is not valid UTF-8'));
  return parseJsonSafely(text, maxDepth);
}
