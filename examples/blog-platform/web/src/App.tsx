import { useEffect, type ReactNode } from 'react';
import { FlashProvider, useFlash } from './app/flash.tsx';
import { ServicesProvider, useApi, useAuth, type AppServices } from './app/services.tsx';
import { ErrorBoundary } from './components/ErrorBoundary.tsx';
import { PageHeading } from './components/PageHeading.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { PostEditorPage } from './pages/PostEditorPage.tsx';
import { PostListPage } from './pages/PostListPage.tsx';
import { PostPage } from './pages/PostPage.tsx';
import { RegisterPage } from './pages/RegisterPage.tsx';
import { Link, matchPath, RouterProvider, useLocation, useNavigate } from './router/router.tsx';

/** The whole app: services, routing, layout. */
export function App({ services }: { services: AppServices }): ReactNode {
  return (
    <ServicesProvider services={services}>
      <RouterProvider>
        <FlashProvider>
          <Layout />
        </FlashProvider>
      </RouterProvider>
    </ServicesProvider>
  );
}

function Layout(): ReactNode {
  const location = useLocation();
  const { message } = useFlash();
  useSessionNotices();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="container">
          <Link to="/" className="site-name">
            podkit blog
          </Link>
          <AccountNav />
        </div>
      </header>
      <main id="main" className="container" tabIndex={-1}>
        <div role="status" className="flash-region">
          {message ? <p className="notice notice-info">{message}</p> : null}
        </div>
        <ErrorBoundary key={location.pathname}>
          <Routes pathname={location.pathname} />
        </ErrorBoundary>
      </main>
      <footer className="site-footer container">
        <p>A reference app for podkit: five services behind one gateway.</p>
      </footer>
    </>
  );
}

/**
 * Checks a session restored from storage once (the token may have been revoked, or signed by a
 * key the auth service no longer has: the API client then signs out), and says so when a
 * session ends by itself.
 */
function useSessionNotices(): void {
  const api = useApi();
  const { session, signedOutBecause } = useAuth();
  const { flashNow } = useFlash();
  const restoredToken = session?.token;

  useEffect(() => {
    if (!restoredToken) return;
    const controller = new AbortController();
    api.me(controller.signal).catch(() => undefined); // a 401 signs out through the client
    return () => controller.abort();
    // Once per app start: later sessions come from a fresh login.
  }, []);

  useEffect(() => {
    if (!session && signedOutBecause === 'expired') flashNow('Your session has ended. Log in again to continue.');
  }, [session, signedOutBecause]);
}

function AccountNav(): ReactNode {
  const api = useApi();
  const { session, signOut } = useAuth();
  const navigate = useNavigate();
  const { flashNext } = useFlash();
  if (!session) {
    return (
      <nav aria-label="Account">
        <ul>
          <li>
            <Link to="/login">Log in</Link>
          </li>
          <li>
            <Link to="/register">Register</Link>
          </li>
        </ul>
      </nav>
    );
  }
  const logOut = (): void => {
    // the request takes the token now; the server revokes it even if the page goes away
    api.logout().catch(() => undefined);
    signOut('logout');
    flashNext('You are logged out.');
    navigate('/');
  };
  return (
    <nav aria-label="Account">
      <ul>
        <li>
          <Link to="/posts/new">Write a post</Link>
        </li>
        <li className="signed-in">
          Signed in as <strong>{session.user.displayName || session.user.username}</strong>
        </li>
        <li>
          <button type="button" onClick={logOut}>
            Log out
          </button>
        </li>
      </ul>
    </nav>
  );
}

function Routes({ pathname }: { pathname: string }): ReactNode {
  if (pathname === '/' || pathname === '') return <PostListPage />;
  if (pathname === '/login') return <LoginPage />;
  if (pathname === '/register') return <RegisterPage />;
  if (pathname === '/posts/new') return <PostEditorPage />;
  const edit = matchPath('/posts/:id/edit', pathname);
  if (edit?.['id']) return <PostEditorPage id={edit['id']} />;
  const post = matchPath('/posts/:id', pathname);
  if (post?.['id']) return <PostPage id={post['id']} />;
  return (
    <>
      <PageHeading title="Page not found">Page not found</PageHeading>
      <p>There is nothing at this address.</p>
      <p>
        <Link to="/">See the latest posts</Link>
      </p>
    </>
  );
}
