// The live picture built from the WebSocket feed (/api/v1/ws): one statistics message per
// second ({type:"stats", time_ms, streams:[...]}) and events ({type:"event", event}).
// `reduce` is pure: the UI keeps its result in a signal and charts read the history.

export interface SrtFigures {
  rtt_ms?: number;
  packets_received_lost?: number;
  packets_received_retransmitted?: number;
  packets_retransmitted?: number;
  packets_sent_lost?: number;
  packets_received_dropped?: number;
  packets_sent_dropped?: number;
  receive_buffer_ms?: number;
  send_buffer_ms?: number;
  bandwidth_mbps?: number;
  [k: string]: number | undefined;
}

export interface ClientStats {
  peer?: string;
  stream_id?: string;
  bitrate_bps?: number;
  packets?: number;
  bytes?: number;
  dropped?: number;
  connected_at_ms?: number;
  uptime_ms?: number;
  srt?: SrtFigures;
}

export interface StreamStats {
  kind: 'input' | 'output';
  id: number;
  input_id?: number;
  name?: string;
  state?: string;
  error_message?: string;
  peer?: string;
  bitrate_bps?: number;
  packets?: number;
  bytes?: number;
  dropped?: number;
  connected_clients?: number;
  uptime_ms?: number;
  srt?: SrtFigures;
  clients?: ClientStats[];
}

export interface EventItem {
  id: number;
  type: string;
  time_ms: number;
  input_id?: number;
  output_id?: number;
  message?: string;
  data?: Record<string, unknown>;
}

/** Figures that the dashboard and the charts show, whatever the stream's kind. */
export interface Summary {
  rtt: number | null;
  lost: number;
  retrans: number;
  bufferMs: number | null;
}

export interface History {
  t: number[]; // seconds (uPlot's x)
  bitrate: (number | null)[];
  rtt: (number | null)[];
  lost: number[]; // per sample
  retrans: number[]; // per sample
  buffer: (number | null)[];
}

export interface StreamLive {
  stats: StreamStats;
  summary: Summary;
  /** time_ms of the snapshot this stream was last in. */
  seenMs: number;
  history: History;
}

export interface LiveState {
  streams: Record<string, StreamLive>;
  events: EventItem[];
  lastStatsMs: number;
}

export const MAX_POINTS = 600; // ten minutes at one snapshot a second
export const MAX_EVENTS = 200;

export function emptyLive(): LiveState {
  return { streams: {}, events: [], lastStatsMs: 0 };
}

export function streamKey(kind: 'input' | 'output', id: number | string): string {
  return `${kind}:${id}`;
}

/**
 * An input receives (its losses and retransmissions are received ones); an output sends; an
 * SRT listener output adds its clients up (RTT and buffer: the worst client).
 */
export function summarize(s: StreamStats): Summary {
  const num = (x: number | undefined) => (typeof x === 'number' && Number.isFinite(x) ? x : 0);
  if (s.kind === 'input') {
    return {
      rtt: s.srt?.rtt_ms ?? null,
      lost: num(s.srt?.packets_received_lost),
      retrans: num(s.srt?.packets_received_retransmitted),
      bufferMs: s.srt?.receive_buffer_ms ?? null,
    };
  }
  if (Array.isArray(s.clients)) {
    let rtt: number | null = null;
    let buf: number | null = null;
    let lost = 0;
    let retrans = 0;
    for (const c of s.clients) {
      if (c.srt?.rtt_ms != null) rtt = Math.max(rtt ?? 0, c.srt.rtt_ms);
      if (c.srt?.send_buffer_ms != null) buf = Math.max(buf ?? 0, c.srt.send_buffer_ms);
      lost += num(c.srt?.packets_sent_lost);
      retrans += num(c.srt?.packets_retransmitted);
    }
    return { rtt, lost, retrans, bufferMs: buf };
  }
  return {
    rtt: s.srt?.rtt_ms ?? null,
    lost: num(s.srt?.packets_sent_lost),
    retrans: num(s.srt?.packets_retransmitted),
    bufferMs: s.srt?.send_buffer_ms ?? null,
  };
}

function push<T>(arr: T[], v: T, max: number): T[] {
  const out = arr.length >= max ? arr.slice(arr.length - max + 1) : arr.slice();
  out.push(v);
  return out;
}

function emptyHistory(): History {
  return { t: [], bitrate: [], rtt: [], lost: [], retrans: [], buffer: [] };
}

export function reduceStats(
  state: LiveState,
  timeMs: number,
  streams: StreamStats[],
  maxPoints = MAX_POINTS,
): LiveState {
  const next: Record<string, StreamLive> = { ...state.streams };
  for (const s of streams) {
    if (!s || (s.kind !== 'input' && s.kind !== 'output') || typeof s.id !== 'number') continue;
    const key = streamKey(s.kind, s.id);
    const prev = state.streams[key];
    const summary = summarize(s);
    // Counters restart with a new connection: a drop is a restart, not negative loss.
    const dLost = prev ? Math.max(0, summary.lost - prev.summary.lost) : 0;
    const dRetrans = prev ? Math.max(0, summary.retrans - prev.summary.retrans) : 0;
    const h = prev?.history ?? emptyHistory();
    const t = timeMs / 1000;
    if (h.t.length > 0 && h.t[h.t.length - 1] >= t) {
      next[key] = { ...prev!, stats: s, summary, seenMs: timeMs };
      continue; // a repeated or out-of-order snapshot adds no point
    }
    next[key] = {
      stats: s,
      summary,
      seenMs: timeMs,
      history: {
        t: push(h.t, t, maxPoints),
        bitrate: push(h.bitrate, s.bitrate_bps ?? null, maxPoints),
        rtt: push(h.rtt, summary.rtt, maxPoints),
        lost: push(h.lost, dLost, maxPoints),
        retrans: push(h.retrans, dRetrans, maxPoints),
        buffer: push(h.buffer, summary.bufferMs, maxPoints),
      },
    };
  }
  return { ...state, streams: next, lastStatsMs: Math.max(state.lastStatsMs, timeMs) };
}

export function reduceEvent(state: LiveState, e: EventItem): LiveState {
  if (!e || typeof e.type !== 'string') return state;
  if (state.events.some((x) => x.id === e.id)) return state;
  const events = [e, ...state.events].slice(0, MAX_EVENTS);
  let streams = state.streams;
  const st = e.data?.state;
  if ((e.type === 'input.state' || e.type === 'output.state') && typeof st === 'string') {
    const kind = e.type === 'input.state' ? 'input' : 'output';
    const id = kind === 'input' ? e.input_id : e.output_id;
    const key = id != null ? streamKey(kind, id) : '';
    if (key && streams[key]) {
      streams = { ...streams, [key]: { ...streams[key], stats: { ...streams[key].stats, state: st } } };
    }
  }
  return { ...state, events, streams };
}

/** One WebSocket message (text) applied to the state; anything unknown changes nothing. */
export function reduce(state: LiveState, text: string, maxPoints = MAX_POINTS): LiveState {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return state;
  }
  if (!msg || typeof msg !== 'object') return state;
  const m = msg as { type?: string; time_ms?: number; streams?: StreamStats[]; event?: EventItem };
  if (m.type === 'stats' && Array.isArray(m.streams) && typeof m.time_ms === 'number') {
    return reduceStats(state, m.time_ms, m.streams, maxPoints);
  }
  if (m.type === 'event' && m.event) {
    return reduceEvent(state, m.event);
  }
  return state;
}

/** The live figures of a stream when it was in the latest snapshot, else undefined. */
export function current(state: LiveState, key: string): StreamLive | undefined {
  const s = state.streams[key];
  return s && s.seenMs === state.lastStatsMs ? s : undefined;
}
