// How figures read on screen: short, unit-bearing, and "–" when there is no figure.

export const NONE = '–';

export function formatBitrate(bps: number | null | undefined): string {
  if (bps == null || !Number.isFinite(bps)) return NONE;
  const units = ['b/s', 'kb/s', 'Mb/s', 'Gb/s'];
  let v = Math.max(0, bps);
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  const digits = i === 0 ? 0 : v < 10 ? 2 : v < 100 ? 1 : 0;
  return `${v.toFixed(digits)} ${units[i]}`;
}

export function formatMs(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return NONE;
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms)} ms`;
}

export function formatBytes(n: number | null | undefined): string {
  if (n == null || !Number.isFinite(n)) return NONE;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = Math.max(0, n);
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : v < 10 ? 2 : 1)} ${units[i]}`;
}

export function formatCount(n: number | null | undefined): string {
  if (n == null || !Number.isFinite(n)) return NONE;
  return Math.round(n).toLocaleString('en-US');
}

/** 93784000 -> "1d 2h", 3723000 -> "1h 2m", 65000 -> "1m 5s", 4200 -> "4s". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms) || ms < 0) return NONE;
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${sec}s`;
  return `${sec}s`;
}

export function formatPercent(p: number | null | undefined): string {
  if (p == null || !Number.isFinite(p)) return NONE;
  return `${p.toFixed(p < 10 ? 1 : 0)} %`;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** Local wall-clock time, "2026-11-21 09:16:11" (or just the time when `timeOnly`). */
export function formatTime(ms: number | null | undefined, timeOnly = false): string {
  if (ms == null || !Number.isFinite(ms)) return NONE;
  const d = new Date(ms);
  const t = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  if (timeOnly) return t;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${t}`;
}

/** "srt" + "listener" -> "SRT listener"; "udp" -> "UDP". */
export function formatTypeMode(type: string | undefined, mode?: string): string {
  const t = (type ?? '').toUpperCase();
  return type === 'srt' ? `${t} ${mode ?? 'listener'}` : t;
}

/** TR 101 290 health: worst active priority (1 worst), or ok / not analysed. */
export function formatTsHealth(ts: { available?: boolean; is_ts?: boolean; worst_active_priority?: number | null } | undefined): { text: string; level: 'ok' | 'p1' | 'p2' | 'none' } {
  if (!ts || !ts.available) return { text: NONE, level: 'none' };
  if (ts.is_ts === false) return { text: 'not TS', level: 'p1' };
  const p = ts.worst_active_priority;
  if (p === 1) return { text: 'P1 errors', level: 'p1' };
  if (p === 2) return { text: 'P2 errors', level: 'p2' };
  return { text: 'OK', level: 'ok' };
}
