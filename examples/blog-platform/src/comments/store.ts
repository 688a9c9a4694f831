import { randomUUID } from 'node:crypto';
import type { Database } from '../shared/db/database.ts';
import type { Cursor } from '../shared/db/cursor.ts';
import { encodeCursor } from '../shared/db/cursor.ts';
import { IdempotencyKeyReusedError, payloadFingerprint } from '../shared/db/idempotency.ts';
import { commentEventFrom } from './events.ts';

/** A comment as the API shows it. */
export interface Comment {
  readonly id: string;
  readonly postId: string;
  readonly authorId: string;
  readonly authorName: string;
  readonly body: string;
  readonly createdAt: string;
}

/** A page of comments, newest first. */
export interface CommentPage {
  readonly items: Comment[];
  readonly nextCursor: string | null;
}

interface Row {
  id: string;
  post_id: string;
  author_id: string;
  author_name: string;
  body: string;
  created_at: Date;
}

function toComment(r: Row): Comment {
  return {
    id: r.id,
    postId: r.post_id,
    authorId: r.author_id,
    authorName: r.author_name,
    body: r.body,
    createdAt: r.created_at.toISOString(),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** SQL for comments. */
export interface CommentStore {
  /**
   * Creates a comment; with an `idempotencyKey` already used by this author, returns that comment
   * instead, or throws {@link IdempotencyKeyReusedError} when the first request had another payload.
   */
  create(input: { postId: string; authorId: string; authorName: string; body: string; idempotencyKey?: string | undefined }): Promise<Comment>;
  get(id: string): Promise<Comment | undefined>;
  listByPost(postId: string, limit: number, after?: Cursor): Promise<CommentPage>;
  delete(id: string): Promise<boolean>;
  /** The post's comment count as the comment-counter worker last projected it (0 before any). */
  commentCount(postId: string): Promise<number>;
  /** {@link CommentStore.commentCount} for several posts at once (ids with no count get 0). */
  commentCounts(postIds: readonly string[]): Promise<Record<string, number>>;
}

/** The comment store over a service database. */
export function createCommentStore(db: Database): CommentStore {
  return {
    async create(input) {
      const key = input.idempotencyKey ?? null;
      const fingerprint = key === null ? null : payloadFingerprint([input.postId, input.body]);
      // twice at most: the comment first created with this key may be deleted between the two statements
      for (let attempt = 0; ; attempt++) {
        // the comment and its event in ONE statement (the outbox): no comment without its event
        const { rows } = await db.query<Row>(
          `WITH c AS (
             INSERT INTO comments (id, post_id, author_id, author_name, body, idempotency_key, idempotency_fingerprint)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (author_id, idempotency_key) DO NOTHING RETURNING *
           ), e AS (${commentEventFrom('c', 'comment.created', 8)})
           SELECT * FROM c`,
          [randomUUID(), input.postId, input.authorId, input.authorName, input.body, key, fingerprint, randomUUID()],
        );
        const created = rows[0];
        if (created !== undefined) return toComment(created);
        const first = await db.query<Row & { idempotency_fingerprint: string | null }>(
          `SELECT * FROM comments WHERE author_id = $1 AND idempotency_key = $2`,
          [input.authorId, key],
        );
        const row = first.rows[0];
        if (row !== undefined) {
          if (row.idempotency_fingerprint !== null && row.idempotency_fingerprint !== fingerprint) throw new IdempotencyKeyReusedError();
          return toComment(row);
        }
        if (attempt > 0) throw new IdempotencyKeyReusedError();
      }
    },
    async get(id) {
      if (!UUID.test(id)) return undefined;
      const { rows } = await db.query<Row>(`SELECT * FROM comments WHERE id = $1`, [id]);
      return rows[0] === undefined ? undefined : toComment(rows[0]);
    },
    async listByPost(postId, limit, after) {
      if (!UUID.test(postId)) return { items: [], nextCursor: null };
      const { rows } =
        after === undefined
          ? await db.query<Row>(
              `SELECT * FROM comments WHERE post_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
              [postId, limit + 1],
            )
          : await db.query<Row>(
              `SELECT * FROM comments WHERE post_id = $1 AND (created_at, id) < ($2::timestamptz, $3::uuid)
               ORDER BY created_at DESC, id DESC LIMIT $4`,
              [postId, after.createdAt, after.id, limit + 1],
            );
      const items = rows.slice(0, limit).map(toComment);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null };
    },
    async delete(id) {
      if (!UUID.test(id)) return false;
      const { rows } = await db.query<{ post_id: string }>(
        `WITH d AS (DELETE FROM comments WHERE id = $1 RETURNING id, post_id), e AS (${commentEventFrom('d', 'comment.deleted', 2)}) SELECT post_id FROM d`,
        [id, randomUUID()],
      );
      return rows[0] !== undefined;
    },
    async commentCount(postId) {
      if (!UUID.test(postId)) return 0;
      const { rows } = await db.query<{ comment_count: number }>(`SELECT comment_count FROM post_comment_counts WHERE post_id = $1`, [postId]);
      return rows[0]?.comment_count ?? 0;
    },
    async commentCounts(postIds) {
      const counts: Record<string, number> = Object.create(null) as Record<string, number>;
      for (const id of postIds) counts[id] = 0;
      const valid = postIds.filter((id) => UUID.test(id));
      if (valid.length === 0) return counts;
      // one parameter per id (works the same on PostgreSQL and PGlite, no array types involved)
      const marks = valid.map((_, i) => `$${String(i + 1)}`).join(', ');
      const { rows } = await db.query<{ post_id: string; comment_count: number }>(`SELECT post_id, comment_count FROM post_comment_counts WHERE post_id IN (${marks})`, valid);
      for (const row of rows) counts[row.post_id] = row.comment_count;
      return counts;
    },
  };
}
