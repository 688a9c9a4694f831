/**
 * `runtime: 'compiled'`: the services run from the `tsc` output (`dist/`, on the packages' `dist/`)
 * as the image runs them, with no TypeScript loaded; and the memory report measure-memory.ts reads.
 * Needs `npm run build` (the repository's `npm test` builds first).
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestMemoryReport } from '../../src/platform/memory.ts';
import { entryOf } from '../../src/platform/services.ts';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.ts';

describe('the platform on the compiled JavaScript', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    if (!existsSync(entryOf('gateway', 'compiled'))) throw new Error(`${entryOf('gateway', 'compiled')} is missing: run \`npm run build\` at the repository root first`);
    platform = await startTestPlatform({
      runtime: 'compiled',
      services: ['auth', 'posts', 'gateway'],
      serviceEnv: { posts: { NODE_OPTIONS: '--expose-gc' } },
    });
  }, 120_000);
  afterAll(async () => {
    await platform?.close();
  });

  it('runs every service from dist/ without the source condition, and serves through the gateway', async () => {
    for (const proc of platform.processes.values()) {
      const argv = readFileSync(`/proc/${String(proc.child.pid)}/cmdline`, 'utf8').split('\0');
      expect(argv.some((a) => a.endsWith(`/dist/${proc.service}/main.js`)), argv.join(' ')).toBe(true);
      expect(argv).not.toContain('--conditions=@podkit/source');
    }
    const res = await fetch(`${platform.gatewayUrl}/api/posts?limit=1`);
    expect(res.status).toBe(200);
    await res.body?.cancel();
  });

  it('answers a memory report, after a full GC when started with --expose-gc', async () => {
    const posts = await requestMemoryReport(platform.processes.get('posts')!);
    expect(posts).toMatchObject({ type: 'memory', gc: true });
    expect(posts.heapUsed).toBeGreaterThan(1024 * 1024);
    expect(posts.rss).toBeGreaterThan(posts.heapUsed);
    const auth = await requestMemoryReport(platform.processes.get('auth')!);
    expect(auth.gc).toBe(false);
  });
});
