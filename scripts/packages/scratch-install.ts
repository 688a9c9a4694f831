/**
 * Installs packed tarballs into a scratch project, as a user would (`npm install` of the
 * tarballs, dependencies and peer dependencies from the registry or npm's cache), and runs a
 * small ES module there with a given Node.js binary.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes a scratch project depending on `tarballs` (package name → file) and installs it. */
export function installScratch(dir: string, tarballs: Readonly<Record<string, string>>): void {
  const dependencies = Object.fromEntries(Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`]));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'podkit-scratch', private: true, type: 'module', dependencies }, null, 2));
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Result of running a module in the scratch project. */
export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Writes `source` to `<dir>/<file>` and runs it with `node`. */
export function runModule(node: string, dir: string, file: string, source: string): RunResult {
  writeFileSync(join(dir, file), source);
  const r = spawnSync(node, [file], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A user's first program: every package imported by name, a config loaded, a service served on
 * port 0, its probes and metrics fetched through the package's own client, everything closed.
 * Prints `ok` on success.
 */
export const SMOKE_MODULE = `
import { defineConfig } from '@podkit/config';
import { createService, getTraceIds, withSpan } from '@podkit/core';
import { createClient, createRouter, serve } from '@podkit/http';
import { startTelemetry } from '@podkit/otel';
import { z } from 'zod';

const config = defineConfig(z.object({ greeting: z.string().default('hello') })).load({ env: {} });
const service = createService({ name: 'scratch', version: '1.0.0', logLevel: 'silent' });
const telemetry = await startTelemetry(service, { env: {} });
// one @opentelemetry/api copy in the install: podkit sees the SDK @podkit/otel registered
if ((await withSpan('smoke', () => getTraceIds())) === undefined) throw new Error('@podkit/otel registered an SDK podkit does not see');
const app = createRouter().get('/hello', {}, () => ({ greeting: config.greeting }));
const server = await serve(service, app, { port: 0, host: '127.0.0.1' });
await service.start();
const client = createClient({ name: 'self', baseUrl: 'http://127.0.0.1:' + server.port });
const hello = await client.json(z.object({ greeting: z.literal('hello') }), { path: '/hello' });
const metrics = await (await client.get('/metrics')).text();
if (!metrics.includes('http_requests_total')) throw new Error('no http_requests_total on /metrics');
await client.close();
await server.close();
await telemetry.shutdown();
await service.close();
console.log('ok', hello.greeting);
`;
