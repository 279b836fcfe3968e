import { useEffect, useState } from 'preact/hooks';
import { StreamActions, type Kind } from '../components/actions';
import { StateBadge, TsBadge } from '../components/badge';
import { Chart } from '../components/chart';
import { EventTable } from '../components/event_table';
import { Link } from '../components/link';
import { ApiError, get } from '../lib/api';
import {
  formatBitrate, formatBytes, formatCount, formatDuration, formatMs, formatTime, formatTypeMode, NONE,
} from '../lib/format';
import { streamKey, type ClientStats, type EventItem, type StreamStats } from '../lib/live';
import { findInput, findOutput, live, status, type StreamDoc } from '../lib/store';
import { figures } from './dashboard';

interface Indicator {
  id: string;
  name: string;
  priority: number;
  active: boolean;
  count: number;
  first_ms: number | null;
  last_ms: number | null;
}
interface Pid {
  pid: number;
  kind: string;
  description: string;
  bitrate_bps: number;
  packets: number;
  cc_errors: number;
  carries_pcr: boolean;
  scrambled: boolean;
  referenced: boolean;
}
interface Program {
  program_number: number;
  service_name?: string;
  provider_name?: string;
  service_type?: number;
  pmt_pid: number;
  pcr_pid: number;
  streams: { pid: number; stream_type: number; codec: string; kind: string }[];
}
interface Analysis {
  available: boolean;
  is_ts?: boolean;
  in_sync?: boolean;
  idle?: boolean;
  worst_active_priority?: number | null;
  total_bitrate_bps?: number;
  null_bitrate_bps?: number;
  packets_analyzed?: number;
  transport_stream_id?: number;
  indicators?: Indicator[];
  pids?: Pid[];
  programs?: Program[];
}

/** Polls a GET every `ms` while mounted; errors are kept, not thrown. */
function usePoll<T>(path: string | null, ms: number): { data: T | null; error: string | null } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!path) return;
    let alive = true;
    let timer: ReturnType<typeof setTimeout>;
    const tick = async () => {
      try {
        const d = await get<T>(path);
        if (alive) {
          setData(d);
          setError(null);
        }
      } catch (e) {
        if (alive) setError(e instanceof ApiError ? e.message : String(e));
      }
      if (alive) timer = setTimeout(tick, ms);
    };
    void tick();
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [path, ms]);
  return { data, error };
}

const CONFIG_LABELS: [string, string, (v: unknown) => string][] = [
  ['listen_port', 'Listen port', String],
  ['local_port', 'Bound port', String],
  ['bind_addr', 'Bind address', String],
  ['target_addr', 'Target', String],
  ['destination_addr', 'Destination', String],
  ['local_addr', 'Local address', String],
  ['interface', 'Interface', String],
  ['multicast_source', 'SSM source', String],
  ['latency_ms', 'Latency', (v) => `${v} ms`],
  ['rcv_latency_ms', 'Receive latency', (v) => `${v} ms`],
  ['peer_latency_ms', 'Peer latency', (v) => `${v} ms`],
  ['pbkeylen', 'Key length', String],
  ['passphrase_set', 'Passphrase', (v) => (v ? 'set' : 'none')],
  ['stream_id', 'Stream ID', String],
  ['max_clients', 'Max clients', String],
  ['max_bw', 'Max bandwidth', (v) => `${v} B/s`],
  ['input_bw', 'Input bandwidth', (v) => `${v} B/s`],
  ['overhead_pct', 'Overhead', (v) => `${v} %`],
  ['tlpktdrop', 'Too-late drop', (v) => (v ? 'on' : 'off')],
  ['conn_timeout_ms', 'Connect timeout', (v) => `${v} ms`],
  ['peer_idle_timeout_ms', 'Peer idle timeout', (v) => `${v} ms`],
  ['payload_size', 'Payload size', (v) => `${v} B`],
  ['stall_timeout_ms', 'Stall timeout', (v) => `${v} ms`],
  ['ttl', 'TTL', String],
  ['tos', 'TOS', String],
  ['fec', 'FEC', (v) => JSON.stringify(v)],
  ['peer', 'Peer', String],
];

function Charts({ kind, id }: { kind: Kind; id: number }) {
  const l = live.value.streams[streamKey(kind, id)];
  const h = l?.history ?? { t: [], bitrate: [], rtt: [], lost: [], retrans: [], buffer: [] };
  return (
    <div class="charts">
      <Chart title="Bitrate" x={h.t} series={[{ label: 'bitrate', color: '#4da3ff', values: h.bitrate, fill: true }]} format={(v) => formatBitrate(v)} />
      <Chart title="RTT" x={h.t} series={[{ label: 'RTT', color: '#f5b942', values: h.rtt }]} format={(v) => formatMs(v)} />
      <Chart
        title="Loss and retransmissions (packets/s)"
        x={h.t}
        series={[
          { label: 'lost', color: '#ff6b6b', values: h.lost },
          { label: 'retransmitted', color: '#b58cff', values: h.retrans },
        ]}
        format={(v) => (v == null ? NONE : formatCount(v))}
        integer
      />
      <Chart title={kind === 'input' ? 'Receive buffer' : 'Send buffer'} x={h.t} series={[{ label: 'buffer', color: '#3ecf8e', values: h.buffer, fill: true }]} format={(v) => formatMs(v)} />
    </div>
  );
}

function Clients({ clients }: { clients: ClientStats[] }) {
  return (
    <section aria-labelledby="clients-title">
      <h2 id="clients-title">SRT clients ({clients.length})</h2>
      {clients.length === 0 ? (
        <p class="empty">No caller connected.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Peer</th>
                <th scope="col">Stream ID</th>
                <th scope="col" class="num">Bitrate</th>
                <th scope="col" class="num">RTT</th>
                <th scope="col" class="num">Lost / retr.</th>
                <th scope="col" class="num">Send buffer</th>
                <th scope="col" class="num">Dropped</th>
                <th scope="col" class="num">Connected for</th>
              </tr>
            </thead>
            <tbody>
              {clients.map((c) => (
                <tr key={`${c.peer}-${c.connected_at_ms}`}>
                  <th scope="row">{c.peer ?? NONE}</th>
                  <td>{c.stream_id || NONE}</td>
                  <td class="num">{formatBitrate(c.bitrate_bps)}</td>
                  <td class="num">{formatMs(c.srt?.rtt_ms)}</td>
                  <td class="num">{formatCount(c.srt?.packets_sent_lost ?? 0)} / {formatCount(c.srt?.packets_retransmitted ?? 0)}</td>
                  <td class="num">{formatMs(c.srt?.send_buffer_ms)}</td>
                  <td class="num">{formatCount(c.dropped ?? 0)}</td>
                  <td class="num">{formatDuration(c.uptime_ms)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function TsAnalysis({ id }: { id: number }) {
  const { data: a, error } = usePoll<Analysis>(`/api/v1/inputs/${id}/analysis`, 2000);
  return (
    <section aria-labelledby="ts-title">
      <h2 id="ts-title">TS analysis (TR 101 290)</h2>
      {error && <p class="alert">{error}</p>}
      {!a ? (
        <p role="status">Loading…</p>
      ) : !a.available ? (
        <p class="empty">No analysis yet: nothing received.</p>
      ) : (
        <>
          <dl class="facts">
            <div><dt>Transport stream</dt><dd>{a.is_ts ? `yes (TSID ${a.transport_stream_id ?? NONE})` : 'no'}</dd></div>
            <div><dt>In sync</dt><dd>{a.in_sync ? 'yes' : 'no'}</dd></div>
            <div><dt>Total bitrate</dt><dd>{formatBitrate(a.total_bitrate_bps)}</dd></div>
            <div><dt>Null packets</dt><dd>{formatBitrate(a.null_bitrate_bps)}</dd></div>
            <div><dt>Packets analysed</dt><dd>{formatCount(a.packets_analyzed)}</dd></div>
            <div><dt>Health</dt><dd><TsBadge ts={{ available: true, is_ts: a.is_ts, worst_active_priority: a.worst_active_priority }} /></dd></div>
          </dl>
          <h3>Indicators</h3>
          <div class="table-wrap">
            <table class="indicators">
              <thead>
                <tr>
                  <th scope="col">ID</th>
                  <th scope="col">Indicator</th>
                  <th scope="col">Priority</th>
                  <th scope="col">Now</th>
                  <th scope="col" class="num">Count</th>
                  <th scope="col">Last</th>
                </tr>
              </thead>
              <tbody>
                {(a.indicators ?? []).map((i) => (
                  <tr key={i.id} class={i.active ? 'active-alarm' : ''}>
                    <td>{i.id}</td>
                    <th scope="row">{i.name}</th>
                    <td>{i.priority}</td>
                    <td>{i.active ? <span class={`badge ts-p${i.priority}`}>active</span> : <span class="badge ts-ok">ok</span>}</td>
                    <td class="num">{formatCount(i.count)}</td>
                    <td>{i.last_ms ? formatTime(i.last_ms, true) : NONE}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h3>Services</h3>
          {(a.programs ?? []).length === 0 ? (
            <p class="empty">No PMT seen yet.</p>
          ) : (
            <ul class="services">
              {(a.programs ?? []).map((p) => (
                <li key={p.program_number}>
                  <strong>{p.service_name || `Program ${p.program_number}`}</strong>
                  {p.provider_name ? ` (${p.provider_name})` : ''} · program {p.program_number} · PMT PID {p.pmt_pid} · PCR PID {p.pcr_pid}
                  <ul>
                    {p.streams.map((st) => (
                      <li key={st.pid}>
                        PID {st.pid}: {st.codec} ({st.kind}, stream type {st.stream_type})
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
          )}
          <h3>PIDs</h3>
          <div class="table-wrap">
            <table class="pids">
              <thead>
                <tr>
                  <th scope="col" class="num">PID</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Description</th>
                  <th scope="col" class="num">Bitrate</th>
                  <th scope="col" class="num">Packets</th>
                  <th scope="col" class="num">CC errors</th>
                  <th scope="col">Flags</th>
                </tr>
              </thead>
              <tbody>
                {(a.pids ?? []).map((p) => (
                  <tr key={p.pid}>
                    <th scope="row" class="num">{p.pid} <span class="muted">(0x{p.pid.toString(16)})</span></th>
                    <td>{p.kind}</td>
                    <td>{p.description}</td>
                    <td class="num">{formatBitrate(p.bitrate_bps)}</td>
                    <td class="num">{formatCount(p.packets)}</td>
                    <td class="num">{formatCount(p.cc_errors)}</td>
                    <td>{[p.carries_pcr && 'PCR', p.scrambled && 'scrambled', !p.referenced && 'unreferenced'].filter(Boolean).join(', ') || NONE}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

function RecentEvents({ kind, id }: { kind: Kind; id: number }) {
  const { data } = usePoll<{ items: EventItem[] }>(`/api/v1/events?${kind}=${id}&per_page=20`, 10000);
  const mine = (e: EventItem) => (kind === 'input' ? e.input_id === id : e.output_id === id);
  const fresh = live.value.events.filter(mine);
  const seen = new Set(fresh.map((e) => e.id));
  const items = [...fresh, ...(data?.items ?? []).filter((e) => !seen.has(e.id))].slice(0, 20);
  return (
    <section aria-labelledby="events-title">
      <h2 id="events-title">Recent events</h2>
      <EventTable items={items} />
    </section>
  );
}

export function DetailPage({ kind, id }: { kind: Kind; id: number }) {
  const [error, setError] = useState<string | null>(null);
  const doc: StreamDoc | undefined = kind === 'input' ? findInput(id) : findOutput(id);
  const l = live.value.streams[streamKey(kind, id)];
  const isListenerOut = kind === 'output' && doc?.type === 'srt' && (doc.mode ?? 'listener') === 'listener';
  // A listener output's clients come with the live feed; the REST stats fill in before it.
  const polled = usePoll<StreamStats>(isListenerOut ? `/api/v1/outputs/${id}/stats` : null, 2000);

  if (!doc) {
    return status.value ? (
      <section>
        <h1>No such {kind}</h1>
        <p>
          {kind} {id} does not exist (any more). <Link href="/">Back to the dashboard</Link>
        </p>
      </section>
    ) : (
      <p role="status">Loading…</p>
    );
  }
  const f = figures(kind, doc);
  const clients = (l?.stats.clients ?? polled.data?.clients ?? []) as ClientStats[];
  const parent = kind === 'output' && doc.input_id ? findInput(doc.input_id) : undefined;
  return (
    <section aria-labelledby="detail-title" class="detail">
      <p class="crumbs">
        <Link href="/">Streams</Link>
        {parent && (
          <>
            {' / '}
            <Link href={`/inputs/${parent.id}`}>{parent.name}</Link>
          </>
        )}
      </p>
      <div class="page-head">
        <h1 id="detail-title">
          {doc.name} <span class="muted">· {kind} {doc.id} · {formatTypeMode(doc.type, doc.mode)}</span>
        </h1>
        <StateBadge state={f.state} title={f.error} />
      </div>
      {f.state === 'error' && f.error && <p class="alert">{f.error}</p>}
      {error && <p class="alert" role="alert">{error}</p>}
      <StreamActions kind={kind} doc={doc} onError={setError} afterDelete="/" />
      <dl class="facts big">
        <div><dt>Bitrate</dt><dd data-field="bitrate">{formatBitrate(f.bitrate)}</dd></div>
        {doc.type === 'srt' && <div><dt>RTT</dt><dd>{formatMs(f.rtt)}</dd></div>}
        {doc.type === 'srt' && <div><dt>Lost / retransmitted</dt><dd>{f.lost != null ? `${formatCount(f.lost)} / ${formatCount(f.retrans)}` : NONE}</dd></div>}
        {isListenerOut && <div><dt>Clients</dt><dd>{formatCount(f.clients ?? 0)}</dd></div>}
        <div><dt>Packets</dt><dd>{formatCount(l?.stats.packets ?? doc.packets)}</dd></div>
        <div><dt>Bytes</dt><dd>{formatBytes(l?.stats.bytes ?? doc.bytes)}</dd></div>
        {l?.stats.uptime_ms != null && <div><dt>Up for</dt><dd>{formatDuration(l.stats.uptime_ms)}</dd></div>}
      </dl>
      <Charts kind={kind} id={id} />
      <details class="config" open>
        <summary>Configuration</summary>
        <dl class="facts">
          {CONFIG_LABELS.filter(([k]) => doc[k] !== undefined && doc[k] !== null && doc[k] !== '').map(([k, label, fmt]) => (
            <div key={k} data-config={k}>
              <dt>{label}</dt>
              <dd>{fmt(doc[k])}</dd>
            </div>
          ))}
        </dl>
      </details>
      {isListenerOut && <Clients clients={clients} />}
      {kind === 'input' && <OutputsOf id={id} />}
      {kind === 'input' && <TsAnalysis id={id} />}
      <RecentEvents kind={kind} id={id} />
    </section>
  );
}

function OutputsOf({ id }: { id: number }) {
  const input = findInput(id);
  const outs = input?.outputs ?? [];
  return (
    <section aria-labelledby="outputs-title">
      <h2 id="outputs-title">Outputs ({outs.length})</h2>
      {outs.length === 0 ? (
        <p class="empty">
          No outputs. <Link href={`/outputs/new?input=${id}`}>Add one</Link>
        </p>
      ) : (
        <ul class="outputs">
          {outs.map((o) => {
            const f = figures('output', o);
            return (
              <li key={o.id}>
                <Link href={`/outputs/${o.id}`}>{o.name}</Link> · {formatTypeMode(o.type, o.mode)} · <StateBadge state={f.state} /> · {formatBitrate(f.bitrate)}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
