import { createRequire } from 'node:module';
import type FindMyWay from 'find-my-way';

const load = createRequire(import.meta.url);

/**
 * find-my-way, loaded when the first `Router` is created rather than when `@podkit/http` is
 * imported: every service imports the package (for `serve()` and the client), and one that never
 * creates a router (a gateway, a queue worker) then never loads find-my-way and its dependencies
 * (fast-querystring, safe-regex2, fast-deep-equal): 0.4 MiB of V8 heap after a full GC on Node 24.21.
 * @internal
 */
export function loadFindMyWay(): typeof FindMyWay {
  return load('find-my-way') as typeof FindMyWay;
}
