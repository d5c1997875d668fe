/** Top level: the sign-in page outside the session, every other page inside it. */
import { type ReactNode, Suspense, useEffect } from 'react';
import { Alert, Loading } from './components/Feedback.js';
import { PageHeader } from './components/Page.js';
import { Shell } from './components/Shell.js';
import { LoginPage } from './pages/LoginPage.js';
import { Link, matchPath, useLocation, useNavigate } from './router/router.js';
import { navigationFor, ROUTES } from './routes.js';
import { SessionProvider, useSession } from './session/SessionProvider.js';

function NotFound() {
  return (
    <div className="page">
      <PageHeader title="Page not found" />
      <Alert tone="info">
        There is nothing at this address. <Link to="/">Go to your start page</Link>.
      </Alert>
    </div>
  );
}

function Forbidden() {
  return (
    <div className="page">
      <PageHeader title="No access" />
      <Alert tone="warning">
        Your roles do not include this page. An administrator can change your roles, or your identity provider
        groups. <Link to="/">Go to your start page</Link>.
      </Alert>
    </div>
  );
}

function SignedIn() {
  const { can } = useSession();
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const sections = navigationFor(can);
  const home = sections[0]?.items[0]?.path ?? '/workspace/sessions';

  useEffect(() => {
    if (pathname === '/' || pathname === '') navigate(home, { replace: true });
  }, [pathname, home, navigate]);

  let page: ReactNode = <NotFound />;
  for (const route of ROUTES) {
    const params = matchPath(route.path, pathname);
    if (params) {
      page = can(route.requires) ? route.render(params) : <Forbidden />;
      break;
    }
  }
  return (
    <Shell sections={sections}>
      {pathname === '/' ? null : <Suspense fallback={<Loading page />}>{page}</Suspense>}
    </Shell>
  );
}

export function App() {
  const { pathname } = useLocation();
  if (pathname === '/login') return <LoginPage />;
  return (
    <SessionProvider>
      <SignedIn />
    </SessionProvider>
  );
}
