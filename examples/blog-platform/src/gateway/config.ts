import { defineConfig, duration, reloadable } from '@podkit/config';
import { z } from 'zod';
import { adminConfig, DEFAULT_ADMIN_PORTS, DEFAULT_PORTS, distinctAdminPort, logLevel, upstreamUrl } from '../shared/config.ts';

/** Configuration of the gateway (no database, no cache). */
export const configSchema = z.object({
  port: z.number().int().min(0).max(65_535).default(DEFAULT_PORTS.gateway).describe('public HTTP port: the API, never the probes or /metrics (0 = any free port)'),
  ...adminConfig(DEFAULT_ADMIN_PORTS.gateway),
  log: z.object({ level: reloadable(logLevel.default('info')).describe('log level, applied without restart') }),
  auth: z.object({ url: upstreamUrl(DEFAULT_PORTS.auth).describe('auth base URL(s)') }),
  posts: z.object({ url: upstreamUrl(DEFAULT_PORTS.posts).describe('posts base URL(s)') }),
  comments: z.object({ url: upstreamUrl(DEFAULT_PORTS.comments).describe('comments base URL(s)') }),
  images: z.object({ url: upstreamUrl(DEFAULT_PORTS.images).describe('images base URL(s)') }),
  web: z.object({
    dir: z.string().optional().describe('front-end build to serve at / (default examples/blog-platform/web/dist)'),
  }),
  upstream: z.object({
    timeout: duration({ max: '8s' }).default(5_000).describe('time an upstream may take to send response headers'),
  }),
  shutdown: z.object({
    gracePeriod: duration({ unit: 's' }).optional().describe('terminationGracePeriodSeconds of the pod (default: PODKIT_GRACE_PERIOD_SECONDS, else 30 s)'),
  }),
  accessLog: z.boolean().default(false).describe('log one line per proxied request (costs throughput)'),
}).superRefine(distinctAdminPort);

/** The gateway config definition. */
export const gatewayConfig = defineConfig(configSchema);
