import type { Queryable } from '../shared/db/database.ts';
import { toBuffer } from './store.ts';
import type { VariantName } from './store.ts';

/** A claimed processing job: the worker that claimed it holds its lease until `complete`/`fail`/`release`. */
export interface ClaimedJob {
  readonly id: string;
  readonly imageId: string;
  /** This attempt's number, from 1. */
  readonly attempt: number;
  readonly maxAttempts: number;
}

/** A rendition the worker produced, to be stored by {@link JobQueue.complete}. */
export interface VariantOutput {
  readonly name: VariantName;
  readonly data: Buffer;
  readonly etag: string;
  readonly width: number;
  readonly height: number;
}

/** The outcome of a failed attempt: retried later, or given up and the image marked failed. */
export type FailOutcome = 'retry' | 'failed';

/**
 * The processing queue in PostgreSQL. A job is claimed with `FOR UPDATE SKIP LOCKED` (two workers
 * never take the same job, and never wait on each other) and leased until `locked_until`; a job
 * whose worker died is claimed again once its lease expires.
 */
export interface JobQueue {
  /** Claims the next due job (queued and due, or running with an expired lease), or `undefined`. */
  claim(): Promise<ClaimedJob | undefined>;
  /** The original bytes of the job's image, or `undefined` if the image is gone. */
  loadOriginal(job: ClaimedJob): Promise<Buffer | undefined>;
  /** Extends the job's lease; `false` when this worker no longer holds it. */
  heartbeat(job: ClaimedJob): Promise<boolean>;
  /** Stores the renditions, marks the image ready and the job done, in one statement. */
  complete(job: ClaimedJob, variants: readonly VariantOutput[]): Promise<void>;
  /** Records a failed attempt: requeued with backoff, or failed (image too) after the last attempt or when `permanent`. */
  fail(job: ClaimedJob, error: string, permanent?: boolean): Promise<FailOutcome>;
  /** Gives the job back without counting the attempt (this worker is stopping before finishing it). */
  release(job: ClaimedJob): Promise<void>;
}

/** Options of {@link createJobQueue}. */
export interface JobQueueOptions {
  /** Identifies this worker in `locked_by` (e.g. pod name and pid). */
  readonly workerId: string;
  /** How long a claim lasts without a heartbeat before another worker may take the job. @default 60000 */
  readonly leaseMs?: number;
  /** Delay before retry n (1-based): `retryBaseMs * 2^(n-1)`, capped at 5 minutes. @default 1000 */
  readonly retryBaseMs?: number;
  /**
   * The clock leases and retries are computed with. Default: the database's `now()`, one clock for
   * every replica. Tests inject one to expire a lease without waiting.
   */
  readonly clock?: () => Date;
}

interface ClaimRow {
  id: string;
  image_id: string;
  attempts: number;
  max_attempts: number;
}

const MAX_RETRY_DELAY_MS = 5 * 60_000;

/**
 * Creates the job queue over a {@link Queryable}. Every operation is one statement, so no
 * connection is held while an image is processed.
 *
 * @example
 * const queue = createJobQueue(pool, { workerId: `${hostname()}:${process.pid}`, leaseMs: 60_000 });
 * const job = await queue.claim();
 */
export function createJobQueue(db: Queryable, options: JobQueueOptions): JobQueue {
  const leaseSeconds = (options.leaseMs ?? 60_000) / 1000;
  const retryBaseMs = options.retryBaseMs ?? 1000;
  const clock = options.clock;
  const now = (): Date | null => (clock ? clock() : null);
  const { workerId } = options;

  return {
    async claim() {
      const { rows } = await db.query<ClaimRow>(
        `WITH t AS (SELECT coalesce($1::timestamptz, now()) AS now),
         next AS (
           SELECT j.id FROM jobs j, t
            WHERE (j.status = 'queued' AND j.run_at <= t.now)
               OR (j.status = 'running' AND j.locked_until < t.now)
            ORDER BY j.run_at, j.id
            LIMIT 1
            FOR UPDATE OF j SKIP LOCKED
         )
         UPDATE jobs j
            SET status = 'running', attempts = j.attempts + 1, locked_by = $2,
                locked_until = t.now + make_interval(secs => $3), updated_at = t.now
           FROM next, t
          WHERE j.id = next.id
         RETURNING j.id::text AS id, j.image_id, j.attempts, j.max_attempts`,
        [now(), workerId, leaseSeconds],
      );
      const row = rows[0];
      return row && { id: row.id, imageId: row.image_id, attempt: row.attempts, maxAttempts: row.max_attempts };
    },

    async loadOriginal(job) {
      const { rows } = await db.query<{ original: Uint8Array }>(
        'SELECT original FROM images WHERE id = $1',
        [job.imageId],
      );
      return rows[0] && toBuffer(rows[0].original);
    },

    async heartbeat(job) {
      const { rows } = await db.query(
        `UPDATE jobs SET locked_until = coalesce($1::timestamptz, now()) + make_interval(secs => $2)
          WHERE id = $3 AND locked_by = $4 AND status = 'running'
         RETURNING id`,
        [now(), leaseSeconds, job.id, workerId],
      );
      return rows.length > 0;
    },

    async complete(job, variants) {
      const params: unknown[] = [job.imageId, job.id, now()];
      const values = variants.map((v) => {
        params.push(v.name, v.data, v.etag, v.width, v.height);
        const n = params.length;
        return `($1, $${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}, $${n})`;
      });
      // Renditions, image status and job status change together, or not at all.
      const upsertVariants =
        values.length === 0
          ? ''
          : `v AS (
               INSERT INTO variants (image_id, variant, data, etag, width, height)
               VALUES ${values.join(', ')}
               ON CONFLICT (image_id, variant) DO UPDATE
                 SET data = excluded.data, etag = excluded.etag, width = excluded.width, height = excluded.height
             ), `;
      await db.query(
        `WITH ${upsertVariants}i AS (
           UPDATE images SET status = 'ready', error = NULL, updated_at = coalesce($3::timestamptz, now())
            WHERE id = $1
         )
         UPDATE jobs
            SET status = 'done', locked_until = NULL, locked_by = NULL, last_error = NULL,
                updated_at = coalesce($3::timestamptz, now())
          WHERE id = $2`,
        params,
      );
    },

    async fail(job, error, permanent = false) {
      const delayMs = Math.min(retryBaseMs * 2 ** Math.max(0, job.attempt - 1), MAX_RETRY_DELAY_MS);
      const { rows } = await db.query<{ status: string }>(
        `WITH t AS (SELECT coalesce($1::timestamptz, now()) AS now),
         j AS (
           UPDATE jobs j
              SET status = CASE WHEN $4::boolean OR j.attempts >= j.max_attempts THEN 'failed' ELSE 'queued' END,
                  run_at = t.now + make_interval(secs => $5), locked_until = NULL, locked_by = NULL,
                  last_error = $3, updated_at = t.now
             FROM t
            WHERE j.id = $2
           RETURNING j.image_id, j.status
         ), i AS (
           UPDATE images im SET status = 'failed', error = $3, updated_at = t.now
             FROM j, t
            WHERE im.id = j.image_id AND j.status = 'failed'
         )
         SELECT status FROM j`,
        [now(), job.id, error.slice(0, 1000), permanent, delayMs / 1000],
      );
      return rows[0]?.status === 'failed' ? 'failed' : 'retry';
    },

    async release(job) {
      await db.query(
        `UPDATE jobs
            SET status = 'queued', attempts = greatest(attempts - 1, 0), locked_until = NULL, locked_by = NULL,
                run_at = coalesce($1::timestamptz, now()), updated_at = coalesce($1::timestamptz, now())
          WHERE id = $2 AND locked_by = $3 AND status = 'running'`,
        [now(), job.id, workerId],
      );
    },
  };
}
