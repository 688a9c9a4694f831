import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import { createMetrics } from '@podkit/core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImagesApp } from '../../src/images/app.ts';
import { processImage } from '../../src/images/processor.ts';
import { createJobQueue } from '../../src/images/queue.ts';
import { createImageWorker } from '../../src/images/worker.ts';
import { listen, quietLogger, type TestServer } from '../helpers/http.ts';
import { testIssuer, type TestIssuer } from '../helpers/tokens.ts';
import { backends, logSink, makeImage, openTestDb, recordingLogger, testSettings } from './helpers.ts';
import type { TestDb } from './helpers.ts';

const MAX_BYTES = 256 * 1024;

/**
 * A raw keep-alive HTTP/1.1 connection: each exchange writes one whole request and reads one
 * response, so a test sees exactly what the next request on the same socket gets.
 */
async function rawConnection(url: string): Promise<{
  exchange(head: string, body?: Buffer): Promise<{ status: number; headers: Record<string, string> }>;
  close(): void;
}> {
  const { port } = new URL(url);
  const socket = net.connect(Number(port), '127.0.0.1');
  await once(socket, 'connect');
  let buffered = Buffer.alloc(0);
  let waiting: (() => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    waiting?.();
  });
  socket.on('close', () => waiting?.());
  async function readResponse(): Promise<{ status: number; headers: Record<string, string> }> {
    for (;;) {
      const end = buffered.indexOf('\r\n\r\n');
      if (end !== -1) {
        const lines = buffered.subarray(0, end).toString('latin1').split('\r\n');
        const headers: Record<string, string> = {};
        for (const line of lines.slice(1)) headers[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
        const length = Number(headers['content-length'] ?? 0);
        if (buffered.length >= end + 4 + length) {
          buffered = buffered.subarray(end + 4 + length);
          return { status: Number(lines[0]!.split(' ')[1]), headers };
        }
      }
      if (socket.destroyed) throw new Error('connection closed before a whole response arrived');
      await new Promise<void>((resolve) => (waiting = resolve));
    }
  }
  return {
    async exchange(head, body) {
      socket.write(`${head}\r\nhost: test${body ? `\r\ncontent-length: ${body.length}` : ''}\r\n\r\n`);
      if (body) socket.write(body);
      return readResponse();
    },
    close: () => socket.destroy(),
  };
}

function upload(url: string, bytes: Uint8Array, contentType: string, token?: string): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  return fetch(`${url}/api/images`, { method: 'POST', headers, body: bytes });
}

describe.each(backends)('images API on %s', (backend) => {
  let t: TestDb;
  let issuer: TestIssuer;
  let token: string;
  let userId: string;
  let server: TestServer;
  let url: string;

  beforeAll(async () => {
    t = await openTestDb(backend);
    issuer = await testIssuer();
    ({ token, userId } = await issuer.token());
    // API only: this file's worker is started by hand, so "still processing" is observable.
    const app = await createImagesApp({
      db: t.db,
      verifier: issuer.verifier,
      logger: quietLogger(),
      settings: testSettings({ maxBytes: MAX_BYTES, maxPixels: 2_000_000, worker: false }),
    });
    server = await listen(app.router.listener);
    url = server.url;
  }, 60_000);
  afterAll(async () => {
    await server.close();
    await t.close();
  });

  it('requires a valid bearer token to upload', async () => {
    const png = await makeImage('png', 32, 32);
    const none = await upload(url, png, 'image/png');
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toBe('application/problem+json');
    expect((await upload(url, png, 'image/png', 'not.a.token')).status).toBe(401);
    const { rows } = await t.db.query('SELECT 1 FROM images');
    expect(rows).toHaveLength(0);
  });

  for (const format of ['jpeg', 'png', 'webp'] as const) {
    it(`accepts a ${format} upload with 202 and the Image resource`, async () => {
      const bytes = await makeImage(format, 300, 200);
      const res = await upload(url, bytes, `image/${format}`, token);
      expect(res.status).toBe(202);
      const image = (await res.json()) as Record<string, unknown>;
      expect(image).toMatchObject({ ownerId: userId, status: 'processing', width: 300, height: 200 });
      expect(image.displayUrl).toBe(`/api/images/${String(image.id)}/display`);
      expect(image.thumbnailUrl).toBe(`/api/images/${String(image.id)}/thumbnail`);
      expect(res.headers.get('location')).toBe(`/api/images/${String(image.id)}`);
      const got = await fetch(`${url}/api/images/${String(image.id)}`);
      expect(got.status).toBe(200);
      expect(await got.json()).toEqual(image);
    });
  }

  it('decides the type from the bytes: 415 for text labelled PNG, a PNG labelled JPEG, a corrupt PNG', async () => {
    const png = await makeImage('png', 64, 64);
    const cases: [Uint8Array, string][] = [
      [Buffer.from('just some text, honestly not a picture'), 'image/png'],
      [png, 'image/jpeg'],
      [png, 'text/plain'],
      [png, 'image/gif'],
      [Buffer.concat([png.subarray(0, 60), Buffer.alloc(200)]), 'image/png'],
    ];
    for (const [bytes, type] of cases) {
      const res = await upload(url, bytes, type, token);
      expect(res.status, `${type}`).toBe(415);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      const body = (await res.json()) as { status: number; detail: string };
      expect(body.status).toBe(415);
      expect(body.detail).not.toMatch(/at .*\.ts:\d+/); // no stack
    }
    const { rows } = await t.db.query('SELECT 1 FROM images WHERE owner_id = $1 AND byte_size = $2', [userId, png.length]);
    expect(rows).toHaveLength(0);
  });

  it('refuses an oversized upload with 413, declared or streamed', async () => {
    const big = Buffer.concat([await makeImage('png', 16, 16), Buffer.alloc(MAX_BYTES)]);
    const declared = await upload(url, big, 'image/png', token);
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { status: number }).status).toBe(413);
    const chunked = await fetch(`${url}/api/images`, {
      method: 'POST',
      headers: { 'content-type': 'image/png', authorization: `Bearer ${token}` },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 8; i++) controller.enqueue(big.subarray(i * (big.length / 8), (i + 1) * (big.length / 8)));
          controller.close();
        },
      }),
      duplex: 'half',
    });
    expect(chunked.status).toBe(413);
    await chunked.body?.cancel();
  });

  it('keeps a keep-alive connection in sync after refusing big uploads with 401, 413 and 415', async () => {
    // A proxy streaming an upload must get the refusal on a connection whose next request is
    // still understood: the refused body is consumed before the answer goes out.
    const conn = await rawConnection(url);
    try {
      const big = Buffer.concat([await makeImage('png', 16, 16), Buffer.alloc(3 * MAX_BYTES)]);
      const auth = `authorization: Bearer ${token}`;
      expect((await conn.exchange('POST /api/images HTTP/1.1\r\ncontent-type: image/png', big)).status).toBe(401);
      expect((await conn.exchange(`POST /api/images HTTP/1.1\r\n${auth}\r\ncontent-type: image/png`, big)).status).toBe(413);
      expect((await conn.exchange(`POST /api/images HTTP/1.1\r\n${auth}\r\ncontent-type: text/plain`, big)).status).toBe(415);
      const next = await conn.exchange(`GET /api/images/${randomUUID()} HTTP/1.1`);
      expect(next.status).toBe(404);
      expect(next.headers.connection).not.toBe('close');
    } finally {
      conn.close();
    }
  });

  it('answers with Connection: close instead of reading a refused body beyond the discard cap', async () => {
    const conn = await rawConnection(url);
    try {
      // The cap is max(4 x limit, 8 MiB): 8 MiB here. Declared bigger: answered at once.
      const res = await conn.exchange(
        `POST /api/images HTTP/1.1\r\nauthorization: Bearer ${token}\r\ncontent-type: image/png\r\ncontent-length: ${9 * 1024 * 1024}`,
      );
      expect(res.status).toBe(413);
      expect(res.headers.connection).toBe('close');
    } finally {
      conn.close();
    }
  });

  it('refuses an image over the pixel limit with 413', async () => {
    const huge = await sharp({ create: { width: 2000, height: 1500, channels: 3, background: '#fff' } }).png({ compressionLevel: 9 }).toBuffer();
    const res = await upload(url, huge, 'image/png', token);
    expect(res.status).toBe(413);
  });

  it('answers 404 for unknown or malformed ids', async () => {
    for (const path of [`/api/images/${randomUUID()}`, `/api/images/${randomUUID()}/thumbnail`, '/api/images/nope', '/api/images/nope/display']) {
      const res = await fetch(`${url}${path}`);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
  });

  it('serves 202 with Retry-After while processing, then immutable WebP renditions with an ETag', async () => {
    const bytes = await makeImage('jpeg', 800, 600);
    const { id } = (await (await upload(url, bytes, 'image/jpeg', token)).json()) as { id: string };
    const pending = await fetch(`${url}/api/images/${id}/thumbnail`);
    expect(pending.status).toBe(202);
    expect(pending.headers.get('retry-after')).toBe('1');
    expect(pending.headers.get('content-type')).toBe('application/problem+json');
    expect(pending.headers.get('cache-control')).toBe('no-store');

    // Process every queued job with a worker of our own, then look again.
    const settings = testSettings();
    let remaining = (await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM jobs WHERE status = 'queued'")).rows[0]!.n;
    const done = new Promise<void>((resolve) => {
      const worker = createImageWorker({
        queue: createJobQueue(t.db, { workerId: 'test' }),
        handle: (_job, original) => processImage(original, settings.images),
        logger: recordingLogger(),
        onJobEnd: () => {
          if (--remaining === 0) void worker.drain().then(() => resolve());
        },
      });
      worker.start();
    });
    await done;

    const res = await fetch(`${url}/api/images/${id}/thumbnail`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/webp');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const etag = res.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    const thumb = Buffer.from(await res.arrayBuffer());
    const meta = await sharp(thumb).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 120, height: 90 });
    expect(meta.exif).toBeUndefined();
    const display = await sharp(Buffer.from(await (await fetch(`${url}/api/images/${id}/display`)).arrayBuffer())).metadata();
    expect(display.width).toBe(400);

    const again = await fetch(`${url}/api/images/${id}/thumbnail`, { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(((await (await fetch(`${url}/api/images/${id}`)).json()) as { status: string }).status).toBe('ready');
  });
});

describe.each(backends)('images app with its worker on %s', (backend) => {
  it('marks an image that cannot be decoded failed after its last attempt; its renditions are 404', async () => {
    const t = await openTestDb(backend);
    const issuer = await testIssuer();
    const { token } = await issuer.token();
    const sink = logSink();
    const base = testSettings();
    const app = await createImagesApp({
      db: t.db,
      verifier: issuer.verifier,
      logger: sink.logger,
      settings: { ...base, worker: { ...base.worker, maxAttempts: 1 } },
    });
    const server = await listen(app.router.listener);
    try {
      // The header is intact (so the upload is accepted), the pixel data is cut in half.
      const png = await sharp({ create: { width: 300, height: 300, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 30 } } }).png().toBuffer();
      const res = await upload(server.url, png.subarray(0, png.length >> 1), 'image/png', token);
      expect(res.status).toBe(202);
      const { id } = (await res.json()) as { id: string };
      await sink.waitFor((l) => l.msg === 'image job failed: no attempts left' && l.imageId === id);
      expect(((await (await fetch(`${server.url}/api/images/${id}`)).json()) as { status: string }).status).toBe('failed');
      const thumb = await fetch(`${server.url}/api/images/${id}/thumbnail`);
      expect(thumb.status).toBe(404);
      expect(((await thumb.json()) as { detail: string }).detail).toContain('could not be processed');
    } finally {
      await app.worker?.drain();
      await server.close();
      await t.close();
    }
  }, 60_000);

  it('processes an upload in the background, woken by the upload itself', async () => {
    const t = await openTestDb(backend);
    const issuer = await testIssuer();
    const { token } = await issuer.token();
    const sink = logSink();
    const metrics = createMetrics({ service: { name: 'images', version: 'test' }, runtimeMetrics: false });
    const app = await createImagesApp({ db: t.db, verifier: issuer.verifier, logger: sink.logger, metrics, settings: testSettings() });
    const server = await listen(app.router.listener);
    try {
      const res = await upload(server.url, await makeImage('webp', 500, 250), 'image/webp', token);
      expect(res.status).toBe(202);
      const { id } = (await res.json()) as { id: string };
      // The poll interval is a minute: only the upload's wake-up gets this done in time.
      await sink.waitFor((l) => l.msg === 'image job completed' && l.imageId === id);
      const thumb = await fetch(`${server.url}/api/images/${id}/thumbnail`);
      expect(thumb.status).toBe(200);
      expect((await sharp(Buffer.from(await thumb.arrayBuffer())).metadata()).width).toBe(120);
      const exposition = (await metrics.expose()).body;
      expect(exposition).toMatch(/images_jobs_total\{[^}]*outcome="completed"[^}]*\} 1/);
      expect(exposition).toMatch(/images_job_duration_seconds_count\{[^}]*outcome="completed"[^}]*\} 1/);
    } finally {
      metrics.close();
      await app.worker?.drain();
      await server.close();
      await t.close();
    }
  }, 60_000);
});
