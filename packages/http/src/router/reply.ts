import type { ServerResponse } from 'node:http';

/**
 * A handler's response with an explicit status and headers. Create it with {@link reply}.
 */
export class Reply {
  /** HTTP status code. */
  readonly status: number;
  /** Body sent as JSON; `undefined` sends no body. */
  readonly body: unknown;
  /** Extra response headers. */
  readonly headers: Readonly<Record<string, string>> | undefined;

  /**
   * @param status - HTTP status code
   * @param body - JSON-serialisable body, or `undefined` for none
   * @param headers - extra headers
   */
  constructor(status: number, body?: unknown, headers?: Record<string, string>) {
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

/**
 * Returns a {@link Reply}: a JSON response with `status` and optional `headers`.
 *
 * @example
 * ```ts
 * router.post('/posts', { body: NewPost }, async ({ body }) => reply(201, await repo.create(body), { location: '/posts/1' }));
 * ```
 */
export function reply(status: number, body?: unknown, headers?: Record<string, string>): Reply {
  return new Reply(status, body, headers);
}

/** Content type of JSON responses. */
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * Sends a handler's result: a {@link Reply}, `undefined` (204) or a value (200 JSON). Does
 * nothing when the handler already answered on `res` itself.
 * @internal
 */
export function sendResult(res: ServerResponse, result: unknown): void {
  if (res.headersSent || res.writableEnded) return;
  let status = 200;
  let body = result;
  if (result instanceof Reply) {
    status = result.status;
    body = result.body;
    if (result.headers) for (const name in result.headers) res.setHeader(name, result.headers[name]!);
  } else if (result === undefined) {
    status = 204;
  }
  if (body === undefined) {
    res.statusCode = status;
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  // writeHead with the headers as an object: when nothing was set on `res` before, Node writes
  // them as given instead of storing each in its header map first (setHeader); otherwise it sets
  // them over what was set, as setHeader would.
  res.writeHead(status, { 'content-type': JSON_CONTENT_TYPE, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
