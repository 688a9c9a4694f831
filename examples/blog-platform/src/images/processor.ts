import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { Sharp } from 'sharp';
import type { VariantOutput } from './queue.ts';
import type { VariantName } from './store.ts';

/** Options of {@link processImage}. */
export interface ProcessOptions {
  /** Width of the display rendition, in pixels (never enlarged). @default 1280 */
  readonly displayWidth?: number;
  /** Width of the thumbnail, in pixels (never enlarged). @default 320 */
  readonly thumbnailWidth?: number;
  /** WebP quality, 1..100. @default 80 */
  readonly quality?: number;
  /** Largest input accepted, in pixels (width × height): guards against decompression bombs. @default 50000000 */
  readonly maxPixels?: number;
}

/** What the upload check learned from the image header. */
export interface ImageInfo {
  readonly width: number;
  readonly height: number;
}

/** A strong ETag for the bytes: quoted base64url of a SHA-256 prefix. */
export function etagOf(data: Uint8Array): string {
  return `"${createHash('sha256').update(data).digest('base64url').slice(0, 27)}"`;
}

/**
 * Reads the image header (dimensions only, no decoding of pixels). Rejects input sharp cannot
 * parse and images larger than `maxPixels`.
 *
 * @throws Error when the bytes are not a decodable image or exceed `maxPixels`.
 */
export async function readImageInfo(bytes: Uint8Array, maxPixels = 50_000_000): Promise<ImageInfo> {
  const meta = await sharp(bytes, { limitInputPixels: maxPixels }).metadata();
  const { width, height } = meta;
  if (!width || !height) throw new Error('image has no dimensions');
  // EXIF orientations 5..8 swap width and height once the image is rotated upright.
  const swap = (meta.orientation ?? 1) >= 5;
  if (width * height > maxPixels) throw new Error(`image of ${width}x${height} exceeds ${maxPixels} pixels`);
  return swap ? { width: height, height: width } : { width, height };
}

async function encode(pipeline: Sharp, name: VariantName, quality: number): Promise<VariantOutput> {
  const { data, info } = await pipeline.webp({ quality }).toBuffer({ resolveWithObject: true });
  return { name, data, etag: etagOf(data), width: info.width, height: info.height };
}

/**
 * Produces the display rendition and the thumbnail of an image: upright, resized to the
 * configured widths (never enlarged), metadata stripped, encoded as WebP.
 *
 * @example
 * const [display, thumbnail] = await processImage(original, { displayWidth: 1280, thumbnailWidth: 320 });
 */
export async function processImage(input: Buffer, options: ProcessOptions = {}): Promise<VariantOutput[]> {
  const quality = options.quality ?? 80;
  // The original is decoded once (the costly part, and the memory peak): upright (rotate()
  // applies the EXIF orientation before the metadata is dropped), scaled to the display width,
  // as raw pixels. Both renditions are encoded from those pixels. sharp writes no metadata
  // (EXIF, ICC, XMP) unless asked with keepMetadata()/withMetadata().
  const { data: pixels, info } = await sharp(input, { limitInputPixels: options.maxPixels ?? 50_000_000 })
    .rotate()
    .resize({ width: options.displayWidth ?? 1280, withoutEnlargement: true })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
  return Promise.all([
    encode(sharp(pixels, raw), 'display', quality),
    encode(sharp(pixels, raw).resize({ width: options.thumbnailWidth ?? 320, withoutEnlargement: true }), 'thumbnail', quality),
  ]);
}
