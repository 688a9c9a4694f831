import type { Session, SessionStore } from './sessionStore.ts';

/** Why the person is logged out: they chose to, or the session ran out / was rejected. */
export type SignOutReason = 'logout' | 'expired';

/** A snapshot of the authentication state (a new object on every change). */
export interface AuthSnapshot {
  session: Session | null;
  /** Set when the last change was a sign-out, so the UI can say why. */
  signedOutBecause: SignOutReason | null;
}

/**
 * The one place that knows whether someone is logged in. React reads it through `useAuth`.
 * Its members are plain functions (they never use `this`), so they can be destructured and
 * passed around, e.g. to `useSyncExternalStore`.
 */
export interface AuthState {
  snapshot: () => AuthSnapshot;
  subscribe: (listener: () => void) => () => void;
  /** The bearer token, or null when logged out or expired (an expired session is cleared). */
  token: () => string | null;
  signIn: (session: Session, remember: boolean) => void;
  signOut: (reason: SignOutReason) => void;
  /** Stops the expiry timer. */
  dispose: () => void;
}

/** Options of {@link createAuthState}. */
export interface AuthStateOptions {
  store: SessionStore;
  /** @default Date.now */
  now?: () => number;
}

/** Longest delay setTimeout accepts; longer sessions are re-checked when it fires. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Creates the auth state, restoring a stored session unless it has expired. The session is
 * signed out with reason `'expired'` when its `expiresAt` passes.
 */
export function createAuthState(options: AuthStateOptions): AuthState {
  const now = options.now ?? Date.now;
  const listeners = new Set<() => void>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let current: AuthSnapshot = { session: null, signedOutBecause: null };

  const expired = (session: Session): boolean => Date.parse(session.expiresAt) <= now();
  const set = (next: AuthSnapshot): void => {
    current = next;
    schedule();
    for (const listener of [...listeners]) listener();
  };
  const schedule = (): void => {
    clearTimeout(timer);
    timer = undefined;
    const session = current.session;
    if (!session) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, Date.parse(session.expiresAt) - now()));
    timer = setTimeout(() => {
      if (current.session === session && expired(session)) state.signOut('expired');
      else if (current.session === session) schedule();
    }, delay);
  };

  const state: AuthState = {
    snapshot: () => current,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    token() {
      const session = current.session;
      if (!session) return null;
      if (expired(session)) {
        state.signOut('expired');
        return null;
      }
      return session.token;
    },
    signIn(session, remember) {
      options.store.save(session, remember);
      set({ session, signedOutBecause: null });
    },
    signOut(reason) {
      options.store.clear();
      if (!current.session) return;
      set({ session: null, signedOutBecause: reason });
    },
    dispose() {
      clearTimeout(timer);
      listeners.clear();
    },
  };

  const stored = options.store.load();
  if (stored && !expired(stored)) {
    current = { session: stored, signedOutBecause: null };
    schedule();
  } else if (stored) {
    options.store.clear();
  }
  return state;
}
