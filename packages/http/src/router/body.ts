import type { IncomingMessage, ServerResponse } from 'node:http';
import { ProblemError } from '../server/errors.ts';
import { problem } from '../server/problem.ts';
import { parseJsonSafely } from './safe-json.ts';
import { readRawBody } from '../body/raw-body.ts';

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
  const semi = contentType.indexOf(';');
  const mime = (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  if (mime !== 'application/json' && !(mime.startsWith('application/') && mime.endsWith('+json'))) return false;
  if (semi === -1) return true;
  const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(contentType.slice(semi));
  return charset === null || /^utf-?8$/i.test(charset[1]!);
}

/**
 * Reads and safely parses a JSON request body. Rejects with a {@link ProblemError}:
 * 415 when the content type is not JSON, 413 when the body exceeds `maxBytes` (checked against
 * Content-Length before reading, and while streaming), 400 when malformed, too deep or carrying
 * `__proto__`/`constructor.prototype`. Resolves `undefined` when there is no body.
 *
 * On 413 a modestly oversized body is read and dropped before the answer, so the keep-alive
 * connection survives (a proxy streaming the body in front stays in sync); beyond
 * `max(4 × maxBytes, 8 MiB)` the response is marked `Connection: close` instead (see
 * {@link readRawBody}).
 */
export async function readJsonBody(req: IncomingMessage, res: ServerResponse, limits: BodyLimits): Promise<unknown> {
  if (!hasBody(req)) return undefined;
  const contentType = req.headers['content-type'];
  if (!isJsonContentType(contentType)) {
    throw new ProblemError(
      problem(415, `expected a JSON body (application/json; charset=utf-8), got ${contentType ?? 'no content type'}`),
      { 'accept-post': 'application/json' },
    );
  }
  const bytes = await readRawBody(req, res, { limit: limits.maxBytes });
  return parseJsonSafely(bytes.toString('utf8'), limits.maxDepth);
}
