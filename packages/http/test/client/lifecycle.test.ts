import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ClientTimeoutError } from '../../src/index.ts';
import { client, upstream, useCleanup } from './helpers/scope.ts';
import { hang, json } from './helpers/upstream.ts';

useCleanup();

describe('lifecycle', () => {
  it('never keeps the process alive, even without close()', async () => {
    const u = await upstream();
    u.handler = (req, res) => json(res, req.url === '/x' ? 200 : 404, {});
    const child = fileURLToPath(new URL('./helpers/no-close-child.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--conditions=@podkit/source', child, u.url], { timeout: 30_000 });
    expect(stdout).toBe('done closed');
  });

  it('a pending call keeps a script alive through a retry backoff or a Retry-After, then lets it exit', async () => {
    const u = await upstream();
    const hits = new Map<string, number>();
    u.handler = (req, res) => {
      const path = req.url ?? '/';
      const hit = (hits.get(path) ?? 0) + 1;
      hits.set(path, hit);
      if (hit > 1) json(res, 200, { done: path });
      else if (path === '/reset') req.socket.resetAndDestroy();
      else json(res, 503, {}, path === '/retry-after' ? { 'retry-after': '1' } : {});
    };
    const child = fileURLToPath(new URL('./helpers/pending-child.ts', import.meta.url));
    const run = (path: string, mode: string): Promise<{ code: number | null; stdout: string; stderr: string }> =>
      new Promise((resolve) => {
        execFile(process.execPath, ['--conditions=@podkit/source', child, u.url, path, mode], { timeout: 30_000 }, (err, stdout, stderr) => {
          resolve({ code: err === null ? 0 : ((err as { code?: number }).code ?? null), stdout, stderr });
        });
      });
    // without a handle of its own the wait ended the process: exit 13 ("unsettled top-level
    // await") with top-level await, exit 0 with the work undone without it
    const results = await Promise.all([run('/backoff', 'tla'), run('/retry-after', 'tla'), run('/reset', 'tla'), run('/then', 'then')]);
    expect(results.map((r) => [r.code, r.stdout])).toEqual([
      [0, '200 {"done":"/backoff"}'],
      [0, '200 {"done":"/retry-after"}'],
      [0, '200 {"done":"/reset"}'],
      [0, '200 {"done":"/then"}'],
    ]);
    expect(results.map((r) => r.stderr).join('')).not.toContain('unsettled');
  });

  it('close() rejects new calls, lets in-flight calls finish within their deadline, then ends the pools', async () => {
    const u = await upstream();
    u.handler = hang;
    const c = client({ name: 'up', baseUrl: u.url, breaker: false, retry: false });
    const call = c.get('/x', { timeoutMs: 300 }).catch((e: unknown) => e);
    await u.waitForHits(1);
    const closing = c.close();
    await expect(c.get('/y')).rejects.toMatchObject({ code: 'ERR_PODKIT_HTTP_CONNECTION', causeCode: 'CLIENT_CLOSED' });
    expect(await call).toBeInstanceOf(ClientTimeoutError);
    await closing;
    expect(u.hits).toBe(1);
  });
});
