import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type AnchorHTMLAttributes,
  type MouseEvent,
  type ReactNode,
} from 'react';

/** Where the app is: path, query and the History API state of the entry. */
export interface AppLocation {
  pathname: string;
  search: string;
  state: unknown;
  /** Increments on every navigation; 0 for the page the app started on. */
  key: number;
}

/** Options of a navigation. */
export interface NavigateOptions {
  replace?: boolean;
  state?: unknown;
}

interface RouterValue {
  location: AppLocation;
  /** A plain function (no `this`): safe to destructure and pass around. */
  navigate: (to: string, options?: NavigateOptions) => void;
}

const RouterContext = createContext<RouterValue | null>(null);

/** Client-side routing over the History API: `navigate` pushes an entry, Back/Forward re-render. */
export function RouterProvider({ children, win = window }: { children: ReactNode; win?: Window }): ReactNode {
  const read = useCallback(
    (key: number): AppLocation => ({
      pathname: win.location.pathname,
      search: win.location.search,
      state: win.history.state as unknown,
      key,
    }),
    [win],
  );
  const [location, setLocation] = useState<AppLocation>(() => read(0));

  useEffect(() => {
    const onPop = (): void => setLocation((prev) => read(prev.key + 1));
    win.addEventListener('popstate', onPop);
    return () => win.removeEventListener('popstate', onPop);
  }, [win, read]);

  const navigate = useCallback(
    (to: string, options: NavigateOptions = {}) => {
      const state = options.state ?? null;
      if (options.replace) win.history.replaceState(state, '', to);
      else win.history.pushState(state, '', to);
      win.scrollTo?.(0, 0);
      setLocation((prev) => read(prev.key + 1));
    },
    [win, read],
  );

  const value = useMemo(() => ({ location, navigate }), [location, navigate]);
  return <RouterContext.Provider value={value}>{children}</RouterContext.Provider>;
}

function useRouter(): RouterValue {
  const value = useContext(RouterContext);
  if (!value) throw new Error('useLocation/useNavigate must be used inside <RouterProvider>');
  return value;
}

/** The current location. */
export function useLocation(): AppLocation {
  return useRouter().location;
}

/** A function that navigates within the app. */
export function useNavigate(): RouterValue['navigate'] {
  return useRouter().navigate;
}

/**
 * An `<a>` that navigates without reloading (modified clicks still open new tabs); a link to the
 * current page carries `aria-current="page"`.
 */
export function Link({
  to,
  state,
  ...rest
}: { to: string; state?: unknown } & Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'>): ReactNode {
  const { location, navigate } = useRouter();
  const current = to === location.pathname + location.search;
  const onClick = (event: MouseEvent<HTMLAnchorElement>): void => {
    rest.onClick?.(event);
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to, { state });
  };
  return <a aria-current={current ? 'page' : undefined} {...rest} href={to} onClick={onClick} />;
}

/**
 * Matches `pathname` against a pattern such as `/posts/:id/edit`; returns the decoded
 * parameters, or null when it does not match.
 */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  const got = pathname.split('/').filter(Boolean);
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as string;
    const g = got[i] as string;
    if (w.startsWith(':')) {
      try {
        params[w.slice(1)] = decodeURIComponent(g);
      } catch {
        return null;
      }
    } else if (w !== g) {
      return null;
    }
  }
  return params;
}
