import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The services of the platform, in start order. `comment-counter` is the queue worker: it runs
 * as its own process only with a broker (`AMQP_URL`); embedded, it runs inside comments.
 */
export const SERVICE_NAMES = ['auth', 'posts', 'comments', 'images', 'comment-counter', 'gateway'] as const;
/** A service name. */
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Fixed local ports (`npm start`). */
export const FIXED_PORTS: Readonly<Record<ServiceName, number>> = Object.freeze({
  gateway: 8080,
  auth: 8081,
  posts: 8082,
  comments: 8083,
  images: 8084,
  'comment-counter': 8085,
});

/** Fixed local admin ports (`npm start`): probes and `/metrics`, the public port + 1000. */
export const FIXED_ADMIN_PORTS: Readonly<Record<ServiceName, number>> = Object.freeze({
  gateway: 9080,
  auth: 9081,
  posts: 9082,
  comments: 9083,
  images: 9084,
  'comment-counter': 9085,
});

/** Which services each one calls (its `<NAME>_URL` variables), so it starts after them. */
export const DEPENDENCIES: Readonly<Record<ServiceName, readonly ServiceName[]>> = Object.freeze({
  auth: [],
  posts: ['auth'],
  comments: ['auth', 'posts'],
  images: ['auth'],
  'comment-counter': [],
  gateway: ['auth', 'posts', 'comments', 'images'],
});

/** Start waves: auth → posts → comments, images (and comment-counter) together → gateway. */
export const START_WAVES: readonly (readonly ServiceName[])[] = [['auth'], ['posts'], ['comments', 'images', 'comment-counter'], ['gateway']];

/** Services that run as their own process only when the environment has this variable (workers on a broker). */
export const NEEDS_ENV: Readonly<Partial<Record<ServiceName, string>>> = Object.freeze({ 'comment-counter': 'AMQP_URL' });

/** The database schema a service uses: the worker writes the comments schema's projection. */
export function schemaOf(name: ServiceName): string {
  return name === 'comment-counter' ? 'comments' : name;
}

/**
 * How the service processes run: `source` runs `src/<name>/main.ts` through Node's type stripping
 * with the `@podkit/source` condition (the packages' `src/` too), `compiled` runs the `tsc` output
 * `dist/<name>/main.js` on the packages' `dist/` (what the image runs: about 30 MiB less RSS per
 * process, see deploy/MEASUREMENTS.md). Build it with `npm run build` at the repository root.
 */
export type ServiceRuntime = 'source' | 'compiled';

/** The directory this file runs from: `src` (sources) or `dist` (compiled). */
export const SRC_DIR: string = path.resolve(import.meta.dirname, '..');

/** `examples/blog-platform`. */
const EXAMPLE_DIR = path.resolve(SRC_DIR, '..');

/** The runtime of this very file: `compiled` when it is the `tsc` output. */
export const OWN_RUNTIME: ServiceRuntime = import.meta.filename.endsWith('.js') ? 'compiled' : 'source';

/**
 * The entry file of a service: `src/<name>/main.ts`, or `dist/<name>/main.js` for `compiled`.
 * @default runtime the one this file runs as
 */
export function entryOf(name: ServiceName, runtime: ServiceRuntime = OWN_RUNTIME): string {
  return runtime === 'compiled' ? path.join(EXAMPLE_DIR, 'dist', name, 'main.js') : path.join(EXAMPLE_DIR, 'src', name, 'main.ts');
}

/** Node.js arguments before the entry file: the `@podkit/source` condition for the sources. */
export function nodeArgsOf(runtime: ServiceRuntime): string[] {
  return runtime === 'source' ? ['--conditions=@podkit/source'] : [];
}

/** True when the service's entry exists (images is built separately; `compiled` needs the build). */
export function isAvailable(name: ServiceName, runtime: ServiceRuntime = OWN_RUNTIME): boolean {
  return existsSync(entryOf(name, runtime));
}
