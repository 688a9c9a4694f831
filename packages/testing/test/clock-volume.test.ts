// The fake clock drives podkit's injectable clocks; the kubelet volume writes as AtomicWriter does.
import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { createService } from '@podkit/core';
import { createClient } from '@podkit/http';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock, KubeletVolume, startFaultUpstream, unavailable, type FaultUpstream } from '../src/index.ts';

let upstream: FaultUpstream | undefined;
afterEach(async () => {
  await upstream?.close();
  upstream = undefined;
});

describe('FakeClock', () => {
  it('runs due timers in order only when advanced, and cancels cleared ones', () => {
    const clock = new FakeClock(0);
    const ran: string[] = [];
    clock.setTimeout(() => ran.push('b'), 20);
    clock.setTimeout(() => ran.push('a'), 10);
    const c = clock.setTimeout(() => ran.push('c'), 15);
    clock.clearTimeout(c);
    expect(clock.pending()).toEqual([10, 20]);
    clock.advance(10);
    expect(ran).toEqual(['a']);
    expect(clock.now()).toBe(10);
    clock.advance(100);
    expect(ran).toEqual(['a', 'b']);
    expect(() => clock.advance(-1)).toThrow('FakeClock.advance(ms) needs a non-negative number, got -1');
  });

  it("drives a podkit client's backoff: the retry waits for the clock, not for real time", async () => {
    upstream = await startFaultUpstream();
    upstream.script(unavailable(2));
    const clock = new FakeClock();
    const service = createService({ name: 'clock-test', version: '1', runtimeMetrics: false, eventLoopCheck: false });
    const client = createClient({ service, name: 'up', baseUrl: upstream.url, clock });
    try {
      const call = client.get('/x');
      await upstream.waitForRequests(1);
      await clock.waitForTimer((ms) => ms === 2000); // Retry-After: 2
      expect(upstream.requests).toHaveLength(1); // the retry is parked on the fake clock
      clock.advance(1_999);
      expect(upstream.requests).toHaveLength(1);
      clock.advance(1);
      const res = await call;
      expect(res.status).toBe(200);
      await res.dump();
      expect(upstream.requests.map((r) => r.fault)).toEqual(['unavailable-503', 'respond-200']);
    } finally {
      await client.close();
      await service.close();
    }
  });
});

describe('KubeletVolume', () => {
  it('swaps ..data atomically to a new timestamped directory and removes the old one', () => {
    const volume = new KubeletVolume({ 'log.level': 'info', gone: 'x' });
    try {
      const first = readlinkSync(join(volume.dir, '..data'));
      expect(readlinkSync(join(volume.dir, 'log.level'))).toBe(join('..data', 'log.level'));
      volume.update({ 'log.level': 'debug' });
      const second = readlinkSync(join(volume.dir, '..data'));
      expect(second).not.toBe(first);
      expect(second).toMatch(/^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\.\d{9}$/);
      expect(volume.versions()).toEqual([second]);
      expect(readFileSync(join(volume.dir, 'log.level'), 'utf8')).toBe('debug');
      expect(existsSync(join(volume.dir, 'gone'))).toBe(false);
      expect(existsSync(join(volume.dir, '..data_tmp'))).toBe(false);
    } finally {
      volume.remove();
    }
  });
});
