import type { Migration } from '../shared/db/migrate.ts';

/** The comments schema. `post_id` refers to a post in another service: no foreign key. */
export const migrations: readonly Migration[] = [
  {
    id: '001_comments',
    sql: `
      CREATE TABLE comments (
        id uuid PRIMARY KEY,
        post_id uuid NOT NULL,
        author_id uuid NOT NULL,
        author_name text NOT NULL,
        body text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp())
      );
      CREATE INDEX comments_by_post ON comments (post_id, created_at DESC, id DESC);
    `,
  },
  {
    id: '002_comments_idempotency',
    sql: `
      ALTER TABLE comments ADD COLUMN idempotency_key text;
      CREATE UNIQUE INDEX comments_idempotency ON comments (author_id, idempotency_key);
    `,
  },
  {
    id: '003_comments_idempotency_fingerprint',
    sql: `ALTER TABLE comments ADD COLUMN idempotency_fingerprint text;`,
  },
  {
    // the outbox (written in the comment's transaction, published by the relay) and the
    // comment-counter worker's projection with the events it applied (its idempotency)
    id: '004_comment_events',
    sql: `
      CREATE TABLE comment_events (
        seq bigserial PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        kind text NOT NULL,
        comment_id uuid NOT NULL,
        post_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        published_at timestamptz
      );
      CREATE INDEX comment_events_unpublished ON comment_events (seq) WHERE published_at IS NULL;
      CREATE TABLE post_comment_counts (
        post_id uuid PRIMARY KEY,
        comment_count integer NOT NULL
      );
      CREATE TABLE applied_comment_events (
        event_id uuid PRIMARY KEY,
        applied_at timestamptz NOT NULL DEFAULT clock_timestamp()
      );
    `,
  },
];
