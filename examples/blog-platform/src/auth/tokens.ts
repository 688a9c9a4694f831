import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { TOKEN_ALGORITHM, TOKEN_AUDIENCE, TOKEN_ISSUER } from '../shared/auth/claims.ts';
import type { SigningKey } from './signing-key.ts';
import type { User } from './users.ts';

/** A signed access token and when it expires. */
export interface IssuedToken {
  readonly token: string;
  readonly expiresAt: string;
}

/** Signs a short-lived access token for `user`, with a unique `jti` (what logout revokes). */
export async function issueToken(key: SigningKey, user: User, ttlSeconds: number, now: number = Date.now()): Promise<IssuedToken> {
  const iat = Math.floor(now / 1000);
  const exp = iat + ttlSeconds;
  const token = await new SignJWT({ name: user.displayName, preferred_username: user.username })
    .setProtectedHeader({ alg: TOKEN_ALGORITHM, kid: key.kid, typ: 'JWT' })
    .setSubject(user.id)
    .setJti(randomUUID())
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(exp)
    .sign(key.privateKey);
  return { token, expiresAt: new Date(exp * 1000).toISOString() };
}
