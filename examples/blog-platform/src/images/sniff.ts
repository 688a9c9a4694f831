/** The image types the images service accepts, by MIME type. */
export type ImageMimeType = 'image/jpeg' | 'image/png' | 'image/webp';

/** Every MIME type the upload endpoint accepts, in the order they are listed in errors. */
export const ACCEPTED_TYPES: readonly ImageMimeType[] = Object.freeze(['image/jpeg', 'image/png', 'image/webp']);

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((byte, i) => bytes[offset + i] === byte);
}

/**
 * Identifies an image from its first bytes (its "magic number"), never from a name or a header.
 *
 * - JPEG: `FF D8 FF`
 * - PNG: `89 50 4E 47 0D 0A 1A 0A`
 * - WebP: `RIFF` , a 4-byte size, then `WEBP`
 *
 * @returns the detected type, or `undefined` when the bytes are none of the three.
 * @example
 * sniffImageType(await readFile('cat.png')); // 'image/png'
 */
export function sniffImageType(bytes: Uint8Array): ImageMimeType | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, PNG_SIGNATURE)) return 'image/png';
  // 'RIFF' .... 'WEBP'
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)) {
    return 'image/webp';
  }
  return undefined;
}

/**
 * Normalises a `Content-Type` header to its bare media type (`image/PNG; q=1` → `image/png`) and
 * says whether it is one the service accepts.
 */
export function parseImageContentType(header: string | undefined): ImageMimeType | undefined {
  if (header === undefined) return undefined;
  const media = header.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  // `image/jpg` is a common mislabel of JPEG; accept it as such.
  const normalised = media === 'image/jpg' ? 'image/jpeg' : media;
  return (ACCEPTED_TYPES as readonly string[]).includes(normalised) ? (normalised as ImageMimeType) : undefined;
}
