import { useEffect } from 'preact/hooks';
import { auth, checkAuth, logout } from './lib/api';
import { match, navigate, path } from './lib/router';
import { feed, reconnectFeed, startFeeds } from './lib/store';
import { Link } from './components/link';
import { Dashboard } from './pages/dashboard';
import { StreamFormPage } from './pages/stream_form';
import { DetailPage } from './pages/detail';
import { EventsPage } from './pages/events';
import { SystemPage } from './pages/system';
import { LoginPage } from './pages/login';

function Page() {
  const p = path.value;
  let m: Record<string, string> | null;
  if (match('/', p)) return <Dashboard />;
  if (match('/inputs/new', p)) return <StreamFormPage kind="input" />;
  if (match('/outputs/new', p)) return <StreamFormPage kind="output" />;
  if ((m = match('/inputs/:id/edit', p))) return <StreamFormPage kind="input" id={Number(m.id)} />;
  if ((m = match('/outputs/:id/edit', p))) return <StreamFormPage kind="output" id={Number(m.id)} />;
  if ((m = match('/inputs/:id', p))) return <DetailPage kind="input" id={Number(m.id)} />;
  if ((m = match('/outputs/:id', p))) return <DetailPage kind="output" id={Number(m.id)} />;
  if (match('/events', p)) return <EventsPage />;
  if (match('/system', p)) return <SystemPage />;
  return (
    <section>
      <h1>Not found</h1>
      <p>
        Nothing here. <Link href="/">Back to the dashboard</Link>
      </p>
    </section>
  );
}

const NAV: [string, string][] = [
  ['/', 'Dashboard'],
  ['/events', 'Events'],
  ['/system', 'System'],
];

export function App() {
  useEffect(() => {
    void checkAuth().then(() => {
      if (auth.value.mode !== 'required') startFeeds();
    });
  }, []);

  const a = auth.value;
  if (a.mode === 'unknown') {
    return <p class="loading" role="status">Connecting to srtgw…</p>;
  }
  if (a.mode === 'required') {
    return (
      <LoginPage
        onLoggedIn={() => {
          startFeeds();
          reconnectFeed();
          if (path.value === '/login') navigate('/', true);
        }}
      />
    );
  }
  const current = path.value.split('?')[0];
  const f = feed.value;
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">srtgw</span>
        <nav aria-label="Main">
          <ul>
            {NAV.map(([href, label]) => {
              const active = href === '/' ? current === '/' || /^\/(inputs|outputs)/.test(current) : current.startsWith(href);
              return (
                <li key={href}>
                  <Link href={href} aria-current={active ? 'page' : undefined}>
                    {label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <span class={`feed feed-${f}`} role="status" title="WebSocket feed /api/v1/ws">
          {f === 'live' ? 'Live' : f === 'connecting' ? 'Connecting…' : 'Offline'}
        </span>
        {a.user && (
          <span class="user">
            {a.user.username} <span class="role">({a.user.role})</span>
            <button type="button" class="btn small" onClick={() => void logout()}>
              Log out
            </button>
          </span>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        <Page />
      </main>
    </>
  );
}
