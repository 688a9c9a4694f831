import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { createBlogApi } from './api/blogApi.ts';
import { createApiClient } from './api/client.ts';
import { createAuthState } from './auth/authState.ts';
import { createSessionStore } from './auth/sessionStore.ts';
import './styles.css';

function storage(kind: 'sessionStorage' | 'localStorage'): Storage | undefined {
  try {
    return window[kind];
  } catch {
    return undefined; // blocked by the browser's privacy settings
  }
}

const auth = createAuthState({
  store: createSessionStore({ session: storage('sessionStorage'), local: storage('localStorage') }),
});
const client = createApiClient({
  getToken: () => auth.token(),
  onUnauthorized: () => auth.signOut('expired'),
});
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App services={{ api: createBlogApi(client), auth }} />
  </StrictMode>,
);
