import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createJobQueue } from '../../src/images/queue.ts';
import type { ClaimedJob } from '../../src/images/queue.ts';
import { createImageStore } from '../../src/images/store.ts';
import type { ImageStore } from '../../src/images/store.ts';
import { backends, makeImage, openTestDb } from './helpers.ts';
import type { TestDb } from './helpers.ts';

async function upload(store: ImageStore, bytes: Buffer): Promise<string> {
  const id = randomUUID();
  await store.insert({ id, ownerId: 'user-1', contentType: 'image/png', bytes, width: 16, height: 16 });
  return id;
}

describe.each(backends)('job queue on %s', (backend) => {
  let t: TestDb;
  let png: Buffer;
  beforeAll(async () => {
    t = await openTestDb(backend);
    png = await makeImage('png', 16, 16);
  }, 60_000);
  beforeEach(async () => {
    await t.reset();
  });
  afterAll(async () => {
    await t.close();
  });

  it('stores an upload with its job and hands the original to exactly one claimer', async () => {
    const store = createImageStore(t.db);
    const id = await upload(store, png);
    expect(await store.get(id)).toMatchObject({ id, status: 'processing', ownerId: 'user-1', byteSize: png.length });
    const queue = createJobQueue(t.db, { workerId: 'a' });
    const job = await queue.claim();
    expect(job).toMatchObject({ imageId: id, attempt: 1, maxAttempts: 3 });
    expect(await queue.claim()).toBeUndefined();
    expect((await queue.loadOriginal(job!))?.equals(png)).toBe(true);
    const data = Buffer.from('webp-bytes');
    await queue.complete(job!, [
      { name: 'display', data, etag: '"d"', width: 16, height: 16 },
      { name: 'thumbnail', data, etag: '"t"', width: 8, height: 8 },
    ]);
    expect((await store.get(id))?.status).toBe('ready');
    const got = await store.getVariant(id, 'thumbnail');
    expect(got?.variant).toMatchObject({ etag: '"t"', width: 8, height: 8 });
    expect(got?.variant?.data.equals(data)).toBe(true);
    expect(await store.getVariant(randomUUID(), 'thumbnail')).toBeUndefined();
  });

  it('never gives the same job to two claimers racing over several connections (SKIP LOCKED)', async () => {
    const store = createImageStore(t.db);
    const n = 30;
    const ids = new Set<string>();
    for (let i = 0; i < n; i++) ids.add(await upload(store, png));
    const queues = [t.db, t.connect(), t.connect()].map((db, i) => createJobQueue(db, { workerId: `w${i}` }));
    const claimed: ClaimedJob[] = [];
    // 3 queues x 4 concurrent claim loops each, until the queue is empty.
    await Promise.all(
      queues.flatMap((q) =>
        Array.from({ length: 4 }, async () => {
          for (let job = await q.claim(); job; job = await q.claim()) claimed.push(job);
        }),
      ),
    );
    expect(claimed).toHaveLength(n);
    expect(new Set(claimed.map((j) => j.id)).size).toBe(n);
    expect(new Set(claimed.map((j) => j.imageId))).toEqual(ids);
  });

  it('gives a job whose worker died to another worker once its lease expires, and only then', async () => {
    const store = createImageStore(t.db);
    const id = await upload(store, png);
    let now = Date.now() + 1000;
    const clock = (): Date => new Date(now);
    const dead = createJobQueue(t.db, { workerId: 'dead', leaseMs: 30_000, clock });
    const alive = createJobQueue(t.connect(), { workerId: 'alive', leaseMs: 30_000, clock });
    const first = await dead.claim();
    expect(first).toMatchObject({ imageId: id, attempt: 1 });
    // The worker "dies": no heartbeat, no completion.
    now += 29_000;
    expect(await alive.claim()).toBeUndefined();
    now += 2_000;
    const second = await alive.claim();
    expect(second).toMatchObject({ id: first!.id, imageId: id, attempt: 2 });
    // The dead worker's heartbeat (if it came back) would find it no longer holds the lease.
    expect(await dead.heartbeat(first!)).toBe(false);
    expect(await alive.heartbeat(second!)).toBe(true);
  });

  it('retries a failed attempt after a backoff and fails the image after the last attempt', async () => {
    const store = createImageStore(t.db, { maxAttempts: 2 });
    const id = await upload(store, png);
    let now = Date.now() + 1000;
    const queue = createJobQueue(t.db, { workerId: 'w', retryBaseMs: 10_000, clock: () => new Date(now) });
    const a1 = await queue.claim();
    expect(await queue.fail(a1!, 'boom 1')).toBe('retry');
    expect((await store.get(id))?.status).toBe('processing');
    now += 9_000;
    expect(await queue.claim()).toBeUndefined(); // backoff not over
    now += 2_000;
    const a2 = await queue.claim();
    expect(a2?.attempt).toBe(2);
    expect(await queue.fail(a2!, 'boom 2')).toBe('failed');
    expect(await store.get(id)).toMatchObject({ status: 'failed', error: 'boom 2' });
    now += 3_600_000;
    expect(await queue.claim()).toBeUndefined();
  });

  it('releases a job without counting the attempt', async () => {
    const store = createImageStore(t.db);
    await upload(store, png);
    const queue = createJobQueue(t.db, { workerId: 'w' });
    const job = await queue.claim();
    await queue.release(job!);
    expect((await queue.claim())?.attempt).toBe(1);
  });
});
