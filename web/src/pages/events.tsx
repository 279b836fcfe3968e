import { useEffect, useState } from 'preact/hooks';
import { EventTable } from '../components/event_table';
import { ApiError, get } from '../lib/api';
import type { EventItem } from '../lib/live';
import { live } from '../lib/store';

const TYPES = [
  ['', 'all'],
  ['input.', 'input.*'],
  ['output.', 'output.*'],
  ['client.', 'client.*'],
  ['connection.rejected', 'connection.rejected'],
  ['ts.', 'ts.* (TR 101 290 alarms)'],
  ['config.', 'config.*'],
  ['gateway.', 'gateway.*'],
] as const;

const PER_PAGE = 50;

export function EventsPage() {
  const [type, setType] = useState('');
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ items: EventItem[]; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const q = new URLSearchParams({ page: String(page), per_page: String(PER_PAGE) });
    if (type) q.set('type', type);
    get<{ items: EventItem[]; total: number }>(`/api/v1/events?${q}`)
      .then((d) => {
        setData(d);
        setError(null);
      })
      .catch((e) => setError(e instanceof ApiError ? e.message : String(e)));
  }, [type, page]);

  // Page 1 shows what arrived on the feed since it was loaded, on top.
  let items = data?.items ?? [];
  if (page === 1) {
    const newest = items[0]?.id ?? 0;
    const fresh = live.value.events.filter((e) => e.id > newest && (type === '' || e.type === type || (type.endsWith('.') && e.type.startsWith(type))));
    items = [...fresh, ...items];
  }
  const pages = data ? Math.max(1, Math.ceil(data.total / PER_PAGE)) : 1;
  return (
    <section aria-labelledby="events-page-title">
      <div class="page-head">
        <h1 id="events-page-title">Events</h1>
      </div>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Type
          <select value={type} onChange={(e) => { setType(e.currentTarget.value); setPage(1); }}>
            {TYPES.map(([v, l]) => (
              <option key={v} value={v}>{l}</option>
            ))}
          </select>
        </label>
        <span class="muted">{data ? `${data.total} events` : ''}</span>
      </form>
      {error && <p class="alert" role="alert">{error}</p>}
      {!data ? <p role="status">Loading…</p> : <EventTable items={items} />}
      <nav class="pager" aria-label="Event pages">
        <button type="button" class="btn" disabled={page <= 1} onClick={() => setPage(page - 1)}>Newer</button>
        <span>Page {page} of {pages}</span>
        <button type="button" class="btn" disabled={page >= pages} onClick={() => setPage(page + 1)}>Older</button>
      </nav>
    </section>
  );
}
