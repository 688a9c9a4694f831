import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { upstream, useCleanup } from './helpers/scope.ts';

useCleanup();

/** One 1 MB buffer reused for every error body, so the upstream costs nothing to run. */
const MB = Buffer.alloc(1024 * 1024, 'x');
const child = fileURLToPath(new URL('./helpers/leak-child.ts', import.meta.url));

describe('socket and memory leaks', () => {
  it('10,000 failed calls with 1 MB error bodies: sockets never exceed the pool, RSS grows < 20 MB', async () => {
    const u = await upstream();
    u.handler = (_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain', 'content-length': MB.length });
      res.end(MB);
    };
    const connections = 8;
    // The client runs in its own process so RSS measures the client alone. The young generation is
    // pinned (V8 otherwise grows it to 3 × 64 MB under a high allocation rate, which is not a leak).
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--conditions=@podkit/source', '--expose-gc', '--max-semi-space-size=16', child, u.url, String(connections), '10000'],
      { timeout: 120_000 },
    );
    const result = JSON.parse(stdout) as { failures: number; grownMb: number };
    expect(result.failures).toBe(10_000);
    expect(u.maxOpenSockets).toBeLessThanOrEqual(connections);
    expect(u.hits).toBe(13_000);
    expect(result.grownMb).toBeLessThan(20);
  }, 150_000);
});
