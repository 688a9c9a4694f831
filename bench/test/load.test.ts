import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { alternatingCpu, alternatingFigures, assertClean, autocannon, childCpuMicros, loadFigures, medianFigures, startTarget, stopChild } from '../lib/load.ts';
import type { Cannon, LoadPhases } from '../lib/load.ts';
import { HELLO_BODY } from '../lib/target-child.ts';

const fixture = fileURLToPath(new URL('./fixtures/hello-target.ts', import.meta.url));

const cannon = (over: Partial<Cannon> = {}): Cannon => ({
  requests: { average: 1234.56, total: 3000 },
  latency: { p50: 1, p99: 7 },
  errors: 0,
  timeouts: 0,
  non2xx: 0,
  ...over,
});

describe('bench/lib: a target child and the parent side', () => {
  it('starts a target, reads its port, its CPU time over IPC, and stops it on SIGTERM with exit code 0', async () => {
    const { child, line } = await startTarget(fixture, [], { core: 0 });
    try {
      expect(line).toMatch(/^\d+$/);
      const res = await fetch(`http://127.0.0.1:${line}/`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(await res.text()).toBe(HELLO_BODY);
      const first = await childCpuMicros(child);
      expect(first).toBeGreaterThan(0);
      expect(await childCpuMicros(child)).toBeGreaterThanOrEqual(first);
    } finally {
      await stopChild(child, 'SIGTERM');
    }
    expect(child.exitCode).toBe(0);
    await stopChild(child, 'SIGTERM'); // already exited: resolves at once
  });

  it('rejects when the target exits before printing its port', async () => {
    await expect(startTarget(fixture, ['fail'], { core: 0 })).rejects.toThrow('fail exited at start');
  });

  it('runs autocannon against the target and returns its JSON report', async () => {
    const { child, line } = await startTarget(fixture, [], { core: 0 });
    try {
      const report = await autocannon(`http://127.0.0.1:${line}/`, ['-c', '2', '-a', '50']);
      expect(report.requests.total).toBe(50);
      expect(report.errors + report.non2xx).toBe(0);
    } finally {
      await stopChild(child, 'SIGKILL');
    }
  });
});

describe('bench/lib: load figures', () => {
  it('reports req/s rounded, latency as measured and CPU per request to 0.1 µs', () => {
    const phases: LoadPhases = { full: cannon(), fixed: cannon({ requests: { average: 5000, total: 15_000 } }), cpuMicros: 123_456 };
    expect(loadFigures(phases)).toEqual({ requestsPerSecond: 1235, p50Ms: 1, p99Ms: 7, cpuMicrosPerRequest: 8.2 });
  });

  it('throws naming the variant when a phase saw errors or non-2xx answers, not for timeouts alone', () => {
    expect(() => assertClean('podkit', { full: cannon({ non2xx: 1 }), fixed: cannon(), cpuMicros: 1 })).toThrow('podkit: errors or non-2xx responses during the run');
    expect(() => assertClean('podkit', { full: cannon(), fixed: cannon({ errors: 2 }), cpuMicros: 1 })).toThrow('podkit:');
    expect(() => assertClean('podkit', { full: cannon({ timeouts: 3 }), fixed: cannon(), cpuMicros: 1 })).not.toThrow();
  });

  it('takes the median of each figure over the rounds on its own', () => {
    const rounds = [
      { requestsPerSecond: 300, p50Ms: 1, p99Ms: 9, cpuMicrosPerRequest: 20 },
      { requestsPerSecond: 100, p50Ms: 3, p99Ms: 7, cpuMicrosPerRequest: 30 },
      { requestsPerSecond: 200, p50Ms: 2, p99Ms: 8, cpuMicrosPerRequest: 10 },
    ];
    expect(medianFigures(rounds)).toEqual({ requestsPerSecond: 200, p50Ms: 2, p99Ms: 8, cpuMicrosPerRequest: 20 });
  });

  it('sums alternating windows: total CPU over total requests, each window kept, failures counted', () => {
    const f = alternatingFigures([
      { cpuMicros: 30_000, requests: 1000, failures: 0 },
      { cpuMicros: 60_000, requests: 2000, failures: 1 },
      { cpuMicros: 10_000, requests: 200, failures: 0 },
    ]);
    expect(f).toEqual({ cpuMicrosPerRequest: 31.3, windowMicros: [30, 30, 50], requests: 3200, failures: 1 });
    expect(alternatingFigures([]).cpuMicrosPerRequest).toBeNaN();
  });
});

describe('bench/lib: alternating windows over live targets', () => {
  it('loads one target at a time, in turn, and reads each one\'s CPU around its own windows only', async () => {
    const a = await startTarget(fixture, [], { core: 0 });
    const b = await startTarget(fixture, [], { core: 0 });
    try {
      const calls: string[] = [];
      const cpuOf = (name: string, child: typeof a.child) => async () => {
        calls.push(name);
        return childCpuMicros(child);
      };
      const [fa, fb] = await alternatingCpu(
        [
          { url: `http://127.0.0.1:${a.line}/`, cpu: cpuOf('a', a.child) },
          { url: `http://127.0.0.1:${b.line}/`, cpu: cpuOf('b', b.child) },
        ],
        { windows: 2, windowSeconds: 1, rate: 200, connections: 2 },
      );
      // before and after each window, a's windows and b's in turn
      expect(calls).toEqual(['a', 'a', 'b', 'b', 'a', 'a', 'b', 'b']);
      for (const f of [fa!, fb!]) {
        expect(f.windowMicros).toHaveLength(2);
        expect(f.failures).toBe(0);
        expect(f.requests).toBeGreaterThan(100); // 200 req/s for 2 × 1 s
        expect(f.cpuMicrosPerRequest).toBeGreaterThan(0);
      }
    } finally {
      await Promise.all([stopChild(a.child, 'SIGTERM'), stopChild(b.child, 'SIGTERM')]);
    }
  });
});
