import { InvalidClientOptionsError } from './errors.ts';

/** One replica: its origin (`http://host:port`) and the path prefix of its base URL. @internal */
export interface UpstreamTarget {
  readonly origin: string;
  readonly basePath: string;
}

/**
 * Parses replica base URLs (`http://a:1/api`), rejecting anything that is not plain http(s).
 * @internal
 */
export function parseOrigins(client: string, urls: readonly string[]): UpstreamTarget[] {
  const list = urls.map((u) => u.trim()).filter((u) => u !== '');
  if (list.length === 0) throw new InvalidClientOptionsError(client, 'baseUrl', 'is empty; give at least one http(s) URL');
  return list.map((raw) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new InvalidClientOptionsError(client, 'baseUrl', `contains ${shown(raw)}, which is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new InvalidClientOptionsError(client, 'baseUrl', `contains ${shown(raw)}: only http: and https: are supported`);
    }
    if (url.search || url.hash || url.username) {
      throw new InvalidClientOptionsError(client, 'baseUrl', `contains ${shown(raw)}: no query, fragment or credentials allowed`);
    }
    return { origin: url.origin, basePath: url.pathname.replace(/\/+$/, '') };
  });
}

/**
 * `raw` quoted for an error message without the credentials it may carry (a base URL often comes
 * from config): the userinfo and every query value become `[redacted]`.
 * @internal
 */
export function shown(raw: string): string {
  const masked = raw
    .replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1[redacted]@')
    .replace(/([?&;][^=&#;]*)=[^&#;]*/g, '$1=[redacted]');
  return JSON.stringify(masked);
}

/**
 * Round-robin over replicas. `pick(avoid, admits)` returns the next replica that `admits` accepts,
 * preferring one other than `avoid` (the replica the previous attempt failed on).
 * @internal
 */
export class RoundRobin<T> {
  readonly #items: readonly T[];
  #next = 0;

  constructor(items: readonly T[]) {
    this.#items = items;
  }

  /** Next item accepted by `admits`, skipping `avoid` unless nothing else is accepted. */
  pick(avoid: T | undefined, admits: (item: T) => boolean): T | undefined {
    const n = this.#items.length;
    let fallback: T | undefined;
    for (let i = 0; i < n; i++) {
      const item = this.#items[(this.#next + i) % n] as T;
      if (item === avoid && n > 1) {
        fallback = item;
        continue;
      }
      if (admits(item)) {
        this.#next = (this.#next + i + 1) % n;
        return item;
      }
    }
    if (fallback !== undefined && admits(fallback)) return fallback;
    return undefined;
  }
}
