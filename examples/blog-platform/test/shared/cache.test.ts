import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryCache } from '../../src/shared/cache/memory.ts';
import { backends } from '../helpers/backends.ts';

describe.each(backends())('cache on $name', (backend) => {
  afterAll(() => backend.cleanup());

  it('gets, sets, deletes and counts', async () => {
    const cache = await backend.openCache();
    expect(await cache.get('k')).toBeUndefined();
    await cache.set('k', 'v', 60);
    expect(await cache.get('k')).toBe('v');
    await cache.delete('k');
    expect(await cache.get('k')).toBeUndefined();
    expect(await cache.increment('n', 60)).toBe(1);
    expect(await cache.increment('n', 60)).toBe(2);
    expect(await cache.get('n')).toBe('2');
    await cache.ping();
  });

  it('counts atomically under concurrency, and decrement never creates a key or goes below 0', async () => {
    const cache = await backend.openCache();
    const counts = await Promise.all(Array.from({ length: 200 }, () => cache.increment('c', 60)));
    expect(new Set(counts).size).toBe(200);
    expect(Math.max(...counts)).toBe(200);
    expect(await cache.decrement('c')).toBe(199);
    expect(await cache.decrement('absent')).toBe(0);
    expect(await cache.get('absent')).toBeUndefined();
    await cache.set('z', '0', 60);
    expect(await cache.decrement('z')).toBe(0);
  });
});

describe('memory cache', () => {
  it('expires entries and fixed windows by its clock', async () => {
    let t = 1_000;
    const cache = createMemoryCache({ now: () => t });
    await cache.set('k', 'v', 10);
    await cache.increment('n', 10);
    t += 5_000;
    expect(await cache.increment('n', 10)).toBe(2); // the window is not extended
    t += 5_000;
    expect(await cache.get('k')).toBeUndefined();
    expect(await cache.increment('n', 10)).toBe(1);
    t += 10_000;
    expect(await cache.decrement('n')).toBe(0); // the window ended: nothing to take back
    expect(await cache.get('n')).toBeUndefined();
  });

  it('evicts the oldest entry beyond its bound', async () => {
    const cache = createMemoryCache({ maxEntries: 2 });
    await cache.set('a', '1', 60);
    await cache.set('b', '2', 60);
    await cache.set('c', '3', 60);
    expect(await cache.get('a')).toBeUndefined();
    expect(await cache.get('c')).toBe('3');
  });
});
