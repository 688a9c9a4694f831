import type { Migration } from '../shared/db/migrate.ts';

/** The auth schema. */
export const migrations: readonly Migration[] = [
  {
    id: '001_users',
    sql: `
      CREATE TABLE users (
        id uuid PRIMARY KEY,
        username text NOT NULL,
        display_name text NOT NULL,
        password_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX users_username_key ON users (lower(username));
    `,
  },
];
