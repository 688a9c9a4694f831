// Public API of @podkit/fastify. Explicit named exports only.

// First: fails with a clear message on an unsupported Node.js, before any dependency is evaluated.
import './node-version.ts';

export { FastifyNodeVersionError, FastifyWiringError, PodkitFastifyError, isPodkitFastifyError } from './errors.ts';
export { PLUGIN_NAME, podkitFastify } from './plugin.ts';
export type { PodkitFastifyOptions } from './plugin.ts';
export { fastifyOptions } from './fastify-options.ts';
export type { PodkitFastifyServerOptions } from './fastify-options.ts';
export { serveFastify } from './serve-fastify.ts';
export type { ServableFastify } from './serve-fastify.ts';
