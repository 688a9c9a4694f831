import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ServicesProvider } from '../app/services.tsx';
import { createAuthState } from '../auth/authState.ts';
import { createMemorySessionStore } from '../auth/sessionStore.ts';
import { createFakeBlog, type FakeBlog } from '../test/fakeApi.ts';
import { ImageView } from './ImageView.tsx';

let blog: FakeBlog;

function show(id: string, variant: 'thumbnail' | 'display'): void {
  const auth = createAuthState({ store: createMemorySessionStore() });
  render(
    <ServicesProvider services={{ api: blog.api, auth }}>
      <ImageView id={id} variant={variant} alt="A lake at dusk" />
    </ServicesProvider>,
  );
}

const tick = (ms: number) =>
  act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
  });

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  blog = createFakeBlog();
  await blog.api.uploadImage(new Blob());
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('ImageView', () => {
  it('shows a placeholder while processing, then the display image with its size', async () => {
    show('img1', 'display');
    await tick(0);
    expect(screen.getByRole('status').textContent).toBe('Processing image…');
    Object.assign(blog.images.get('img1')!, { status: 'ready', width: 1200, height: 800 });
    await tick(500);
    const img = screen.getByRole('img', { name: 'A lake at dusk' });
    expect(img.getAttribute('src')).toBe('/api/images/img1/display');
    expect([img.getAttribute('width'), img.getAttribute('height')]).toEqual(['1200', '800']);
  });

  it('says so when processing failed', async () => {
    blog.images.get('img1')!.status = 'failed';
    show('img1', 'thumbnail');
    await tick(0);
    expect(screen.getByRole('img', { name: 'A lake at dusk: could not be processed' }).textContent).toBe(
      'This image could not be processed.',
    );
  });

  it('says so when the image does not exist', async () => {
    show('nope', 'thumbnail');
    await tick(0);
    expect(screen.getByRole('img', { name: 'A lake at dusk: unavailable' }).textContent).toBe('Not found');
  });

  it('stops polling when it is removed from the page', async () => {
    show('img1', 'thumbnail');
    await tick(0);
    const getImage = vi.spyOn(blog.api, 'getImage');
    cleanup();
    await tick(10_000);
    expect(getImage).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });
});
