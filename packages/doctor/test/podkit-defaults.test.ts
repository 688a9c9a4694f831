/**
 * The doctor does not load @podkit/core or @podkit/http at run time: it carries their defaults
 * (PODKIT_DEFAULTS) and a copy of the shutdown plan. These tests compare both with the real
 * packages, observed rather than copied: a real serve() answers on the default paths, a real
 * createHealth() is timed under fake timers, and planShutdown is called on a grid of inputs.
 */
import { EventEmitter } from 'node:events';
import { GRACE_PERIOD_ENV, createHealth, createService, planShutdown } from '@podkit/core';
import { PODKIT_DEFAULTS } from '@podkit/doctor';
import { serve } from '@podkit/http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveServeOptions } from '../../http/src/server/options.ts';
import { planInPod } from '../src/model/shutdown-plan.ts';

describe('serve() defaults', () => {
  it('listens on port 8080 by default', () => {
    expect(resolveServeOptions({}).port).toBe(PODKIT_DEFAULTS.port);
  });

  it('answers the probe and metrics paths the doctor expects (and only those)', async () => {
    const service = createService({ name: 'd', version: '1', runtimeMetrics: false, eventLoopCheck: false, process: new EventEmitter(), destination: { write: () => true } });
    const server = await serve(service, (_req, res) => res.writeHead(418).end(), { port: 0, host: '127.0.0.1' });
    try {
      for (const path of Object.values(PODKIT_DEFAULTS.probes)) {
        const res = await fetch(`http://127.0.0.1:${String(server.port)}${path}`);
        await res.arrayBuffer();
        expect([200, 503], path).toContain(res.status);
      }
      const other = await fetch(`http://127.0.0.1:${String(server.port)}/healthz`);
      await other.arrayBuffer();
      expect(other.status).toBe(418);
    } finally {
      await server.close();
      await service.close();
    }
  });
});

describe('createHealth() defaults', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('re-runs a check every checkIntervalMs', async () => {
    vi.useFakeTimers({ now: 0 });
    const health = createHealth();
    const runs: number[] = [];
    health.register({ name: 'c', check: () => void runs.push(Date.now()) });
    health.start();
    await vi.advanceTimersByTimeAsync(30_000);
    health.close();
    const gaps = new Set(runs.slice(1).map((t, i) => t - runs[i]!));
    expect([...gaps]).toEqual([PODKIT_DEFAULTS.checkIntervalMs]);
  });

  it('gives up on a hung check after checkTimeoutMs', async () => {
    vi.useFakeTimers({ now: 0 });
    const health = createHealth();
    health.register({ name: 'hung', check: () => new Promise(() => {}) });
    let settledAt: number | undefined;
    void health.run('hung').then(() => (settledAt = Date.now()));
    for (let i = 0; i < 100 && settledAt === undefined; i++) await vi.advanceTimersByTimeAsync(100);
    health.close();
    expect(settledAt).toBe(PODKIT_DEFAULTS.checkTimeoutMs);
  });
});

describe('the shutdown plan', () => {
  const inPod = { KUBERNETES_SERVICE_HOST: '10.96.0.1' };
  const cases: { gracePeriodMs?: number; propagationDelayMs?: number; drainTimeoutMs?: number; hooksTimeoutMs?: number; safetyMarginMs?: number }[] = [
    {},
    { gracePeriodMs: 5000 },
    { gracePeriodMs: 7000 },
    { gracePeriodMs: 8000 },
    { gracePeriodMs: 10_000 },
    { gracePeriodMs: 45_000 },
    { gracePeriodMs: 120_000 },
    { gracePeriodMs: 30_000, propagationDelayMs: 0 },
    { gracePeriodMs: 30_000, propagationDelayMs: 20_000 },
    { gracePeriodMs: 30_000, drainTimeoutMs: 25_000 },
    { gracePeriodMs: 30_000, hooksTimeoutMs: 15_000 },
    { gracePeriodMs: 20_000, safetyMarginMs: 3000 },
  ];

  it.each(cases)('agrees with core planShutdown for %o', (input) => {
    const mine = planInPod(input);
    let theirs: ReturnType<typeof planShutdown> | undefined;
    try {
      theirs = planShutdown(input, inPod);
    } catch {
      theirs = undefined;
    }
    if (theirs === undefined) {
      expect(mine.ok).toBe(false);
      return;
    }
    const { gracePeriodSource, ...phases } = theirs;
    expect(gracePeriodSource).toBe(input.gracePeriodMs === undefined ? 'default' : 'option');
    expect(mine).toMatchObject({ ok: true, ...phases });
  });

  it('reads the grace period from the env var the doctor reads', () => {
    expect(GRACE_PERIOD_ENV).toBe(PODKIT_DEFAULTS.gracePeriodEnv);
    expect(planShutdown({}, { ...inPod, [GRACE_PERIOD_ENV]: '45' }).gracePeriodMs).toBe(45_000);
    expect(planShutdown({}, inPod)).toMatchObject({ gracePeriodMs: PODKIT_DEFAULTS.gracePeriodMs, propagationDelayMs: PODKIT_DEFAULTS.propagationDelayMs });
  });
});
