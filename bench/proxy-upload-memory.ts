// What a podkit proxy holds while uploads pass through it: a child process runs createProxy in
// serve() (a gateway's setup: podkit client, no access log) in front of an upstream in this
// process that reads every body, and reports its process.memoryUsage().arrayBuffers (sampled
// every 5 ms) after each batch of concurrent uploads. With --gc it also reports what is still
// reachable after a full GC in the middle of a slow upload (the upstream reads 1 MB/s), which
// tells buffered bytes from garbage. The figures of examples/blog-platform/deploy/MEASUREMENTS.md
// ("What the uploads leave in the gateway") come from this script. Not part of `npm run bench`.
// Run: node --conditions=@podkit/source bench/proxy-upload-memory.ts [batches] [V8 flags]   (default 30)
//      node --conditions=@podkit/source bench/proxy-upload-memory.ts 30 --max-semi-space-size=1 --max-old-space-size=48
//      node --conditions=@podkit/source bench/proxy-upload-memory.ts --gc
// V8 flags (arguments starting with --max-) are the proxy process's, as NODE_OPTIONS in a manifest.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createService } from '@podkit/core';
import { createClient, createProxy, serve } from '@podkit/http';

const MiB = 1024 * 1024;
const BODY_BYTES = 2_500_000;
const CONCURRENT = 4;

interface Sample {
  maxArrayBuffers: number;
  maxRss: number;
  arrayBuffers: number;
  afterGc: number | undefined;
}

/** The proxy process: answers each message with its samples since the last one. */
async function proxyChild(upstream: string): Promise<void> {
  const service = createService({ name: 'gateway', version: '1.0.0', logLevel: 'warn', runtimeMetrics: false, eventLoopCheck: false });
  const proxy = createProxy({ client: createClient({ name: 'up', baseUrl: upstream, service }), logger: service.logger });
  await service.start();
  const server = await serve(service, proxy, { port: 0, host: '127.0.0.1', accessLog: false });
  let maxArrayBuffers = 0;
  let maxRss = 0;
  setInterval(() => {
    const m = process.memoryUsage();
    maxArrayBuffers = Math.max(maxArrayBuffers, m.arrayBuffers);
    maxRss = Math.max(maxRss, m.rss);
  }, 5).unref();
  process.on('message', (what: string) => {
    const arrayBuffers = process.memoryUsage().arrayBuffers;
    const gc = (globalThis as { gc?: () => void }).gc;
    let afterGc: number | undefined;
    if (what === 'gc' && gc !== undefined) {
      gc();
      afterGc = process.memoryUsage().arrayBuffers;
    }
    const sample: Sample = { maxArrayBuffers, maxRss, arrayBuffers, afterGc };
    process.send?.(sample);
    maxArrayBuffers = 0;
    maxRss = 0;
  });
  process.send?.({ port: server.port });
}

async function ask(child: ChildProcess, what: string): Promise<Sample> {
  child.send(what);
  const [sample] = (await once(child, 'message')) as [Sample];
  return sample;
}

async function main(): Promise<void> {
  const gcMode = process.argv.includes('--gc');
  const batches = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 30);
  const v8Flags = process.argv.filter((a) => a.startsWith('--max-'));
  const bytesPerSecond = gcMode ? 1_000_000 : Infinity;
  const up = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => {
      if (bytesPerSecond === Infinity) return;
      req.pause();
      setTimeout(() => req.resume(), (chunk.length / bytesPerSecond) * 1000);
    });
    req.on('end', () => {
      res.writeHead(202, { 'content-length': '2' });
      res.end('ok');
    });
  });
  up.listen(0, '127.0.0.1');
  await once(up, 'listening');
  const upstream = `http://127.0.0.1:${String((up.address() as AddressInfo).port)}`;
  const child = fork(fileURLToPath(import.meta.url), ['--child', upstream], {
    execArgv: ['--conditions=@podkit/source', ...(gcMode ? ['--expose-gc'] : []), ...v8Flags],
  });
  const [{ port }] = (await once(child, 'message')) as [{ port: number }];
  const body = Buffer.alloc(BODY_BYTES, 7);
  const upload = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const r = request({ port, host: '127.0.0.1', method: 'POST', path: '/upload', headers: { 'content-length': String(BODY_BYTES) } }, (res) => {
        res.resume();
        res.once('end', () => resolve());
      });
      r.once('error', reject);
      r.end(body);
    });
  const mib = (n: number): string => (n / MiB).toFixed(1);
  try {
    if (gcMode) {
      const all = Promise.all(Array.from({ length: CONCURRENT }, upload));
      for (const ms of [500, 1000, 1500]) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        const s = await ask(child, 'gc');
        process.stdout.write(`${String(ms)} ms into ${String(CONCURRENT)} uploads at 1 MB/s: arrayBuffers ${mib(s.arrayBuffers)} MiB, after a full GC ${mib(s.afterGc ?? Number.NaN)}\n`);
      }
      await all;
    } else {
      let maxArrayBuffers = 0;
      let maxRss = 0;
      for (let b = 0; b < batches; b++) {
        await Promise.all(Array.from({ length: CONCURRENT }, upload));
        const s = await ask(child, 'sample');
        maxArrayBuffers = Math.max(maxArrayBuffers, s.maxArrayBuffers);
        maxRss = Math.max(maxRss, s.maxRss);
      }
      process.stdout.write(`${v8Flags.join(' ') || 'V8 defaults'}: ${String(batches)} batches of ${String(CONCURRENT)} x ${String(BODY_BYTES)} B: proxy arrayBuffers max ${mib(maxArrayBuffers)} MiB, RSS max ${mib(maxRss)} MiB\n`);
    }
  } finally {
    child.kill();
    up.close();
    up.closeAllConnections();
  }
}

if (process.argv[2] === '--child') await proxyChild(process.argv[3] ?? '');
else await main();
