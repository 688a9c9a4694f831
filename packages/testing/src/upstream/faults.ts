import type { IncomingMessage, ServerResponse } from 'node:http';
import { TestingOptionsError } from '../errors.ts';

/** What a {@link Fault} gets: the request (body already read), its response and helpers. */
export interface FaultContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The request body as received. */
  readonly body: Buffer;
  /** Source of randomness in `[0, 1)` (the upstream's `random` option). */
  readonly random: () => number;
  /** Runs `fn` after `ms` unless the upstream closes first (its timers never keep a test alive). */
  readonly after: (ms: number, fn: () => void) => void;
}

/**
 * One scripted behaviour of a {@link FaultUpstream} for one request: a small named unit, as
 * toxiproxy's toxics are. Build them with the factories ({@link respond}, {@link resetMidBody},
 * {@link delayed}, ...) or write your own.
 */
export interface Fault {
  /** Short name, recorded with each request it answered (e.g. `reset-mid-body`). */
  readonly name: string;
  /** Acts on the request: answers, stalls or breaks the connection. */
  readonly apply: (ctx: FaultContext) => void;
}

/** A latency: fixed ms, uniform between `min` and `max`, or drawn by a function of `random()`. */
export type Latency = number | { readonly min: number; readonly max: number } | ((random: () => number) => number);

function checkMs(what: string, ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) throw new TestingOptionsError(`${what} must be a non-negative number of ms, got ${String(ms)}`);
  return ms;
}

function checkStatus(status: number): number {
  if (!Number.isInteger(status) || status < 100 || status > 599) throw new TestingOptionsError(`status must be an integer in 100..599, got ${String(status)}`);
  return status;
}

/** Options of {@link respond}. */
export interface RespondOptions {
  /** @default 200 */
  readonly status?: number;
  /** Extra response headers. */
  readonly headers?: Readonly<Record<string, string>>;
  /** A string or Buffer is sent as is, anything else as JSON. @default `{ ok: true }` */
  readonly body?: unknown;
}

/** Answers normally: `status` with `body` (JSON unless a string or Buffer). */
export function respond(options: RespondOptions = {}): Fault {
  const status = checkStatus(options.status ?? 200);
  const raw = options.body ?? { ok: true };
  const isRaw = typeof raw === 'string' || Buffer.isBuffer(raw);
  const body = isRaw ? Buffer.from(raw) : Buffer.from(JSON.stringify(raw));
  const type = isRaw ? 'text/plain; charset=utf-8' : 'application/json';
  return {
    name: `respond-${String(status)}`,
    apply: ({ res }) => {
      res.writeHead(status, { 'content-type': type, 'content-length': body.length, ...options.headers });
      res.end(body);
    },
  };
}

/** Answers `body` as JSON with `status`. @example `json({ id: 1 })` */
export function json(body: unknown, status = 200, headers: Readonly<Record<string, string>> = {}): Fault {
  return respond({ status, body, headers: { 'content-type': 'application/json', ...headers } });
}

/** Answers 503 (or `status`) with `Retry-After: <seconds>` and a problem body. */
export function unavailable(retryAfterSeconds = 1, status = 503): Fault {
  checkMs('retryAfterSeconds', retryAfterSeconds);
  const f = respond({
    status,
    body: { type: 'about:blank', title: 'Service Unavailable', status },
    headers: { 'content-type': 'application/problem+json', 'retry-after': String(retryAfterSeconds) },
  });
  return { name: `unavailable-${String(status)}`, apply: f.apply };
}

/** Resets the connection (TCP RST) without sending a byte: the client sees `ECONNRESET`. */
export function resetBeforeHead(): Fault {
  return { name: 'reset', apply: ({ req }) => void req.socket.resetAndDestroy() };
}

/** Sends part of the status line and headers, then resets the connection. */
export function resetMidHead(): Fault {
  return {
    name: 'reset-mid-head',
    apply: ({ req }) => {
      req.socket.write('HTTP/1.1 200 OK\r\ncontent-type: applica', () => void req.socket.resetAndDestroy());
    },
  };
}

/**
 * Sends the head (with a `content-length` of `totalBytes`) and `bytes` of the body, then closes
 * the connection: the client sees the body cut short (`aborted` / `ECONNRESET`) after the head.
 */
export function resetMidBody(options: { readonly bytes?: number; readonly totalBytes?: number; readonly status?: number } = {}): Fault {
  const total = options.totalBytes ?? 1024;
  const sent = Math.min(options.bytes ?? 16, total - 1);
  const status = checkStatus(options.status ?? 200);
  return {
    name: 'reset-mid-body',
    apply: ({ req, res }) => {
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': total });
      res.write('{"items":['.padEnd(sent, ' ').slice(0, sent), () => void req.socket.end());
    },
  };
}

/** Never answers: the request hangs until the client gives up (or the upstream closes). */
export function hang(): Fault {
  return { name: 'hang', apply: () => undefined };
}

/** Sends the head at once, then the body in `chunks` pieces every `intervalMs`. */
export function slowBody(options: { readonly chunks?: number; readonly intervalMs?: number; readonly status?: number } = {}): Fault {
  const chunks = Math.max(1, options.chunks ?? 5);
  const interval = checkMs('intervalMs', options.intervalMs ?? 100);
  const status = checkStatus(options.status ?? 200);
  return {
    name: 'slow-body',
    apply: ({ res, after }) => {
      const parts = Array.from({ length: chunks }, (_, i) => `${i === 0 ? '[' : ','}${String(i)}`);
      parts.push(']');
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': parts.join('').length });
      const send = (i: number): void => {
        if (i === parts.length - 1) return void res.end(parts[i]);
        res.write(parts[i]);
        after(interval, () => send(i + 1));
      };
      send(0);
    },
  };
}

/** Answers 200 `application/json` whose body is not JSON (`{"ok": tru`). */
export function malformedJson(status = 200): Fault {
  const f = respond({ status, body: '{"ok": tru', headers: { 'content-type': 'application/json' } });
  return { name: 'malformed-json', apply: f.apply };
}

/** Answers valid JSON of the wrong shape (an array where an object is expected, by default). */
export function wrongShape(body: unknown = ['not', 'the', 'expected', 'shape'], status = 200): Fault {
  const f = json(body, status);
  return { name: 'wrong-shape', apply: f.apply };
}

/** Draws one delay from a {@link Latency}. */
export function drawLatency(latency: Latency, random: () => number): number {
  if (typeof latency === 'number') return checkMs('latency', latency);
  if (typeof latency === 'function') return checkMs('latency', latency(random));
  checkMs('latency.min', latency.min);
  checkMs('latency.max', latency.max);
  return latency.min + (latency.max - latency.min) * random();
}

/**
 * Waits a latency drawn from `latency`, then applies `fault`.
 * @example `delayed({ min: 5, max: 50 }, respond())`
 */
export function delayed(latency: Latency, fault: Fault = respond()): Fault {
  if (typeof latency === 'number') checkMs('latency', latency);
  return {
    name: `delayed-${fault.name}`,
    apply: (ctx) => ctx.after(drawLatency(latency, ctx.random), () => fault.apply(ctx)),
  };
}
