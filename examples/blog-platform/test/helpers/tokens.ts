import { randomUUID } from 'node:crypto';
import { loadSigningKey, type SigningKey } from '../../src/auth/signing-key.ts';
import { issueToken } from '../../src/auth/tokens.ts';
import { createTokenVerifier, type TokenVerifier } from '../../src/shared/auth/verifier.ts';

/** A signing key plus a verifier trusting it, for services tested without auth running. */
export interface TestIssuer {
  readonly key: SigningKey;
  readonly verifier: TokenVerifier;
  /** A token for a new user (or the given one). */
  token(user?: { id?: string; username?: string; displayName?: string }): Promise<{ token: string; userId: string }>;
}

/** Creates a {@link TestIssuer} with an ephemeral key. */
export async function testIssuer(): Promise<TestIssuer> {
  const key = await loadSigningKey(undefined);
  const verifier = createTokenVerifier({ fetchJwks: () => Promise.resolve({ keys: [key.publicJwk] }) });
  return {
    key,
    verifier,
    async token(user = {}) {
      const id = user.id ?? randomUUID();
      const username = user.username ?? `u${id.slice(0, 8)}`;
      const { token } = await issueToken(key, { id, username, displayName: user.displayName ?? username, createdAt: new Date().toISOString() }, 600);
      return { token, userId: id };
    },
  };
}
