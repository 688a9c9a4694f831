import type { HttpClient } from '@podkit/http';
import type { JSONWebKeySet } from 'jose';
import { z } from 'zod';
import { createRevocationList, RevocationsBody, type RevocationFetch } from './revocations.ts';
import { createTokenVerifier, type TokenVerifier } from './verifier.ts';

const Jwks = z.object({ keys: z.array(z.looseObject({ kty: z.string() })) });

/** Fetches auth's JWKS through a podkit client (a GET: retried when safe, behind the breaker). */
export function jwksFetcher(auth: HttpClient): () => Promise<JSONWebKeySet> {
  return () => auth.json(Jwks, { path: '/api/auth/.well-known/jwks.json' });
}

/** Fetches auth's revocation list through a podkit client, conditionally (`If-None-Match` → 304). */
export function revocationsFetcher(auth: HttpClient): RevocationFetch {
  return async (etag) => {
    const res = await auth.request({ method: 'GET', path: '/api/auth/revocations', headers: etag === undefined ? {} : { 'if-none-match': etag } });
    if (res.status === 304) {
      await res.dump();
      return 'not-modified';
    }
    const body = await res.json(RevocationsBody);
    const tag = res.headers.etag;
    return { etag: typeof tag === 'string' ? tag : undefined, entries: body.revocations };
  };
}

/**
 * The token verifier of a service other than auth: keys from auth's JWKS, and every token
 * checked against auth's revocation list (logout, deleted accounts) before it is accepted.
 */
export function authVerifier(auth: HttpClient): TokenVerifier {
  return createTokenVerifier({ fetchJwks: jwksFetcher(auth), revoked: createRevocationList(revocationsFetcher(auth)).check });
}
