import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { ConfigurationError } from '@podkit/core';
import { calculateJwkThumbprint, exportJWK, type JWK } from 'jose';
import { TOKEN_ALGORITHM } from '../shared/auth/claims.ts';

/** The key auth signs tokens with, and its public half as published in the JWKS. */
export interface SigningKey {
  /** Private key (never logged, never serialized). */
  readonly privateKey: KeyObject;
  /** Key id: the RFC 7638 thumbprint of the public key. */
  readonly kid: string;
  /** Public JWK for the JWKS. */
  readonly publicJwk: JWK;
  /** True when generated at startup because no Secret was mounted. */
  readonly ephemeral: boolean;
}

/**
 * Thrown when the `jwt-signing-key` Secret is not an Ed25519 private key in PEM (PKCS#8). A
 * configuration problem: podkit's `runMain` prints its message on one line and exits 78.
 */
export class SigningKeyError extends ConfigurationError {
  /** Stable code. */
  override readonly code = 'ERR_SIGNING_KEY';
}

/**
 * Loads the Ed25519 signing key from the Secret value (PEM PKCS#8), or generates an ephemeral
 * one when `pem` is undefined (local runs: tokens do not survive a restart of auth).
 * `source` names where the value came from (a file path or env var), for the error message.
 */
export async function loadSigningKey(pem: string | undefined, source = 'jwt-signing-key'): Promise<SigningKey> {
  let privateKey: KeyObject;
  if (pem === undefined || pem.trim() === '') {
    privateKey = generateKeyPairSync('ed25519').privateKey;
  } else {
    try {
      privateKey = createPrivateKey(pem);
    } catch {
      // the message of the underlying error could quote key material: keep it out
      throw new SigningKeyError(`jwt-signing-key (from ${source}) is not a PEM private key (PKCS#8)`);
    }
    if (privateKey.asymmetricKeyType !== 'ed25519') {
      throw new SigningKeyError(`jwt-signing-key (from ${source}) must be an Ed25519 key, got ${privateKey.asymmetricKeyType ?? 'unknown'}`);
    }
  }
  const jwk = await exportJWK(createPublicKey(privateKey));
  const kid = await calculateJwkThumbprint(jwk);
  return {
    privateKey,
    kid,
    publicJwk: { ...jwk, kid, alg: TOKEN_ALGORITHM, use: 'sig' },
    ephemeral: pem === undefined || pem.trim() === '',
  };
}
