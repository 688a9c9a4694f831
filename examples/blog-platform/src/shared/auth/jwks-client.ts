import type { HttpClient } from '@podkit/http';
import type { JSONWebKeySet } from 'jose';
import { z } from 'zod';

const Jwks = z.object({ keys: z.array(z.looseObject({ kty: z.string() })) });

/** Fetches auth's JWKS through a podkit client (a GET: retried when safe, behind the breaker). */
export function jwksFetcher(auth: HttpClient): () => Promise<JSONWebKeySet> {
  return () => auth.json(Jwks, { path: '/api/auth/.well-known/jwks.json' });
}
