import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from './App.tsx';
import { createBlogApi } from './api/blogApi.ts';
import { createApiClient } from './api/client.ts';
import { createAuthState, type AuthState } from './auth/authState.ts';
import { createMemorySessionStore } from './auth/sessionStore.ts';
import { createFakeBlog, type FakeBlog } from './test/fakeApi.ts';

let blog: FakeBlog;
let auth: AuthState;

function renderAt(path: string): void {
  window.history.replaceState(null, '', path);
  render(<App services={{ api: blog.api, auth }} />);
}

/** The URL a `fetch` call asks for, whichever form it was given in. */
function urlOf(input: RequestInfo | URL): string {
  if (typeof input === 'string') return input;
  return input instanceof URL ? input.href : input.url;
}

beforeEach(() => {
  window.scrollTo = () => undefined; // jsdom does not implement scrolling
  sessionStorage.clear();
  auth = createAuthState({ store: createMemorySessionStore() });
});
afterEach(() => {
  cleanup();
  auth.dispose();
  vi.useRealTimers();
});

describe('post list', () => {
  it('pages through posts with the cursor, forward and back, moving focus to the heading', async () => {
    blog = createFakeBlog(25);
    renderAt('/');
    expect(await screen.findByRole('link', { name: 'Post number 25' })).toBeTruthy();
    expect(screen.getAllByRole('article')).toHaveLength(10);
    expect(screen.queryByRole('link', { name: /Newer posts/ })).toBeNull();

    fireEvent.click(screen.getByRole('link', { name: /Older posts/ }));
    expect(await screen.findByRole('link', { name: 'Post number 15' })).toBeTruthy();
    expect(window.location.search).toBe('?cursor=10');
    const heading = screen.getByRole('heading', { level: 1, name: 'Posts, page 2' });
    expect(document.activeElement).toBe(heading);

    fireEvent.click(screen.getByRole('link', { name: /Older posts/ }));
    expect(await screen.findByRole('link', { name: 'Post number 5' })).toBeTruthy();
    expect(screen.getAllByRole('article')).toHaveLength(5);
    expect(screen.queryByRole('link', { name: /Older posts/ })).toBeNull();

    fireEvent.click(screen.getByRole('link', { name: /Newer posts/ }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Posts, page 2' })).toBeTruthy();
    fireEvent.click(screen.getByRole('link', { name: /Newer posts/ }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Latest posts' })).toBeTruthy();
    expect(window.location.search).toBe('');
  });

  it('shows each post\'s comment count from the projection, and just leaves it out when counts fail', async () => {
    blog = createFakeBlog(3);
    const at = new Date().toISOString();
    for (const id of ['c1', 'c2']) blog.comments.push({ id, postId: 'p3', body: 'x', authorId: 'u', authorName: 'U', createdAt: at });
    blog.comments.push({ id: 'c3', postId: 'p2', body: 'x', authorId: 'u', authorName: 'U', createdAt: at });
    renderAt('/');
    const article = async (title: string): Promise<HTMLElement> => (await screen.findByRole('link', { name: title })).closest('article')!;
    await waitFor(async () => expect((await article('Post number 3')).textContent).toContain('· 2 comments'));
    expect((await article('Post number 2')).textContent).toContain('· 1 comment');
    expect((await article('Post number 1')).textContent).toContain('· no comments');
    cleanup();

    blog.countsDown = true;
    renderAt('/');
    expect(await screen.findByRole('link', { name: 'Post number 3' })).toBeTruthy();
    expect(screen.getAllByRole('article')).toHaveLength(3);
    expect(screen.queryByText(/comments?\b/)).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says when the service is slow, then gives up with a clear message when it times out', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    blog = createFakeBlog(3);
    // A real client whose fetch never answers (it only gives up when aborted).
    const client = createApiClient({
      timeoutMs: 10_000,
      fetch: (_input, init) =>
        new Promise<Response>((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        }),
    });
    window.history.replaceState(null, '', '/');
    render(<App services={{ api: createBlogApi(client), auth }} />);
    expect(screen.getByText('Loading posts…')).toBeTruthy();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(3000);
    });
    expect(screen.getByText(/This is taking longer than usual/)).toBeTruthy();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(7000);
    });
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('The server is slow to answer');
    expect(within(alert).getByRole('button', { name: 'Try again' })).toBeTruthy();
  });

  it('says plainly when the posts service is down, and recovers on "Try again"', async () => {
    blog = createFakeBlog(3);
    blog.postsDown = 503;
    renderAt('/');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Service unavailable');
    expect(alert.textContent).toContain("We can't reach posts right now: the service is unavailable.");
    expect(screen.getByRole('link', { name: 'podkit blog' })).toBeTruthy(); // the page still works

    blog.postsDown = null;
    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('link', { name: 'Post number 3' })).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('accounts', () => {
  it('registers, then logs in with the username filled in, then logs out', async () => {
    blog = createFakeBlog(1);
    renderAt('/register');
    fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'ada' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'short' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByText('Use at least 8 characters.')).toBeTruthy();
    expect(screen.getByLabelText('Password').getAttribute('aria-invalid')).toBe('true');

    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'correct horse' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Log in' })).toBeTruthy();
    expect(screen.getByText(/Your account “ada” is ready/)).toBeTruthy();
    expect(screen.getByLabelText<HTMLInputElement>('Username').value).toBe('ada');

    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'wrong password' } });
    fireEvent.click(screen.getByRole('button', { name: 'Log in' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Wrong username or password.');

    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'correct horse' } });
    fireEvent.click(screen.getByRole('button', { name: 'Log in' }));
    expect(await screen.findByText(/Signed in as/)).toBeTruthy();
    expect(auth.token()).toBe('token-ada');

    fireEvent.click(screen.getByRole('button', { name: 'Log out' }));
    expect(await screen.findByText('You are logged out.')).toBeTruthy();
    expect(auth.token()).toBeNull();
    expect(blog.logouts).toBe(1); // the server revoked the token, not just the browser forgetting it
    expect(screen.getByRole('link', { name: 'Log in' })).toBeTruthy();
  });

  it('signs out a restored session the server no longer accepts, and says so', async () => {
    blog = createFakeBlog();
    const store = createMemorySessionStore();
    store.save(
      { token: 'revoked', expiresAt: new Date(Date.now() + 3_600_000).toISOString(), user: { id: 'u1', username: 'ada', displayName: 'Ada', createdAt: '' } },
      false,
    );
    auth.dispose();
    auth = createAuthState({ store });
    const json = (status: number, body: unknown): Response =>
      new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/problem+json' } });
    const client = createApiClient({
      getToken: () => auth.token(),
      onUnauthorized: () => auth.signOut('expired'),
      fetch: (input) =>
        Promise.resolve(
          urlOf(input).endsWith('/api/auth/me')
            ? json(401, { status: 401, title: 'Unauthorized' })
            : json(200, { items: [], nextCursor: null }),
        ),
    });
    window.history.replaceState(null, '', '/');
    render(<App services={{ api: createBlogApi(client), auth }} />);
    expect(await screen.findByText('Your session has ended. Log in again to continue.')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Log in' })).toBeTruthy();
    expect(store.load()).toBeNull();
  });

  it('shows a duplicate registration as a plain message', async () => {
    blog = createFakeBlog();
    await blog.api.register({ username: 'ada', password: 'whatever1' });
    renderAt('/register');
    fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'ada' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'correct horse' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create account' }));
    expect((await screen.findByRole('alert')).textContent).toContain('That username is taken. Choose another one.');
  });
});

describe('writing', () => {
  it('uploads an image, shows "Processing image…" until it is ready, then the thumbnail', async () => {
    blog = createFakeBlog();
    auth.signIn(
      {
        token: 't',
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
        user: { id: 'u-me', username: 'me', displayName: 'Me', createdAt: '' },
      },
      false,
    );
    renderAt('/posts/new');
    vi.useFakeTimers({ shouldAdvanceTime: false, toFake: ['setTimeout', 'clearTimeout'] });
    const file = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], 'cat.png', { type: 'image/png' });
    await act(async () => {
      fireEvent.change(screen.getByLabelText(/Add an image/), { target: { files: [file] } });
      await vi.advanceTimersByTimeAsync(0);
    });
    expect(screen.getByText('Processing image…')).toBeTruthy();

    blog.images.get('img1')!.status = 'ready';
    await act(async () => {
      await vi.advanceTimersByTimeAsync(500);
    });
    const img = screen.getByRole('img', { name: 'Image 1 of this post' });
    expect(img.getAttribute('src')).toBe('/api/images/img1/thumbnail');
    vi.useRealTimers();

    fireEvent.change(screen.getByLabelText('Title'), { target: { value: 'A cat' } });
    fireEvent.change(screen.getByLabelText('Body'), { target: { value: 'Look at this cat.' } });
    fireEvent.click(screen.getByRole('button', { name: 'Publish post' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'A cat' })).toBeTruthy();
    expect(blog.posts[0]).toMatchObject({ title: 'A cat', imageIds: ['img1'] });
    expect(screen.getByText('Your post is published.')).toBeTruthy();
    await waitFor(() => expect(screen.getByRole('img', { name: /Image 1 of 1 in “A cat”/ })).toBeTruthy());
  });

  it('refuses a file that is not an image before uploading it', async () => {
    blog = createFakeBlog();
    auth.signIn(
      { token: 't', expiresAt: new Date(Date.now() + 3_600_000).toISOString(), user: { id: 'u-me', username: 'me', displayName: 'Me', createdAt: '' } },
      false,
    );
    renderAt('/posts/new');
    const file = new File(['%PDF'], 'cv.pdf', { type: 'application/pdf' });
    fireEvent.change(screen.getByLabelText(/Add an image/), { target: { files: [file] } });
    expect((await screen.findByRole('alert')).textContent).toBe('“cv.pdf” is not a JPEG, PNG or WebP image.');
    expect(blog.images.size).toBe(0);
  });
});

describe('comments', () => {
  it('adds a comment, says plainly when it cannot be saved, and deletes one\'s own', async () => {
    blog = createFakeBlog(1);
    auth.signIn(
      { token: 't', expiresAt: new Date(Date.now() + 3_600_000).toISOString(), user: { id: 'u-me', username: 'me', displayName: 'Me', createdAt: '' } },
      false,
    );
    renderAt('/posts/p1');
    await screen.findByText('No comments yet.');
    const box = screen.getByLabelText('Your comment');

    blog.postsDown = 503; // comments asks posts whether the post exists: the breaker answers 503
    fireEvent.change(box, { target: { value: 'First!' } });
    fireEvent.click(screen.getByRole('button', { name: 'Post comment' }));
    expect((await screen.findByRole('alert')).textContent).toContain("We can't reach this post right now");
    expect((box as HTMLTextAreaElement).value).toBe('First!'); // nothing typed is lost

    blog.postsDown = null;
    fireEvent.click(screen.getByRole('button', { name: 'Post comment' }));
    expect(await screen.findByText('Comment added.')).toBeTruthy();
    expect(screen.getByRole('heading', { level: 2, name: 'Comments (1)' })).toBeTruthy();
    expect((box as HTMLTextAreaElement).value).toBe('');

    fireEvent.click(screen.getByRole('button', { name: 'Delete comment' }));
    expect(await screen.findByText('No comments yet.')).toBeTruthy();
    expect(blog.comments).toHaveLength(0);
  });
});

describe('drafts', () => {
  const me = {
    token: 't',
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    user: { id: 'u-me', username: 'me', displayName: 'Me', createdAt: '' },
  };

  it('keeps an unsaved post across a reload and an expired session, until discarded', async () => {
    blog = createFakeBlog();
    auth.signIn(me, false);
    renderAt('/posts/new');
    fireEvent.change(screen.getByLabelText('Title'), { target: { value: 'Half-written' } });
    fireEvent.change(screen.getByLabelText('Body'), { target: { value: 'Some thoughts' } });

    // The session ends while writing: the form goes, the words stay.
    act(() => auth.signOut('expired'));
    expect(await screen.findByText('Your session has ended. Log in again to continue.')).toBeTruthy();
    expect(screen.queryByLabelText('Title')).toBeNull();

    // "Reload" (a fresh app), logged in again: the draft is back.
    cleanup();
    auth.signIn(me, false);
    renderAt('/posts/new');
    expect(screen.getByLabelText<HTMLInputElement>('Title').value).toBe('Half-written');
    expect(screen.getByLabelText<HTMLTextAreaElement>('Body').value).toBe('Some thoughts');
    expect(screen.getByText('We restored the changes you had not saved yet.')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Discard them' }));
    expect(screen.getByLabelText<HTMLInputElement>('Title').value).toBe('');
    cleanup();
    renderAt('/posts/new');
    expect(screen.getByLabelText<HTMLInputElement>('Title').value).toBe('');
    expect(screen.queryByText('We restored the changes you had not saved yet.')).toBeNull();
  });
});

describe('error boundary', () => {
  it('shows a message instead of a blank page when a page crashes', async () => {
    blog = createFakeBlog(1);
    // A post whose data breaks rendering (imageIds is not a list).
    (blog.posts[0] as unknown as { imageIds: unknown }).imageIds = null;
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    renderAt('/posts/p1');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Something went wrong');
    expect(screen.getByRole('link', { name: 'podkit blog' })).toBeTruthy();
    consoleError.mockRestore();
  });
});
