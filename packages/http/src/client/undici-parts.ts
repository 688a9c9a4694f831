import { createRequire } from 'node:module';
import type * as Undici from 'undici';

const load = createRequire(import.meta.url);

// undici's index loads all of undici (fetch, WebSocket, EventSource, the cache and mock agents,
// about 95 modules); the client uses two of its parts. Loaded from their own files, which are
// the very modules the index re-exports (same objects, so `instanceof` against `undici`'s
// exports holds; undici declares no `exports` map, and a test checks the identity on every
// upgrade): on Node 24.21, `Pool` and `errors` alone left 13 MiB less RSS after a full GC than
// `import('undici')` (2.8 MiB of it V8 heap), in a process that does nothing else.

/** undici's `Pool` (`undici/lib/dispatcher/pool.js`). @internal */
export const Pool: typeof Undici.Pool = load('undici/lib/dispatcher/pool.js') as typeof Undici.Pool;
/** An undici `Pool`. @internal */
export type Pool = Undici.Pool;

/** undici's `errors` (`undici/lib/core/errors.js`). @internal */
export const errors: typeof Undici.errors = load('undici/lib/core/errors.js') as typeof Undici.errors;
