import { useState, type FormEvent } from 'react';
import { useLocation } from 'wouter';
import { isStaff, useAuth } from '../auth';

export function SignIn() {
  const { login } = useAuth();
  const [, navigate] = useLocation();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(undefined);
    try {
      const user = await login(String(form.get('email')), String(form.get('password')));
      navigate(isStaff(user) ? '/queue' : '/my/tickets');
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Sign-in failed');
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="narrow">
      <h1>Sign in</h1>
      <form onSubmit={submit} className="stack">
        <label>
          E-mail
          <input name="email" type="email" autoComplete="username" required />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
    </section>
  );
}
