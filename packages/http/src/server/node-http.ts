import type * as Http from 'node:http';

/**
 * `node:http` as its CommonJS exports, without the ES module facade an `import` from it builds.
 *
 * Node builds the facade of a built-in module by reading every export, and `node:http`'s
 * `WebSocket`, `CloseEvent` and `MessageEvent` are lazy getters that load Node's bundled undici
 * (760 kB of source, compiled on load): on Node 24.21, `import * as http from 'node:http'` left
 * 10.6 MiB more RSS after a full GC than this (2.1 MiB of it V8 heap), in a process that does
 * nothing else. A service that never opens a WebSocket should not pay for one, so podkit's
 * modules take `node:http`'s values from here; `import type` from `node:http` costs nothing.
 * (Only `node:http` has such getters among Node 24's built-in modules.)
 */
export const nodeHttp: typeof Http = process.getBuiltinModule('node:http');
