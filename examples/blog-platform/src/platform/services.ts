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

/** The source directory (`examples/blog-platform/src`). */
export const SRC_DIR: string = path.resolve(import.meta.dirname, '..');

/** The entry file of a service (`src/<name>/main.ts`). */
export function entryOf(name: ServiceName): string {
  return path.join(SRC_DIR, name, 'main.ts');
}

/** True when the service's entry exists (images is built separately). */
export function isAvailable(name: ServiceName): boolean {
  return existsSync(entryOf(name));
}
