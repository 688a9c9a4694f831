import type { ImageRecord, ImageStatus } from './store.ts';

/** The Image resource of the API, as the front end and other services see it. */
export interface ImageResource {
  readonly id: string;
  readonly ownerId: string;
  readonly status: ImageStatus;
  /** Where the display rendition is served (202 until it is ready). */
  readonly displayUrl: string;
  /** Where the thumbnail is served (202 until it is ready). */
  readonly thumbnailUrl: string;
  /** Width of the uploaded original, upright, in pixels. */
  readonly width?: number;
  /** Height of the uploaded original, upright, in pixels. */
  readonly height?: number;
  readonly createdAt: string;
}

/** Path prefix of the images API, the same on the gateway and on the images service. */
export const IMAGES_PATH = '/api/images';

/** Maps a stored image to its API resource. */
export function toImageResource(image: ImageRecord): ImageResource {
  return {
    id: image.id,
    ownerId: image.ownerId,
    status: image.status,
    displayUrl: `${IMAGES_PATH}/${image.id}/display`,
    thumbnailUrl: `${IMAGES_PATH}/${image.id}/thumbnail`,
    width: image.width,
    height: image.height,
    createdAt: image.createdAt.toISOString(),
  };
}
