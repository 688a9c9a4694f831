import type { IncomingMessage, ServerResponse } from 'node:http';
import type { output, ZodType } from 'zod';

/** zod schemas validating a route's path parameters, query string and JSON body. */
export interface RouteSchemas {
  /** Schema of the path parameters (`/posts/:id` → `{ id }`, strings before coercion). */
  params?: ZodType;
  /** Schema of the query string (values are strings or string arrays; use `z.coerce`). */
  query?: ZodType;
  /** Schema of the JSON body. When set, the body is read, size-limited and safely parsed. */
  body?: ZodType;
  /**
   * This route's cap of the request's time budget in ms, in place of `serve()`'s
   * `maxDeadlineMs` (e.g. longer for an upload, shorter for a lookup). The caller's own budget
   * (`x-podkit-timeout-ms`) still applies when it is smaller.
   * @default serve()'s maxDeadlineMs
   * @example
   * ```ts
   * router.post('/uploads', { maxDeadlineMs: 120_000 }, handler);
   * ```
   */
  maxDeadlineMs?: number;
}

/**
 * The type a route handler receives for request part `K` (`params`, `query`, `body`): the output
 * type of that zod schema in `S`, or `D` when the route declares none.
 */
export type Validated<S, K extends keyof RouteSchemas, D> = S extends { [P in K]: infer Z extends ZodType } ? output<Z> : D;

/** What a route handler receives: validated input plus the raw Node request/response. */
export interface RouteInput<S extends RouteSchemas> {
  /** Path parameters, validated by `schemas.params` when given. */
  params: Validated<S, 'params', Record<string, string | undefined>>;
  /** Query string, validated by `schemas.query` when given. */
  query: Validated<S, 'query', Record<string, string | string[] | undefined>>;
  /** JSON body, validated by `schemas.body` when given; `undefined` otherwise. */
  body: Validated<S, 'body', undefined>;
  /** The raw request (headers, streaming bodies). */
  req: IncomingMessage;
  /** The raw response; write to it directly to stream, and the return value is ignored. */
  res: ServerResponse;
  /** The matched route template, e.g. `/posts/:id`. */
  route: string;
}

/**
 * A route handler. Its (awaited) return value becomes the response: a plain value is sent as
 * JSON with 200, `undefined` as 204, a {@link Reply} with its status/headers; a thrown
 * `ProblemError` becomes its problem response, anything else a 500 problem (logged, no stack
 * sent).
 */
export type RouteHandler<S extends RouteSchemas> = (input: RouteInput<S>) => unknown;

/** HTTP methods the router registers handlers for. */
export type RouteMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

/** A Node request listener. */
export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;
