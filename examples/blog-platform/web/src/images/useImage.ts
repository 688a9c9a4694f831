import { useEffect, useState } from 'react';
import { isAbortError } from '../api/errors.ts';
import type { Image } from '../api/types.ts';
import { useApi } from '../app/services.tsx';
import { pollImage } from './pollImage.ts';

/** What is known about an image while it is fetched and processed. */
export type ImageState =
  | { phase: 'loading' }
  | { phase: 'processing'; image: Image }
  | { phase: 'ready'; image: Image }
  | { phase: 'failed'; image: Image }
  | { phase: 'error'; error: unknown };

/** Follows one image until it is processed (polling `GET /api/images/:id` with backoff). */
export function useImage(id: string): ImageState {
  const api = useApi();
  const [state, setState] = useState<ImageState & { id: string }>({ phase: 'loading', id });

  useEffect(() => {
    const controller = new AbortController();
    setState({ phase: 'loading', id });
    pollImage(id, {
      getImage: (imageId, signal) => api.getImage(imageId, signal),
      signal: controller.signal,
      onUpdate: (image) => {
        if (!controller.signal.aborted) setState({ phase: image.status, image, id });
      },
    }).catch((error: unknown) => {
      if (controller.signal.aborted || isAbortError(error)) return;
      setState({ phase: 'error', error, id });
    });
    return () => controller.abort();
  }, [api, id]);

  return state.id === id ? state : { phase: 'loading' };
}
