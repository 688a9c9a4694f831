/**
 * `promtool check metrics` on the /metrics page a user gets by default: core's createService
 * (Node runtime metrics on), serve()'s HTTP metrics and a client's metrics after real traffic
 * (successes, a 404, a 503 with retries, an unknown method). Skips with a message when promtool
 * is missing, unless PODKIT_REQUIRE_PROMTOOL=1 (set by .ci/run).
 */
import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createService } from '@podkit/core';
import type { Service } from '@podkit/core';
import { createClient, createRouter, serve } from '../../src/index.ts';
import type { HttpClient, PodkitServer } from '../../src/index.ts';
import { send } from './helpers/http.ts';

const available = spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0;
const required = process.env.PODKIT_REQUIRE_PROMTOOL === '1';
if (!available && !required) {
  console.warn('promtool not found: skipping `promtool check metrics` (install Debian package `prometheus`, or set PODKIT_REQUIRE_PROMTOOL=1 to fail instead)');
}

/** Runs `promtool check metrics` on a page; promtool reads it on stdin. */
function promtoolCheck(page: string): { status: number | null; output: string } {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: page, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const r of open.splice(0).reverse()) await r.close();
});

const quiet = new Writable({ write: (_chunk, _enc, cb) => cb() });

async function defaultService(name: string): Promise<{ service: Service; server: PodkitServer }> {
  // Only the log destination is set: metrics, health and runtime collection are the defaults.
  const service = createService({ name, version: '1.0.0', destination: quiet });
  open.push(service);
  const app = createRouter()
    .get('/posts/:id', { params: z.object({ id: z.string() }) }, ({ params }) => ({ id: params.id }))
    .get('/flaky', {}, ({ res }) => {
      res.statusCode = 503;
      return { down: true };
    });
  const server = await serve(service, app, { port: 0, host: '127.0.0.1' });
  open.push(server);
  return { service, server };
}

describe('promtool check metrics', () => {
  it.skipIf(!available && !required)('passes on the default /metrics page of a service that serves and calls', async () => {
    expect(available, 'promtool is required (PODKIT_REQUIRE_PROMTOOL=1) but not on PATH').toBe(true);
    const upstream = await defaultService('upstream');
    const { service, server } = await defaultService('caller');
    const client: HttpClient = createClient({ name: 'upstream', baseUrl: `http://127.0.0.1:${upstream.server.port}`, service });
    open.push(client);
    await (await client.get('/posts/1')).dump();
    await client.get('/nope').catch(() => undefined);
    await client.get('/flaky').catch(() => undefined);
    await send(server.port, { path: '/posts/1' });
    await send(server.port, { path: '/nope' });
    await send(server.port, { method: 'PROPFIND', path: '/posts/1' });

    const page = (await send(server.port, { path: '/metrics' })).text;
    // The page has what a user gets: runtime, server and client families.
    for (const family of ['nodejs_eventloop_lag_seconds', 'process_cpu_seconds_total', 'http_requests_total', 'http_client_requests_total']) {
      expect(page).toContain(`# TYPE ${family} `);
    }
    const result = promtoolCheck(page);
    // promtool prints one line per lint problem and exits non-zero on any.
    expect(result.output.trim(), result.output).toBe('');
    expect(result.status, result.output).toBe(0);
  });
});
