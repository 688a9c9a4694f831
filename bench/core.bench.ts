// Per-call cost of podkit's logging and metrics next to bare pino and bare prom-client, measured
// in the same process and run: a log line (with and without an object to redact, inside a span-less
// request context and with secret-value scanning), a counter increment and a histogram observation.
// Lines go to a null destination, so the figures are serialization + redaction cost, not I/O.
// Run: node bench/core.bench.ts   (uses the built package; `npm run build` first, or add
// --conditions=@podkit/source to measure the sources directly)
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import type { DestinationStream } from 'pino';
import { Counter, Histogram, Registry } from 'prom-client';
import { createLogger, createMetrics, runWithRequestContext } from '@podkit/core';

/** One measured operation. */
export interface CoreBenchCase {
  /** What was measured, e.g. `log line: podkit`. */
  readonly name: string;
  /** `podkit` or the bare library it is compared with. */
  readonly impl: 'podkit' | 'pino' | 'prom-client';
  /** Nanoseconds per call, median of rounds. */
  readonly nsPerOp: number;
  /** Per-round ns/op. */
  readonly rounds: readonly number[];
}

/** The benchmark's result. */
export interface CoreBenchResult {
  readonly name: 'core';
  /** Calls per round. */
  readonly ops: number;
  readonly cases: readonly CoreBenchCase[];
}

/** Options of {@link run}. */
export interface CoreBenchOptions {
  /** Calls per round. @default 100000 */
  readonly ops?: number;
  /** Rounds; the median is reported. @default 7 */
  readonly rounds?: number;
}

const nullDestination: DestinationStream = { write: (): void => undefined };
const service = { name: 'bench', version: '1.0.0' };
const payload = { userId: 42, route: '/api/posts/:id', status: 200, durationMs: 3.2 };
const withHeaders = {
  req: { method: 'GET', url: '/api/posts/1', headers: { authorization: 'Bearer abc', cookie: 'sid=1', accept: 'application/json' } },
  status: 200,
};

type Variant = readonly [impl: CoreBenchCase['impl'], fn: (i: number) => void];

/**
 * Measures the variants of one case in interleaved rounds (A, B, A, B, ...), so a noisy
 * neighbour on a shared machine slows all of them alike; reports the median round of each.
 */
function measureGroup(variants: readonly Variant[], ops: number, rounds: number): { nsPerOp: number; rounds: number[] }[] {
  for (const [, fn] of variants) for (let i = 0; i < Math.min(ops, 20_000); i++) fn(i); // warm up
  const perRound: number[][] = variants.map(() => []);
  for (let r = 0; r < rounds; r++) {
    variants.forEach(([, fn], v) => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < ops; i++) fn(i);
      perRound[v]!.push(Number(process.hrtime.bigint() - start) / ops);
    });
  }
  return perRound.map((values) => {
    const sorted = [...values].sort((a, b) => a - b);
    return { nsPerOp: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN, rounds: values.map((n) => Math.round(n * 10) / 10) };
  });
}

/** Runs every case and returns ns/op medians. */
export function run(options: CoreBenchOptions = {}): Promise<CoreBenchResult> {
  const ops = options.ops ?? 100_000;
  const rounds = options.rounds ?? 7;
  const cases: CoreBenchCase[] = [];
  const group = (name: string, ...variants: Variant[]): void => {
    measureGroup(variants, ops, rounds).forEach((m, v) => {
      cases.push({ name, impl: variants[v]![0], nsPerOp: Math.round(m.nsPerOp * 10) / 10, rounds: m.rounds });
    });
  };

  const barePino = pino({ timestamp: pino.stdTimeFunctions.isoTime }, nullDestination);
  const barePinoRedact = pino(
    { timestamp: pino.stdTimeFunctions.isoTime, redact: ['req.headers.authorization', 'req.headers.cookie'] },
    nullDestination,
  );
  const podkit = createLogger({ service, destination: nullDestination });
  const secrets = ['s3cr3t-database-password', 'jwt-signing-key-value-1234'];
  const podkitValues = createLogger({ service, destination: nullDestination, redactValues: () => secrets });

  group('log line, message only', ['pino', () => barePino.info('request done')], ['podkit', () => podkit.info('request done')]);
  group(
    'log line, object + message',
    ['pino', () => barePino.info(payload, 'request done')],
    ['podkit', () => podkit.info(payload, 'request done')],
  );
  group(
    'log line, request headers redacted',
    ['pino', () => barePinoRedact.info(withHeaders, 'request done')],
    ['podkit', () => podkit.info(withHeaders, 'request done')],
  );
  group(
    'log line, object + message, secret-value scan (2 values)',
    ['pino', () => barePino.info(payload, 'request done')],
    ['podkit', () => podkitValues.info(payload, 'request done')],
  );
  const inContext = (fn: () => void): void => runWithRequestContext({ requestId: 'req-1' }, fn);
  group(
    'log line, object + message, in a request context',
    ['pino', () => inContext(() => barePino.info(payload, 'request done'))],
    ['podkit', () => inContext(() => podkit.info(payload, 'request done'))],
  );
  group('log line below level (debug at info)', ['pino', () => barePino.debug(payload, 'noise')], ['podkit', () => podkit.debug(payload, 'noise')]);

  const bareRegistry = new Registry();
  const bareCounter = new Counter({ name: 'bare_requests_total', help: 'x', labelNames: ['route', 'status'], registers: [bareRegistry] });
  const bareHistogram = new Histogram({ name: 'bare_request_duration_seconds', help: 'x', labelNames: ['route'], registers: [bareRegistry] });
  const metrics = createMetrics({ service, runtimeMetrics: false });
  const counter = metrics.counter({ name: 'requests_total', help: 'x', labelNames: ['route', 'status'] });
  const histogram = metrics.histogram({ name: 'request_duration_seconds', help: 'x', labelNames: ['route'] });
  const labels = { route: '/api/posts/:id', status: '200' };
  const routeLabel = { route: '/api/posts/:id' };

  group('counter inc with labels', ['prom-client', () => bareCounter.inc(labels)], ['podkit', () => counter.inc(labels)]);
  group(
    'histogram observe with labels',
    ['prom-client', (i) => bareHistogram.observe(routeLabel, (i % 100) / 1000)],
    ['podkit', (i) => histogram.observe(routeLabel, (i % 100) / 1000)],
  );

  metrics.close();
  return Promise.resolve({ name: 'core', ops, cases });
}

function print(result: CoreBenchResult): void {
  console.log(`@podkit/core per-call cost (${String(result.ops)} calls/round, median ns/op; null log destination)\n`);
  const width = Math.max(...result.cases.map((c) => c.name.length)) + 2;
  console.log(`${'case'.padEnd(width)}${'impl'.padEnd(13)}${'ns/op'.padStart(8)}  vs bare`);
  for (const c of result.cases) {
    const bare = result.cases.find((b) => b.name === c.name && b.impl !== 'podkit');
    const ratio = c.impl === 'podkit' && bare ? `  ×${(c.nsPerOp / bare.nsPerOp).toFixed(2)}` : '';
    console.log(`${c.name.padEnd(width)}${c.impl.padEnd(13)}${c.nsPerOp.toFixed(1).padStart(8)}${ratio}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  print(await run());
}
