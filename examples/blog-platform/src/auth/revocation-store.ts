import type { RevocableClaims, RevocationEntry } from '../shared/auth/revocations.ts';
import type { Database } from '../shared/db/database.ts';
import { isUuid } from './users.ts';

/** Revoked tokens, in auth's database (shared by its replicas, kept across restarts). */
export interface RevocationStore {
  /** Revokes one token (logout) until it expires (`exp`, epoch seconds). */
  revokeToken(userId: string, jti: string, exp: number): Promise<void>;
  /** Revokes every token of a user issued at or before `before` (account deletion), until `exp`. */
  revokeUser(userId: string, before: number, exp: number): Promise<void>;
  /** The revocations still in force at `now` (epoch seconds), oldest first. */
  list(now: number): Promise<RevocationEntry[]>;
  /** True when the token is revoked: auth's own verifier asks the database directly. */
  isRevoked(claims: RevocableClaims): Promise<boolean>;
}

interface Row {
  user_id: string;
  token_id: string | null;
  issued_before: string | number | null;
  expires_at: string | number;
}

/** The revocation store over auth's database. Expired rows are deleted on each write. */
export function createRevocationStore(db: Database, clock: () => number = Date.now): RevocationStore {
  const nowS = (): number => Math.floor(clock() / 1000);
  async function insert(userId: string, jti: string | null, before: number | null, exp: number): Promise<void> {
    await db.query(`DELETE FROM revocations WHERE expires_at <= $1`, [nowS()]);
    await db.query(`INSERT INTO revocations (user_id, token_id, issued_before, expires_at) VALUES ($1, $2, $3, $4)`, [userId, jti, before, exp]);
  }
  return {
    revokeToken: (userId, jti, exp) => insert(userId, jti, null, exp),
    revokeUser: (userId, before, exp) => insert(userId, null, before, exp),
    async list(now) {
      const { rows } = await db.query<Row>(
        `SELECT user_id, token_id, issued_before, expires_at FROM revocations WHERE expires_at > $1 ORDER BY id`,
        [now],
      );
      return rows.map((r) =>
        r.token_id !== null
          ? { jti: r.token_id, exp: Number(r.expires_at) }
          : { sub: r.user_id, before: Number(r.issued_before), exp: Number(r.expires_at) },
      );
    },
    async isRevoked({ sub, jti, iat }) {
      if (!isUuid(sub)) return false;
      const { rows } = await db.query(
        `SELECT 1 FROM revocations WHERE user_id = $1 AND expires_at > $2 AND (token_id = $3 OR issued_before >= $4) LIMIT 1`,
        [sub, nowS(), jti ?? null, iat],
      );
      return rows.length > 0;
    },
  };
}
