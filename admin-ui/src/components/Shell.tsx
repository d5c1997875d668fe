/** The signed-in frame: sidebar navigation (only what the user's roles allow), top bar, content. */
import { type ReactNode, useEffect, useState } from 'react';
import { initials } from '../lib/format.js';
import { Link, useLocation } from '../router/router.js';
import { describeRoles } from '../session/permissions.js';
import { useSession } from '../session/SessionProvider.js';
import { ErrorAlert } from './Feedback.js';
import { BrandMark, Icon, type IconName } from './Icon.js';
import { TeamPicker } from './TeamPicker.js';

export interface NavItem {
  path: string;
  label: string;
  icon: IconName;
}

export interface NavSection {
  label: string;
  items: NavItem[];
}

export function Shell({ sections, children }: { sections: NavSection[]; children: ReactNode }) {
  const { me, signOut } = useSession();
  const { pathname } = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const [signOutError, setSignOutError] = useState<unknown>();

  // biome-ignore lint/correctness/useExhaustiveDependencies: close the mobile menu after each navigation.
  useEffect(() => setMenuOpen(false), [pathname]);

  const active = (path: string) => pathname === path || pathname.startsWith(`${path}/`);
  const current = sections
    .flatMap((s) => s.items.map((i) => ({ ...i, section: s.label })))
    .find((i) => active(i.path));

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      {menuOpen && (
        <button type="button" className="scrim" aria-label="Close menu" onClick={() => setMenuOpen(false)} />
      )}
      <aside
        className="sidebar"
        data-open={menuOpen}
        id="sidebar"
        onKeyDown={(event) => {
          if (event.key === 'Escape') setMenuOpen(false);
        }}
      >
        <div className="brand">
          <BrandMark />
          <div>
            <span className="brand-name">AI-LA</span>
            <span className="brand-sub">Enterprise Appliance</span>
          </div>
        </div>
        <nav className="nav" aria-label="Main">
          {sections.map((section) => (
            <div className="nav-section" key={section.label}>
              <h2 className="nav-heading">{section.label}</h2>
              <ul className="nav-list">
                {section.items.map((item) => (
                  <li key={item.path}>
                    <Link
                      to={item.path}
                      className="nav-link"
                      aria-current={active(item.path) ? 'page' : undefined}
                    >
                      <Icon name={item.icon} />
                      {item.label}
                    </Link>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </nav>
        <div className="sidebar-foot">
          Signed in with {me.auth.method === 'session' ? me.auth.connection : 'an API key'}
        </div>
      </aside>
      <div className="main">
        <header className="topbar">
          <div className="row">
            <button
              type="button"
              className="btn btn-ghost btn-icon menu-button"
              aria-controls="sidebar"
              aria-expanded={menuOpen}
              aria-label="Menu"
              onClick={() => setMenuOpen((open) => !open)}
            >
              <Icon name="menu" />
            </button>
            <span className="topbar-title">{current ? `${current.section} / ${current.label}` : ''}</span>
          </div>
          <div className="user-menu">
            {pathname.startsWith('/workspace') && <TeamPicker me={me} />}
            <span className="avatar" aria-hidden="true">
              {initials(me.user.name, me.user.email)}
            </span>
            <span className="user-text">
              <span className="user-name" data-testid="user-name">
                {me.user.name || me.user.email}
              </span>
              <br />
              <span className="user-roles">{describeRoles(me)}</span>
            </span>
            <button type="button" className="btn btn-sm" onClick={() => signOut().catch(setSignOutError)}>
              <Icon name="logout" className="nav-icon" />
              Sign out
            </button>
          </div>
        </header>
        {signOutError !== undefined && (
          <div className="page">
            <ErrorAlert error={signOutError} title="Sign-out failed" />
          </div>
        )}
        <main id="main" tabIndex={-1}>
          {children}
        </main>
      </div>
    </div>
  );
}
