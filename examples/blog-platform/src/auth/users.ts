import { randomUUID } from 'node:crypto';
import type { Database } from '../shared/db/database.ts';
import { isSqlState, UNIQUE_VIOLATION } from '../shared/db/database.ts';

/** True for a well-formed UUID: anything else never reaches a `uuid` column (it would be a SQL error). */
export function isUuid(s: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
}

/** A user as the API shows it (never the password hash). */
export interface User {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly createdAt: string;
}

interface Row {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  created_at: Date;
}

function toUser(r: Row): User {
  return { id: r.id, username: r.username, displayName: r.display_name, createdAt: r.created_at.toISOString() };
}

/** Raised on a duplicate username (case-insensitive). */
export class DuplicateUserError extends Error {
  readonly code = 'ERR_DUPLICATE_USER';
  constructor(username: string) {
    super(`username ${JSON.stringify(username)} is taken`);
    this.name = 'DuplicateUserError';
  }
}

/** SQL for users. */
export interface UserStore {
  create(input: { username: string; displayName: string; passwordHash: string }): Promise<User>;
  findForLogin(username: string): Promise<{ user: User; passwordHash: string } | undefined>;
  findById(id: string): Promise<User | undefined>;
  /** Deletes the user; false when there was none. */
  delete(id: string): Promise<boolean>;
}

/** The user store over a service database. */
export function createUserStore(db: Database): UserStore {
  return {
    async create(input) {
      try {
        const { rows } = await db.query<Row>(
          `INSERT INTO users (id, username, display_name, password_hash) VALUES ($1, $2, $3, $4) RETURNING *`,
          [randomUUID(), input.username, input.displayName, input.passwordHash],
        );
        return toUser(rows[0]!);
      } catch (err) {
        if (isSqlState(err, UNIQUE_VIOLATION)) throw new DuplicateUserError(input.username);
        throw err;
      }
    },
    async findForLogin(username) {
      const { rows } = await db.query<Row>(`SELECT * FROM users WHERE lower(username) = lower($1)`, [username]);
      const r = rows[0];
      return r === undefined ? undefined : { user: toUser(r), passwordHash: r.password_hash };
    },
    async findById(id) {
      if (!isUuid(id)) return undefined;
      const { rows } = await db.query<Row>(`SELECT * FROM users WHERE id = $1`, [id]);
      return rows[0] === undefined ? undefined : toUser(rows[0]);
    },
    async delete(id) {
      if (!isUuid(id)) return false;
      const { rowCount } = await db.query(`DELETE FROM users WHERE id = $1`, [id]);
      return rowCount > 0;
    },
  };
}
