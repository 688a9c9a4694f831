import { performance } from 'node:perf_hooks';
import type { ClaimedJob, JobQueue, VariantOutput } from './queue.ts';

/** The logger calls the worker makes (a pino `Logger` fits). */
export interface WorkerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** How one job ended, as counted in metrics. */
export type JobOutcome = 'completed' | 'retry' | 'failed';

/** Options of {@link createImageWorker}. */
export interface ImageWorkerOptions {
  readonly queue: JobQueue;
  /** Turns a job's original into its renditions (resize, strip, encode). */
  readonly handle: (job: ClaimedJob, original: Buffer) => Promise<VariantOutput[]>;
  readonly logger: WorkerLogger;
  /** Jobs processed at once by this process. @default 1 */
  readonly concurrency?: number;
  /** How often an idle worker looks for jobs (a `wake()` looks at once). @default 1000 */
  readonly pollIntervalMs?: number;
  /** How often a running job's lease is extended; keep it well under the lease. @default 10000 */
  readonly heartbeatMs?: number;
  /** Called when a job ends, with its duration: the hook for metrics. */
  readonly onJobEnd?: (outcome: JobOutcome, seconds: number) => void;
}

/** What {@link ImageWorker.drain} did. */
export interface WorkerDrainResult {
  /** Jobs that were running when the drain began and finished before it ended. */
  readonly finished: number;
  /** Jobs still running when the drain was cut short: their leases were released for another worker. */
  readonly released: number;
}

/** A background worker that claims image jobs from PostgreSQL and processes them. */
export interface ImageWorker {
  /** Starts polling. */
  start(): void;
  /** Looks for work now (after an upload, or a `NOTIFY` from another replica). */
  wake(): void;
  /** Stops taking new jobs; running ones continue. */
  stop(): void;
  /**
   * Stops taking new jobs and waits for the running ones. When `signal` aborts first, the jobs
   * still running are released (another worker retries them at once) and the drain returns.
   */
  drain(signal?: AbortSignal): Promise<WorkerDrainResult>;
  /** Jobs running now. */
  readonly active: number;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Creates the image worker. It polls on an unref'ed timer (never keeping the process alive), runs
 * up to `concurrency` jobs, extends each running job's lease on a heartbeat, and retries failures
 * with backoff through the queue.
 *
 * @example
 * const worker = createImageWorker({ queue, handle: (job, original) => processImage(original), logger });
 * worker.start();
 * lifecycle.addDrainer({ name: 'images-worker', drain: ({ signal }) => worker.drain(signal) });
 */
export function createImageWorker(options: ImageWorkerOptions): ImageWorker {
  const { queue, handle, logger, onJobEnd } = options;
  const concurrency = options.concurrency ?? 1;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const heartbeatMs = options.heartbeatMs ?? 10_000;
  const active = new Map<string, { job: ClaimedJob; done: Promise<void> }>();
  let stopped = true;
  let filling = false;
  let again = false;
  let timer: NodeJS.Timeout | undefined;

  function schedule(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (stopped) return;
    timer = setTimeout(() => void fill(), pollIntervalMs);
    timer.unref();
  }

  async function fill(): Promise<void> {
    if (filling) {
      again = true;
      return;
    }
    filling = true;
    try {
      do {
        again = false;
        while (!stopped && active.size < concurrency) {
          const job = await queue.claim();
          if (!job) break;
          if (stopped) {
            await queue.release(job);
            break;
          }
          run(job);
        }
      } while (again && !stopped);
    } catch (err) {
      logger.error({ err }, 'image worker could not claim a job; retrying at the next poll');
    } finally {
      filling = false;
      schedule();
    }
  }

  function run(job: ClaimedJob): void {
    const fields = { jobId: job.id, imageId: job.imageId, attempt: job.attempt };
    const done = (async () => {
      const started = performance.now();
      const end = (outcome: JobOutcome): void => onJobEnd?.(outcome, (performance.now() - started) / 1000);
      logger.info(fields, 'image job started');
      const heartbeat = setInterval(() => {
        queue.heartbeat(job).then(
          (held) => {
            if (!held) logger.warn(fields, 'image job lease lost; another worker may retry it');
          },
          (err: unknown) => logger.warn({ ...fields, err }, 'image job heartbeat failed'),
        );
      }, heartbeatMs);
      heartbeat.unref();
      try {
        if (job.attempt > job.maxAttempts) {
          await queue.fail(job, 'the worker running the last attempt stopped before finishing', true);
          logger.error(fields, 'image job failed: attempts exhausted');
          end('failed');
          return;
        }
        const original = await queue.loadOriginal(job);
        if (!original) {
          await queue.fail(job, 'image no longer exists', true);
          end('failed');
          return;
        }
        const variants = await handle(job, original);
        await queue.complete(job, variants);
        const durationMs = Math.round(performance.now() - started);
        logger.info({ ...fields, durationMs }, 'image job completed');
        end('completed');
      } catch (err) {
        try {
          const outcome = await queue.fail(job, errorMessage(err));
          if (outcome === 'failed') logger.error({ ...fields, err }, 'image job failed: no attempts left');
          else logger.warn({ ...fields, err }, 'image job attempt failed; will retry');
          end(outcome);
        } catch (failErr) {
          // The lease expires and another attempt follows: nothing is lost.
          logger.error({ ...fields, err: failErr }, 'image job failure could not be recorded');
          end('retry');
        }
      } finally {
        clearInterval(heartbeat);
        active.delete(job.id);
        if (!stopped) void fill();
      }
    })();
    active.set(job.id, { job, done });
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      void fill();
    },
    wake() {
      if (!stopped) void fill();
    },
    stop() {
      stopped = true;
      schedule();
    },
    async drain(signal) {
      this.stop();
      const running = [...active.values()];
      if (running.length === 0) return { finished: 0, released: 0 };
      logger.info({ jobs: running.map((r) => r.job.id) }, 'image worker draining: finishing running jobs');
      const all = Promise.all(running.map((r) => r.done));
      if (signal) {
        const aborted = new Promise<'aborted'>((resolve) => {
          if (signal.aborted) resolve('aborted');
          else signal.addEventListener('abort', () => resolve('aborted'), { once: true });
        });
        if ((await Promise.race([all, aborted])) === 'aborted') {
          const left = running.filter((r) => active.has(r.job.id));
          await Promise.allSettled(left.map((r) => queue.release(r.job)));
          logger.warn({ jobs: left.map((r) => r.job.id) }, 'image worker drain cut short: jobs released');
          return { finished: running.length - left.length, released: left.length };
        }
      } else {
        await all;
      }
      return { finished: running.length, released: 0 };
    },
    get active() {
      return active.size;
    },
  };
}
