import type { Migration } from '../shared/db/migrate.ts';

/** The posts schema. */
export const migrations: readonly Migration[] = [
  {
    id: '001_posts',
    sql: `
      CREATE TABLE posts (
        id uuid PRIMARY KEY,
        author_id uuid NOT NULL,
        author_name text NOT NULL,
        title text NOT NULL,
        body text NOT NULL,
        image_ids text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
        updated_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp())
      );
      CREATE INDEX posts_newest ON posts (created_at DESC, id DESC);
    `,
  },
  {
    // a create retried with the same Idempotency-Key returns the first post instead of a second one
    id: '002_posts_idempotency',
    sql: `
      ALTER TABLE posts ADD COLUMN idempotency_key text;
      CREATE UNIQUE INDEX posts_idempotency ON posts (author_id, idempotency_key);
    `,
  },
  {
    // a key reused with a different body is a 422, not the first post
    id: '003_posts_idempotency_fingerprint',
    sql: `ALTER TABLE posts ADD COLUMN idempotency_fingerprint text;`,
  },
];
