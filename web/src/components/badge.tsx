import { formatTsHealth } from '../lib/format';

const STATES = new Set(['stopped', 'listening', 'connecting', 'connected', 'stalled', 'reconnecting', 'error']);

/** A stream's state as a coloured badge; the text is the state itself (never colour alone). */
export function StateBadge({ state, title }: { state?: string; title?: string }) {
  const s = state && STATES.has(state) ? state : 'unknown';
  return (
    <span class={`badge state-${s}`} data-state={s} title={title}>
      {state ?? 'unknown'}
    </span>
  );
}

export function TsBadge({ ts }: { ts?: Parameters<typeof formatTsHealth>[0] }) {
  const h = formatTsHealth(ts);
  return <span class={`badge ts-${h.level}`}>{h.text}</span>;
}
