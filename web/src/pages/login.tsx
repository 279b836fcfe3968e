import { useState } from 'preact/hooks';
import { ApiError, login } from '../lib/api';

export function LoginPage({ onLoggedIn }: { onLoggedIn: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username, password);
      onLoggedIn();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setError('Wrong username or password.');
      else if (err instanceof ApiError && err.status === 429) setError('Too many attempts. Wait a moment and try again.');
      else setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="login">
      <form onSubmit={(e) => void submit(e)} aria-labelledby="login-title" class="login-form">
        <h1 id="login-title">srtgw · Log in</h1>
        {error && (
          <p class="alert" role="alert" id="login-error">
            {error}
          </p>
        )}
        <div class="field">
          <label for="login-username">Username</label>
          <input id="login-username" name="username" autoComplete="username" required autoFocus value={username}
            onInput={(e) => setUsername(e.currentTarget.value)} aria-describedby={error ? 'login-error' : undefined} />
        </div>
        <div class="field">
          <label for="login-password">Password</label>
          <input id="login-password" name="password" type="password" autoComplete="current-password" required value={password}
            onInput={(e) => setPassword(e.currentTarget.value)} />
        </div>
        <button type="submit" class="btn primary" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
    </main>
  );
}
