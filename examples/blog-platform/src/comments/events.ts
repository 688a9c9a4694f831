import { randomUUID } from 'node:crypto';
import type { Queryable } from '../shared/db/database.ts';

/** What happened to a comment: the message the comments service publishes. */
export interface CommentEvent {
  /** Event id (uuid): the message id, and what the worker's idempotency is keyed on. */
  readonly id: string;
  readonly kind: 'comment.created' | 'comment.deleted';
  readonly commentId: string;
  readonly postId: string;
}

/**
 * Writes an event to the outbox, in the caller's transaction: it exists exactly when the
 * comment change committed. The relay publishes it afterwards (at least once).
 */
export async function recordCommentEvent(tx: Queryable, kind: CommentEvent['kind'], commentId: string, postId: string): Promise<void> {
  await tx.query(`INSERT INTO comment_events (id, kind, comment_id, post_id) VALUES ($1, $2, $3, $4)`, [randomUUID(), kind, commentId, postId]);
}

const KINDS: ReadonlySet<string> = new Set(['comment.created', 'comment.deleted']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Parses a message body into an event; throws (so the message is retried, then dead-lettered) when it is not one. */
export function parseCommentEvent(value: unknown): CommentEvent {
  const e = value as Partial<Record<keyof CommentEvent, unknown>> | null;
  if (typeof e !== 'object' || e === null) throw new TypeError('a comment event must be a JSON object');
  for (const key of ['id', 'commentId', 'postId'] as const) {
    if (typeof e[key] !== 'string' || !UUID.test(e[key])) throw new TypeError(`comment event ${key} must be a uuid`);
  }
  if (typeof e.kind !== 'string' || !KINDS.has(e.kind)) throw new TypeError('comment event kind must be comment.created or comment.deleted');
  return { id: e.id as string, kind: e.kind as CommentEvent['kind'], commentId: e.commentId as string, postId: e.postId as string };
}
