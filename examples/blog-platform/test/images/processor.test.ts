import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { processImage, readImageInfo } from '../../src/images/processor.ts';
import { makeImage } from './helpers.ts';

describe('processImage', () => {
  for (const format of ['jpeg', 'png', 'webp'] as const) {
    it(`turns a ${format} into WebP renditions of the configured widths without metadata`, async () => {
      const original = await makeImage(format, 900, 600);
      expect((await sharp(original).metadata()).exif).toBeDefined(); // the input does carry EXIF
      const [display, thumbnail] = await processImage(original, { displayWidth: 600, thumbnailWidth: 150 });
      expect(display?.name).toBe('display');
      expect(thumbnail?.name).toBe('thumbnail');
      const meta = await sharp(thumbnail!.data).metadata();
      expect(meta.format).toBe('webp');
      expect(meta.width).toBe(150);
      expect(meta.height).toBe(100);
      expect(meta.exif).toBeUndefined();
      expect(meta.icc).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(thumbnail!.width).toBe(150);
      expect((await sharp(display!.data).metadata()).width).toBe(600);
      expect(display!.etag).toMatch(/^"[\w-]+"$/);
    });
  }

  it('never enlarges a small image', async () => {
    const [display, thumbnail] = await processImage(await makeImage('png', 100, 50), {
      displayWidth: 1280,
      thumbnailWidth: 320,
    });
    expect(display!.width).toBe(100);
    expect(thumbnail!.width).toBe(100);
  });

  it('applies the EXIF orientation before dropping it', async () => {
    const rotated = await sharp({ create: { width: 200, height: 100, channels: 3, background: '#336699' } })
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    expect(await readImageInfo(rotated)).toEqual({ width: 100, height: 200 });
    const [, thumbnail] = await processImage(rotated, { thumbnailWidth: 50 });
    const meta = await sharp(thumbnail!.data).metadata();
    expect([meta.width, meta.height]).toEqual([50, 100]);
    expect(meta.orientation).toBeUndefined();
  });
});

describe('readImageInfo', () => {
  it('rejects bytes that only look like an image and images over the pixel limit', async () => {
    const png = await makeImage('png', 300, 300);
    await expect(readImageInfo(png.subarray(0, 40))).rejects.toThrow();
    await expect(readImageInfo(png, 10_000)).rejects.toThrow();
    expect(await readImageInfo(png)).toEqual({ width: 300, height: 300 });
  });
});
