import type { JSONWebKeySet, JWK, KeyObject, CryptoKey } from 'jose';
import { decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import type { Principal } from './claims.ts';
import { MAX_TOKEN_LENGTH, TOKEN_ALGORITHM, TOKEN_AUDIENCE, TOKEN_ISSUER } from './claims.ts';
import { TokenError } from './errors.ts';
import type { RevocableClaims, RevocationCheck } from './revocations.ts';

/** Options for {@link createTokenVerifier}. */
export interface TokenVerifierOptions {
  /** Fetches auth's JWKS (`/api/auth/.well-known/jwks.json`), e.g. through a podkit client. */
  readonly fetchJwks: () => Promise<JSONWebKeySet>;
  /** Required `iss`. @default TOKEN_ISSUER */
  readonly issuer?: string;
  /** Required `aud`. @default TOKEN_AUDIENCE */
  readonly audience?: string;
  /** Least time between two JWKS fetches caused by an unknown `kid`. @default 30000 */
  readonly refetchIntervalMs?: number;
  /** Least time between two attempts after a failed fetch. @default 1000 */
  readonly retryIntervalMs?: number;
  /** Clock in epoch ms (inject in tests). @default Date.now */
  readonly now?: () => number;
  /** Allowed clock skew for `exp`/`nbf`, in seconds. @default 5 */
  readonly clockToleranceSeconds?: number;
  /**
   * Verified tokens remembered (by their full text, until they expire) so a client's next request
   * skips the signature check; 0 disables. @default 10000
   */
  readonly cacheSize?: number;
  /**
   * Asked for every token that verifies (remembered ones included): `true` refuses it with
   * `ERR_TOKEN_REVOKED` (logout, deleted account); a rejection is `ERR_REVOCATIONS_UNAVAILABLE`.
   * Services pass `createRevocationList(...).check`. @default no revocation check
   */
  readonly revoked?: RevocationCheck;
}

/** Verifies bearer tokens locally against auth's published keys. */
export interface TokenVerifier {
  /** Resolves the principal of a valid token; rejects with {@link TokenError} otherwise. */
  verify(token: string): Promise<Principal>;
  /** How many times the JWKS has been fetched (for tests and metrics). */
  readonly fetchCount: number;
}

type Key = KeyObject | CryptoKey | Uint8Array;

/**
 * Strict JWT verification: algorithm pinned to EdDSA (so `alg: none` and an HS256 token "signed"
 * with the public key are refused), issuer and audience required, `exp`/`nbf` checked, size
 * bounded, and an unknown `kid` refetches the JWKS at most once per `refetchIntervalMs`.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const now = options.now ?? Date.now;
  const refetchIntervalMs = options.refetchIntervalMs ?? 30_000;
  const retryIntervalMs = options.retryIntervalMs ?? 1_000;
  let keys = new Map<string, Key>();
  let lastSuccess: number | undefined;
  let lastAttempt: number | undefined;
  let inflight: Promise<void> | undefined;
  let fetchCount = 0;
  const cacheSize = options.cacheSize ?? 10_000;
  const verified = new Map<string, { principal: Principal; expMs: number; claims: RevocableClaims }>();

  async function notRevoked(principal: Principal, claims: RevocableClaims): Promise<Principal> {
    if (options.revoked === undefined) return principal;
    let revoked: boolean;
    try {
      revoked = await options.revoked(claims);
    } catch (err) {
      throw new TokenError('ERR_REVOCATIONS_UNAVAILABLE', 'revocation list unavailable', { cause: err });
    }
    if (revoked) throw new TokenError('ERR_TOKEN_REVOKED', 'token revoked');
    return principal;
  }

  async function load(): Promise<void> {
    lastAttempt = now();
    fetchCount++;
    const jwks = await options.fetchJwks();
    const next = new Map<string, Key>();
    for (const jwk of Array.isArray(jwks.keys) ? jwks.keys : []) {
      if (!isUsable(jwk)) continue;
      try {
        next.set(jwk.kid!, await importJWK(jwk, TOKEN_ALGORITHM));
      } catch {
        // a malformed key is skipped; the others still verify
      }
    }
    keys = next;
    lastSuccess = now();
  }

  function mayFetch(): boolean {
    const t = now();
    if (lastAttempt === undefined) return true;
    if (lastSuccess === undefined || lastAttempt > lastSuccess) return t - lastAttempt >= retryIntervalMs;
    return t - lastSuccess >= refetchIntervalMs;
  }

  async function keyFor(kid: string): Promise<Key> {
    const known = keys.get(kid);
    if (known !== undefined) return known;
    if (inflight === undefined && mayFetch()) {
      inflight = load().finally(() => (inflight = undefined));
    }
    if (inflight !== undefined) {
      try {
        await inflight;
      } catch (err) {
        throw new TokenError('ERR_JWKS_UNAVAILABLE', 'signing keys unavailable', { cause: err });
      }
    }
    const key = keys.get(kid);
    if (key === undefined) throw new TokenError('ERR_TOKEN_UNKNOWN_KID', 'unknown key id');
    return key;
  }

  return {
    get fetchCount() {
      return fetchCount;
    },
    async verify(token: string): Promise<Principal> {
      if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
        throw new TokenError('ERR_TOKEN_SIZE', 'token empty or too large');
      }
      const hit = verified.get(token);
      if (hit !== undefined) {
        if (hit.expMs > now()) return notRevoked(hit.principal, hit.claims);
        verified.delete(token);
      }
      let header;
      try {
        header = decodeProtectedHeader(token);
      } catch (err) {
        throw new TokenError('ERR_TOKEN_MALFORMED', 'malformed token', { cause: err });
      }
      if (header.alg !== TOKEN_ALGORITHM) throw new TokenError('ERR_TOKEN_ALG', 'algorithm not allowed');
      if (typeof header.kid !== 'string' || header.kid === '') throw new TokenError('ERR_TOKEN_KID', 'missing key id');
      const key = await keyFor(header.kid);
      let principal: Principal;
      let claims: RevocableClaims;
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: [TOKEN_ALGORITHM],
          issuer: options.issuer ?? TOKEN_ISSUER,
          audience: options.audience ?? TOKEN_AUDIENCE,
          currentDate: new Date(now()),
          clockTolerance: options.clockToleranceSeconds ?? 5,
          requiredClaims: ['sub', 'exp', 'iat'],
        });
        const { sub, name, preferred_username: username, jti, iat } = payload as Record<string, unknown>;
        if (typeof sub !== 'string' || typeof name !== 'string' || typeof username !== 'string' || typeof iat !== 'number') {
          throw new TokenError('ERR_TOKEN_CLAIMS', 'token lacks required claims');
        }
        principal = { userId: sub, username, displayName: name };
        claims = { sub, jti: typeof jti === 'string' ? jti : undefined, iat };
        if (cacheSize > 0 && typeof payload.exp === 'number') {
          if (verified.size >= cacheSize) verified.delete(verified.keys().next().value!);
          verified.set(token, { principal, expMs: payload.exp * 1000, claims });
        }
      } catch (err) {
        if (err instanceof TokenError) throw err;
        const code = (err as { code?: unknown }).code;
        throw new TokenError(typeof code === 'string' ? code : 'ERR_TOKEN_INVALID', 'invalid token', { cause: err });
      }
      return notRevoked(principal, claims);
    },
  };
}

function isUsable(jwk: JWK): boolean {
  return (
    typeof jwk.kid === 'string' &&
    jwk.kty === 'OKP' &&
    jwk.crv === 'Ed25519' &&
    (jwk.alg === undefined || jwk.alg === TOKEN_ALGORITHM) &&
    (jwk.use === undefined || jwk.use === 'sig') &&
    jwk.d === undefined
  );
}
