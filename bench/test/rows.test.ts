import { describe, expect, it } from 'vitest';
import { httpServerRows, platformRows, proxyRows, routerPostRows, serviceConfigRows } from '../lib/rows.ts';

describe('bench/lib/rows: the load columns', () => {
  it('formats req/s, p50/p99 (0 ms as under a millisecond) and CPU µs per request', () => {
    const [bare] = httpServerRows([{ name: 'bare node:http', requestsPerSecond: 12_345.6, p50Ms: 0, p99Ms: 3.456, cpuMicrosPerRequest: 41.27 }]);
    expect(bare).toMatchObject({ throughput: '12,346 req/s', p50: '< 1 ms', p99: '3.46 ms', cost: '41.3 µs CPU/req', vsBaseline: 'baseline' });
  });

  it('leaves out what was not measured', () => {
    const [row] = httpServerRows([{ name: 'bare node:http' }]);
    expect(row).not.toHaveProperty('throughput');
    expect(row).not.toHaveProperty('p50');
    expect(row).not.toHaveProperty('cost');
  });

  it('shows the spread of the alternating windows next to a CPU figure measured in them, and judges the target on the total', () => {
    const [bare, fastify, podkit] = routerPostRows([
      { variant: 'bare', name: 'bare', requestsPerSecond: 30_000, cpuMicrosPerRequest: 30, cpuWindowRange: [22.81, 65.1] },
      { variant: 'fastify', name: 'Fastify', requestsPerSecond: 25_000, cpuMicrosPerRequest: 40, cpuVsFastify: 1, cpuVsBare: 1.33, rpsVsBare: 0.83 },
      { variant: 'podkit', name: 'podkit', requestsPerSecond: 26_000, cpuMicrosPerRequest: 39.6, cpuWindowRange: [30, 52], cpuVsFastify: 0.99, cpuVsBare: 1.32, rpsVsBare: 0.87 },
    ]);
    expect(bare!.cost).toBe('30.0 µs CPU/req (windows 22.8–65.1)');
    expect(fastify!.cost).toBe('40.0 µs CPU/req'); // measured the earlier way: no spread to show
    expect(podkit).toMatchObject({ cost: '39.6 µs CPU/req (windows 30.0–52.0)', met: 'yes' });
    const [, service] = serviceConfigRows({
      load: [
        { variant: 'bare', name: 'bare', requestsPerSecond: 40_000, cpuMicrosPerRequest: 20, cpuWindowRange: [18, 25] },
        { variant: 'service', name: 'service', requestsPerSecond: 35_000, cpuMicrosPerRequest: 31, cpuWindowRange: [27, 40] },
      ],
      idle: [],
    });
    expect(service).toMatchObject({ cost: '31.0 µs CPU/req (windows 27.0–40.0)', met: 'no' });
  });

  it('names the proxy throughput "max" and the rate its CPU figure was taken at', () => {
    const [row] = proxyRows([{ variant: 'minimal', name: 'minimal', requestsPerSecond: 4410, p50Ms: 8, p99Ms: 51, cpuMicrosPerRequest: 181.4, fixedRateAchieved: 4047 }]);
    expect(row).toMatchObject({ throughput: '4,410 req/s max', p50: '8 ms', p99: '51 ms', cost: '181.4 µs CPU/req @ 4,047 req/s' });
  });

  it("puts the platform's own cost parts in the cost column", () => {
    const [row] = platformRows([{ name: 'comments', rps: 1400, failed: 2 }]);
    expect(row).toMatchObject({ throughput: '1,400 req/s', cost: '2 failed' });
  });
});
