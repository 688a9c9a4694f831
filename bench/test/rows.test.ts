import { describe, expect, it } from 'vitest';
import { httpServerRows, platformRows, proxyRows } from '../lib/rows.ts';

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

  it('names the proxy throughput "max" and the rate its CPU figure was taken at', () => {
    const [row] = proxyRows([{ variant: 'minimal', name: 'minimal', requestsPerSecond: 4410, p50Ms: 8, p99Ms: 51, cpuMicrosPerRequest: 181.4, fixedRateAchieved: 4047 }]);
    expect(row).toMatchObject({ throughput: '4,410 req/s max', p50: '8 ms', p99: '51 ms', cost: '181.4 µs CPU/req @ 4,047 req/s' });
  });

  it("puts the platform's own cost parts in the cost column", () => {
    const [row] = platformRows([{ name: 'comments', rps: 1400, failed: 2 }]);
    expect(row).toMatchObject({ throughput: '1,400 req/s', cost: '2 failed' });
  });
});
