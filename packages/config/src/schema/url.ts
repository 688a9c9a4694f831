import { z } from 'zod';
import { withMeta } from './meta.ts';

/** Options of {@link url}. */
export interface UrlOptions {
  /**
   * Accepted schemes, without `:` or `://` (`['postgres', 'postgresql']`), compared ignoring case.
   * @default any scheme
   */
  protocols?: readonly string[];
  /**
   * Whether the URL must name a host. `false` also accepts an empty authority, as in
   * `postgresql:///blog?host=/var/run/postgresql` (a Unix socket given in the query).
   * @default true
   */
  requireHost?: boolean;
}

/** `scheme://authority...`: the authority ends at the first `/`, `?` or `#`. */
const SHAPE = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)/i;

/**
 * A connection-string field (`postgres://`, `redis://`, `amqp://`, `mongodb+srv://`, `https://`):
 * checks that the value is a URL with a host (and, with `protocols`, one of those schemes) and
 * keeps it as the string it was given. The password in it (`user:pass@`) and credential query
 * parameters (`?password=`, `sslpassword=`, `token=`) are treated as secret values: they are
 * returned by {@link secretValues}, so a logger created with `redactValues` masks them in any
 * line, not only where podkit prints the config. (podkit masks URL credentials in every config
 * value it prints anyway; `url()` also covers what your code logs.) Multi-host URLs
 * (`mongodb://u:p@h1:27017,h2:27017/db`) are accepted.
 *
 * Declare the whole field `secret(url())` when even the host must not be shown.
 *
 * @example
 * ```ts
 * const schema = z.object({
 *   database: z.object({ url: url({ protocols: ['postgres', 'postgresql'] }).optional() }),
 *   redis: z.object({ url: url({ protocols: ['redis', 'rediss'] }).default('redis://127.0.0.1:6379') }),
 * });
 * // DATABASE_URL=postgres://blog:hunter22@db/blog: describeConfig shows postgres://blog:[redacted]@db/blog
 * ```
 */
export function url(options: UrlOptions = {}): z.ZodString {
  const protocols = options.protocols?.map((p) => p.replace(/:(\/\/)?$/, '').toLowerCase());
  const expected =
    protocols === undefined || protocols.length === 0
      ? 'expected a URL such as scheme://host/path'
      : `expected a URL starting with ${protocols.map((p) => `${p}://`).join(' or ')}`;
  const schema = z.string().superRefine((value, ctx) => {
    const shape = SHAPE.exec(value);
    const scheme = shape?.[1]?.toLowerCase();
    const authority = shape?.[2] ?? '';
    const hostOk = hasHost(authority) || (options.requireHost === false && authority === '');
    const valid = shape !== null && scheme !== undefined && hostOk && !/\s/.test(value) && parses(value, authority);
    if (!valid || (protocols !== undefined && protocols.length > 0 && !protocols.includes(scheme))) {
      ctx.addIssue({ code: 'custom', message: expected });
    }
  });
  return withMeta(schema, { kind: 'url' });
}

function hasHost(authority: string): boolean {
  const hosts = authority.slice(authority.lastIndexOf('@') + 1);
  return hosts.split(',').every((host) => host !== '' && !host.startsWith(':'));
}

/** The WHATWG parser rejects multi-host authorities; each host was checked by {@link hasHost}. */
function parses(value: string, authority: string): boolean {
  return authority.slice(authority.lastIndexOf('@') + 1).includes(',') || URL.canParse(value);
}
