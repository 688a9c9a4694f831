import { z } from 'zod';

/**
 * One revocation as auth publishes it: a single token (`jti`, random: it says nothing about who
 * logged out), or every token of a user issued at or before `before` (epoch seconds; account
 * deletion). Kept until `exp`, when every token it could match has expired anyway.
 */
export const RevocationEntry = z.union([
  z.strictObject({ jti: z.string(), exp: z.number() }),
  z.strictObject({ sub: z.string(), before: z.number(), exp: z.number() }),
]);
/** One revocation (see {@link RevocationEntry}). */
export type RevocationEntry = z.infer<typeof RevocationEntry>;

/** `GET /api/auth/revocations`: the revocations of tokens that have not expired yet. */
export const RevocationsBody = z.object({ revocations: z.array(RevocationEntry) });

/** The claims of a verified token that a revocation can match. */
export interface RevocableClaims {
  readonly sub: string;
  readonly jti: string | undefined;
  /** Issued at, epoch seconds. */
  readonly iat: number;
}

/** Answers whether a verified token has been revoked (logout, account deletion). */
export type RevocationCheck = (claims: RevocableClaims) => Promise<boolean>;

/** True when one of `entries` revokes the token with `claims`. */
export function matchesRevocation(entries: Iterable<RevocationEntry>, claims: RevocableClaims): boolean {
  for (const e of entries) {
    if ('jti' in e ? e.jti === claims.jti : e.sub === claims.sub && claims.iat <= e.before) return true;
  }
  return false;
}

/** What {@link createRevocationList} fetches: the list, or "unchanged since `etag`". */
export type RevocationFetch = (etag: string | undefined) => Promise<{ etag: string | undefined; entries: RevocationEntry[] } | 'not-modified'>;

/** A revocation list mirrored from auth, checked by every service's token verifier. */
export interface RevocationList {
  /** The check to pass to `createTokenVerifier({ revoked })`. */
  readonly check: RevocationCheck;
  /** How many times the list has been fetched (304s included). */
  readonly fetchCount: number;
}

/**
 * Mirrors auth's revocation list. Every check waits for a fetch that STARTED AFTER the check was
 * asked for, so a token revoked before a request arrived is refused by that request, on every
 * replica. Concurrent checks share one fetch (a conditional GET: usually a 304 with no body),
 * so the cost is at most one round trip to auth in flight per service, whatever the load. When
 * auth cannot be reached the check rejects, and the request fails with 503: a write is never
 * accepted on a token that may have been revoked.
 */
export function createRevocationList(fetchList: RevocationFetch): RevocationList {
  let entries: RevocationEntry[] = [];
  let etag: string | undefined;
  let fetchCount = 0;
  let running: Promise<void> | undefined;
  let next: Promise<void> | undefined;

  async function fetchOnce(): Promise<void> {
    fetchCount++;
    const got = await fetchList(etag);
    if (got === 'not-modified') return;
    entries = got.entries;
    etag = got.etag;
  }

  /** A fetch that starts now, or the one queued behind the fetch already in flight. */
  function fresh(): Promise<void> {
    if (running === undefined) {
      running = fetchOnce().finally(() => (running = undefined));
      return running;
    }
    next ??= running
      .catch(() => {})
      .then(() => {
        next = undefined;
        return fresh();
      });
    return next;
  }

  return {
    get fetchCount() {
      return fetchCount;
    },
    async check(claims) {
      await fresh();
      return matchesRevocation(entries, claims);
    },
  };
}
