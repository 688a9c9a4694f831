import { EventEmitter } from 'node:events';
import { createHealth, createLifecycle, createLogger, createMetrics } from '../../src/index.ts';
import type { Health, Lifecycle, LifecycleOptions, Metrics } from '../../src/index.ts';
import { capture } from './capture.ts';
import type { Capture } from './capture.ts';

export interface Harness {
  readonly out: Capture;
  readonly proc: EventEmitter;
  readonly health: Health;
  readonly metrics: Metrics;
  readonly lifecycle: Lifecycle;
  readonly exitCodes: number[];
  /** Resolves with the code passed to the injected `exit`. */
  readonly exited: Promise<number>;
  /** Ordered record of what happened. */
  readonly events: string[];
}

export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export function harness(options: Partial<LifecycleOptions> = {}): Harness {
  const out = capture();
  const logger = createLogger({ service: { name: 'svc', version: '1' }, destination: out, level: 'debug' });
  const metrics = createMetrics({ service: { name: 'svc', version: '1' }, runtimeMetrics: false });
  const health = createHealth({ logger, metrics });
  health.markStarted();
  const proc = new EventEmitter();
  const exitCodes: number[] = [];
  const events: string[] = [];
  const done = deferred<number>();
  const lifecycle = createLifecycle({
    logger,
    health,
    metrics,
    process: proc,
    env: {},
    exit: (code) => {
      exitCodes.push(code);
      events.push(`exit ${String(code)}`);
      done.resolve(code);
    },
    ...options,
  });
  return { out, proc, health, metrics, lifecycle, exitCodes, exited: done.promise, events };
}
