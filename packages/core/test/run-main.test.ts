import { describe, expect, it } from 'vitest';
import { createService, runMain } from '../src/index.ts';

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

  it('does nothing more when the entry point succeeds', async () => {
    const h = harness();
    await runMain(async () => {}, h.options);
    expect(h.exits).toEqual([]);
    expect(h.written).toEqual([]);
  });
});
