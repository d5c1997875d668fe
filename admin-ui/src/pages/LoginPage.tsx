/**
 * Sign-in: one button per SSO connection (`GET /auth/connections`), or the work e-mail, from which
 * the appliance picks the connection serving that domain. The IdP sends the browser back to
 * `return_to` with a session.
 */
import { type FormEvent, useEffect, useState } from 'react';
import { toApiError } from '../api/client.js';
import { type Connection, identity } from '../api/identity.js';
import { Alert, ErrorAlert, Loading } from '../components/Feedback.js';
import { Field } from '../components/Field.js';
import { BrandMark, Icon } from '../components/Icon.js';
import { useSearchParams } from '../router/router.js';

/** Only same-site paths are passed on; the server checks again (RFC 9700 §4.11). */
function safeReturnTo(value: string | null): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  return value.startsWith('/login') ? '/' : value;
}

const loginUrl = (params: Record<string, string>) => `/auth/login?${new URLSearchParams(params).toString()}`;

export function LoginPage() {
  const search = useSearchParams();
  const reason = search.get('reason');
  const returnTo = safeReturnTo(search.get('return_to'));
  const [connections, setConnections] = useState<Connection[] | undefined>();
  const [loadError, setLoadError] = useState<unknown>();
  const [email, setEmail] = useState('');
  const [emailError, setEmailError] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    document.title = 'Sign in · AI-LA';
    identity
      .connections()
      .then((r) => setConnections(r.connections))
      .catch(setLoadError);
  }, []);

  async function signInWithEmail(event: FormEvent) {
    event.preventDefault();
    setEmailError(undefined);
    const value = email.trim();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) {
      setEmailError('Enter your work e-mail address, like name@company.com.');
      return;
    }
    setBusy(true);
    const url = loginUrl({ email: value, return_to: returnTo });
    // Ask first without following the redirect, so an unknown domain is explained here instead of
    // on a bare error page.
    try {
      const probe = await fetch(url, { redirect: 'manual', credentials: 'same-origin' });
      if (probe.type === 'opaqueredirect' || (probe.status >= 300 && probe.status < 400)) {
        window.location.assign(url);
        return;
      }
      setEmailError((await toApiError(probe)).message);
    } catch {
      setEmailError('The appliance could not be reached. Check your connection and retry.');
    }
    setBusy(false);
  }

  return (
    <div className="login">
      <aside className="login-aside" aria-hidden="true">
        <div className="login-brand">
          <BrandMark className="login-mark" />
          <span>AI-LA</span>
        </div>
        <div className="login-pitch">
          <h2>Your AI coding assistant, inside your own infrastructure.</h2>
          <ul>
            <li>
              <Icon name="checkpoint" className="login-bullet" /> Every answer carries a signed receipt.
            </li>
            <li>
              <Icon name="audit" className="login-bullet" /> Every action lands in a tamper-evident log.
            </li>
            <li>
              <Icon name="backends" className="login-bullet" /> Models run on your GPUs; nothing leaves the
              cluster.
            </li>
          </ul>
        </div>
        <p className="login-foot">AI-LA Enterprise Appliance</p>
      </aside>
      <main className="login-main">
        <div className="login-card">
          <BrandMark className="login-mark login-mark-small" />
          <h1>Sign in to AI-LA</h1>
          <p className="muted">
            Use your company account. Your administrator manages access through single sign-on.
          </p>
          {reason === 'expired' && (
            <Alert tone="warning" title="Your session has expired">
              Sign in again to continue where you left off.
            </Alert>
          )}
          {reason === 'signed_out' && <Alert tone="success">You have signed out.</Alert>}
          {loadError !== undefined && (
            <ErrorAlert error={loadError} title="Sign-in options could not be loaded" />
          )}
          {!connections && loadError === undefined && <Loading label="Loading sign-in options…" />}
          {connections && connections.length === 0 && (
            <Alert tone="info" title="Single sign-on is not configured">
              An administrator must add an identity provider connection (auth.oidc.connections) before anyone
              can sign in.
            </Alert>
          )}
          {connections && connections.length > 0 && (
            <>
              <ul className="login-connections" aria-label="Sign-in options">
                {connections.map((c) => (
                  <li key={c.name}>
                    <a
                      className="btn btn-primary btn-lg btn-block"
                      href={loginUrl({ connection: c.name, return_to: returnTo })}
                    >
                      Continue with {c.display_name}
                    </a>
                  </li>
                ))}
              </ul>
              <p className="login-or">or use your work e-mail</p>
              <form className="stack-sm" onSubmit={signInWithEmail} noValidate>
                <Field label="Work e-mail" error={emailError}>
                  <input
                    className="input"
                    type="email"
                    name="email"
                    autoComplete="username"
                    value={email}
                    onChange={(e) => setEmail(e.target.value)}
                    placeholder="name@company.com"
                  />
                </Field>
                <button type="submit" className="btn btn-block" disabled={busy}>
                  {busy ? 'Finding your sign-in…' : 'Continue'}
                </button>
              </form>
            </>
          )}
        </div>
      </main>
    </div>
  );
}
