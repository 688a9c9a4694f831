import { hostname } from 'node:os';
import type { Logger, Metrics } from '@podkit/core';
import type { Router } from '@podkit/http';
import type { TokenVerifier } from '../shared/auth/verifier.ts';
import type { Database } from '../shared/db/database.ts';
import { withInputErrors } from '../shared/db/input-errors.ts';
import { migrate } from '../shared/db/migrate.ts';
import { createAuthenticate } from '../shared/http/authenticate.ts';
import { migrations } from './migrations.ts';
import { processImage } from './processor.ts';
import { createJobQueue } from './queue.ts';
import { imagesRoutes } from './routes.ts';
import { createImageStore } from './store.ts';
import { createImageWorker } from './worker.ts';
import type { ImageWorker } from './worker.ts';

/** The `images.*` and `worker.*` settings (see `config.ts`). */
export interface ImagesSettings {
  readonly images: {
    readonly maxBytes: number;
    readonly maxPixels: number;
    readonly displayWidth: number;
    readonly thumbnailWidth: number;
    readonly quality: number;
    /** TEST ONLY: artificial delay before each job, in ms. */
    readonly processingDelay: number;
  };
  readonly worker: {
    readonly enabled: boolean;
    readonly concurrency: number;
    readonly pollInterval: number;
    readonly lease: number;
    readonly maxAttempts: number;
  };
}

/** What the images service is made of. */
export interface ImagesAppOptions {
  readonly db: Database;
  readonly verifier: TokenVerifier;
  readonly logger: Logger;
  readonly metrics?: Metrics | undefined;
  readonly settings: ImagesSettings;
  /** Identifies this process's worker in `jobs.locked_by`. @default `<hostname>:<pid>` */
  readonly workerId?: string;
  /** Aborting it stops the worker from taking new jobs (pass the lifecycle's `signal`). */
  readonly stopSignal?: AbortSignal;
}

/** The images service: its routes and its background worker (started; drain it at shutdown). */
export interface ImagesApp {
  readonly router: Router;
  /** `undefined` when `worker.enabled` is false (an API-only replica). */
  readonly worker: ImageWorker | undefined;
  /** The channel uploads `pg_notify` on (`<schema>_jobs`); listen on it to wake the worker. */
  readonly notifyChannel: string;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Migrates the images schema, builds the routes, and starts the worker: uploads are stored with
 * their job in one statement and wake the local worker at once; other replicas' workers are
 * woken through `LISTEN`/`NOTIFY` (see `job-notifications.ts`) or find the job at their next poll.
 */
export async function createImagesApp(o: ImagesAppOptions): Promise<ImagesApp> {
  await migrate(o.db, migrations);
  const { images, worker: ws } = o.settings;
  const notifyChannel = `${o.db.schema}_jobs`;
  const store = createImageStore(withInputErrors(o.db), { maxAttempts: ws.maxAttempts, notifyChannel });

  let worker: ImageWorker | undefined;
  if (ws.enabled) {
    const jobs = o.metrics?.counter({
      name: 'images_jobs_total',
      help: 'Image processing jobs ended, by outcome (completed, retry, failed)',
      labelNames: ['outcome'],
    });
    const durations = o.metrics?.histogram({
      name: 'images_job_duration_seconds',
      help: 'Time to process one image job, by outcome',
      labelNames: ['outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    });
    const processOptions = {
      displayWidth: images.displayWidth,
      thumbnailWidth: images.thumbnailWidth,
      quality: images.quality,
      maxPixels: images.maxPixels,
    };
    const created = createImageWorker({
      queue: createJobQueue(o.db, { workerId: o.workerId ?? `${hostname()}:${process.pid}`, leaseMs: ws.lease }),
      async handle(_job, original) {
        if (images.processingDelay > 0) await sleep(images.processingDelay);
        return processImage(original, processOptions);
      },
      logger: o.logger.child({ component: 'images-worker' }),
      concurrency: ws.concurrency,
      pollIntervalMs: ws.pollInterval,
      heartbeatMs: Math.max(1000, Math.floor(ws.lease / 3)),
      onJobEnd(outcome, seconds) {
        jobs?.inc({ outcome });
        durations?.observe({ outcome }, seconds);
      },
    });
    o.metrics?.gauge({
      name: 'images_jobs_active',
      help: 'Image jobs this process is processing now',
      collect() {
        this.set(created.active);
      },
    });
    if (o.stopSignal?.aborted !== true) created.start();
    o.stopSignal?.addEventListener('abort', () => created.stop(), { once: true });
    worker = created;
  }

  const router = imagesRoutes({
    store,
    authenticate: createAuthenticate(o.verifier, o.logger),
    logger: o.logger,
    maxBytes: images.maxBytes,
    maxPixels: images.maxPixels,
    ...(worker === undefined ? {} : { onUpload: () => worker.wake() }),
  });
  return { router, worker, notifyChannel };
}
