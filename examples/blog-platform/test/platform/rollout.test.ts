import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/http.ts';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.ts';

/** Replicas share data only on a real PostgreSQL; PGlite is one database per process. */
const sharedData = (process.env.DATABASE_URL ?? '') !== '';

describe('rolling a posts replica behind the gateway', () => {
  let platform: TestPlatform;
  let gw: string;
  let token: string;

  beforeAll(async () => {
    platform = await startTestPlatform({ services: ['auth', 'posts', 'gateway'], replicas: { posts: 2 } });
    gw = `${platform.gatewayUrl}/api`;
    await call(`${gw}/auth/register`, 'POST', { json: { username: 'roller', password: 'rolling-rolling' } });
    token = (await call(`${gw}/auth/login`, 'POST', { json: { username: 'roller', password: 'rolling-rolling' } })).body.token;
  }, 120_000);
  afterAll(() => platform?.close());

  it('fails no request while one replica drains and a new one starts', async () => {
    expect(platform.urls.posts!.split(',')).toHaveLength(2);
    const failures: string[] = [];
    const counts = { reads: 0, writes: 0 };
    let running = true;
    const worker = async (n: number): Promise<void> => {
      for (let i = 0; running; i++) {
        if (i % 3 === 0) {
          const res = await call(`${gw}/posts`, 'POST', { token, json: { title: `w${n}-${i}`, body: 'rolling' } });
          counts.writes++;
          if (res.status !== 201) failures.push(`POST ${res.status} ${JSON.stringify(res.body)}`);
          else if (sharedData) {
            const read = await call(`${gw}/posts/${res.body.id}`, 'GET');
            counts.reads++;
            if (read.status !== 200) failures.push(`GET by id ${read.status}`);
          }
        } else {
          const res = await call(`${gw}/posts?limit=5`, 'GET');
          counts.reads++;
          if (res.status !== 200) failures.push(`GET ${res.status} ${JSON.stringify(res.body)}`);
        }
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, (_, n) => worker(n).catch((err: unknown) => void failures.push(String(err)))));
    const until = async (n: number): Promise<void> => {
      const target = counts.reads + counts.writes + n;
      await expect.poll(() => counts.reads + counts.writes, { timeout: 30_000, interval: 20 }).toBeGreaterThanOrEqual(target);
    };
    await until(100);
    expect(await platform.kill('posts-2', 'SIGTERM')).toBe(0);
    await until(100); // the remaining replica carries everything
    await platform.restart('posts-2');
    await until(200);
    running = false;
    await load;
    const upstreamErrors = platform.logs.gateway!.filter((l) => l.includes('upstream call failed'));
    expect({ failures, upstreamErrors }).toEqual({ failures: [], upstreamErrors: [] });
    expect(counts.writes).toBeGreaterThan(50);
    const drained = platform.logs['posts-2']!.some((l) => l.includes('"msg":"shutdown complete"'));
    expect(drained).toBe(true);
  }, 120_000);
});
