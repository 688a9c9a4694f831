import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROXY_RESPONSE_BUFFER_BYTES, DEFAULT_PROXY_RETRY_BUFFER_BYTES, createProxy } from '../../src/index.ts';
import { plainServer, serveProxy, testClient, useCleanup } from './helpers.ts';

useCleanup();

const doc = readFileSync(new URL('../../../../docs/http-server.md', import.meta.url), 'utf8');

// The example of docs/http-server.md's "Performance of the proxy", verbatim.
const EXAMPLE = `// thumbnails up to 256 KiB are collected and sent in one piece; larger images stream
const toImages = createProxy({ client: images, responseBufferBytes: 256 * 1024 });`;

describe('docs/http-server.md, proxy sections', () => {
  it('states the defaults the code has', () => {
    expect(DEFAULT_PROXY_RESPONSE_BUFFER_BYTES).toBe(64 * 1024);
    expect(DEFAULT_PROXY_RETRY_BUFFER_BYTES).toBe(64 * 1024);
    expect(doc).toContain('`responseBufferBytes` (default 64 KiB');
    expect(doc).toContain('`retryBufferBytes` (64 KiB)');
  });

  it('runs the example: a 200 KiB image with a declared length arrives intact, in one piece', async () => {
    expect(doc).toContain(EXAMPLE);
    const image = Buffer.alloc(200 * 1024);
    for (let i = 0; i < image.length; i++) image[i] = i % 253;
    const up = await plainServer((_req, res) => res.writeHead(200, { 'content-type': 'image/webp', 'content-length': image.length }).end(image));
    const images = testClient({ name: 'images', baseUrl: up.url });
    // the example's line, as written in the doc
    const toImages = createProxy({ client: images, responseBufferBytes: 256 * 1024 });
    const { port } = await serveProxy(toImages);
    const got = await new Promise<{ body: Buffer; length: string | undefined }>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/thumbs/1.webp', agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ body: Buffer.concat(chunks), length: res.headers['content-length'] }));
        res.on('error', reject);
      })
        .on('error', reject)
        .end();
    });
    expect(got.length).toBe(String(image.length));
    expect(got.body.equals(image)).toBe(true);
  });
});
