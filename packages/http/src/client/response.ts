import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { ZodType } from 'zod';
import { ResponseBodyUsedError } from './errors.ts';
import { parseJson } from './json.ts';

type Controller = Dispatcher.DispatchController;

/** Response headers as undici parses them (lower-case names). */
export type ResponseHeaders = Readonly<Record<string, string | string[] | undefined>>;

/**
 * A response of the client (status < 400, or any status with `throwOnErrorStatus: false`).
 * Read the body once: with `text()`, `bytes()`, `json()`, the `body` stream, or `dump()` when it is
 * not needed. A body that nobody reads holds its connection (at most 64 KiB are buffered, then the
 * socket is paused), so always read or dump it.
 */
export interface ClientResponse {
  /** Status code. */
  readonly status: number;
  /** Response headers (lower-case names). */
  readonly headers: ResponseHeaders;
  /** The origin that answered. */
  readonly origin: string;
  /**
   * The body as a Node `Readable` stream (created on first access; bytes that arrived before are
   * not lost). Destroying the stream before its end aborts the response and closes its connection.
   */
  readonly body: Readable;
  /**
   * Reads the body as UTF-8 text (a leading byte-order mark is dropped).
   * @throws ResponseBodyUsedError when the body was already read
   */
  text(): Promise<string>;
  /**
   * Reads the body as bytes.
   * @throws ResponseBodyUsedError when the body was already read
   */
  bytes(): Promise<Uint8Array>;
  /**
   * Reads the body as JSON, validated by `schema` when given.
   * @throws InvalidResponseError on malformed JSON or a schema mismatch (naming the path)
   * @throws ResponseBodyUsedError when the body was already read
   */
  json<T = unknown>(schema?: ZodType<T>): Promise<T>;
  /**
   * Discards the body so the connection can be reused. A body longer than `limit` bytes is not
   * read to its end: the response is aborted and its connection closed. Never rejects.
   * @param limit - bytes to read and drop before giving up on the connection. @default 131072
   */
  dump(limit?: number): Promise<void>;
}

/** Bytes buffered for a body nobody reads yet before the socket is paused. */
const HIGH_WATER_MARK = 64 * 1024;
/** Default {@link ClientResponse.dump} limit (as undici's `body.dump()`). */
const DUMP_LIMIT = 128 * 1024;

/** Body states. */
const OPEN = 0;
const ENDED = 1;
const FAILED = 2;

/** Nobody reads yet: chunks are buffered (up to the high-water mark, then the socket pauses). */
const UNREAD = 0;
/** `text()`/`bytes()`/`json()`: chunks are buffered to the end. */
const COLLECT = 1;
/** The `body` stream: chunks go to the stream. */
const STREAM = 2;
/** `dump()` or a bounded snippet: chunks are counted (a snippet keeps its first bytes) and dropped. */
const DROP = 3;

/** Reason a response is aborted with when its body is discarded past a limit or its stream destroyed. @internal */
class ResponseAbortedByClient extends Error {
  readonly code = 'UND_ERR_ABORTED';
}

function concat(chunks: readonly Buffer[], size: number): Buffer {
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
}

function utf8(buffer: Buffer): string {
  // A UTF-8 byte-order mark is not text (as fetch's `text()`).
  return buffer.length >= 3 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? buffer.toString('utf8', 3) : buffer.toString('utf8');
}

/**
 * The response of one attempt, fed by its dispatch handler (`attempt-handler.ts`). It buffers the
 * body in memory for `text()`/`bytes()`/`json()` and only builds a `Readable` when `body` is read,
 * which saves the stream machinery (and undici's `RequestHandler`) on the common path: a few µs of
 * CPU per call. Backpressure goes to undici's dispatch controller (pause/resume).
 * @internal
 */
export class BufferedResponse implements ClientResponse {
  readonly status: number;
  readonly headers: ResponseHeaders;
  readonly origin: string;
  readonly #controller: Controller;
  #chunks: Buffer[] = [];
  #size = 0;
  #state: number = OPEN;
  #error: Error | undefined = undefined;
  #mode: number = UNREAD;
  #paused = false;
  #stream: Readable | undefined = undefined;
  /** Pending collector (Collect) or drop waiter (Drop). */
  #waiter: ((error: Error | undefined) => void) | undefined = undefined;
  /** Drop mode: bytes to keep (a snippet) and bytes after which the response is aborted. */
  #keep = 0;
  #dropLimit = 0;
  #dropped = 0;

  constructor(status: number, headers: ResponseHeaders, origin: string, controller: Controller) {
    this.status = status;
    this.headers = headers;
    this.origin = origin;
    this.#controller = controller;
  }

  // --- fed by the dispatch handler -------------------------------------------------------------

  /** A body chunk arrived. */
  onData(chunk: Buffer): void {
    switch (this.#mode) {
      case STREAM:
        if (!(this.#stream as Readable).push(chunk)) this.#pause();
        return;
      case DROP:
        this.#drop(chunk);
        return;
      case COLLECT:
        this.#chunks.push(chunk);
        this.#size += chunk.length;
        return;
      default:
        this.#chunks.push(chunk);
        this.#size += chunk.length;
        if (this.#size >= HIGH_WATER_MARK) this.#pause();
    }
  }

  /** The body ended. */
  onEnd(): void {
    if (this.#state !== OPEN) return;
    this.#state = ENDED;
    this.#stream?.push(null);
    this.#settle(undefined);
  }

  /** The response failed or was aborted mid-body. */
  onError(error: Error): void {
    if (this.#state !== OPEN) return;
    this.#state = FAILED;
    this.#error = error;
    if (this.#stream !== undefined && !this.#stream.destroyed) this.#stream.destroy(error);
    this.#settle(error);
  }

  // --- public reading API ----------------------------------------------------------------------

  text(): Promise<string> {
    return this.#collect().then(utf8);
  }

  bytes(): Promise<Uint8Array> {
    // A copy: socket chunks are views into larger shared buffers.
    return this.#collect().then((b) => new Uint8Array(b));
  }

  json<T = unknown>(schema?: ZodType<T>): Promise<T> {
    return this.#collect().then((b) => parseJson(utf8(b), schema));
  }

  dump(limit: number = DUMP_LIMIT): Promise<void> {
    if (this.#mode === STREAM) {
      const stream = this.#stream as Readable;
      if (!stream.destroyed && !stream.readableEnded) stream.destroy();
      return Promise.resolve();
    }
    if (this.#mode !== UNREAD) return Promise.resolve();
    return this.#startDrop(0, limit).then(() => undefined);
  }

  get body(): Readable {
    if (this.#stream !== undefined) return this.#stream;
    if (this.#mode !== UNREAD) {
      // Already read another way: a stream that only fails (it must not abort that read).
      const used = new Readable({ read: () => undefined });
      used.destroy(new ResponseBodyUsedError());
      return used;
    }
    const stream = new Readable({
      read: () => this.#resume(),
      destroy: (err, callback) => {
        // Destroyed before its end: abort the response (its connection cannot be reused).
        if (this.#state === OPEN) this.#controller.abort(err ?? new ResponseAbortedByClient('response body stream destroyed'));
        callback(err);
      },
    });
    this.#stream = stream;
    this.#mode = STREAM;
    const chunks = this.#chunks;
    this.#chunks = [];
    this.#size = 0;
    for (const chunk of chunks) stream.push(chunk);
    if (this.#state === ENDED) stream.push(null);
    else if (this.#state === FAILED) stream.destroy(this.#error);
    return stream;
  }

  /**
   * Reads at most `limit` bytes as text and aborts the rest, so an error response with a large body
   * costs neither memory nor a leaked socket. Never rejects (a body that fails yields what arrived).
   * @internal
   */
  snippet(limit: number): Promise<string> {
    if (this.#mode !== UNREAD) return Promise.resolve('');
    // Up to 64 KiB are read to the end (the connection is reused); a longer body is aborted.
    return this.#startDrop(limit, Math.max(limit, HIGH_WATER_MARK)).then((kept) => utf8(kept.subarray(0, limit)));
  }

  /** Discards the body of a response that is about to be retried (64 KiB, then the connection closes). @internal */
  discard(): void {
    if (this.#mode === UNREAD) void this.#startDrop(0, HIGH_WATER_MARK);
  }

  /**
   * The whole body as one `Buffer` (the received chunks, not copied) when it has already arrived
   * and nobody read it yet, else `undefined` (nothing changes then). A proxy's small-body fast path.
   * @internal
   */
  takeIfEnded(): Buffer | undefined {
    if (this.#mode !== UNREAD || this.#state !== ENDED) return undefined;
    this.#mode = COLLECT;
    return this.#take();
  }

  /**
   * Reads the whole body into one `Buffer` (the received chunks, not copied as `bytes()` does).
   * @throws ResponseBodyUsedError when the body was already read
   * @internal
   */
  collect(): Promise<Buffer> {
    return this.#collect();
  }

  /** Aborts a body that is still arriving (its connection is closed); nothing once it ended. @internal */
  abort(): void {
    if (this.#state === OPEN) this.#controller.abort(new ResponseAbortedByClient('response abandoned by the caller'));
  }

  // --- internals -------------------------------------------------------------------------------

  #collect(): Promise<Buffer> {
    if (this.#mode !== UNREAD) return Promise.reject(new ResponseBodyUsedError());
    this.#mode = COLLECT;
    if (this.#state === ENDED) return Promise.resolve(this.#take());
    if (this.#state === FAILED) return Promise.reject(this.#error ?? new Error('response failed'));
    return new Promise<Buffer>((resolve, reject) => {
      this.#waiter = (error) => {
        if (error === undefined) resolve(this.#take());
        else reject(error);
      };
      this.#resume();
    });
  }

  #take(): Buffer {
    const buffer = this.#size === 0 ? Buffer.alloc(0) : concat(this.#chunks, this.#size);
    this.#chunks = [];
    this.#size = 0;
    return buffer;
  }

  /** Drop mode: keeps the first `keep` bytes, aborts after `limit` bytes. Resolves with what was kept (never rejects). */
  #startDrop(keep: number, limit: number): Promise<Buffer> {
    this.#mode = DROP;
    this.#keep = keep;
    this.#dropLimit = limit;
    const buffered = this.#chunks;
    this.#chunks = [];
    this.#size = 0;
    this.#dropped = 0;
    for (const chunk of buffered) this.#drop(chunk);
    if (this.#state !== OPEN) return Promise.resolve(this.#take());
    return new Promise<Buffer>((resolve) => {
      this.#waiter = () => resolve(this.#take());
      this.#resume();
    });
  }

  #drop(chunk: Buffer): void {
    if (this.#size < this.#keep) {
      this.#chunks.push(chunk);
      this.#size += chunk.length;
    }
    this.#dropped += chunk.length;
    if (this.#state === OPEN && this.#dropped > this.#dropLimit) {
      this.#controller.abort(new ResponseAbortedByClient('response body discarded'));
    }
  }

  #pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.#controller.pause();
  }

  #resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#controller.resume();
  }

  #settle(error: Error | undefined): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.(error);
  }
}
