import { formatTime, NONE } from '../lib/format';
import type { EventItem } from '../lib/live';
import { findInput, findOutput } from '../lib/store';
import { Link } from './link';

function level(type: string): string {
  if (type === 'ts.alarm.raised' || type === 'connection.rejected') return 'warn';
  if (type.endsWith('.state')) return 'state';
  return 'info';
}

function StreamRef({ e }: { e: EventItem }) {
  if (e.output_id) {
    const o = findOutput(e.output_id);
    return <Link href={`/outputs/${e.output_id}`}>{o?.name ?? `output ${e.output_id}`}</Link>;
  }
  if (e.input_id) {
    const i = findInput(e.input_id);
    return <Link href={`/inputs/${e.input_id}`}>{i?.name ?? `input ${e.input_id}`}</Link>;
  }
  return <span class="muted">gateway</span>;
}

function describe(e: EventItem): string {
  const d = e.data ?? {};
  const parts: string[] = [];
  if (typeof d.state === 'string') parts.push(d.state);
  if (e.message) parts.push(e.message);
  if (typeof d.peer === 'string' && !(e.message ?? '').includes(d.peer)) parts.push(`peer ${d.peer}`);
  if (typeof d.stream_id === 'string' && d.stream_id) parts.push(`stream id ${d.stream_id}`);
  return parts.join(' · ') || NONE;
}

export function EventTable({ items }: { items: EventItem[] }) {
  if (items.length === 0) return <p class="empty">No events.</p>;
  return (
    <div class="table-wrap">
      <table class="events">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Type</th>
            <th scope="col">Stream</th>
            <th scope="col">What</th>
          </tr>
        </thead>
        <tbody>
          {items.map((e) => (
            <tr key={e.id} class={`ev-${level(e.type)}`}>
              <td class="nowrap">{formatTime(e.time_ms)}</td>
              <td class="nowrap">{e.type}</td>
              <td><StreamRef e={e} /></td>
              <td>{describe(e)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
