import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { nodeHttp } from './node-http.ts';
import type { Span } from '@opentelemetry/api';

/** Node's `writeHead` (the prototype's), called by {@link writeHeadEchoingRequestId}. */
// eslint-disable-next-line @typescript-eslint/unbound-method -- always called with .call(res, ...)
const nodeWriteHead = nodeHttp.ServerResponse.prototype.writeHead as (this: ServerResponse, statusCode: number, reason?: unknown, obj?: unknown) => ServerResponse;

/** Node's own-symbol key of the headers set with `setHeader` (`null` until one is), found on first use. */
let outHeadersKey: symbol | undefined | null = null;

function outHeaders(res: ServerResponse): unknown {
  if (outHeadersKey === null) outHeadersKey = Object.getOwnPropertySymbols(res).find((s) => s.description === 'kOutHeaders');
  // unknown Node internals: report headers as set, which takes the general path below
  return outHeadersKey === undefined ? true : (res as unknown as Record<symbol, unknown>)[outHeadersKey];
}

/**
 * The header object `headers` as Node's raw list (`[name, value, ...]`, own enumerable keys in
 * order, as Node reads an object), with `name: id` appended unless `headers` names `name`
 * (lowercase) in any letter case. A list, not a copy of the object: adding a property under a
 * computed key to a spread copy (`{ ...headers, [name]: id }`) took ~0.5 µs in V8, building the
 * list ~30 ns. Values are not touched: Node validates both forms alike.
 */
function rawHeadersWithId(headers: OutgoingHttpHeaders, name: string, id: string): unknown[] {
  const raw: unknown[] = [];
  let named = false;
  const first = name.charCodeAt(0);
  for (const key in headers) {
    if (!Object.hasOwn(headers, key)) continue;
    raw.push(key, headers[key]);
    if (!named && key.length === name.length && (key.charCodeAt(0) | 0x20) === first && key.toLowerCase() === name) named = true;
  }
  if (!named) raw.push(name, id);
  return raw;
}

/**
 * `writeHead` of podkit's responses: adds the request-id header (unless the application set its
 * own) as the head is written, instead of with `setHeader` when the request starts. A header set
 * early makes every later `writeHead(status, headers)` (Fastify's reply, the proxy) take Node's
 * slow path, one `setHeader` per header; added here, a head written from one object stays on
 * the fast path (its headers are passed on as a raw list with the id, the object is never
 * changed). `end()` without `writeHead`
 * comes here too (Node's `_implicitHeader` calls `writeHead`).
 */
function writeHeadEchoingRequestId(this: PodkitServerResponse, statusCode: number, reason?: unknown, obj?: unknown): ServerResponse {
  const name = this.podkitEchoHeader;
  if (name === '' || this.headersSent) return nodeWriteHead.call(this, statusCode, reason, obj);
  this.podkitEchoHeader = '';
  const id = this.podkitRequestId;
  const headers = typeof reason === 'string' ? obj : reason;
  if (headers !== null && typeof headers === 'object' && !Array.isArray(headers) && outHeaders(this) === null) {
    const withId = rawHeadersWithId(headers as OutgoingHttpHeaders, name, id);
    return typeof reason === 'string' ? nodeWriteHead.call(this, statusCode, reason, withId) : nodeWriteHead.call(this, statusCode, withId);
  }
  // progressive headers, an array of raw headers, or none: the application's own value wins
  // (Node replaces a header that `writeHead`'s argument names)
  if (!this.hasHeader(name)) this.setHeader(name, id);
  return nodeWriteHead.call(this, statusCode, reason, obj);
}

/**
 * The `ServerResponse` class of servers created by `serve()`: it declares podkit's per-request
 * fields up front so every response has the same shape (no hidden-class changes on the hot path)
 * and no per-request state object is allocated. Frameworks that swap the prototype (Express)
 * keep these own fields, `writeHead` included.
 * @internal
 */
export class PodkitServerResponse<Request extends IncomingMessage = IncomingMessage> extends nodeHttp.ServerResponse<Request> {
  /** `performance.now()` when instrumentation started, 0 when not instrumented. */
  podkitStart = 0;
  /** The request id. */
  podkitRequestId = '';
  /** Header the request id is echoed in when the head is written; `''` for none (or already written). */
  podkitEchoHeader = '';
  /** The route template, set by the router or {@link setRouteTemplate}. */
  podkitRoute: string | undefined = undefined;
  /** The server span, when tracing recorded or continued one. */
  podkitSpan: Span | undefined = undefined;
  /** Whether {@link podkitSpan} records (an SDK span that is exported); a non-recording span only carries ids. */
  podkitSpanRecording = false;
  /** `Date.now()` when the request's deadline was set (its arrival). */
  podkitArrivedAt = 0;
  /** The caller's budget from the deadline header (ms), before the server's cap; `undefined` without one. */
  podkitCallerBudgetMs: number | undefined = undefined;

  constructor(req: Request) {
    super(req);
    // an own property, so a framework that swaps the prototype (Express) still echoes the id
    (this as unknown as { writeHead: unknown }).writeHead = writeHeadEchoingRequestId;
  }
}
