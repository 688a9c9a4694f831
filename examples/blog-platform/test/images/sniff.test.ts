import { describe, expect, it } from 'vitest';
import { parseImageContentType, sniffImageType } from '../../src/images/sniff.ts';
import { makeImage } from './helpers.ts';

describe('sniffImageType', () => {
  it('recognises JPEG, PNG and WebP from their bytes', async () => {
    expect(sniffImageType(await makeImage('jpeg', 8, 8))).toBe('image/jpeg');
    expect(sniffImageType(await makeImage('png', 8, 8))).toBe('image/png');
    expect(sniffImageType(await makeImage('webp', 8, 8))).toBe('image/webp');
  });

  it('rejects text, truncated signatures and other RIFF files', () => {
    expect(sniffImageType(Buffer.from('hello, I am not a picture'))).toBeUndefined();
    expect(sniffImageType(Buffer.from([0x89, 0x50, 0x4e, 0x47]))).toBeUndefined();
    expect(sniffImageType(Buffer.from('RIFF\x00\x00\x00\x00WAVEfmt ', 'latin1'))).toBeUndefined();
    expect(sniffImageType(new Uint8Array(0))).toBeUndefined();
    expect(sniffImageType(Buffer.from('GIF89a'))).toBeUndefined();
  });
});

describe('parseImageContentType', () => {
  it('accepts the three types with parameters and any case', () => {
    expect(parseImageContentType('image/PNG; charset=binary')).toBe('image/png');
    expect(parseImageContentType('image/jpg')).toBe('image/jpeg');
    expect(parseImageContentType('image/webp')).toBe('image/webp');
  });
  it('refuses anything else', () => {
    expect(parseImageContentType(undefined)).toBeUndefined();
    expect(parseImageContentType('image/gif')).toBeUndefined();
    expect(parseImageContentType('application/octet-stream')).toBeUndefined();
  });
});
