import type { ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { isStaff, useAuth } from './auth';
import { useLiveUpdates } from './live';

const STAFF_LINKS = [
  ['/queue', 'Queue'],
  ['/breaches', 'Breaches'],
  ['/dashboard', 'Dashboard'],
  ['/sla/policies', 'SLA policies'],
  ['/kb-editor', 'Knowledge base'],
] as const;
const CUSTOMER_LINKS = [
  ['/my/tickets', 'My tickets'],
  ['/my/new', 'New ticket'],
  ['/kb', 'Help center'],
] as const;

export function Layout({ children }: { children: ReactNode }) {
  const { user, logout } = useAuth();
  const [location, navigate] = useLocation();
  useLiveUpdates(user !== undefined);
  const links = user ? (isStaff(user) ? STAFF_LINKS : CUSTOMER_LINKS) : ([['/kb', 'Help center']] as const);
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">nixflow</span>
        <nav aria-label="Main">
          <ul>
            {links.map(([href, text]) => (
              <li key={href}>
                <Link href={href} aria-current={location.startsWith(href) ? 'page' : undefined}>
                  {text}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="account">
          {user ? (
            <>
              <span>
                {user.name} ({user.role.toLowerCase()})
              </span>
              <button
                type="button"
                onClick={async () => {
                  await logout();
                  navigate('/sign-in');
                }}
              >
                Sign out
              </button>
            </>
          ) : (
            <Link href="/sign-in">Sign in</Link>
          )}
        </div>
      </header>
      <main id="main">{children}</main>
    </>
  );
}
