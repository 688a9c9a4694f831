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
