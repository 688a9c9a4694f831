import type { User } from '../api/types.ts';

/** A logged-in person's token and who they are. */
export interface Session {
  token: string;
  /** ISO timestamp after which the token is no longer accepted. */
  expiresAt: string;
  user: User;
}

/** Where a session survives a reload. */
export interface SessionStore {
  load(): Session | null;
  /** `remember` keeps the session across browser restarts (localStorage) instead of the tab (sessionStorage). */
  save(session: Session, remember: boolean): void;
  clear(): void;
}

const KEY = 'podkit-blog.session';

/** Minimal part of the Web Storage API used here. */
export type StorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/**
 * Keeps the session in sessionStorage (this tab) or localStorage ("keep me logged in").
 * Storage may be unavailable (private mode, quota): the session then lives in memory only.
 */
export function createSessionStore(storages: { session?: StorageLike; local?: StorageLike }): SessionStore {
  const all = [storages.session, storages.local].filter((s): s is StorageLike => s !== undefined);
  return {
    load() {
      for (const storage of all) {
        const session = parseSession(safe(() => storage.getItem(KEY)) ?? null);
        if (session) return session;
      }
      return null;
    },
    save(session, remember) {
      this.clear();
      const target = remember ? storages.local : storages.session;
      safe(() => target?.setItem(KEY, JSON.stringify(session)));
    },
    clear() {
      for (const storage of all) safe(() => storage.removeItem(KEY));
    },
  };
}

/** An in-memory store, for tests and for browsers without Web Storage. */
export function createMemorySessionStore(): SessionStore {
  let saved: Session | null = null;
  return {
    load: () => saved,
    save: (session) => {
      saved = session;
    },
    clear: () => {
      saved = null;
    },
  };
}

function safe<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

/** Parses a stored session, rejecting anything malformed (it is then ignored, not trusted). */
export function parseSession(text: string | null): Session | null {
  if (!text) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const s = value as Record<string, unknown>;
  const user = s['user'] as Record<string, unknown> | null | undefined;
  if (typeof s['token'] !== 'string' || typeof s['expiresAt'] !== 'string') return null;
  if (Number.isNaN(Date.parse(s['expiresAt']))) return null;
  if (typeof user !== 'object' || user === null || typeof user['id'] !== 'string' || typeof user['username'] !== 'string') {
    return null;
  }
  return value as Session;
}
