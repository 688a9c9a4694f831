import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLifecycle, createLogger, isPodkitError, planShutdown } from '../src/index.ts';
import { capture } from './helpers/capture.ts';
import { deferred, harness } from './helpers/harness.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('shutdown sequence', () => {
  it('turns readiness off first, keeps liveness up, honours the delay, drains, runs hooks in reverse, exits 0', async () => {
    vi.useFakeTimers();
    const h = harness({ propagationDelayMs: 5000 });
    const { lifecycle, health, events } = h;
    lifecycle.onShutdown(() => {
      events.push(`shutdown begins: readiness ${health.report('readiness').status}, liveness ${health.report('liveness').status}`);
    });
    lifecycle.addDrainer({ name: 'http', drain: () => void events.push('drain http') });
    lifecycle.addHook({ name: 'first', run: () => void events.push('hook first') });
    lifecycle.addHook({ name: 'second', run: () => void events.push('hook second') });
    lifecycle.addHook({ name: 'third', run: () => void events.push('hook third') });
    lifecycle.start();
    expect(health.report('readiness').status).toBe('up');

    h.proc.emit('SIGTERM');
    expect(lifecycle.state).toBe('stopping');
    expect(lifecycle.signal.aborted).toBe(true);
    expect(health.report('readiness')).toMatchObject({ status: 'down', reason: 'shutting down' });
    expect(health.report('liveness').status).toBe('up');

    await vi.advanceTimersByTimeAsync(4999);
    expect(events).toEqual(['shutdown begins: readiness down, liveness up']); // still serving during the delay
    await vi.advanceTimersByTimeAsync(1);
    expect(await h.exited).toBe(0);
    expect(events).toEqual([
      'shutdown begins: readiness down, liveness up',
      'drain http',
      'hook third',
      'hook second',
      'hook first',
      'exit 0',
    ]);
    expect(health.report('liveness').status).toBe('up');
    expect(lifecycle.state).toBe('stopped');
    const phases = h.out.lines.filter((l) => l.phase).map((l) => [l.phase, l.durationMs]);
    expect(phases).toEqual([['readiness', 0], ['propagation_delay', 5000], ['drain', 0], ['hooks', 0]]);
    const body = (await h.metrics.expose()).body;
    expect(body).toContain('podkit_shutdown_phase_duration_seconds_sum{service="svc",version="1",phase="propagation_delay"} 5');
    expect(body).toContain('podkit_shutdown_phase_duration_seconds_count{service="svc",version="1",phase="drain"} 1');
  });

  it('cuts a hanging hook at its timeout and keeps going after a throwing hook; exit 1', async () => {
    vi.useFakeTimers();
    const h = harness();
    let hungSignal: AbortSignal | undefined;
    h.lifecycle.addHook({ name: 'last', run: () => void h.events.push('hook last') });
    h.lifecycle.addHook({ name: 'throws', run: () => { throw new Error('close failed'); } });
    h.lifecycle.addHook({ name: 'hangs', timeoutMs: 2000, run: (signal) => ((hungSignal = signal), new Promise(() => {})) });
    void h.lifecycle.shutdown();
    await vi.advanceTimersByTimeAsync(1999);
    expect(h.events).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(await h.exited).toBe(1);
    expect(hungSignal?.aborted).toBe(true);
    expect(h.events).toEqual(['hook last', 'exit 1']);
    expect(h.out.lines.find((l) => l.msg === 'shutdown hook timed out; continuing')).toMatchObject({ hook: 'hangs', timeoutMs: 2000 });
    expect(h.out.lines.find((l) => l.msg === 'shutdown hook failed; continuing')).toMatchObject({ hook: 'throws', err: { message: 'close failed' } });
  });

  it('warns once, naming the hooks, when hook timeouts add up past the hooks budget', () => {
    const h = harness({ gracePeriodMs: 30_000, propagationDelayMs: 5000 }); // hooks budget 7050 ms
    const warning = (): Record<string, unknown>[] => h.out.lines.filter((l) => String(l.msg).startsWith('shutdown hook timeouts add up'));
    h.lifecycle.addHook({ name: 'telemetry', timeoutMs: 2000, run: () => undefined });
    h.lifecycle.addHook({ name: 'untimed', run: () => undefined });
    h.lifecycle.addHook({ name: 'database', timeoutMs: 5000, run: () => undefined });
    expect(warning()).toEqual([]);
    h.lifecycle.addHook({ name: 'cache', timeoutMs: 2000, run: () => undefined });
    h.lifecycle.addHook({ name: 'client', timeoutMs: 2000, run: () => undefined });
    expect(warning()).toHaveLength(1);
    expect(warning()[0]).toMatchObject({ level: 'warn', totalTimeoutMs: 9000, hooksTimeoutMs: 7050 });
    expect((warning()[0]?.hooks as { name: string }[]).map((x) => x.name)).toEqual(['telemetry', 'untimed', 'database', 'cache']);
  });

  it('runs hooks exactly once when SIGTERM, SIGINT and SIGTERM arrive within 100 ms', async () => {
    const h = harness();
    const hook = vi.fn();
    const drain = deferred();
    h.lifecycle.addDrainer({ name: 'http', drain: () => drain.promise });
    h.lifecycle.addHook({ name: 'db', run: hook });
    h.lifecycle.start();
    const first = performance.now();
    h.proc.emit('SIGTERM');
    await new Promise((resolve) => setImmediate(resolve));
    h.proc.emit('SIGINT');
    await new Promise((resolve) => setImmediate(resolve));
    h.proc.emit('SIGTERM');
    expect(performance.now() - first).toBeLessThan(100);
    drain.resolve();
    expect(await h.exited).toBe(0);
    expect(hook).toHaveBeenCalledTimes(1);
    expect(h.exitCodes).toEqual([0]);
    const ignored = h.out.lines.filter((l) => /while shutting down; ignored/.test(l.msg as string)).map((l) => l.signal);
    expect(ignored).toEqual(['SIGINT', 'SIGTERM']);
  });

  it('exits immediately with 130 on a second SIGINT', async () => {
    const h = harness();
    h.lifecycle.addHook({ name: 'slow', run: () => new Promise(() => {}) });
    h.lifecycle.start();
    h.proc.emit('SIGINT');
    h.proc.emit('SIGINT');
    expect(await h.exited).toBe(130);
    expect(h.out.lines.some((l) => l.msg === 'second SIGINT: exiting immediately')).toBe(true);
    expect(h.proc.listenerCount('SIGINT')).toBe(0);
  });

  it('closes the database pool only after the drain finished', async () => {
    const h = harness();
    const inFlight = deferred();
    let drained = false;
    let poolClosedAfterDrain: boolean | undefined;
    h.lifecycle.addHook({ name: 'db-pool', run: () => void (poolClosedAfterDrain = drained) });
    h.lifecycle.addDrainer({
      name: 'http',
      drain: async () => {
        await inFlight.promise; // the last request finishes
        drained = true;
      },
    });
    void h.lifecycle.shutdown('test');
    await new Promise((resolve) => setImmediate(resolve));
    expect(poolClosedAfterDrain).toBeUndefined();
    inFlight.resolve();
    expect(await h.exited).toBe(0);
    expect(poolClosedAfterDrain).toBe(true);
  });

  it('waits for a worker job tracked with track() before exiting', async () => {
    const h = harness();
    const job = deferred<string>();
    const done: string[] = [];
    void h.lifecycle.track(job.promise.then((r) => void done.push(r)));
    h.lifecycle.addHook({ name: 'queue-connection', run: () => void done.push('connection closed') });
    void h.lifecycle.shutdown('test');
    await new Promise((resolve) => setImmediate(resolve));
    expect(h.exitCodes).toEqual([]);
    job.resolve('job 17 done');
    expect(await h.exited).toBe(0);
    expect(done).toEqual(['job 17 done', 'connection closed']);
  });

  it('exits 1 and logs what was pending when work outlives the budget', async () => {
    vi.useFakeTimers();
    const h = harness({ gracePeriodMs: 10_000, propagationDelayMs: 0, hooksTimeoutMs: 2000, safetyMarginMs: 1000 });
    expect(h.lifecycle.plan.drainTimeoutMs).toBe(7000);
    const hook = vi.fn();
    h.lifecycle.addDrainer({ name: 'consumer', drain: () => new Promise(() => {}) });
    void h.lifecycle.track(new Promise(() => {}));
    h.lifecycle.addHook({ name: 'db', run: hook });
    void h.lifecycle.shutdown();
    await vi.advanceTimersByTimeAsync(6999);
    expect(h.exitCodes).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(await h.exited).toBe(1);
    expect(hook).toHaveBeenCalledTimes(1); // resources are still closed
    const line = h.out.lines.find((l) => l.msg === 'drain deadline reached; work still pending was cut');
    expect(line!.pending).toEqual(expect.arrayContaining(['drainer consumer', '1 tracked task(s)']));
  });

  it('logs an uncaught exception as fatal and shuts down in order with exit 1', async () => {
    const h = harness();
    const hook = vi.fn();
    h.lifecycle.addHook({ name: 'db', run: hook });
    h.lifecycle.start();
    h.proc.emit('uncaughtException', new TypeError('undefined is not a function'));
    expect(await h.exited).toBe(1);
    expect(hook).toHaveBeenCalledTimes(1);
    expect(h.out.lines.find((l) => l.level === 'fatal')).toMatchObject({ level: 'fatal', msg: 'uncaught exception', err: { type: 'TypeError' } });
  });

  it('treats an unhandled rejection the same way', async () => {
    const h = harness();
    h.lifecycle.start();
    h.proc.emit('unhandledRejection', new Error('nobody caught me'));
    expect(await h.exited).toBe(1);
    expect(h.out.lines.find((l) => l.level === 'fatal')).toMatchObject({ level: 'fatal', msg: 'unhandled promise rejection' });
  });

  it('installs nothing until start() and removes everything on dispose()', () => {
    const events = ['SIGTERM', 'SIGINT', 'uncaughtException', 'unhandledRejection'] as const;
    const before = events.map((e) => process.listenerCount(e));
    const lifecycle = createLifecycle({ logger: createLogger({ service: { name: 's', version: '1' }, destination: capture() }), exit: () => undefined, env: {} });
    expect(events.map((e) => process.listenerCount(e))).toEqual(before);
    lifecycle.start();
    expect(events.map((e) => process.listenerCount(e))).toEqual(before.map((n) => n + 1));
    lifecycle.dispose();
    expect(events.map((e) => process.listenerCount(e))).toEqual(before);
  });

  it('refuses start() after shutdown', async () => {
    const h = harness();
    await h.lifecycle.shutdown();
    expect(() => h.lifecycle.start()).toThrow(expect.objectContaining({ code: 'ERR_PODKIT_LIFECYCLE_STATE' }));
  });

  it('runs the sequence once for repeated shutdown() calls', async () => {
    const h = harness();
    const hook = vi.fn();
    h.lifecycle.addHook({ name: 'x', run: hook });
    const a = h.lifecycle.shutdown('a');
    const b = h.lifecycle.shutdown('b');
    expect(a).toBe(b);
    await a;
    expect(hook).toHaveBeenCalledTimes(1);
    expect(h.exitCodes).toEqual([0]);
  });
});

describe('planShutdown', () => {
  it('defaults to 30 s, no delay locally and 5 s in Kubernetes, with a margin', () => {
    expect(planShutdown({}, {})).toMatchObject({ gracePeriodMs: 30_000, propagationDelayMs: 0, safetyMarginMs: 1500, gracePeriodSource: 'default' });
    const k8s = planShutdown({}, { KUBERNETES_SERVICE_HOST: '10.0.0.1' });
    expect(k8s).toMatchObject({ propagationDelayMs: 5000, hooksTimeoutMs: 7050, drainTimeoutMs: 16_450 });
    expect(k8s.propagationDelayMs + k8s.drainTimeoutMs + k8s.hooksTimeoutMs + k8s.safetyMarginMs).toBe(30_000);
  });

  it('reads the grace period from PODKIT_GRACE_PERIOD_SECONDS', () => {
    expect(planShutdown({}, { PODKIT_GRACE_PERIOD_SECONDS: '60' })).toMatchObject({ gracePeriodMs: 60_000, gracePeriodSource: 'env PODKIT_GRACE_PERIOD_SECONDS' });
    expect(() => planShutdown({}, { PODKIT_GRACE_PERIOD_SECONDS: 'soon' })).toThrow(/PODKIT_GRACE_PERIOD_SECONDS="soon" is not a positive number/);
  });

  it('refuses at startup phases that cannot fit the grace period (lightship: 5 s + 30 s > 30 s)', () => {
    try {
      createLifecycle({ logger: createLogger({ service: { name: 's', version: '1' }, destination: capture() }), env: {}, gracePeriodMs: 30_000, propagationDelayMs: 5000, drainTimeoutMs: 30_000 });
      expect.unreachable();
    } catch (err) {
      expect(isPodkitError(err) && err.code).toBe('ERR_PODKIT_SHUTDOWN_BUDGET');
      expect((err as Error).message).toContain('propagationDelayMs 5000 + drainTimeoutMs 30000');
    }
    expect(() => planShutdown({ gracePeriodMs: 5000, propagationDelayMs: 5000 }, {})).toThrow(expect.objectContaining({ code: 'ERR_PODKIT_SHUTDOWN_BUDGET' }));
  });
});
