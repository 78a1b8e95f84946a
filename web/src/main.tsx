import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { Redirect, Route, Switch } from 'wouter';
import { AuthProvider, isStaff, useAuth } from './auth';
import { Layout } from './layout';
import { Queue } from './screens/queue';
import { SignIn } from './screens/sign-in';
import './styles.css';

// Every screen but sign-in and the queue is its own chunk (initial JS budget: 250 KB gzip).
const TicketView = lazy(() => import('./screens/ticket'));
const Breaches = lazy(() => import('./screens/breaches'));
const Policies = lazy(() => import('./screens/policies'));
const Dashboard = lazy(() => import('./screens/dashboard'));
const MyTickets = lazy(() => import('./screens/my-tickets'));
const NewTicket = lazy(() => import('./screens/new-ticket'));
const KbPortal = lazy(() => import('./screens/kb-portal'));
const KbEditor = lazy(() => import('./screens/kb-editor'));

const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } },
});

function Home() {
  const { user } = useAuth();
  if (!user) return <Redirect to="/sign-in" />;
  return <Redirect to={isStaff(user) ? '/queue' : '/my/tickets'} />;
}

/** Screens that need a signed-in user (staff-only ones check the role too). */
function Private({ staff, children }: { staff?: boolean; children: React.ReactNode }) {
  const { user, loading } = useAuth();
  if (loading) return <p role="status">Loading…</p>;
  if (!user) return <Redirect to="/sign-in" />;
  if (staff && !isStaff(user)) return <p role="alert">This screen is for agents and admins.</p>;
  return <>{children}</>;
}

function App() {
  return (
    <Layout>
      <Suspense fallback={<p role="status">Loading…</p>}>
        <Switch>
          <Route path="/sign-in" component={SignIn} />
          <Route path="/kb/:slug?">{(p) => <KbPortal slug={p.slug} />}</Route>
          <Route path="/queue">
            <Private staff>
              <Queue />
            </Private>
          </Route>
          <Route path="/tickets/:id">
            {(p) => (
              <Private>
                <TicketView id={p.id} />
              </Private>
            )}
          </Route>
          <Route path="/breaches">
            <Private staff>
              <Breaches />
            </Private>
          </Route>
          <Route path="/sla/policies/:id?">
            {(p) => (
              <Private staff>
                <Policies id={p.id} />
              </Private>
            )}
          </Route>
          <Route path="/dashboard">
            <Private staff>
              <Dashboard />
            </Private>
          </Route>
          <Route path="/kb-editor/:id?">
            {(p) => (
              <Private staff>
                <KbEditor id={p.id} />
              </Private>
            )}
          </Route>
          <Route path="/my/tickets">
            <Private>
              <MyTickets />
            </Private>
          </Route>
          <Route path="/my/new">
            <Private>
              <NewTicket />
            </Private>
          </Route>
          <Route path="/" component={Home} />
          <Route>
            <h1>Not found</h1>
          </Route>
        </Switch>
      </Suspense>
    </Layout>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <AuthProvider>
        <App />
      </AuthProvider>
    </QueryClientProvider>
  </StrictMode>,
);
