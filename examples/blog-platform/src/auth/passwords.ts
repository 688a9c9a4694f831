import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** scrypt cost parameters. */
export interface ScryptParams {
  /** CPU/memory cost (power of two). @default 16384 */
  readonly N: number;
  /** Block size. @default 8 */
  readonly r: number;
  /** Parallelism. @default 1 */
  readonly p: number;
}

/** scrypt N=2^14, r=8, p=1 (OWASP minimum; about 30-50 ms per hash on this machine). */
export const DEFAULT_SCRYPT: ScryptParams = Object.freeze({ N: 16384, r: 8, p: 1 });
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { ...params, maxmem: 256 * params.N * params.r }, (err, key) =>
      err === null ? resolve(key) : reject(err),
    );
  });
}

/**
 * Hashes a password with scrypt and a random 16-byte salt into a self-describing string
 * `scrypt$N$r$p$<salt b64>$<hash b64>`, so parameters can be raised later without a migration.
 */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Checks a password against a stored hash in constant time. False for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  if (![N, r, p].every(Number.isSafeInteger) || expected.length !== KEY_LENGTH) return false;
  const actual = await derive(password, salt, { N, r, p });
  return timingSafeEqual(actual, expected);
}

let dummy: Promise<string> | undefined;
/**
 * Spends the same time as a real verification, for logins of unknown users, so response time
 * does not reveal whether a username exists.
 */
export async function burnPasswordCheck(password: string): Promise<void> {
  dummy ??= hashPassword('podkit-dummy-password');
  await verifyPassword(password, await dummy);
}
