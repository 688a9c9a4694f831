import { register, unregister } from 'on-exit-leak-free';
import { writeSync } from 'node:fs';
import type { DestinationStream } from 'pino';
import { InvalidOptionError } from '../errors.ts';

/** Options of {@link bufferedDestination}. */
export interface BufferedDestinationOptions {
  /** File descriptor written to. @default 1 (stdout) */
  readonly fd?: number;
  /** Longest a line waits in the buffer, in ms (an unref'ed timer, armed by the first buffered line). @default 100 */
  readonly flushIntervalMs?: number;
  /** Buffered bytes (UTF-16 code units, as a threshold needs no exact count) that trigger a write at once. @default 16384 */
  readonly maxBufferBytes?: number;
}

/** A {@link bufferedDestination}: a pino destination with synchronous flushes. */
export interface BufferedDestination extends DestinationStream {
  /** Writes what is buffered now, synchronously. */
  flushSync(): void;
  /** Writes what is buffered, then calls `cb` (pino's `logger.flush(cb)` calls this). */
  flush(cb?: (err?: Error) => void): void;
  /** Flushes and stops: no timer, no exit hook; the file descriptor stays open. Idempotent. */
  end(): void;
}

/**
 * Key of the destination's `(line, urgent) => void` method for writers that know a line's
 * level (`urgent`: `error` or `fatal`, written at once). `Symbol.for`, so writers in other
 * packages (and other copies of this one) find it without importing it.
 * @internal
 */
const WRITE_LINE = Symbol.for('podkit.log.writeLine');

/** Offset of the level word in a podkit line: `{"level":"` is 10 characters. */
const LEVEL_AT = 10;
const E = 'e'.charCodeAt(0);
const F = 'f'.charCodeAt(0);

/**
 * A pino destination that batches lines: the first line after a quiet spell is written at once
 * and opens a `flushIntervalMs` window; the lines that follow are collected in memory and written
 * in one synchronous `write(2)` when `maxBufferBytes` (16 KiB) are buffered, when the window ends, on every
 * `error` or `fatal` line (written at once, after the lines buffered before it, so a crash report
 * is never held back and order is kept), on `flush()`, and at process exit (an `exit` hook held
 * weakly, so a forgotten destination leaks nothing). Under load that is one syscall per ~16 KiB
 * of log instead of one per line; an idle process arms no timer at all.
 *
 * What it can lose: the last `flushIntervalMs` of `info`/`warn`/`debug` lines when the process
 * is killed without running exit handlers (SIGKILL, an OOM kill). SIGTERM through podkit's
 * lifecycle, `process.exit`, a fatal error and a normal end lose nothing. It expects podkit's
 * line format (the level word first, as `createLogger` writes it).
 *
 * @example
 * ```ts
 * const logger = createLogger({ service, destination: bufferedDestination({ flushIntervalMs: 50 }) });
 * ```
 */
export function bufferedDestination(options: BufferedDestinationOptions = {}): BufferedDestination {
  const intervalMs = options.flushIntervalMs ?? 100;
  const maxBytes = options.maxBufferBytes ?? 16_384;
  if (!(Number.isFinite(intervalMs) && intervalMs > 0)) throw new InvalidOptionError('flushIntervalMs', `must be a positive number of ms, got ${String(intervalMs)}`);
  if (!(Number.isInteger(maxBytes) && maxBytes > 0 && maxBytes <= 1024 * 1024)) {
    throw new InvalidOptionError('maxBufferBytes', `must be an integer from 1 to 1048576, got ${String(maxBytes)}`);
  }
  const fd = options.fd ?? 1;
  // A string, not pino's SonicBoom: SonicBoom measures the byte length of its whole buffer on
  // every write and fsyncs on every flushSync (a failing syscall and an Error on a pipe).
  let pending = '';
  let timer: NodeJS.Timeout | undefined;
  let ended = false;
  // room for a full batch plus one long line (a stack trace) before a one-off buffer is needed
  const encoder = new LineEncoder(maxBytes + 16_384);
  const writePending = (): void => {
    if (pending === '') return;
    const data = pending;
    pending = '';
    writeAll(fd, encoder.encode(data));
  };
  /** The window ends: what it collected is written, and the next line goes out at once. */
  const endWindow = (): void => {
    timer = undefined;
    writePending();
  };
  const flushSync = (): void => {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    writePending();
  };
  /** Buffers `line`, or writes it (and what is buffered) at once when `urgent`. */
  const writeLine = (line: string, urgent: boolean): void => {
    if (timer === undefined && pending === '' && !ended) {
      // the first line after a quiet spell goes out at once (startup lines, a lone warning),
      // and opens a window in which the lines that follow are batched
      writeAll(fd, encoder.encode(line));
      timer = setTimeout(endWindow, intervalMs);
      timer.unref();
      return;
    }
    pending += line;
    if (urgent || ended || pending.length >= maxBytes) writePending();
    else if (timer === undefined) {
      timer = setTimeout(endWindow, intervalMs);
      timer.unref();
    }
  };
  const destination: BufferedDestination = {
    write(line: string): void {
      const c = line.charCodeAt(LEVEL_AT);
      writeLine(line, c === E || c === F);
    },

    flushSync,
    flush(cb?: (err?: Error) => void): void {
      flushSync();
      cb?.();
    },
    end(): void {
      if (ended) return;
      ended = true;
      flushSync();
      unregister(destination);
    },
  };
  // For writers that know the line's level (the HTTP access line): reading the level character
  // would flatten the line, a string built of many parts, only for it to be copied again.
  Object.defineProperty(destination, WRITE_LINE, { value: writeLine });
  register(destination, (d) => d.flushSync());
  return destination;
}

/**
 * Encodes lines into one reusable buffer, so a write converts its text once: `writeSync(fd,
 * string)` measures the UTF-8 length, allocates and converts, and checking that all of it went
 * out took a second measuring pass. Texts too large for the buffer (a line of megabytes) are
 * encoded into a buffer of their own, so no large buffer is kept.
 */
class LineEncoder {
  #buffer: Buffer;
  readonly #maxChars: number;

  constructor(maxChars: number) {
    this.#maxChars = maxChars;
    this.#buffer = Buffer.allocUnsafe(0);
  }

  /** `text` as UTF-8 bytes; valid until the next call. */
  encode(text: string): Buffer {
    // 3 bytes per UTF-16 code unit at most (a surrogate pair is 2 units and 4 bytes)
    if (text.length > this.#maxChars) return Buffer.from(text, 'utf8');
    if (this.#buffer.length < text.length * 3) this.#buffer = Buffer.allocUnsafe(this.#maxChars * 3);
    return this.#buffer.subarray(0, this.#buffer.write(text, 0, 'utf8'));
  }
}

/** Longest a write waits for a full non-blocking descriptor before the rest is dropped, in ms. */
const BUSY_LIMIT_MS = 1_000;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes all of `bytes` to `fd` synchronously: a partial write continues from where it stopped,
 * `EAGAIN` (a non-blocking pipe that is full) waits 1 ms and retries, for at most
 * {@link BUSY_LIMIT_MS}; any other error (`EPIPE`: the reader is gone, `EBADF`) drops the lines,
 * as nothing more can be done with them.
 */
function writeAll(fd: number, bytes: Buffer): void {
  let offset = 0;
  let waited = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset, bytes.length - offset);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN' || waited >= BUSY_LIMIT_MS) return;
      Atomics.wait(sleeper, 0, 0, 1);
      waited++;
    }
  }
}
