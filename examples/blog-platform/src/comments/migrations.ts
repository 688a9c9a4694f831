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
];
