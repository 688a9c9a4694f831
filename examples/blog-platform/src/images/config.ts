import { defineConfig, duration } from '@podkit/config';
import type { Config, ConfigDefinition } from '@podkit/config';
import { z } from 'zod';
import { commonConfig, DEFAULT_ADMIN_PORTS, DEFAULT_PORTS, distinctAdminPort, upstreamUrl } from '../shared/config.ts';

/**
 * Configuration of the images service. Every key comes from podkit config sources: environment
 * variables (`IMAGES_MAX_BYTES`, or the literal `images.max-bytes`), the mounted ConfigMap
 * directory (`PODKIT_CONFIG_DIR`, file `images.max-bytes`) or the Secret directory
 * (`PODKIT_SECRETS_DIR`, file `database-password`). The keys every service shares (`PORT`,
 * `log.level`, `database.*`, `shutdown.grace-period`) come from {@link commonConfig}.
 */
export const configSchema = z.object({
  ...commonConfig('images', DEFAULT_PORTS.images, DEFAULT_ADMIN_PORTS.images),
  auth: z.object({ url: upstreamUrl(DEFAULT_PORTS.auth).describe('auth base URL(s), for the JWKS that verifies tokens') }),
  images: z.object({
    maxBytes: z
      .number()
      .int()
      .min(1)
      .default(10 * 1024 * 1024)
      .describe('Largest accepted upload in bytes (413 beyond).'),
    maxPixels: z.number().int().min(1).default(40_000_000).describe('Largest accepted image in pixels, width × height (413 beyond).'),
    displayWidth: z.number().int().min(16).max(8192).default(1280).describe('Width of the display rendition in pixels.'),
    thumbnailWidth: z.number().int().min(16).max(2048).default(320).describe('Width of the thumbnail in pixels.'),
    quality: z.number().int().min(1).max(100).default(80).describe('WebP quality, 1..100.'),
    processingDelay: duration()
      .default(0)
      .describe(
        'TEST ONLY: artificial delay before each job is processed, so tests can observe a job in flight (e.g. SIGTERM during processing). Keep 0 in production.',
      ),
  }),
  worker: z.object({
    enabled: z.boolean().default(true).describe('Run the processing worker in this process (false: API only).'),
    concurrency: z.number().int().min(1).max(64).default(1).describe('Jobs processed at once by this process.'),
    pollInterval: duration().default(1_000).describe('How often an idle worker looks for jobs (uploads also wake it).'),
    lease: duration({ min: '5s' }).default(60_000).describe('How long a claimed job stays locked without a heartbeat before another worker retries it.'),
    maxAttempts: z.number().int().min(1).max(20).default(3).describe('Attempts before an image is marked failed.'),
  }),
}).superRefine(distinctAdminPort);

/** The compiled config definition of the images service (keys, env names, defaults). */
export const imagesConfig: ConfigDefinition<typeof configSchema> = defineConfig(configSchema);

/** The loaded, frozen configuration of the images service. */
export type ImagesConfig = Config<typeof configSchema>;
