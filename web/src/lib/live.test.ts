import { describe, expect, it } from 'vitest';
import { current, emptyLive, reduce, summarize, type StreamStats } from './live';

const input = (lost: number, retrans: number, state = 'connected'): StreamStats => ({
  kind: 'input', id: 1, name: 'A', state, bitrate_bps: 282752,
  srt: { rtt_ms: 0.5, packets_received_lost: lost, packets_received_retransmitted: retrans, receive_buffer_ms: 170 },
});
const stats = (t: number, ...streams: StreamStats[]) => JSON.stringify({ type: 'stats', time_ms: t, streams });

describe('live state from the WebSocket feed', () => {
  it('keeps the latest figures and a history point per snapshot', () => {
    let s = reduce(emptyLive(), stats(1000, input(0, 0)));
    s = reduce(s, stats(2000, input(5, 3)));
    const a = s.streams['input:1'];
    expect(a.stats.bitrate_bps).toBe(282752);
    expect(a.history.t).toEqual([1, 2]);
    expect(a.history.lost).toEqual([0, 5]);
    expect(a.history.retrans).toEqual([0, 3]);
    expect(a.history.rtt).toEqual([0.5, 0.5]);
    expect(a.history.buffer).toEqual([170, 170]);
    expect(current(s, 'input:1')).toBeDefined();
  });

  it('a counter that restarts (reconnect) is no negative loss', () => {
    let s = reduce(emptyLive(), stats(1000, input(10, 0)));
    s = reduce(s, stats(2000, input(2, 0)));
    expect(s.streams['input:1'].history.lost).toEqual([0, 0]);
  });

  it('bounds the history', () => {
    let s = emptyLive();
    for (let i = 1; i <= 10; i++) s = reduce(s, stats(i * 1000, input(i, 0)), 4);
    expect(s.streams['input:1'].history.t).toEqual([7, 8, 9, 10]);
  });

  it('ignores repeated snapshots, unknown messages and garbage', () => {
    let s = reduce(emptyLive(), stats(1000, input(0, 0)));
    const same = reduce(s, stats(1000, input(0, 0)));
    expect(same.streams['input:1'].history.t).toEqual([1]);
    expect(reduce(s, '{"type":"subscribed","streams":[]}')).toBe(s);
    expect(reduce(s, 'not json')).toBe(s);
    s = reduce(s, stats(2000, { kind: 'bogus' } as unknown as StreamStats));
    expect(Object.keys(s.streams)).toEqual(['input:1']);
  });

  it('a stream missing from the latest snapshot is no longer current', () => {
    let s = reduce(emptyLive(), stats(1000, input(0, 0)));
    s = reduce(s, stats(2000));
    expect(current(s, 'input:1')).toBeUndefined();
    expect(s.streams['input:1'].history.t).toEqual([1]);
  });

  it('events are kept newest first, once, and state events update the state', () => {
    let s = reduce(emptyLive(), stats(1000, input(0, 0, 'listening')));
    const ev = (id: number, state: string) => JSON.stringify({ type: 'event', event: { id, type: 'input.state', input_id: 1, time_ms: id, data: { state } } });
    s = reduce(s, ev(1, 'connected'));
    s = reduce(s, ev(2, 'reconnecting'));
    s = reduce(s, ev(2, 'reconnecting'));
    expect(s.events.map((e) => e.id)).toEqual([2, 1]);
    expect(s.streams['input:1'].stats.state).toBe('reconnecting');
  });

  it('a listener output adds its clients up', () => {
    const out: StreamStats = {
      kind: 'output', id: 2, connected_clients: 2, clients: [
        { peer: 'a', srt: { rtt_ms: 3, packets_sent_lost: 1, packets_retransmitted: 2, send_buffer_ms: 5 } },
        { peer: 'b', srt: { rtt_ms: 9, packets_sent_lost: 4, packets_retransmitted: 1, send_buffer_ms: 2 } },
      ],
    };
    expect(summarize(out)).toEqual({ rtt: 9, lost: 5, retrans: 3, bufferMs: 5 });
    expect(summarize({ kind: 'output', id: 3 })).toEqual({ rtt: null, lost: 0, retrans: 0, bufferMs: null });
  });
});
