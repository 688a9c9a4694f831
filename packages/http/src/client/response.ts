import type { Dispatcher } from 'undici';
import type { ZodType } from 'zod';
import { parseJson } from './json.ts';

/**
 * A successful (status < 400) response. Read the body once, with `text()`, `json()`, `bytes()`
 * or the `body` stream; if you do not need it, call `body.dump()` so the socket is reused.
 */
export interface ClientResponse {
  /** Status code. */
  readonly status: number;
  /** Response headers (lower-case names). */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The origin that answered. */
  readonly origin: string;
  /** The undici body stream. */
  readonly body: Dispatcher.ResponseData['body'];
  /** Reads the body as UTF-8 text. */
  text(): Promise<string>;
  /** Reads the body as bytes. */
  bytes(): Promise<Uint8Array>;
  /**
   * Reads the body as JSON, validated by `schema` when given.
   * @throws InvalidResponseError on malformed JSON or a schema mismatch (naming the path)
   */
  json<T = unknown>(schema?: ZodType<T>): Promise<T>;
}

/** A {@link ClientResponse} over undici's response data (methods on the prototype: no closures per call). @internal */
class UndiciClientResponse implements ClientResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly origin: string;
  readonly body: Dispatcher.ResponseData['body'];

  constructor(data: Dispatcher.ResponseData, origin: string) {
    this.status = data.statusCode;
    this.headers = data.headers;
    this.origin = origin;
    this.body = data.body;
  }

  text(): Promise<string> {
    return this.body.text();
  }

  async bytes(): Promise<Uint8Array> {
    return new Uint8Array(await this.body.arrayBuffer());
  }

  async json<T = unknown>(schema?: ZodType<T>): Promise<T> {
    return parseJson(await this.body.text(), schema);
  }
}

/** Wraps undici's response data. @internal */
export function toClientResponse(data: Dispatcher.ResponseData, origin: string): ClientResponse {
  return new UndiciClientResponse(data, origin);
}

/**
 * Reads at most `limit` bytes of a body as text and destroys the rest, so an error response with a
 * large body costs neither memory nor a leaked socket.
 * @internal
 */
export async function readSnippet(body: Dispatcher.ResponseData['body'], limit: number): Promise<string> {
  if (limit === 0) {
    body.destroy();
    return '';
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= limit) break;
    }
  } catch {
    // a body that fails mid-way still yields what arrived
  } finally {
    if (!body.destroyed) body.destroy();
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

/** Discards a body that is not needed (a response about to be retried). @internal */
export function discard(body: Dispatcher.ResponseData['body']): void {
  body.dump({ limit: 64 * 1024 }).catch(() => body.destroy());
}
