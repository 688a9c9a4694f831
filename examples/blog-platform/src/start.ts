/**
 * `npm start`: the whole platform on embedded defaults (PGlite, in-memory cache) on ports
 * 8080–8084 (probes and `/metrics` on the admin ports 9080–9084), with a little sample content;
 * Ctrl-C drains and stops every service.
 * Also the programmatic harness tests use: {@link startPlatform}.
 */
import { ensureWebBuild } from '../web/build.ts';
import { seedSampleContent } from './platform/seed.ts';
import { startPlatform } from './platform/platform.ts';

export { startPlatform } from './platform/platform.ts';
export type { Platform, PlatformOptions } from './platform/platform.ts';
export type { ServiceProcess } from './platform/child.ts';

function compact(id: string, line: string): string {
  try {
    const o = JSON.parse(line) as { level?: string | number; msg?: string; err?: { message?: string } };
    return `${id.padEnd(9)} ${String(o.level ?? '').padEnd(5)} ${o.msg ?? ''}${o.err?.message ? `: ${o.err.message}` : ''}`;
  } catch {
    return `${id.padEnd(9)} ${line}`;
  }
}

async function run(): Promise<void> {
  const verbose = process.env.PLATFORM_LOGS === 'json';
  // The gateway serves the front end's build: build it first when missing or stale.
  await ensureWebBuild({ log: (line) => process.stdout.write(`${line}\n`) });
  process.stdout.write('starting the blog platform (auth → posts → comments, images → gateway)...\n');
  const platform = await startPlatform({
    ports: 'fixed',
    onLine: (id, line) => process.stdout.write(`${verbose ? line : compact(id, line)}\n`),
  });
  const seeded = await seedSampleContent(platform.gatewayUrl);
  if (seeded) process.stdout.write('seeded sample posts\n');
  const admin = Object.entries(platform.adminUrls).map(([name, url]) => `${name} ${url}`).join(', ');
  process.stdout.write(`\n  blog platform ready: ${platform.gatewayUrl}\n  probes and /metrics: ${admin}\n  (Ctrl-C drains and stops every service)\n\n`);
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: draining and stopping every service...\n`);
    platform.stop('SIGTERM').then(
      () => process.stdout.write('all services stopped\n'),
      (err: unknown) => {
        process.stderr.write(`stop failed: ${String(err)}\n`);
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (import.meta.main) {
  run().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
