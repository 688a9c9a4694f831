/**
 * A malformed `jwt-signing-key` Secret is a configuration problem: the auth process prints one
 * line on stderr (key, source, reason; never the key material) and exits 78, without a stack.
 */
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('../../src/auth/main.ts', import.meta.url));

function startAuth(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawn(process.execPath, ['--conditions=@podkit/source', main], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', KUBERNETES_SERVICE_HOST: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => proc.on('close', (code) => resolve({ code, stdout, stderr })));
}

const CANARY = 'MC4CAQAwBQYDK2VwBCIEICanarySigningKeyMaterial0000000';
const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

describe('auth startup with a malformed jwt-signing-key', () => {
  it.each([
    ['not PEM', `-----BEGIN PRIVATE KEY-----\n${CANARY}\n-----END PRIVATE KEY-----\n`, /^auth: jwt-signing-key \(from JWT_SIGNING_KEY\) is not a PEM private key \(PKCS#8\) \(ERR_SIGNING_KEY\)\n$/],
    ['an RSA key', rsa, /^auth: jwt-signing-key \(from JWT_SIGNING_KEY\) must be an Ed25519 key, got rsa \(ERR_SIGNING_KEY\)\n$/],
  ])('%s: one line on stderr, exit 78, no stack, no key material', async (_name, pem, line) => {
    const { code, stdout, stderr } = await startAuth({ JWT_SIGNING_KEY: pem });
    expect(code).toBe(78);
    expect(stderr).toMatch(line);
    for (const out of [stdout, stderr]) {
      expect(out).not.toContain(CANARY);
      expect(out).not.toContain(rsa.split('\n')[1]);
    }
    const fatal = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.level === 'fatal');
    expect(fatal).toMatchObject({ msg: 'startup failed: configuration problem', code: 'ERR_SIGNING_KEY' });
  });
});
