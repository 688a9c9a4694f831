import { createHmac, generateKeyPairSync } from 'node:crypto';
import { SignJWT, type JSONWebKeySet } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSigningKey, type SigningKey } from '../../src/auth/signing-key.ts';
import { issueToken } from '../../src/auth/tokens.ts';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '../../src/shared/auth/claims.ts';
import { isTokenError } from '../../src/shared/auth/errors.ts';
import { createTokenVerifier } from '../../src/shared/auth/verifier.ts';

const user = { id: '0b6f3c52-4f7e-4a53-9d57-3b0f0f4bb0a1', username: 'ada', displayName: 'Ada', createdAt: new Date().toISOString() };
const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('token verifier', () => {
  let key: SigningKey;
  let clock = Date.now();
  let fetches = 0;
  let jwks: JSONWebKeySet;
  const verifier = createTokenVerifier({
    fetchJwks: () => {
      fetches++;
      return Promise.resolve(jwks);
    },
    now: () => clock,
  });
  const rejects = async (token: string): Promise<void> => {
    const err = await verifier.verify(token).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isTokenError(err), `expected a TokenError for ${token.slice(0, 40)}`).toBe(true);
  };

  beforeAll(async () => {
    key = await loadSigningKey(undefined);
    jwks = { keys: [key.publicJwk] };
  });

  it('accepts a token auth issued and returns its principal', async () => {
    const { token } = await issueToken(key, user, 900, clock);
    await expect(verifier.verify(token)).resolves.toEqual({ userId: user.id, username: 'ada', displayName: 'Ada' });
  });

  it('remembers a verified token only until it expires', async () => {
    const { token } = await issueToken(key, user, 60, clock);
    await expect(verifier.verify(token)).resolves.toMatchObject({ userId: user.id });
    await expect(verifier.verify(token)).resolves.toMatchObject({ userId: user.id });
    clock += 70_000; // past exp plus the 5 s tolerance
    await rejects(token);
    clock -= 70_000;
  });

  it('refuses alg none, HS256 signed with the public key, and garbage', async () => {
    const none = `${b64({ alg: 'none', kid: key.kid })}.${b64({ sub: user.id, iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE })}.`;
    await rejects(none);
    const header = b64({ alg: 'HS256', kid: key.kid, typ: 'JWT' });
    const now = Math.floor(clock / 1000);
    const payload = b64({ sub: user.id, name: 'x', preferred_username: 'x', iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, iat: now, exp: now + 60 });
    const sig = createHmac('sha256', JSON.stringify(key.publicJwk)).update(`${header}.${payload}`).digest('base64url');
    await rejects(`${header}.${payload}.${sig}`);
    await rejects('not-a-token');
    await rejects('');
  });

  it('refuses expired, not-yet-valid, wrong issuer or audience, and oversized tokens', async () => {
    const sign = (claims: Record<string, unknown>, set: (j: SignJWT) => SignJWT): Promise<string> =>
      set(new SignJWT({ name: 'Ada', preferred_username: 'ada', ...claims }).setProtectedHeader({ alg: 'EdDSA', kid: key.kid }).setSubject(user.id)).sign(
        key.privateKey,
      );
    const now = Math.floor(clock / 1000);
    const good = (j: SignJWT): SignJWT => j.setIssuer(TOKEN_ISSUER).setAudience(TOKEN_AUDIENCE).setIssuedAt(now);
    await rejects(await sign({}, (j) => good(j).setExpirationTime(now - 60)));
    await rejects(await sign({}, (j) => good(j).setExpirationTime(now + 600).setNotBefore(now + 300)));
    await rejects(await sign({}, (j) => j.setIssuer('evil').setAudience(TOKEN_AUDIENCE).setIssuedAt(now).setExpirationTime(now + 60)));
    await rejects(await sign({}, (j) => j.setIssuer(TOKEN_ISSUER).setAudience('other').setIssuedAt(now).setExpirationTime(now + 60)));
    await rejects(await sign({ pad: 'x'.repeat(5000) }, (j) => good(j).setExpirationTime(now + 60)));
    await expect(verifier.verify(await sign({}, (j) => good(j).setExpirationTime(now + 60)))).resolves.toBeDefined();
  });

  it('refetches the JWKS for an unknown kid at most once per 30 s', async () => {
    const other = await loadSigningKey(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    const { token } = await issueToken(other, user, 900, clock);
    clock += 31_000;
    const before = fetches;
    await rejects(token); // refetch: still unknown
    await rejects(token);
    await rejects(token);
    expect(fetches - before).toBe(1);
    jwks = { keys: [key.publicJwk, other.publicJwk] }; // auth rotates keys
    clock += 10_000;
    await rejects(token); // within 30 s of the last fetch: no refetch
    expect(fetches - before).toBe(1);
    clock += 21_000;
    const again = await issueToken(other, user, 900, clock);
    await expect(verifier.verify(again.token)).resolves.toMatchObject({ userId: user.id });
    expect(fetches - before).toBe(2);
  });
});
