import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApiClient } from '../api/client.ts';
import { createAuthState } from './authState.ts';
import { createMemorySessionStore, createSessionStore, parseSession, type Session } from './sessionStore.ts';

const HOUR = 3_600_000;
const session = (expiresAt: number, token = 'tok'): Session => ({
  token,
  expiresAt: new Date(expiresAt).toISOString(),
  user: { id: 'u1', username: 'ada', displayName: 'Ada', createdAt: '2026-01-01T00:00:00.000Z' },
});

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse('2026-11-24T12:00:00Z') });
  sessionStorage.clear();
  localStorage.clear();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('session store', () => {
  it('keeps the session in sessionStorage, or in localStorage when asked to remember', () => {
    const store = createSessionStore({ session: sessionStorage, local: localStorage });
    store.save(session(Date.now() + HOUR, 'a'), false);
    expect(sessionStorage.length).toBe(1);
    expect(localStorage.length).toBe(0);
    store.save(session(Date.now() + HOUR, 'b'), true);
    expect(sessionStorage.length).toBe(0);
    expect(store.load()?.token).toBe('b');
    store.clear();
    expect(store.load()).toBeNull();
  });

  it('ignores malformed stored data and survives storage that throws', () => {
    expect(parseSession('{"token":1}')).toBeNull();
    expect(parseSession('not json')).toBeNull();
    expect(parseSession(JSON.stringify({ token: 't', expiresAt: 'soon', user: { id: 'u', username: 'a' } }))).toBeNull();
    const broken: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {
        throw new Error('SecurityError');
      },
    };
    const store = createSessionStore({ session: broken, local: broken });
    expect(() => store.save(session(Date.now() + HOUR), false)).not.toThrow();
    expect(store.load()).toBeNull();
  });
});

describe('auth state', () => {
  it('restores a stored session after a reload', () => {
    const store = createSessionStore({ session: sessionStorage, local: localStorage });
    createAuthState({ store }).signIn(session(Date.now() + HOUR, 'kept'), false);
    const reloaded = createAuthState({ store });
    expect(reloaded.snapshot().session?.user.username).toBe('ada');
    expect(reloaded.token()).toBe('kept');
    reloaded.dispose();
  });

  it('drops a stored session that has already expired', () => {
    const store = createMemorySessionStore();
    store.save(session(Date.now() - 1), false);
    const auth = createAuthState({ store });
    expect(auth.snapshot().session).toBeNull();
    expect(store.load()).toBeNull();
  });

  it('signs out with reason "expired" when the token runs out, and tells subscribers', () => {
    const auth = createAuthState({ store: createMemorySessionStore() });
    const listener = vi.fn();
    auth.subscribe(listener);
    auth.signIn(session(Date.now() + HOUR), false);
    expect(listener).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(HOUR - 1);
    expect(auth.snapshot().session).not.toBeNull();
    vi.advanceTimersByTime(1);
    expect(auth.snapshot()).toEqual({ session: null, signedOutBecause: 'expired' });
    expect(listener).toHaveBeenCalledTimes(2);
    auth.dispose();
  });

  it('never hands out an expired token, even before the timer fires', () => {
    let now = Date.now();
    const auth = createAuthState({ store: createMemorySessionStore(), now: () => now });
    auth.signIn(session(now + 1000), false);
    now += 1000;
    expect(auth.token()).toBeNull();
    expect(auth.snapshot().signedOutBecause).toBe('expired');
    auth.dispose();
  });

  it('logs out on request, clearing storage', () => {
    const store = createSessionStore({ session: sessionStorage, local: localStorage });
    const auth = createAuthState({ store });
    auth.signIn(session(Date.now() + HOUR), true);
    auth.signOut('logout');
    expect(auth.snapshot()).toEqual({ session: null, signedOutBecause: 'logout' });
    expect(localStorage.length + sessionStorage.length).toBe(0);
    auth.dispose();
  });

  it('is signed out when the API rejects the token with a 401', async () => {
    vi.useRealTimers();
    const auth = createAuthState({ store: createMemorySessionStore() });
    auth.signIn(session(Date.now() + HOUR, 'revoked'), false);
    const client = createApiClient({
      getToken: () => auth.token(),
      onUnauthorized: () => auth.signOut('expired'),
      fetch: () => Promise.resolve(new Response(JSON.stringify({ status: 401, title: 'Unauthorized' }), { status: 401 })),
    });
    await expect(client.request('GET', '/api/auth/me')).rejects.toMatchObject({ status: 401 });
    expect(auth.snapshot()).toEqual({ session: null, signedOutBecause: 'expired' });
    auth.dispose();
  });
});
