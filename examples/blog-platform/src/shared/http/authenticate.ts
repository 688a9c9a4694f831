import type { IncomingMessage } from 'node:http';
import type { Logger } from '@podkit/core';
import { bearerToken } from '../auth/bearer.ts';
import type { Principal } from '../auth/claims.ts';
import { isTokenError } from '../auth/errors.ts';
import type { TokenVerifier } from '../auth/verifier.ts';
import { problems } from './problems.ts';

/** Resolves the caller of a request from its bearer token, or throws a 401 problem. */
export type Authenticate = (req: IncomingMessage) => Promise<Principal>;

/** Token failures that say nothing about the token: auth's keys or revocations could not be fetched. */
const UNAVAILABLE: ReadonlySet<string> = new Set(['ERR_JWKS_UNAVAILABLE', 'ERR_REVOCATIONS_UNAVAILABLE']);

/**
 * Builds the request authenticator of a service: every failure of the token (missing,
 * malformed, expired, revoked, wrongly signed, unknown key) is the same 401; the reason is
 * logged at debug level by code only, never with the token. When auth's keys or revocation list
 * cannot be fetched the answer is 503 (retry), not 401 (the token may be valid).
 */
export function createAuthenticate(verifier: TokenVerifier, logger: Logger): Authenticate {
  return async (req) => {
    const token = bearerToken(req.headers.authorization);
    if (token === undefined) throw problems.unauthorized();
    try {
      return await verifier.verify(token);
    } catch (err) {
      if (isTokenError(err)) {
        if (UNAVAILABLE.has(err.code)) {
          // auth could not be asked: the token may be fine, so not a 401
          logger.warn({ reason: err.code }, 'token not checked: auth unavailable');
          throw problems.unavailable('cannot check the bearer token right now; try again shortly');
        }
        logger.debug({ reason: err.code }, 'token refused');
        throw problems.unauthorized('the bearer token is invalid, expired or revoked');
      }
      throw err;
    }
  };
}
