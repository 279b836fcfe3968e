// What every page reads: the gateway's status (GET /api/v1/status, refreshed every few
// seconds and after each event) and the live feed (WebSocket, one snapshot a second).

import { signal } from '@preact/signals';
import { ApiError, auth, get } from './api';
import { emptyLive, reduce, type LiveState } from './live';

export interface StreamDoc {
  id: number;
  type: 'srt' | 'udp';
  mode?: 'listener' | 'caller' | 'rendezvous';
  name: string;
  enabled: boolean;
  input_id?: number;
  state?: string;
  error_message?: string;
  bitrate_bps?: number;
  packets?: number;
  bytes?: number;
  connected_clients?: number;
  local_port?: number;
  peer?: string;
  passphrase_set?: boolean;
  ts?: { available?: boolean; is_ts?: boolean; worst_active_priority?: number | null; alarm_count?: number };
  [k: string]: unknown;
}

export interface InputDoc extends StreamDoc {
  outputs: StreamDoc[];
}

export interface SystemInfo {
  version: string;
  libsrt_version?: string;
  uptime_ms: number;
  cpu_percent: number;
  cpu_seconds?: number;
  memory_rss_bytes: number;
  threads: number;
  open_fds?: number;
}

export interface StatusDoc {
  inputs: InputDoc[];
  system: SystemInfo;
}

export const status = signal<StatusDoc | null>(null);
export const statusError = signal<string | null>(null);
export const live = signal<LiveState>(emptyLive());
export type FeedState = 'connecting' | 'live' | 'offline';
export const feed = signal<FeedState>('connecting');

let refreshing: Promise<void> | null = null;
let refreshTimer: ReturnType<typeof setTimeout> | null = null;

export function refreshStatus(): Promise<void> {
  if (refreshing) return refreshing;
  refreshing = (async () => {
    try {
      status.value = await get<StatusDoc>('/api/v1/status');
      statusError.value = null;
    } catch (e) {
      statusError.value = e instanceof ApiError ? e.message : String(e);
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/** Coalesces bursts of events into one status request. */
export function refreshSoon(): void {
  if (refreshTimer) return;
  refreshTimer = setTimeout(() => {
    refreshTimer = null;
    void refreshStatus();
  }, 250);
}

let ws: WebSocket | null = null;
let retryMs = 1000;
let started = false;

function connect(): void {
  if (auth.value.mode === 'required') {
    feed.value = 'offline';
    setTimeout(connect, 2000);
    return;
  }
  feed.value = 'connecting';
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const sock = new WebSocket(`${scheme}://${location.host}/api/v1/ws`);
  ws = sock;
  sock.onopen = () => {
    feed.value = 'live';
    retryMs = 1000;
    void refreshStatus();
  };
  sock.onmessage = (m) => {
    if (typeof m.data !== 'string') return;
    live.value = reduce(live.value, m.data);
    if (m.data.startsWith('{"type":"event"')) refreshSoon();
  };
  sock.onclose = () => {
    if (ws !== sock) return;
    ws = null;
    feed.value = 'offline';
    setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 10000);
  };
}

/** After a login: reconnect at once (the upgrade now carries the session cookie). */
export function reconnectFeed(): void {
  retryMs = 1000;
  if (ws) ws.close();
  void refreshStatus();
}

/** Starts the feed and the status refresh once (after authentication is known). */
export function startFeeds(): void {
  if (started) return;
  started = true;
  void refreshStatus();
  connect();
  setInterval(() => {
    if (auth.value.mode !== 'required' && document.visibilityState !== 'hidden') void refreshStatus();
  }, 3000);
}

export function findInput(id: number): InputDoc | undefined {
  return status.value?.inputs.find((i) => i.id === id);
}

export function findOutput(id: number): StreamDoc | undefined {
  for (const i of status.value?.inputs ?? []) {
    const o = i.outputs.find((x) => x.id === id);
    if (o) return o;
  }
  return undefined;
}
