import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { processImage } from '../../src/images/processor.ts';
import { createJobQueue } from '../../src/images/queue.ts';
import type { ClaimedJob, VariantOutput } from '../../src/images/queue.ts';
import { createImageStore } from '../../src/images/store.ts';
import { createImageWorker } from '../../src/images/worker.ts';
import type { ImageWorker, JobOutcome } from '../../src/images/worker.ts';
import { backends, makeImage, openTestDb, recordingLogger } from './helpers.ts';
import type { TestDb } from './helpers.ts';

function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Resolves once `count` jobs have ended (any outcome). */
function jobCounter(count: number): { onJobEnd: (o: JobOutcome) => void; done: Promise<JobOutcome[]> } {
  const outcomes: JobOutcome[] = [];
  const d = deferred<JobOutcome[]>();
  return {
    onJobEnd(o) {
      outcomes.push(o);
      if (outcomes.length === count) d.resolve(outcomes);
    },
    done: d.promise,
  };
}

describe.each(backends)('image worker on %s', (backend) => {
  let t: TestDb;
  const workers: ImageWorker[] = [];
  beforeAll(async () => {
    t = await openTestDb(backend);
  }, 60_000);
  beforeEach(async () => {
    await t.reset();
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.drain()));
  });
  afterAll(async () => {
    await t.close();
  });

  it('processes an upload into WebP renditions without EXIF and marks it ready', async () => {
    const store = createImageStore(t.db);
    const id = randomUUID();
    const bytes = await makeImage('jpeg', 800, 400);
    await store.insert({ id, ownerId: 'u', contentType: 'image/jpeg', bytes, width: 800, height: 400 });
    const counter = jobCounter(1);
    const logger = recordingLogger();
    const worker = createImageWorker({
      queue: createJobQueue(t.db, { workerId: 'w' }),
      handle: (_job, original) => processImage(original, { displayWidth: 400, thumbnailWidth: 100 }),
      logger,
      onJobEnd: counter.onJobEnd,
      pollIntervalMs: 60_000, // only wake() or start() find work here
    });
    workers.push(worker);
    worker.start();
    expect(await counter.done).toEqual(['completed']);
    expect((await store.get(id))?.status).toBe('ready');
    const thumb = await store.getVariant(id, 'thumbnail');
    expect(thumb?.variant).toMatchObject({ width: 100, height: 50 });
    expect(logger.lines.map((l) => l.msg)).toEqual(['image job started', 'image job completed']);
  });

  it('is woken by wake() without waiting for the poll interval', async () => {
    const store = createImageStore(t.db);
    const counter = jobCounter(1);
    const worker = createImageWorker({
      queue: createJobQueue(t.db, { workerId: 'w' }),
      handle: () => Promise.resolve([]),
      logger: recordingLogger(),
      onJobEnd: counter.onJobEnd,
      pollIntervalMs: 3_600_000,
    });
    workers.push(worker);
    worker.start(); // finds nothing, then would sleep for an hour
    const id = randomUUID();
    await store.insert({ id, ownerId: 'u', contentType: 'image/png', bytes: Buffer.from('x'), width: 1, height: 1 });
    worker.wake();
    expect(await counter.done).toEqual(['completed']);
  });

  it('two workers over separate connections process each of N jobs exactly once', async () => {
    const store = createImageStore(t.db);
    const n = 24;
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const id = randomUUID();
      ids.push(id);
      await store.insert({ id, ownerId: 'u', contentType: 'image/png', bytes: Buffer.from([i]), width: 1, height: 1 });
    }
    const processed = new Map<string, string[]>();
    const counter = jobCounter(n);
    const handle = (name: string) => async (job: ClaimedJob): Promise<VariantOutput[]> => {
      processed.set(job.imageId, [...(processed.get(job.imageId) ?? []), name]);
      await new Promise((r) => setImmediate(r)); // yield so the two workers interleave
      return [];
    };
    for (const [name, db] of [['a', t.db], ['b', t.connect()]] as const) {
      const worker = createImageWorker({
        queue: createJobQueue(db, { workerId: name }),
        handle: handle(name),
        logger: recordingLogger(),
        concurrency: 3,
        onJobEnd: counter.onJobEnd,
      });
      workers.push(worker);
      worker.start();
    }
    expect(await counter.done).toEqual(Array(n).fill('completed'));
    expect([...processed.keys()].sort()).toEqual([...ids].sort());
    for (const [id, by] of processed) expect(by, `image ${id}`).toHaveLength(1);
    const { rows } = await t.db.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM jobs GROUP BY status',
    );
    expect(rows).toEqual([{ status: 'done', n }]);
  });

  it('drain() stops taking jobs and waits for the running one to finish', async () => {
    const store = createImageStore(t.db);
    for (let i = 0; i < 2; i++) {
      await store.insert({ id: randomUUID(), ownerId: 'u', contentType: 'image/png', bytes: Buffer.from('x'), width: 1, height: 1 });
    }
    const started = deferred();
    const release = deferred();
    const worker = createImageWorker({
      queue: createJobQueue(t.db, { workerId: 'w' }),
      handle: async () => {
        started.resolve();
        await release.promise;
        return [];
      },
      logger: recordingLogger(),
    });
    worker.start();
    await started.promise;
    let drained = false;
    const drain = worker.drain().then((r) => {
      drained = true;
      return r;
    });
    await new Promise((r) => setImmediate(r));
    expect(drained).toBe(false);
    release.resolve();
    expect(await drain).toEqual({ finished: 1, released: 0 });
    const { rows } = await t.db.query<{ status: string }>('SELECT status FROM jobs ORDER BY id');
    expect(rows.map((r) => r.status)).toEqual(['done', 'queued']);
  });

  it('a drain cut short releases the running job for another worker', async () => {
    const store = createImageStore(t.db);
    await store.insert({ id: randomUUID(), ownerId: 'u', contentType: 'image/png', bytes: Buffer.from('x'), width: 1, height: 1 });
    const started = deferred();
    const never = deferred<VariantOutput[]>();
    const worker = createImageWorker({
      queue: createJobQueue(t.db, { workerId: 'w' }),
      handle: () => {
        started.resolve();
        return never.promise;
      },
      logger: recordingLogger(),
    });
    worker.start();
    await started.promise;
    const abort = new AbortController();
    const drain = worker.drain(abort.signal);
    abort.abort();
    expect(await drain).toEqual({ finished: 0, released: 1 });
    const next = await createJobQueue(t.db, { workerId: 'other' }).claim();
    expect(next?.attempt).toBe(1);
  });

  it('extends the lease of a running job on a heartbeat', async () => {
    const store = createImageStore(t.db);
    await store.insert({ id: randomUUID(), ownerId: 'u', contentType: 'image/png', bytes: Buffer.from('x'), width: 1, height: 1 });
    const queue = createJobQueue(t.db, { workerId: 'w', leaseMs: 60_000 });
    const beats: boolean[] = [];
    const twoBeats = deferred();
    const lease = async (): Promise<number> =>
      (await t.db.query<{ locked_until: Date }>('SELECT locked_until FROM jobs')).rows[0]!.locked_until.getTime();
    let before = 0;
    let after = 0;
    const counter = jobCounter(1);
    const worker = createImageWorker({
      queue: {
        ...queue,
        async heartbeat(job) {
          const held = await queue.heartbeat(job);
          beats.push(held);
          if (beats.length === 2) {
            after = await lease(); // the job is still running: its handler waits for this
            twoBeats.resolve();
          }
          return held;
        },
      },
      handle: async () => {
        before = await lease();
        await twoBeats.promise;
        return [];
      },
      logger: recordingLogger(),
      heartbeatMs: 5,
      onJobEnd: counter.onJobEnd,
    });
    workers.push(worker);
    worker.start();
    expect(await counter.done).toEqual(['completed']);
    expect(after).toBeGreaterThan(before);
    expect(beats.slice(0, 2)).toEqual([true, true]);
  });

  it('fails, rather than retries, a job whose worker died during its last attempt', async () => {
    const store = createImageStore(t.db, { maxAttempts: 1 });
    const id = randomUUID();
    await store.insert({ id, ownerId: 'u', contentType: 'image/png', bytes: Buffer.from('x'), width: 1, height: 1 });
    let now = Date.now() + 1000;
    const clock = (): Date => new Date(now);
    expect(await createJobQueue(t.db, { workerId: 'dead', leaseMs: 30_000, clock }).claim()).toMatchObject({ attempt: 1 });
    now += 31_000; // the dead worker's lease is over
    const counter = jobCounter(1);
    let handled = 0;
    const worker = createImageWorker({
      queue: createJobQueue(t.db, { workerId: 'alive', leaseMs: 30_000, clock }),
      handle: () => {
        handled++;
        return Promise.resolve([]);
      },
      logger: recordingLogger(),
      onJobEnd: counter.onJobEnd,
    });
    workers.push(worker);
    worker.start();
    expect(await counter.done).toEqual(['failed']);
    expect(handled).toBe(0);
    expect((await store.get(id))?.status).toBe('failed');
  });

  it('retries a failing job and marks the image failed after the last attempt', async () => {
    const store = createImageStore(t.db, { maxAttempts: 2 });
    const id = randomUUID();
    await store.insert({ id, ownerId: 'u', contentType: 'image/png', bytes: Buffer.from('x'), width: 1, height: 1 });
    const counter = jobCounter(2);
    const logger = recordingLogger();
    const worker = createImageWorker({
      queue: createJobQueue(t.db, { workerId: 'w', retryBaseMs: 0 }),
      handle: () => Promise.reject(new Error('corrupt input')),
      logger,
      onJobEnd: counter.onJobEnd,
    });
    workers.push(worker);
    worker.start();
    expect(await counter.done).toEqual(['retry', 'failed']);
    expect(await store.get(id)).toMatchObject({ status: 'failed', error: 'corrupt input' });
  });
});
