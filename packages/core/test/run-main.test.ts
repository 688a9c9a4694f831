import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, createService, isConfigurationError, runMain } from '../src/index.ts';

const fixture = fileURLToPath(new URL('./fixtures/configuration-error-main.ts', import.meta.url));

function runFixture(mode: string): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const proc = spawn(process.execPath, ['--conditions=@podkit/source', fixture, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  return new Promise((resolve) => proc.on('close', (code) => resolve({ code, stderr, stdout })));
}

function harness() {
  const written: string[] = [];
  const exits: number[] = [];
  return {
    written,
    exits,
    options: { name: 'posts', exit: (code: number) => void exits.push(code), stderr: { write: (t: string) => written.push(t) } },
  };
}

describe('runMain', () => {
  it('prints a podkit startup error alone, with its code and no stack, and exits 78 for configuration', async () => {
    const h = harness();
    await runMain(() => createService({ name: 'posts', version: '1', gracePeriodMs: 2000, propagationDelayMs: 5000, env: {} }), h.options);
    expect(h.exits).toEqual([78]);
    expect(h.written).toHaveLength(1);
    expect(h.written[0]).toMatch(/^posts: shutdown phases .*\(ERR_PODKIT_SHUTDOWN_BUDGET\)\n$/s);
    expect(h.written[0]).not.toMatch(/\n\s+at /);
  });

  it('exits 78 for every @podkit/config error code, including a missing named config directory', async () => {
    const h = harness();
    const missing = Object.assign(new Error('ConfigMap directory /etc/confg (named by env PODKIT_CONFIG_DIR="/etc/confg") does not exist'), {
      code: 'ERR_PODKIT_CONFIG_DIRECTORY',
    });
    await runMain(() => Promise.reject(missing), h.options);
    expect(h.exits).toEqual([78]);
    expect(h.written).toEqual([`posts: ${missing.message} (ERR_PODKIT_CONFIG_DIRECTORY)
`]);
  });

  it('exits 1 for other podkit errors', async () => {
    const h = harness();
    const listen = Object.assign(new Error('cannot listen on *:8080: listen EADDRINUSE'), { code: 'ERR_PODKIT_HTTP_LISTEN' });
    await runMain(() => Promise.reject(listen), h.options);
    expect(h.exits).toEqual([1]);
    expect(h.written).toEqual(['posts: cannot listen on *:8080: listen EADDRINUSE (ERR_PODKIT_HTTP_LISTEN)\n']);
  });

  it('prints the stack of anything else (a bug) and exits 1', async () => {
    const h = harness();
    await runMain(() => {
      throw new TypeError('undefined is not a function');
    }, h.options);
    expect(h.exits).toEqual([1]);
    expect(h.written[0]).toMatch(/^posts: startup failed: TypeError: undefined is not a function\n\s+at /);
  });

  it('treats a ConfigurationError (own subclass and code, or in the cause chain) as configuration: one line, exit 78', async () => {
    class SigningKeyError extends ConfigurationError {
      override readonly code = 'ERR_SIGNING_KEY';
    }
    const own = new SigningKeyError('jwt-signing-key is not a PEM private key');
    expect(isConfigurationError(own)).toBe(true);
    expect(isConfigurationError(new Error('x'))).toBe(false);
    for (const thrown of [own, new Error('setup failed', { cause: own }), new ConfigurationError('feature.flags: not JSON')]) {
      const h = harness();
      await runMain(() => Promise.reject(thrown), h.options);
      expect(h.exits).toEqual([78]);
      expect(h.written).toHaveLength(1);
      expect(h.written[0]).toMatch(/^posts: (jwt-signing-key is not a PEM private key \(ERR_SIGNING_KEY\)|feature\.flags: not JSON \(ERR_PODKIT_CONFIGURATION\))\n$/);
    }
  });

  it.each(['direct', 'wrapped'])('a process whose startup throws a ConfigurationError (%s) prints one line and exits 78', async (mode) => {
    const { code, stderr, stdout } = await runFixture(mode);
    expect(code).toBe(78);
    expect(stderr).toBe('auth: jwt-signing-key is not a PEM private key (ERR_SIGNING_KEY)\n');
    expect(stdout).toBe('');
  });

  it('does nothing more when the entry point succeeds', async () => {
    const h = harness();
    await runMain(async () => {}, h.options);
    expect(h.exits).toEqual([]);
    expect(h.written).toEqual([]);
  });
});
