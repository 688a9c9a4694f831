import { Writable } from 'node:stream';
import { createLogger, createMetrics } from '@podkit/core';
import type { ServeService, ProbeKind, DrainContext } from '../../../src/index.ts';

export interface LogLine {
  level: string;
  msg: string;
  [key: string]: unknown;
}

/** A logger destination that keeps parsed lines. */
export function captureLines(): { stream: Writable; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line));
      cb();
    },
  });
  return { stream, lines };
}

export interface TestService {
  service: ServeService;
  lines: LogLine[];
  setStatus(kind: ProbeKind, status: 'up' | 'down'): void;
  drainers: Array<{ name: string; drain: (ctx: DrainContext) => Promise<unknown> }>;
  /** Calls the lifecycle's `onShutdown` listeners, as core's lifecycle does when shutdown begins. */
  beginShutdown(): void;
}

/**
 * A service made of core's real logger and metrics, with a health registry and lifecycle reduced
 * to what serve() calls (the full core ones are exercised by the child-process tests).
 */
export function createTestService(name = 'http-test'): TestService {
  const { stream, lines } = captureLines();
  const identity = { name, version: '1.0.0' };
  const logger = createLogger({ service: identity, level: 'info', destination: stream, pretty: false });
  const metrics = createMetrics({ service: identity, runtimeMetrics: false });
  const status: Record<ProbeKind, 'up' | 'down'> = { liveness: 'up', readiness: 'up', startup: 'up' };
  const drainers: TestService['drainers'] = [];
  const shutdownListeners: Array<(reason: string) => void> = [];
  const service: ServeService = {
    logger,
    metrics,
    health: { report: (kind) => ({ status: status[kind], kind, checks: {} }) },
    lifecycle: { addDrainer: (d) => drainers.push(d), addHook: () => undefined, onShutdown: (l) => shutdownListeners.push(l) },
  };
  const beginShutdown = (): void => shutdownListeners.forEach((l) => l('test'));
  return { service, lines, drainers, beginShutdown, setStatus: (kind, s) => (status[kind] = s) };
}
