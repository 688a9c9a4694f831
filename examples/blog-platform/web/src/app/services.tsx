import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { BlogApi } from '../api/blogApi.ts';
import type { AuthSnapshot, AuthState } from '../auth/authState.ts';

/** What every page needs: the API and the auth state. Created once in `main.tsx`. */
export interface AppServices {
  api: BlogApi;
  auth: AuthState;
}

const ServicesContext = createContext<AppServices | null>(null);

/** Provides {@link AppServices} to the tree (tests pass their own). */
export function ServicesProvider({ services, children }: { services: AppServices; children: ReactNode }): ReactNode {
  return <ServicesContext.Provider value={services}>{children}</ServicesContext.Provider>;
}

function useServices(): AppServices {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useApi/useAuth must be used inside <ServicesProvider>');
  return services;
}

/** The gateway API. */
export function useApi(): BlogApi {
  return useServices().api;
}

/** The auth state and its actions; re-renders on login, logout and expiry. */
export function useAuth(): AuthSnapshot & Pick<AuthState, 'signIn' | 'signOut'> {
  const { auth } = useServices();
  const snapshot = useSyncExternalStore(auth.subscribe, auth.snapshot);
  return { ...snapshot, signIn: auth.signIn, signOut: auth.signOut };
}
