import { ApiError } from './errors.ts';
import type { Problem } from './types.ts';

/** Options of {@link createApiClient}. */
export interface ApiClientOptions {
  /** Prefix of every path. @default '' (same origin) */
  baseUrl?: string;
  /** The fetch implementation. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Returns the bearer token to send, or null when logged out. */
  getToken?: () => string | null;
  /** Called when a request that carried a token is answered 401 (the session is no longer valid). */
  onUnauthorized?: () => void;
  /** Time allowed for a whole request, body included. @default 10000 */
  timeoutMs?: number;
}

/** Options of one request. */
export interface RequestOptions {
  /** A JSON body. */
  json?: unknown;
  /** A raw body (e.g. image bytes) sent with `contentType`. */
  body?: Blob | ArrayBuffer;
  contentType?: string;
  /** Cancels the request; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Overrides the client's timeout for this request. */
  timeoutMs?: number;
  /** Extra request headers (e.g. `idempotency-key`). */
  headers?: Record<string, string>;
}

/** A small fetch wrapper that turns every failure into an {@link ApiError}. */
export interface ApiClient {
  request<T>(method: string, path: string, options?: RequestOptions): Promise<T>;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Creates the API client. Successful JSON answers resolve to their body (204 resolves to
 * `undefined`); error answers reject with an {@link ApiError} carrying the problem document;
 * network failures and timeouts reject with `kind: 'network'` / `'timeout'`. A request
 * cancelled through `options.signal` rejects with the signal's reason (an `AbortError`).
 */
export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const baseUrl = options.baseUrl ?? '';
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));
  const defaultTimeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  async function request<T>(method: string, path: string, req: RequestOptions = {}): Promise<T> {
    const headers = new Headers({ ...req.headers, accept: 'application/json, application/problem+json' });
    const token = options.getToken?.() ?? null;
    if (token) headers.set('authorization', `Bearer ${token}`);
    let body: BodyInit | undefined;
    if (req.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(req.json);
    } else if (req.body !== undefined) {
      headers.set('content-type', req.contentType ?? 'application/octet-stream');
      body = req.body;
    }

    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, req.timeoutMs ?? defaultTimeout);
    const onCallerAbort = (): void => controller.abort();
    if (req.signal?.aborted) controller.abort();
    req.signal?.addEventListener('abort', onCallerAbort, { once: true });

    const failed = (cause: unknown): never => {
      if (timedOut) throw new ApiError('timeout', `${method} ${path} timed out`, { cause });
      if (req.signal?.aborted) throw abortReason(req.signal);
      throw new ApiError('network', `${method} ${path} failed: no answer from the server`, { cause });
    };

    try {
      let response: Response;
      try {
        response = await doFetch(baseUrl + path, { method, headers, body, signal: controller.signal });
      } catch (cause) {
        return failed(cause);
      }
      let text: string;
      try {
        text = await response.text();
      } catch (cause) {
        return failed(cause);
      }
      if (!response.ok) {
        const problem = toProblem(response, text);
        if (response.status === 401 && token) options.onUnauthorized?.();
        throw new ApiError('problem', `${method} ${path} answered ${response.status}`, {
          problem,
          retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after')),
        });
      }
      if (response.status === 204 || text === '') return undefined as T;
      try {
        return JSON.parse(text) as T;
      } catch (cause) {
        throw new ApiError('invalid-response', `${method} ${path} answered with invalid JSON`, { cause });
      }
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  return { request };
}

function abortReason(signal: AbortSignal): unknown {
  const reason: unknown = signal.reason;
  return reason ?? new DOMException('The request was cancelled', 'AbortError');
}

/** Reads a problem document from an error answer, or makes one from the status line. */
function toProblem(response: Response, text: string): Problem {
  const fallback: Problem = { status: response.status, title: response.statusText || undefined };
  if (text === '') return fallback;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return fallback;
    const doc = parsed as Record<string, unknown>;
    return {
      type: typeof doc['type'] === 'string' ? doc['type'] : undefined,
      title: typeof doc['title'] === 'string' ? doc['title'] : fallback.title,
      status: response.status,
      detail: typeof doc['detail'] === 'string' ? doc['detail'] : undefined,
      errors: doc['errors'],
    };
  } catch {
    return fallback;
  }
}

function parseRetryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
