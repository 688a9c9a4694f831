import type { ZodType } from 'zod';
import { buildClient } from './create-client.ts';
import type { HttpClient } from './create-client.ts';
import { ConnectionError, InvalidClientOptionsError, InvalidRequestError } from './errors.ts';
import type { ClientOptions } from './options.ts';
import { shown } from './origins.ts';
import type { MethodOptions, RequestOptions } from './request-options.ts';
import { resolveClientOptions } from './resolve-options.ts';
import type { ClientResponse } from './response.ts';

/** Options of {@link createKeyedClient}: those of `createClient` without a base URL, plus the bounds. */
export interface KeyedClientOptions extends Omit<ClientOptions, 'baseUrl' | 'origins'> {
  /**
   * Origins kept open at once (each with its pool, breaker and bulkhead); past it the least
   * recently used origin is closed (its in-flight calls finish first).
   * @default 100
   */
  maxOrigins?: number;
  /**
   * Origins named in the `origin` label of the breaker metrics; later ones share the label
   * `other`, so a client that reaches thousands of hosts keeps its metric series bounded.
   * @default 20
   */
  maxOriginLabels?: number;
}

/** One call of a keyed client: {@link RequestOptions} with an absolute `url` in place of `path`. */
export interface KeyedRequestOptions extends Omit<RequestOptions, 'path'> {
  /** Absolute http(s) URL, e.g. `https://hooks.example.com/v1/events?x=1` (no credentials). */
  url: string;
}

/** A client for arbitrary hosts, keyed by origin; create it with {@link createKeyedClient}. */
export interface KeyedHttpClient {
  /** The client name (metrics `client` label). */
  readonly name: string;
  /** Origins open now, least recently used first. */
  origins(): string[];
  /** Sends a call to `options.url` (see `HttpClient.request`). */
  request(options: KeyedRequestOptions): Promise<ClientResponse>;
  /** `GET url`. */
  get(url: string, options?: MethodOptions): Promise<ClientResponse>;
  /** `POST url`. */
  post(url: string, options?: MethodOptions): Promise<ClientResponse>;
  /** `PUT url`. */
  put(url: string, options?: MethodOptions): Promise<ClientResponse>;
  /** `PATCH url`. */
  patch(url: string, options?: MethodOptions): Promise<ClientResponse>;
  /** `DELETE url`. */
  delete(url: string, options?: MethodOptions): Promise<ClientResponse>;
  /** Sends a call and reads the body as JSON validated by `schema` (see `HttpClient.json`). */
  json<T>(schema: ZodType<T>, options: KeyedRequestOptions): Promise<T>;
  /** Closes every origin (in-flight calls finish first, bounded by their deadlines); later calls reject. */
  close(): Promise<void>;
}

/** Default {@link KeyedClientOptions.maxOrigins}. */
export const DEFAULT_KEYED_MAX_ORIGINS = 100;
/** Default {@link KeyedClientOptions.maxOriginLabels}. */
export const DEFAULT_KEYED_MAX_ORIGIN_LABELS = 20;
/** The `origin` label of origins past {@link KeyedClientOptions.maxOriginLabels}. */
export const OTHER_ORIGIN_LABEL = 'other';

/**
 * A client for callers that reach many hosts (webhooks, fan-out to pods): a podkit client (pool,
 * breaker, bulkhead, retries, deadlines) per origin, created on first use and closed when it is
 * the least recently used past `maxOrigins`. Every option but the base URL is that of
 * `createClient`, validated here once.
 *
 * @throws InvalidClientOptionsError naming the option and the reason
 * @example
 * ```ts
 * const hooks = createKeyedClient({ name: 'webhooks', service, retry: false, maxOrigins: 200 });
 * await (await hooks.post(subscription.url, { json: event })).dump();
 * ```
 */
export function createKeyedClient(options: KeyedClientOptions): KeyedHttpClient {
  const { maxOrigins = DEFAULT_KEYED_MAX_ORIGINS, maxOriginLabels = DEFAULT_KEYED_MAX_ORIGIN_LABELS, ...rest } = options;
  const base: ClientOptions = rest;
  resolveClientOptions({ ...base, baseUrl: 'http://127.0.0.1' });
  if (!Number.isInteger(maxOrigins) || maxOrigins < 1) throw new InvalidClientOptionsError(options.name, 'maxOrigins', `must be an integer >= 1, got ${String(maxOrigins)}`);
  if (!Number.isInteger(maxOriginLabels) || maxOriginLabels < 0) {
    throw new InvalidClientOptionsError(options.name, 'maxOriginLabels', `must be an integer >= 0, got ${String(maxOriginLabels)}`);
  }
  const name = options.name;
  /** Insertion order is use order: a hit moves the origin to the end. */
  const clients = new Map<string, HttpClient>();
  const labels = new Set<string>();
  const closing = new Set<Promise<void>>();
  let closed: Promise<void> | undefined;

  const label = (origin: string): string => {
    if (labels.has(origin)) return origin;
    if (labels.size < maxOriginLabels) {
      labels.add(origin);
      return origin;
    }
    return OTHER_ORIGIN_LABEL;
  };

  const retire = (client: HttpClient): void => {
    const p = client.close();
    closing.add(p);
    void p.finally(() => closing.delete(p));
  };

  const split = (url: string): { client: HttpClient; path: string } => {
    if (closed !== undefined) throw new ConnectionError('', 'CLIENT_CLOSED');
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new InvalidRequestError(`client "${name}" got ${shown(String(url))}, which is not an absolute URL`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new InvalidRequestError(`client "${name}" got ${shown(url)}: only http: and https: are supported`);
    if (u.username !== '' || u.password !== '') throw new InvalidRequestError(`client "${name}" got ${shown(url)}: credentials in the URL are not sent; use a header`);
    const origin = u.origin;
    let client = clients.get(origin);
    if (client === undefined) {
      client = buildClient({ ...base, baseUrl: origin }, label);
      if (clients.size >= maxOrigins) {
        const [oldest, old] = clients.entries().next().value as [string, HttpClient];
        clients.delete(oldest);
        retire(old);
      }
    } else {
      clients.delete(origin);
    }
    clients.set(origin, client);
    return { client, path: u.pathname + u.search };
  };

  const request = async (o: KeyedRequestOptions): Promise<ClientResponse> => {
    const { url, ...call } = o;
    const { client, path } = split(url);
    return client.request({ ...call, path });
  };
  const method =
    (m: string) =>
    (url: string, o?: MethodOptions): Promise<ClientResponse> =>
      request({ ...o, method: m, url });
  return {
    name,
    origins: () => [...clients.keys()],
    request,
    get: method('GET'),
    post: method('POST'),
    put: method('PUT'),
    patch: method('PATCH'),
    delete: method('DELETE'),
    json: async <T>(schema: ZodType<T>, o: KeyedRequestOptions): Promise<T> => {
      const { url, ...call } = o;
      const { client, path } = split(url);
      return client.json(schema, { ...call, path });
    },
    close(): Promise<void> {
      closed ??= (async () => {
        for (const client of clients.values()) retire(client);
        clients.clear();
        while (closing.size > 0) await Promise.all([...closing]);
      })();
      return closed;
    },
  };
}
