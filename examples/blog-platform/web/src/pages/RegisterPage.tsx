import { useState, type FormEvent, type ReactNode } from 'react';
import { describeError, type ErrorDescription } from '../api/describeError.ts';
import { useFlash } from '../app/flash.tsx';
import { useApi } from '../app/services.tsx';
import { ProblemNotice } from '../components/ErrorNotice.tsx';
import { TextField } from '../components/Field.tsx';
import { PageHeading } from '../components/PageHeading.tsx';
import { Link, useNavigate } from '../router/router.tsx';

const USERNAME = /^[A-Za-z0-9_.-]{3,32}$/;
const USERNAME_RULE = 'Use 3 to 32 letters, digits, “_”, “.” or “-”.';

/** Shortest password the form accepts before asking the server. */
export const MIN_PASSWORD_LENGTH = 8;

/** Creating an account; on success the person is sent to log in with the username filled in. */
export function RegisterPage(): ReactNode {
  const api = useApi();
  const navigate = useNavigate();
  const { flashNext } = useFlash();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ErrorDescription | null>(null);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const fieldErrors: Record<string, string> = {};
    if (!USERNAME.test(username.trim())) fieldErrors['username'] = USERNAME_RULE;
    if (password.length < MIN_PASSWORD_LENGTH) {
      fieldErrors['password'] = `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
    }
    if (Object.keys(fieldErrors).length > 0) {
      setProblem({ title: 'Please check the form', message: 'Some fields need attention.', fieldErrors, retryable: false });
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      const user = await api.register({
        username: username.trim(),
        password,
        ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
      });
      flashNext(`Your account “${user.username}” is ready. Log in to start writing.`);
      navigate(`/login?username=${encodeURIComponent(user.username)}`);
    } catch (e) {
      setProblem(
        describeError(e, { what: 'registration', byStatus: { 409: 'That username is taken. Choose another one.' } }),
      );
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeading title="Create an account">Create an account</PageHeading>
      <form className="narrow-form" onSubmit={(e) => void submit(e)} noValidate>
        <ProblemNotice problem={problem} />
        <TextField
          label="Username"
          name="username"
          autoComplete="username"
          required
          hint={USERNAME_RULE}
          value={username}
          error={problem?.fieldErrors['username']}
          onChange={(e) => setUsername(e.target.value)}
        />
        <TextField
          label="Display name (optional)"
          name="displayName"
          autoComplete="nickname"
          value={displayName}
          error={problem?.fieldErrors['displayName']}
          onChange={(e) => setDisplayName(e.target.value)}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
          value={password}
          error={problem?.fieldErrors['password']}
          onChange={(e) => setPassword(e.target.value)}
        />
        <button type="submit" disabled={busy}>
          {busy ? 'Creating account…' : 'Create account'}
        </button>
      </form>
      <p>
        Already have an account? <Link to="/login">Log in</Link>.
      </p>
    </>
  );
}
