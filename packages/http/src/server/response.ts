import { ServerResponse } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { Span } from '@opentelemetry/api';

/**
 * The `ServerResponse` class of servers created by `serve()`: it declares podkit's per-request
 * fields up front so every response has the same shape (no hidden-class changes on the hot path)
 * and no per-request state object is allocated. Frameworks that swap the prototype (Express)
 * keep these own fields.
 * @internal
 */
export class PodkitServerResponse<Request extends IncomingMessage = IncomingMessage> extends ServerResponse<Request> {
  /** `performance.now()` when instrumentation started, 0 when not instrumented. */
  podkitStart = 0;
  /** The request id. */
  podkitRequestId = '';
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
}
