/**
 * Loads the signed-in user once (`GET /api/v1/me`), keeps the CSRF token for the API client, and
 * sends the browser to the sign-in page when the session is missing or has expired.
 */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ApiError, onUnauthorized, setCsrfToken } from '../api/client.js';
import { identity, type Me } from '../api/identity.js';
import { ErrorAlert, Loading } from '../components/Feedback.js';
import { useLocation, useNavigate } from '../router/router.js';
import { allows, type Requirement } from './permissions.js';
import { restoreTeam } from './team.js';

interface SessionValue {
  me: Me;
  can(requirement: Requirement): boolean;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The sign-in page address that brings the user back to `returnTo` afterwards. */
export function loginPath(returnTo: string, reason?: 'expired' | 'signed_out'): string {
  const params = new URLSearchParams();
  if (reason) params.set('reason', reason);
  if (returnTo && returnTo !== '/' && !returnTo.startsWith('/login')) params.set('return_to', returnTo);
  const query = params.toString();
  return query ? `/login?${query}` : '/login';
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | undefined>();
  const [error, setError] = useState<unknown>();
  const navigate = useNavigate();
  const { pathname, search } = useLocation();
  const here = `${pathname}${search}`;

  // A 401 while signed in means this session has ended, whatever the code: SESSION_EXPIRED for the
  // first request that finds it ended, UNAUTHENTICATED for later ones (that answer cleared the cookie).
  const toLogin = useCallback(() => {
    setCsrfToken(undefined);
    const current = `${window.location.pathname}${window.location.search}`;
    navigate(loginPath(current, 'expired'), { replace: true });
  }, [navigate]);

  useEffect(() => {
    onUnauthorized(toLogin);
    return () => onUnauthorized(undefined);
  }, [toLogin]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: load once per mount; `here` only seeds return_to.
  useEffect(() => {
    let cancelled = false;
    identity
      .me()
      .then((value) => {
        if (cancelled) return;
        setCsrfToken(value.csrf_token);
        restoreTeam(value);
        setMe(value);
      })
      .catch((err: unknown) => {
        if (cancelled) return;
        if (err instanceof ApiError && err.status === 401) {
          navigate(loginPath(here, err.code === 'SESSION_EXPIRED' ? 'expired' : undefined), {
            replace: true,
          });
        } else setError(err);
      });
    return () => {
      cancelled = true;
    };
  }, []);

  const signOut = useCallback(async () => {
    const { logout_url } = await identity.logout();
    setCsrfToken(undefined);
    if (logout_url) window.location.assign(logout_url);
    else navigate('/login?reason=signed_out', { replace: true });
  }, [navigate]);

  const value = useMemo(
    () => (me ? { me, can: (r: Requirement) => allows(me, r), signOut } : null),
    [me, signOut],
  );

  if (error) {
    return (
      <main className="page">
        <ErrorAlert error={error} title="AI-LA could not load your account" />
      </main>
    );
  }
  if (!value) return <Loading page label="Loading your workspace…" />;
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
