// Child process of abort.test.ts: a gateway-like process (core's service with its fatal-error
// handlers, serve(), a client with a small bulkhead and pool, createProxy) in front of the test's
// upstream. An uncaught exception is logged ("uncaught exception", level fatal) and ends it with
// exit 1, as it did the blog's gateway. Prints `PORT <n>` on stderr once it listens.
// Usage: node proxy-child.ts <upstream url>
import { createService } from '@podkit/core';
import { createClient, createProxy, serve } from '../../src/index.ts';

const service = createService({ name: 'proxy-child', version: '1.0.0', logLevel: 'warn', runtimeMetrics: false, eventLoopCheck: false, gracePeriodMs: 3000 });
const upstream = createClient({
  name: 'up',
  baseUrl: process.argv[2] ?? '',
  service,
  pool: { connections: 4 },
  bulkhead: { maxConcurrent: 4, maxQueue: 64 },
});
const proxy = createProxy({ client: upstream, logger: service.logger });
await service.start();
const server = await serve(service, proxy, { port: 0, host: '127.0.0.1' });
process.stderr.write(`PORT ${server.port}\n`);
