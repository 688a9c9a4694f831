// Child process of bench/service-config.bench.ts: bare node:http, or the same handler under a blog
// service's configuration exactly as examples/blog-platform runs it (`runService` of
// `platformService(...)`: the example's `otelTelemetry()` from the OTEL_* variables (none set: ids
// only, as the example runs without a collector), its config conventions (`PORT`, `ADMIN_PORT`,
// `log.level`), JSON logs on stdout with trace ids, the access log on, health, metrics, load
// shedding, the lifecycle). Tells the parent its port over IPC; answers 'cpu' with its CPU time.
// Run with --conditions=@podkit/source so @podkit/* resolve to their sources.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defineConfig } from '@podkit/config';
import { runService } from '@podkit/service';
import { z } from 'zod';
import { platformService } from '../examples/blog-platform/src/shared/bootstrap.ts';
import { adminConfig, logLevel } from '../examples/blog-platform/src/shared/config.ts';
import { answerCpuRequests, exitOnSigterm, hello } from './lib/target-child.ts';

const variant = process.argv[2] ?? 'bare';

answerCpuRequests();

if (variant === 'bare') {
  const server = createServer({ keepAliveTimeout: 65_000 }, hello);
  server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
  exitOnSigterm();
} else if (variant === 'service') {
  // The shape of a blog service's config (examples/blog-platform/src/*/config.ts), accessLog on.
  const config = defineConfig(
    z.object({
      port: z.number().int().min(0).max(65_535).default(0),
      ...adminConfig(0),
      log: z.object({ level: logLevel.default('info') }),
      accessLog: z.boolean().default(true),
    }),
  );
  const def = platformService({ name: 'bench', version: '1.0.0', config, setup: () => Promise.resolve(hello) });
  await runService(def, { onReady: ({ port }) => process.send?.({ port }), env: { ...process.env, PORT: '0', ADMIN_PORT: '0' } });
} else {
  throw new Error(`unknown variant ${variant}`);
}
