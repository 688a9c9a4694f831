import { Pool } from './undici-parts.ts';
import type { ZodType } from 'zod';
import { OriginBreaker } from './breaker.ts';
import type { BreakerState } from './breaker.ts';
import { Bulkhead } from './bulkhead.ts';
import { CallEngine } from './call-engine.ts';
import { ClientMetrics } from './metrics.ts';
import type { ClientOptions } from './options.ts';
import { RoundRobin } from './origins.ts';
import type { MethodOptions, RequestOptions } from './request-options.ts';
import { resolveClientOptions } from './resolve-options.ts';
import type { ClientResponse } from './response.ts';
import { parseJson } from './json.ts';
import { RetryBudget } from './retry-budget.ts';
import { OutlierEjector } from './ejection.ts';

/** Breaker states of a client, for readiness checks or dashboards (not for liveness). */
export interface BreakerSnapshot {
  /**
   * The state shared by every origin's breaker (`open`: every call fails fast), or `partial` when
   * the origins differ. Always `closed` when the breaker is disabled.
   */
  readonly state: BreakerState | 'partial';
  /** State per origin. */
  readonly origins: Readonly<Record<string, BreakerState>>;
}

/** A resilient client for one upstream (one or more replicas). */
export interface HttpClient {
  /** The client name (metrics `client` label). */
  readonly name: string;
  /**
   * Sends a call. Resolves with the response when the status is < 400; rejects with a typed
   * `PodkitHttpError` subclass otherwise. Read or `dump()` the body of the result.
   */
  request(options: RequestOptions): Promise<ClientResponse>;
  /** `GET path`. */
  get(path: string, options?: MethodOptions): Promise<ClientResponse>;
  /** `POST path` (retried only with an `Idempotency-Key` header or when no byte was sent). */
  post(path: string, options?: MethodOptions): Promise<ClientResponse>;
  /** `PUT path`. */
  put(path: string, options?: MethodOptions): Promise<ClientResponse>;
  /** `PATCH path` (retried only with an `Idempotency-Key` header or when no byte was sent). */
  patch(path: string, options?: MethodOptions): Promise<ClientResponse>;
  /** `DELETE path`. */
  delete(path: string, options?: MethodOptions): Promise<ClientResponse>;
  /**
   * Sends a call and reads the body as JSON validated by `schema`, all within the call's deadline.
   * @throws InvalidResponseError naming the path of the first mismatch
   * @example
   * ```ts
   * const post = await posts.json(PostSchema, { path: `/posts/${id}` });
   * ```
   */
  json<T>(schema: ZodType<T>, options: RequestOptions): Promise<T>;
  /** Breaker state per origin. */
  breakerState(): BreakerSnapshot;
  /**
   * Stops accepting calls, waits for in-flight calls (each bounded by its deadline), then closes
   * the connection pools and stops the breaker timers. Calls made after `close()` reject with a
   * `ConnectionError` (`CLIENT_CLOSED`).
   */
  close(): Promise<void>;
}

/**
 * Creates a client for one upstream on undici pools (one per replica origin), composed of small
 * layers: bulkhead → tracing/context headers → deadline → replica choice + circuit breaker per
 * origin → attempt with per-attempt timeouts → retry with budget and backoff.
 * Every option is defaulted and validated together here (see `docs/http-client.md`).
 *
 * @throws InvalidClientOptionsError naming the option and the reason
 * @example
 * ```ts
 * const posts = createClient({ name: 'posts', baseUrl: process.env.POSTS_URL, service });
 * const post = await posts.json(PostSchema, { path: `/posts/${id}` });
 * ```
 */
export function createClient(options: ClientOptions): HttpClient {
  return buildClient(options, sameOrigin);
}

const sameOrigin = (origin: string): string => origin;

/** The clients {@link buildClient} made (a brand: nothing is kept alive by it). */
const podkitClients = new WeakSet<HttpClient>();

/**
 * Whether `client` was made by podkit's `createClient` (or the keyed client): its calls accept a
 * `CallerAbort` as `signal` (see `caller-abort.ts`). @internal
 */
export function isPodkitClient(client: HttpClient): boolean {
  return podkitClients.has(client);
}

/**
 * {@link createClient} with the `origin` metric label given by `originLabel` (the keyed client
 * caps it). @internal
 */
export function buildClient(options: ClientOptions, originLabel: (origin: string) => string): HttpClient {
  const resolved = resolveClientOptions(options);
  const { name, pool: p, timeouts: t, logger } = resolved;
  const metrics = resolved.registry === undefined ? undefined : new ClientMetrics(resolved.registry, name);
  const pools = new Map<string, Pool>();
  for (const target of resolved.targets) {
    if (pools.has(target.origin)) continue;
    pools.set(
      target.origin,
      new Pool(target.origin, {
        connections: p.connections,
        pipelining: p.pipelining,
        keepAliveTimeout: p.keepAliveTimeoutMs,
        keepAliveMaxTimeout: p.keepAliveTimeoutMs,
        connect: { timeout: t.connectMs },
        headersTimeout: t.headersMs,
        bodyTimeout: t.bodyMs,
      }),
    );
  }
  let breakers: Map<string, OriginBreaker> | undefined;
  if (resolved.breaker !== false) {
    breakers = new Map();
    for (const origin of pools.keys()) {
      const label = originLabel(origin);
      metrics?.breakerInit(label);
      breakers.set(
        origin,
        new OriginBreaker(resolved.breaker, resolved.clock, (from, to) => {
          metrics?.breaker(label, from, to);
          const log = { client: name, origin, from, to };
          if (to === 'open') logger?.warn(log, `circuit breaker ${name} ${origin} opened`);
          else logger?.info(log, `circuit breaker ${name} ${origin} ${to}`);
        }),
      );
    }
  }
  const engine = new CallEngine({
    options: resolved,
    pools,
    breakers,
    balancer: new RoundRobin(resolved.targets),
    budget: resolved.budget === false ? undefined : new RetryBudget(resolved.clock, resolved.budget),
    bulkhead: resolved.bulkhead === false ? undefined : new Bulkhead(resolved.bulkhead.maxConcurrent, resolved.bulkhead.maxQueue),
    metrics,
    ejector: resolved.ejection === false || pools.size < 2 ? undefined : new OutlierEjector(resolved.clock, pools.size, resolved.ejection),
  });
  const identity = (r: ClientResponse): ClientResponse => r;
  const request = (o: RequestOptions): Promise<ClientResponse> => engine.execute(o, identity);
  const method =
    (m: string) =>
    (path: string, o?: MethodOptions): Promise<ClientResponse> =>
      engine.execute(o === undefined ? { method: m, path } : { ...o, method: m, path }, identity);
  let closing: Promise<void> | undefined;
  const client: HttpClient = {
    name,
    request,
    get: method('GET'),
    post: method('POST'),
    put: method('PUT'),
    patch: method('PATCH'),
    delete: method('DELETE'),
    json: <T>(schema: ZodType<T>, o: RequestOptions): Promise<T> =>
      engine.execute({ ...o, headers: { accept: 'application/json', ...o.headers } }, async (r) => parseJson(await r.text(), schema)),
    breakerState(): BreakerSnapshot {
      const origins: Record<string, BreakerState> = {};
      let state: BreakerSnapshot['state'] | undefined;
      for (const origin of pools.keys()) {
        const s = breakers?.get(origin)?.state ?? 'closed';
        origins[origin] = s;
        state = state === undefined || state === s ? s : 'partial';
      }
      return { state: state ?? 'closed', origins };
    },
    close(): Promise<void> {
      closing ??= (async () => {
        engine.close();
        for (const b of breakers?.values() ?? []) b.close();
        await Promise.all([...pools.values()].map((pool) => pool.close()));
      })();
      return closing;
    },
  };
  podkitClients.add(client);
  return client;
}
