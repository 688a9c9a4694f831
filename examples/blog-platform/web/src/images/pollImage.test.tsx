import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, isAbortError } from '../api/errors.ts';
import type { Image } from '../api/types.ts';
import { ImageStillProcessingError, pollImage } from './pollImage.ts';

const image = (status: Image['status']): Image => ({
  id: 'img1',
  ownerId: 'u1',
  status,
  displayUrl: '/api/images/img1/display',
  thumbnailUrl: '/api/images/img1/thumbnail',
  createdAt: '2026-11-24T17:00:00.000Z',
});

/** A scripted `getImage`: each call takes the next answer. */
function script(...answers: (Image | Error)[]) {
  const calls: number[] = [];
  const getImage = vi.fn((): Promise<Image> => {
    calls.push(Date.now());
    const next = answers.length > 1 ? answers.shift()! : answers[0]!;
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  });
  return { getImage, calls };
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('pollImage', () => {
  it('asks again with growing delays until the image is ready', async () => {
    const { getImage, calls } = script(image('processing'), image('processing'), image('processing'), image('ready'));
    const updates: string[] = [];
    const done = pollImage('img1', { getImage, onUpdate: (img) => updates.push(img.status) });
    await vi.runAllTimersAsync();
    await expect(done).resolves.toMatchObject({ status: 'ready' });
    expect(calls).toEqual([0, 500, 1250, 2375]);
    expect(updates).toEqual(['processing', 'processing', 'processing', 'ready']);
  });

  it('caps the delay at maxDelayMs', async () => {
    const { getImage, calls } = script(...Array<Image>(6).fill(image('processing')), image('ready'));
    const done = pollImage('img1', { getImage, initialDelayMs: 1000, factor: 3, maxDelayMs: 4000 });
    await vi.runAllTimersAsync();
    await done;
    expect(calls.slice(1).map((t, i) => t - calls[i]!)).toEqual([1000, 3000, 4000, 4000, 4000, 4000]);
  });

  it('resolves with a failed image (processing failed is an answer, not an error)', async () => {
    const { getImage } = script(image('processing'), image('failed'));
    const done = pollImage('img1', { getImage });
    await vi.runAllTimersAsync();
    await expect(done).resolves.toMatchObject({ status: 'failed' });
  });

  it('rides out transient failures (503, network) and then succeeds', async () => {
    const busy = new ApiError('problem', '503', { problem: { status: 503 } });
    const { getImage } = script(busy, new ApiError('network', 'down'), image('ready'));
    const done = pollImage('img1', { getImage });
    await vi.runAllTimersAsync();
    await expect(done).resolves.toMatchObject({ status: 'ready' });
    expect(getImage).toHaveBeenCalledTimes(3);
  });

  it('gives up after too many transient failures in a row', async () => {
    const busy = new ApiError('problem', '503', { problem: { status: 503 } });
    const { getImage } = script(busy);
    const done = pollImage('img1', { getImage, maxTransientErrors: 2 }).catch((e: unknown) => e);
    await vi.runAllTimersAsync();
    expect(await done).toBe(busy);
    expect(getImage).toHaveBeenCalledTimes(3);
  });

  it('stops at once on a 404', async () => {
    const missing = new ApiError('problem', '404', { problem: { status: 404 } });
    const { getImage } = script(missing);
    await expect(pollImage('img1', { getImage })).rejects.toBe(missing);
    expect(getImage).toHaveBeenCalledTimes(1);
  });

  it('gives up when the image is still processing after giveUpAfterMs', async () => {
    const { getImage } = script(image('processing'));
    const done = pollImage('img1', { getImage, giveUpAfterMs: 10_000 }).catch((e: unknown) => e);
    await vi.runAllTimersAsync();
    expect(await done).toBeInstanceOf(ImageStillProcessingError);
  });

  it('stops waiting as soon as it is aborted', async () => {
    const { getImage } = script(image('processing'));
    const controller = new AbortController();
    const done = pollImage('img1', { getImage, signal: controller.signal }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(100);
    controller.abort();
    expect(isAbortError(await done)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    expect(getImage).toHaveBeenCalledTimes(1);
  });
});
