import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@podkit/core';
import { createRouter, defaultDiscardLimit, problem, ProblemError, readRawBody, refuseBody, reply } from '@podkit/http';
import type { Router } from '@podkit/http';
import { z } from 'zod';
import type { Authenticate } from '../shared/http/authenticate.ts';
import { readImageInfo } from './processor.ts';
import type { ImageInfo } from './processor.ts';
import { IMAGES_PATH, toImageResource } from './resource.ts';
import { ACCEPTED_TYPES, parseImageContentType, sniffImageType } from './sniff.ts';
import type { ImageStore, VariantName } from './store.ts';

/** What the images routes need. */
export interface ImagesRoutesDeps {
  readonly store: ImageStore;
  readonly authenticate: Authenticate;
  readonly logger: Logger;
  /** Largest accepted upload, in bytes (413 beyond). */
  readonly maxBytes: number;
  /** Largest accepted image, in pixels (413 beyond). */
  readonly maxPixels: number;
  /** Called after an upload is stored, to wake the local worker. */
  readonly onUpload?: () => void;
  /** Seconds a client is told to wait (`Retry-After`) while an image is processing. @default 1 */
  readonly retryAfterSeconds?: number;
}

/** `Cache-Control` of a processed rendition: its URL never changes content. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const idParams = z.object({ id: z.string().max(64) });

function unsupported(detail: string): ProblemError {
  return new ProblemError(problem(415, detail), { 'accept-post': ACCEPTED_TYPES.join(', ') });
}

function notFound(id: string): ProblemError {
  return new ProblemError(problem(404, `image ${id} does not exist`));
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.trim() === '*' || header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

/**
 * The images API (paths as the gateway exposes them: `/api/images/...`):
 * upload (`POST`, raw bytes, 202), the Image resource, and its WebP renditions.
 */
export function imagesRoutes(deps: ImagesRoutesDeps): Router {
  const { store, authenticate, logger } = deps;
  const retryAfter = String(deps.retryAfterSeconds ?? 1);
  const cap = defaultDiscardLimit(deps.maxBytes);

  async function inspect(bytes: Buffer, declared: string): Promise<ImageInfo> {
    const actual = sniffImageType(bytes);
    if (actual === undefined) throw unsupported('the uploaded bytes are not a JPEG, PNG or WebP image');
    if (actual !== declared) {
      throw unsupported(`the uploaded bytes are ${actual} but the Content-Type says ${declared}`);
    }
    try {
      return await readImageInfo(bytes, deps.maxPixels);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (message.includes('exceeds')) throw new ProblemError(problem(413, `the ${message}`));
      throw unsupported(`the ${actual} image could not be read: it is truncated or corrupt`);
    }
  }

  async function serveVariant(id: string, name: VariantName, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!UUID.test(id)) throw notFound(id);
    const found = await store.getVariant(id, name);
    if (found === undefined) throw notFound(id);
    const { image, variant } = found;
    if (image.status === 'failed') throw new ProblemError(problem(404, `image ${id} could not be processed`));
    if (variant === undefined) {
      throw new ProblemError(problem(202, `image ${id} is still processing; retry shortly`), { 'retry-after': retryAfter });
    }
    const headers = { etag: variant.etag, 'cache-control': IMMUTABLE };
    if (etagMatches(req.headers['if-none-match'], variant.etag)) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    res.writeHead(200, { ...headers, 'content-type': 'image/webp', 'content-length': variant.data.length });
    res.end(variant.data);
  }

  return createRouter()
    .post(IMAGES_PATH, {}, async ({ req, res }) => {
      // Refusals before the body is read still consume it (bounded), see refuseBody.
      const owner = await authenticate(req).catch((err: unknown) =>
        refuseBody(req, res, err instanceof Error ? err : new Error(String(err)), cap),
      );
      const declared = parseImageContentType(req.headers['content-type']);
      if (declared === undefined) {
        const error = unsupported(`expected Content-Type ${ACCEPTED_TYPES.join(', ')}; got ${req.headers['content-type'] ?? 'none'}`);
        return refuseBody(req, res, error, cap);
      }
      const bytes = await readRawBody(req, res, {
        limit: deps.maxBytes,
        discardLimit: cap,
        tooLargeDetail: `the image exceeds the upload limit of ${deps.maxBytes} bytes`,
      });
      if (bytes.length === 0) throw new ProblemError(problem(400, 'the upload is empty'));
      const info = await inspect(bytes, declared);
      const image = await store.insert({ id: randomUUID(), ownerId: owner.userId, contentType: declared, bytes, ...info });
      logger.info({ imageId: image.id, bytes: bytes.length, contentType: declared }, 'image uploaded');
      deps.onUpload?.();
      const resource = toImageResource(image);
      return reply(202, resource, { location: `${IMAGES_PATH}/${image.id}` });
    })
    .get(`${IMAGES_PATH}/:id`, { params: idParams }, async ({ params }) => {
      if (!UUID.test(params.id)) throw notFound(params.id);
      const image = await store.get(params.id);
      if (image === undefined) throw notFound(params.id);
      return toImageResource(image);
    })
    .get(`${IMAGES_PATH}/:id/display`, { params: idParams }, ({ params, req, res }) => serveVariant(params.id, 'display', req, res))
    .get(`${IMAGES_PATH}/:id/thumbnail`, { params: idParams }, ({ params, req, res }) => serveVariant(params.id, 'thumbnail', req, res));
}
