import { isAbortError, isApiError } from '../api/errors.ts';
import type { Image } from '../api/types.ts';

/** Options of {@link pollImage}. */
export interface PollImageOptions {
  getImage(id: string, signal?: AbortSignal): Promise<Image>;
  /** Called with every answer, processing or not. */
  onUpdate?(image: Image): void;
  /** Stops polling; the promise then rejects with an AbortError. */
  signal?: AbortSignal;
  /** Wait before the second request. @default 500 */
  initialDelayMs?: number;
  /** Longest wait between requests. @default 5000 */
  maxDelayMs?: number;
  /** Growth of the wait after each request. @default 1.5 */
  factor?: number;
  /** Consecutive transient failures (network, timeout, 5xx, 429) tolerated. @default 5 */
  maxTransientErrors?: number;
  /** Give up when the image is still processing after this long. @default 120000 */
  giveUpAfterMs?: number;
  /** @default Date.now */
  now?: () => number;
}

/** The image was still processing when {@link pollImage} gave up. */
export class ImageStillProcessingError extends Error {
  readonly code = 'IMAGE_STILL_PROCESSING';
  constructor(id: string) {
    super(`image ${id} is still processing`);
    this.name = 'ImageStillProcessingError';
  }
}

/**
 * Asks for an image until its status is no longer `processing`, waiting longer between
 * requests each time (500 ms, 750 ms, … up to 5 s). Resolves with the `ready` or `failed`
 * image. Transient failures are retried; other failures (e.g. 404) reject at once.
 */
export async function pollImage(id: string, options: PollImageOptions): Promise<Image> {
  const now = options.now ?? Date.now;
  const maxDelay = options.maxDelayMs ?? 5000;
  const factor = options.factor ?? 1.5;
  const maxErrors = options.maxTransientErrors ?? 5;
  const giveUpAt = now() + (options.giveUpAfterMs ?? 120_000);
  let delay = options.initialDelayMs ?? 500;
  let errors = 0;

  for (;;) {
    try {
      const image = await options.getImage(id, options.signal);
      errors = 0;
      options.onUpdate?.(image);
      if (image.status !== 'processing') return image;
      if (now() >= giveUpAt) throw new ImageStillProcessingError(id);
    } catch (error) {
      if (isAbortError(error) || options.signal?.aborted) throw abortError(options.signal);
      if (!isTransient(error) || ++errors > maxErrors) throw error;
    }
    await wait(delay, options.signal);
    delay = Math.min(maxDelay, delay * factor);
  }
}

function isTransient(error: unknown): boolean {
  if (!isApiError(error)) return false;
  if (error.kind !== 'problem') return true;
  const status = error.status ?? 0;
  return status >= 500 || status === 429;
}

function abortError(signal: AbortSignal | undefined): unknown {
  const reason: unknown = signal?.reason;
  return reason ?? new DOMException('Polling was cancelled', 'AbortError');
}

/** Waits `ms`, or less when `signal` aborts; then throws the abort reason, as `fetch` does. */
async function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (!signal?.aborted) {
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
  if (signal?.aborted) throw abortError(signal);
}
