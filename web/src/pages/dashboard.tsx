import { signal } from '@preact/signals';
import { useState } from 'preact/hooks';
import { StreamActions, type Kind } from '../components/actions';
import { StateBadge, TsBadge } from '../components/badge';
import { Link } from '../components/link';
import { canWrite } from '../lib/api';
import { formatBitrate, formatCount, formatMs, formatTypeMode, NONE } from '../lib/format';
import { current, streamKey } from '../lib/live';
import { live, status, statusError, type InputDoc, type StreamDoc } from '../lib/store';

// Kept across page changes: coming back to the dashboard keeps the filter.
const nameFilter = signal('');
const stateFilter = signal('');

const STATES = ['connected', 'stalled', 'listening', 'connecting', 'reconnecting', 'error', 'stopped'];

/** What a row shows: the live snapshot when there is one, else the last status. */
export function figures(kind: Kind, doc: StreamDoc) {
  const l = current(live.value, streamKey(kind, doc.id));
  return {
    state: l?.stats.state ?? doc.state,
    error: l?.stats.error_message ?? doc.error_message,
    bitrate: l?.stats.bitrate_bps ?? doc.bitrate_bps,
    rtt: l?.summary.rtt ?? null,
    lost: l ? l.summary.lost : null,
    retrans: l ? l.summary.retrans : null,
    clients: l?.stats.connected_clients ?? doc.connected_clients,
  };
}

function matches(kind: Kind, doc: StreamDoc, name: string, state: string): boolean {
  const f = figures(kind, doc);
  return (name === '' || doc.name.toLowerCase().includes(name)) && (state === '' || f.state === state);
}

function Row({ kind, doc, onError }: { kind: Kind; doc: StreamDoc; onError: (m: string | null) => void }) {
  const f = figures(kind, doc);
  const isSrt = doc.type === 'srt';
  return (
    <tr class={kind === 'output' ? 'output-row' : 'input-row'} data-kind={kind} data-id={doc.id} data-name={doc.name}>
      <th scope="row" class="name">
        {kind === 'output' && <span class="tree" aria-hidden="true">└</span>}
        <Link href={`/${kind}s/${doc.id}`}>{doc.name}</Link>
        {!doc.enabled && <span class="tag">disabled</span>}
      </th>
      <td>{formatTypeMode(doc.type, doc.mode)}</td>
      <td>
        <StateBadge state={f.state} title={f.error} />
        {f.state === 'error' && f.error && <div class="error-text">{f.error}</div>}
      </td>
      <td class="num" data-field="bitrate">{formatBitrate(f.bitrate)}</td>
      <td class="num">{isSrt ? formatMs(f.rtt) : NONE}</td>
      <td class="num">{isSrt && f.lost != null ? `${formatCount(f.lost)} / ${formatCount(f.retrans)}` : NONE}</td>
      <td class="num">{kind === 'output' && isSrt && doc.mode === 'listener' ? formatCount(f.clients ?? 0) : NONE}</td>
      <td>{kind === 'input' ? <TsBadge ts={doc.ts} /> : null}</td>
      <td>
        <StreamActions kind={kind} doc={doc} onError={onError} compact />
      </td>
    </tr>
  );
}

export function Dashboard() {
  const [error, setError] = useState<string | null>(null);
  const s = status.value;
  const name = nameFilter.value.trim().toLowerCase();
  const state = stateFilter.value;
  const inputs: { input: InputDoc; outputs: StreamDoc[] }[] = [];
  const filtering = name !== '' || state !== '';
  for (const input of s?.inputs ?? []) {
    const inputMatches = matches('input', input, name, state);
    // A name that matches the input shows all its outputs; a state shows those in that state.
    const outs = !filtering
      ? input.outputs
      : input.outputs.filter((o) => matches('output', o, name, state) || (inputMatches && state === ''));
    if (!filtering || inputMatches || outs.length > 0) inputs.push({ input, outputs: outs });
  }
  const total = s?.inputs.length ?? 0;
  return (
    <section aria-labelledby="dash-title">
      <div class="page-head">
        <h1 id="dash-title">Streams</h1>
        {canWrite() && (
          <Link class="btn primary" href="/inputs/new">
            New input
          </Link>
        )}
      </div>
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Filter by name
          <input type="search" value={nameFilter.value} onInput={(e) => (nameFilter.value = e.currentTarget.value)} />
        </label>
        <label>
          State
          <select value={stateFilter.value} onChange={(e) => (stateFilter.value = e.currentTarget.value)}>
            <option value="">any</option>
            {STATES.map((st) => (
              <option key={st} value={st}>
                {st}
              </option>
            ))}
          </select>
        </label>
      </form>
      {error && <p class="alert" role="alert">{error}</p>}
      {statusError.value && <p class="alert" role="alert">Status unavailable: {statusError.value}</p>}
      {!s ? (
        <p role="status">Loading…</p>
      ) : total === 0 ? (
        <p class="empty">No inputs yet. {canWrite() && <Link href="/inputs/new">Create the first one</Link>}</p>
      ) : inputs.length === 0 ? (
        <p class="empty">No stream matches the filter.</p>
      ) : (
        <div class="table-wrap">
          <table class="streams">
            <caption class="sr-only">Inputs and their outputs, live</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">State</th>
                <th scope="col" class="num">Bitrate</th>
                <th scope="col" class="num">RTT</th>
                <th scope="col" class="num" title="SRT packets lost / retransmitted">Lost / retr.</th>
                <th scope="col" class="num">Clients</th>
                <th scope="col">TS</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            {inputs.map(({ input, outputs }) => (
              <tbody key={input.id} class="input-group">
                <Row kind="input" doc={input} onError={setError} />
                {outputs.map((o) => (
                  <Row key={o.id} kind="output" doc={o} onError={setError} />
                ))}
              </tbody>
            ))}
          </table>
        </div>
      )}
    </section>
  );
}
