/**
 * The child side of a load benchmark (a `*-target.ts` process): the "same handler" every hello
 * variant serves, a plain keep-alive `node:http` listener on a free port, the stand-in service
 * `serve()` needs, and the tail every target ends with (answer `cpu` over IPC, exit on SIGTERM so
 * `--cpu-prof` writes its profile, print the port for the parent's `startTarget()`).
 */
import { openSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DestinationStream } from 'pino';
import { bufferedDestination, createLogger, createMetrics } from '@podkit/core';
import type { ServeService } from '@podkit/http';

/** The hello answer: `{"hello":"world"}`. */
export const HELLO_BODY: string = JSON.stringify({ hello: 'world' });

/** The handler the hello variants serve: 200 with {@link HELLO_BODY} as JSON, with a content-length. */
export function hello(_req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('content-type', 'application/json');
  res.setHeader('content-length', HELLO_BODY.length);
  res.end(HELLO_BODY);
}

/**
 * Serves `listener` on bare `node:http` (keep-alive timeout 65 s) on a free port of 127.0.0.1.
 * @example const port = await listenPlain(hello);
 */
export async function listenPlain(listener: RequestListener): Promise<number> {
  const server = createServer({ keepAliveTimeout: 65_000 }, listener);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

/** podkit's default log destination (lines batched per 16 KiB / 100 ms), on `/dev/null`. */
export const podkitDevNull = (): DestinationStream => bufferedDestination({ fd: openSync('/dev/null', 'w') });

/** What {@link benchService} returns: a `ServeService` with podkit's logger and metrics. */
export type BenchService = ServeService & { logger: ReturnType<typeof createLogger>; metrics: ReturnType<typeof createMetrics> };

/**
 * The service `serve()` is given in a benchmark: podkit's logger on `destination` (not pretty),
 * podkit's metrics without runtime metrics, health always up, a lifecycle that ignores drainers.
 * @example serve(benchService(podkitDevNull()), hello, { port: 0, host: '127.0.0.1' })
 */
export function benchService(destination: DestinationStream, name = 'bench'): BenchService {
  const identity = { name, version: '1.0.0' };
  return {
    logger: createLogger({ service: identity, destination, pretty: false }),
    metrics: createMetrics({ service: identity, runtimeMetrics: false }),
    health: { report: (kind) => ({ status: 'up', kind, checks: {} }) },
    lifecycle: { addDrainer: () => undefined, addHook: () => undefined },
  };
}

/** Answers each `cpu` IPC message with `process.cpuUsage()` (read by the parent's `childCpuMicros()`). */
export function answerCpuRequests(): void {
  process.on('message', (msg) => {
    if (msg === 'cpu') process.send?.(process.cpuUsage());
  });
}

/** Exits normally on SIGTERM, so `node --cpu-prof` writes its profile. */
export function exitOnSigterm(): void {
  process.on('SIGTERM', () => process.exit(0));
}

/**
 * The tail of a target: answers `cpu` over IPC, exits on SIGTERM, and prints `line` (its port, or
 * ports separated by a space) on stdout, which the parent's `startTarget()` waits for.
 * @example reportReady(await listenPlain(hello));
 */
export function reportReady(line: number | string): void {
  answerCpuRequests();
  exitOnSigterm();
  process.stdout.write(`${String(line)}\n`);
}
