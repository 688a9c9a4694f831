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
  {
    // logout (one token, by jti) and account deletion (every token of the user issued until then);
    // a row lives until the tokens it can match have expired
    id: '002_revocations',
    sql: `
      CREATE TABLE revocations (
        id bigserial PRIMARY KEY,
        user_id uuid NOT NULL,
        token_id text,
        issued_before bigint,
        expires_at bigint NOT NULL
      );
      CREATE INDEX revocations_expiry ON revocations (expires_at);
    `,
  },
];
