import type { Queryable } from '../shared/db/database.ts';
import type { ImageMimeType } from './sniff.ts';

/** Where an image is in its life: processing until its variants exist, then ready, or failed. */
export type ImageStatus = 'processing' | 'ready' | 'failed';

/** The renditions the worker produces for every image. */
export type VariantName = 'display' | 'thumbnail';

/** An image's metadata as stored (never its bytes). */
export interface ImageRecord {
  readonly id: string;
  readonly ownerId: string;
  readonly status: ImageStatus;
  readonly contentType: ImageMimeType;
  readonly byteSize: number;
  /** Width of the original, in pixels. */
  readonly width: number;
  /** Height of the original, in pixels. */
  readonly height: number;
  readonly error: string | null;
  readonly createdAt: Date;
}

/** A processed rendition, ready to serve. */
export interface StoredVariant {
  readonly data: Buffer;
  readonly etag: string;
  readonly width: number;
  readonly height: number;
}

/** What {@link ImageStore.insert} needs to store a new upload. */
export interface NewImage {
  readonly id: string;
  readonly ownerId: string;
  readonly contentType: ImageMimeType;
  readonly bytes: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** Reads and writes images and their renditions; uploads enqueue a processing job. */
export interface ImageStore {
  /** Stores the original and enqueues its processing job, in one statement. */
  insert(image: NewImage): Promise<ImageRecord>;
  /** The image's metadata, or `undefined` when the id is unknown. */
  get(id: string): Promise<ImageRecord | undefined>;
  /** The image's status and, when it is ready, the rendition; `undefined` when the id is unknown. */
  getVariant(id: string, variant: VariantName): Promise<{ image: ImageRecord; variant?: StoredVariant } | undefined>;
}

/** Options of {@link createImageStore}. */
export interface ImageStoreOptions {
  /** Attempts a job gets before its image is marked failed. @default 3 */
  readonly maxAttempts?: number;
  /** Channel notified when a job is enqueued (`pg_notify`), so idle workers wake. @default 'images_jobs' */
  readonly notifyChannel?: string;
}

interface ImageRow {
  id: string;
  owner_id: string;
  status: ImageStatus;
  content_type: ImageMimeType;
  byte_size: number;
  width: number;
  height: number;
  error: string | null;
  created_at: Date | string;
}

const IMAGE_COLUMNS = 'id, owner_id, status, content_type, byte_size, width, height, error, created_at';

/** Normalises PGlite's `Uint8Array` and pg's `Buffer` to a `Buffer` without copying. */
export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function toRecord(row: ImageRow): ImageRecord {
  return {
    id: row.id,
    ownerId: row.owner_id,
    status: row.status,
    contentType: row.content_type,
    byteSize: row.byte_size,
    width: row.width,
    height: row.height,
    error: row.error,
    createdAt: new Date(row.created_at),
  };
}

/**
 * Creates the image store over the service's database (PostgreSQL or PGlite).
 *
 * @example
 * const store = createImageStore(pool, { maxAttempts: 3 });
 * const image = await store.insert({ id: randomUUID(), ownerId, contentType: 'image/png', bytes, width, height });
 */
export function createImageStore(db: Queryable, options: ImageStoreOptions = {}): ImageStore {
  const maxAttempts = options.maxAttempts ?? 3;
  const channel = options.notifyChannel ?? 'images_jobs';
  return {
    async insert(image) {
      // One statement: the image and its job exist together or not at all; pg_notify fires on commit.
      const { rows } = await db.query<{ created_at: Date | string }>(
        `WITH i AS (
           INSERT INTO images (id, owner_id, status, content_type, byte_size, width, height, original)
           VALUES ($1, $2, 'processing', $3, $4, $5, $6, $7)
           RETURNING created_at
         ), j AS (
           INSERT INTO jobs (image_id, max_attempts) VALUES ($1, $8) RETURNING id
         )
         SELECT i.created_at, pg_notify($9, j.id::text) IS NULL AS notified FROM i, j`,
        [
          image.id,
          image.ownerId,
          image.contentType,
          image.bytes.byteLength,
          image.width,
          image.height,
          image.bytes,
          maxAttempts,
          channel,
        ],
      );
      return {
        id: image.id,
        ownerId: image.ownerId,
        status: 'processing',
        contentType: image.contentType,
        byteSize: image.bytes.byteLength,
        width: image.width,
        height: image.height,
        error: null,
        createdAt: new Date(rows[0]?.created_at ?? Date.now()),
      };
    },

    async get(id) {
      const { rows } = await db.query<ImageRow>(`SELECT ${IMAGE_COLUMNS} FROM images WHERE id = $1`, [id]);
      return rows[0] && toRecord(rows[0]);
    },

    async getVariant(id, variant) {
      const { rows } = await db.query<ImageRow & { data: Uint8Array | null; etag: string | null; vwidth: number | null; vheight: number | null }>(
        `SELECT i.id, i.owner_id, i.status, i.content_type, i.byte_size, i.width, i.height, i.error, i.created_at,
                v.data, v.etag, v.width AS vwidth, v.height AS vheight
           FROM images i
           LEFT JOIN variants v ON v.image_id = i.id AND v.variant = $2
          WHERE i.id = $1`,
        [id, variant],
      );
      const row = rows[0];
      if (!row) return undefined;
      const image = toRecord(row);
      if (row.data === null || row.etag === null || row.vwidth === null || row.vheight === null) return { image };
      return { image, variant: { data: toBuffer(row.data), etag: row.etag, width: row.vwidth, height: row.vheight } };
    },
  };
}
