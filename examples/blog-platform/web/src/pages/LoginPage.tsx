import { useState, type FormEvent, type ReactNode } from 'react';
import { describeError, type ErrorDescription } from '../api/describeError.ts';
import { useFlash } from '../app/flash.tsx';
import { useApi, useAuth } from '../app/services.tsx';
import { ProblemNotice } from '../components/ErrorNotice.tsx';
import { TextField } from '../components/Field.tsx';
import { PageHeading } from '../components/PageHeading.tsx';
import { Link, useLocation, useNavigate } from '../router/router.tsx';

/** Where to go after logging in: a same-site path from `?next=`, else the home page. */
export function safeNext(search: string): string {
  const next = new URLSearchParams(search).get('next');
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

/** The login form. A fresh registration arrives here with the username filled in. */
export function LoginPage(): ReactNode {
  const api = useApi();
  const { signIn } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const { flashNext } = useFlash();
  const params = new URLSearchParams(location.search);
  const [username, setUsername] = useState(params.get('username') ?? '');
  const [password, setPassword] = useState('');
  const [remember, setRemember] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ErrorDescription | null>(null);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (!username.trim() || !password) {
      setProblem({
        title: 'Please check the form',
        message: 'Enter your username and password.',
        fieldErrors: {
          ...(username.trim() ? {} : { username: 'Enter your username.' }),
          ...(password ? {} : { password: 'Enter your password.' }),
        },
        retryable: false,
      });
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      const result = await api.login({ username: username.trim(), password });
      signIn(result, remember);
      flashNext(`Welcome back, ${result.user.displayName || result.user.username}.`);
      navigate(safeNext(location.search), { replace: true });
    } catch (e) {
      setProblem(describeError(e, { what: 'your account', byStatus: { 401: 'Wrong username or password.' } }));
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeading title="Log in">Log in</PageHeading>
      <form className="narrow-form" onSubmit={(e) => void submit(e)} noValidate>
        <ProblemNotice problem={problem} />
        <TextField
          label="Username"
          name="username"
          autoComplete="username"
          required
          value={username}
          error={problem?.fieldErrors['username']}
          onChange={(e) => setUsername(e.target.value)}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          error={problem?.fieldErrors['password']}
          onChange={(e) => setPassword(e.target.value)}
        />
        <div className="checkbox">
          <input id="remember" type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
          <label htmlFor="remember">Keep me logged in on this device</label>
        </div>
        <button type="submit" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
      <p>
        New here? <Link to="/register">Create an account</Link>.
      </p>
    </>
  );
}
