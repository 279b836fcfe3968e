import { formatBytes, formatCount, formatDuration, formatPercent, NONE } from '../lib/format';
import { current, streamKey } from '../lib/live';
import { feed, live, status, statusError } from '../lib/store';

export function SystemPage() {
  const s = status.value;
  const sys = s?.system;
  const counts = new Map<string, number>();
  let outputs = 0;
  for (const i of s?.inputs ?? []) {
    const st = current(live.value, streamKey('input', i.id))?.stats.state ?? i.state ?? 'unknown';
    counts.set(st, (counts.get(st) ?? 0) + 1);
    outputs += i.outputs.length;
  }
  return (
    <section aria-labelledby="system-title">
      <div class="page-head">
        <h1 id="system-title">System</h1>
      </div>
      {statusError.value && <p class="alert" role="alert">{statusError.value}</p>}
      {!sys ? (
        <p role="status">Loading…</p>
      ) : (
        <dl class="facts big system">
          <div><dt>Version</dt><dd>srtgw {sys.version}</dd></div>
          <div><dt>libsrt</dt><dd>{sys.libsrt_version ?? NONE}</dd></div>
          <div><dt>Uptime</dt><dd>{formatDuration(sys.uptime_ms)}</dd></div>
          <div><dt>CPU</dt><dd>{formatPercent(sys.cpu_percent)}</dd></div>
          <div><dt>CPU time</dt><dd>{sys.cpu_seconds != null ? `${sys.cpu_seconds.toFixed(1)} s` : NONE}</dd></div>
          <div><dt>Memory (RSS)</dt><dd>{formatBytes(sys.memory_rss_bytes)}</dd></div>
          <div><dt>Threads</dt><dd>{formatCount(sys.threads)}</dd></div>
          <div><dt>Open files</dt><dd>{formatCount(sys.open_fds)}</dd></div>
          <div><dt>Inputs</dt><dd>{formatCount(s?.inputs.length)} ({[...counts].map(([k, v]) => `${v} ${k}`).join(', ') || 'none'})</dd></div>
          <div><dt>Outputs</dt><dd>{formatCount(outputs)}</dd></div>
          <div><dt>Live feed</dt><dd>{feed.value}</dd></div>
        </dl>
      )}
    </section>
  );
}
