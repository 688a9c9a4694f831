import { authVerifier } from '../shared/auth/jwks-client.ts';
import type { ServiceDefinition } from '../shared/bootstrap.ts';
import { databaseUrl } from '../shared/config.ts';
import { PLATFORM_VERSION } from '../shared/version.ts';
import { createImagesApp } from './app.ts';
import { imagesConfig } from './config.ts';
import type { configSchema } from './config.ts';
import { listenForJobs } from './job-notifications.ts';

/**
 * The images service: uploads checked from their bytes, stored in PostgreSQL with a processing
 * job; a background worker claims jobs with `FOR UPDATE SKIP LOCKED` under a lease, resizes and
 * re-encodes to WebP with sharp, and finishes its current job before the process exits on
 * SIGTERM (a lifecycle drainer). Demonstrates non-HTTP work in podkit's shutdown sequence.
 */
export const imagesService: ServiceDefinition<typeof configSchema> = {
  name: 'images',
  version: PLATFORM_VERSION,
  config: imagesConfig,
  async setup({ config, service, logger, metrics, openDatabase, client, onShutdown }) {
    const db = await openDatabase(config.database);
    const app = await createImagesApp({
      db,
      verifier: authVerifier(client('auth', config.auth.url)),
      logger,
      metrics,
      settings: config,
      stopSignal: service.lifecycle.signal,
    });
    const { worker } = app;
    if (worker !== undefined) {
      // Phase 3 of the shutdown: no new jobs (already stopped by the lifecycle signal), the
      // running ones finish; at the drain deadline they are released to another replica.
      service.lifecycle.addDrainer({
        name: 'images-worker',
        async drain({ signal }) {
          const result = await worker.drain(signal);
          return { completed: result.released === 0, cut: result.released, finished: result.finished };
        },
      });
      const url = databaseUrl(config.database);
      if (db.kind === 'postgres' && url !== undefined) {
        const notifications = await listenForJobs({
          url,
          password: config.database.password,
          channel: app.notifyChannel,
          onNotify: () => worker.wake(),
          logger,
        });
        onShutdown('job-notifications', () => notifications.close());
      }
    }
    if (config.images.processingDelay > 0) {
      logger.warn({ processingDelayMs: config.images.processingDelay }, 'images.processing-delay is set: a TEST-ONLY setting that slows every job');
    }
    return app.router;
  },
};
