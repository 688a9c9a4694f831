import { randomUUID } from 'node:crypto';
import type { Database } from '../shared/db/database.ts';
import type { Cursor } from '../shared/db/cursor.ts';
import { encodeCursor } from '../shared/db/cursor.ts';
import { IdempotencyKeyReusedError, payloadFingerprint } from '../shared/db/idempotency.ts';

/** A post as the API shows it. */
export interface Post {
  readonly id: string;
  readonly authorId: string;
  readonly authorName: string;
  readonly title: string;
  readonly body: string;
  readonly imageIds: string[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A page of posts, newest first. */
export interface PostPage {
  readonly items: Post[];
  readonly nextCursor: string | null;
}

interface Row {
  id: string;
  author_id: string;
  author_name: string;
  title: string;
  body: string;
  image_ids: string[];
  created_at: Date;
  updated_at: Date;
}

function toPost(r: Row): Post {
  return {
    id: r.id,
    authorId: r.author_id,
    authorName: r.author_name,
    title: r.title,
    body: r.body,
    imageIds: r.image_ids,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

/** True for a syntactically valid UUID (so malformed ids are a 404, not a SQL error). */
export function isUuid(s: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
}

/** SQL for posts. */
export interface PostStore {
  /**
   * Creates a post; with an `idempotencyKey` already used by this author, returns that post
   * instead, or throws {@link IdempotencyKeyReusedError} when the first request had another payload.
   */
  create(input: { authorId: string; authorName: string; title: string; body: string; imageIds: string[]; idempotencyKey?: string | undefined }): Promise<Post>;
  get(id: string): Promise<Post | undefined>;
  list(limit: number, after?: Cursor): Promise<PostPage>;
  update(id: string, patch: { title?: string | undefined; body?: string | undefined; imageIds?: string[] | undefined }): Promise<Post | undefined>;
  delete(id: string): Promise<boolean>;
}

/** The post store over a service database. */
export function createPostStore(db: Database): PostStore {
  return {
    async create(input) {
      const key = input.idempotencyKey ?? null;
      const fingerprint = key === null ? null : payloadFingerprint([input.title, input.body, input.imageIds]);
      // twice at most: the post first created with this key may be deleted between the two statements
      for (let attempt = 0; ; attempt++) {
        const { rows } = await db.query<Row>(
          `INSERT INTO posts (id, author_id, author_name, title, body, image_ids, idempotency_key, idempotency_fingerprint)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (author_id, idempotency_key) DO NOTHING RETURNING *`,
          [randomUUID(), input.authorId, input.authorName, input.title, input.body, input.imageIds, key, fingerprint],
        );
        if (rows[0] !== undefined) return toPost(rows[0]);
        const first = await db.query<Row & { idempotency_fingerprint: string | null }>(
          `SELECT * FROM posts WHERE author_id = $1 AND idempotency_key = $2`,
          [input.authorId, key],
        );
        const row = first.rows[0];
        if (row !== undefined) {
          if (row.idempotency_fingerprint !== null && row.idempotency_fingerprint !== fingerprint) throw new IdempotencyKeyReusedError();
          return toPost(row);
        }
        if (attempt > 0) throw new IdempotencyKeyReusedError();
      }
    },
    async get(id) {
      if (!isUuid(id)) return undefined;
      const { rows } = await db.query<Row>(`SELECT * FROM posts WHERE id = $1`, [id]);
      return rows[0] === undefined ? undefined : toPost(rows[0]);
    },
    async list(limit, after) {
      const { rows } =
        after === undefined
          ? await db.query<Row>(`SELECT * FROM posts ORDER BY created_at DESC, id DESC LIMIT $1`, [limit + 1])
          : await db.query<Row>(
              `SELECT * FROM posts WHERE (created_at, id) < ($1::timestamptz, $2::uuid) ORDER BY created_at DESC, id DESC LIMIT $3`,
              [after.createdAt, after.id, limit + 1],
            );
      const items = rows.slice(0, limit).map(toPost);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null };
    },
    async update(id, patch) {
      if (!isUuid(id)) return undefined;
      const { rows } = await db.query<Row>(
        `UPDATE posts SET title = COALESCE($2, title), body = COALESCE($3, body), image_ids = COALESCE($4, image_ids),
           updated_at = date_trunc('milliseconds', clock_timestamp()) WHERE id = $1 RETURNING *`,
        [id, patch.title ?? null, patch.body ?? null, patch.imageIds ?? null],
      );
      return rows[0] === undefined ? undefined : toPost(rows[0]);
    },
    async delete(id) {
      if (!isUuid(id)) return false;
      const { rowCount } = await db.query(`DELETE FROM posts WHERE id = $1`, [id]);
      return rowCount > 0;
    },
  };
}
