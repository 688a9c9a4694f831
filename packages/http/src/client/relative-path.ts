import { InvalidRequestError } from './errors.ts';
import type { UpstreamTarget } from './origins.ts';
import { shown } from './origins.ts';

/** `scheme://…` (RFC 3986 scheme). */
const ABSOLUTE = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Rejects a path that is an absolute URL (`http://other-host/x`): a client for one upstream would
 * otherwise send it as a path to its own base URL. The error names both, credentials and query
 * values masked. (`//x` is a path like any other: it is sent below the base URL.) Called only for
 * paths that do not start with `/`.
 * @throws InvalidRequestError naming the URL and the client's base URL
 * @internal
 */
export function checkRelativePath(client: string, targets: readonly UpstreamTarget[], path: string): void {
  if (!ABSOLUTE.test(path)) return;
  const base = targets[0] === undefined ? '' : targets[0].origin + targets[0].basePath;
  throw new InvalidRequestError(
    `client "${client}" got the absolute URL ${shown(path)} as a path; it sends only to its base URL ${shown(base)}. Pass a path, or use createKeyedClient() for arbitrary hosts`,
  );
}
