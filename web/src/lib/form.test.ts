import { describe, expect, it } from 'vitest';
import { applicableFields, emptyForm, fromDoc, toDoc, toPatch } from './form';

describe('stream form model', () => {
  it('fields follow kind, type and mode like the server', () => {
    const srtListenerOut = applicableFields('output', 'srt', 'listener');
    expect(srtListenerOut.has('max_clients')).toBe(true);
    expect(applicableFields('input', 'srt', 'listener').has('max_clients')).toBe(false);
    expect(applicableFields('input', 'udp', 'listener').has('ttl')).toBe(false);
    expect(applicableFields('output', 'udp', 'listener').has('destination_addr')).toBe(true);
    expect(applicableFields('input', 'udp', 'listener').has('latency_ms')).toBe(false);
    expect(applicableFields('input', 'srt', 'caller').has('local_port')).toBe(true);
    expect(applicableFields('input', 'srt', 'rendezvous').has('listen_port')).toBe(true);
    expect(applicableFields('input', 'srt', 'rendezvous').has('local_port')).toBe(false);
    expect(applicableFields('output', 'srt', 'caller').has('stall_timeout_ms')).toBe(true);
    expect(applicableFields('output', 'udp', 'listener').has('stall_timeout_ms')).toBe(false);
  });

  it('a create body carries only applicable, filled fields; numbers as numbers', () => {
    const v = { ...emptyForm('input'), name: 'Venue A', listen_port: '9000', latency_ms: '200', target_addr: 'ignored:1', destination_addr: 'x' };
    expect(toDoc('input', v)).toEqual({ type: 'srt', mode: 'listener', enabled: true, name: 'Venue A', listen_port: 9000, latency_ms: 200 });
  });

  it('what is not a number is sent as typed, for the server to name', () => {
    const v = { ...emptyForm('input'), listen_port: '9000', latency_ms: 'abc' };
    expect(toDoc('input', v).latency_ms).toBe('abc');
  });

  it('FEC, tlpktdrop and the passphrase', () => {
    const v = { ...emptyForm('output'), input_id: '1', listen_port: '9001', passphrase: 'correct-horse', tlpktdrop: 'false' as const, fec_enabled: true, fec_cols: '10', fec_rows: '5', fec_layout: 'staircase', fec_arq: '' };
    expect(toDoc('output', v)).toMatchObject({ input_id: 1, passphrase: 'correct-horse', tlpktdrop: false, fec: { cols: 10, rows: 5, layout: 'staircase' } });
  });

  it('reads a stored document back (live fields ignored)', () => {
    const doc = { id: 1, type: 'srt', mode: 'listener', name: 'A', enabled: true, listen_port: 9000, latency_ms: 200, passphrase_set: true, state: 'connected', bitrate_bps: 5, fec: { cols: 4, rows: 2 } };
    const v = fromDoc('input', doc);
    expect(v).toMatchObject({ name: 'A', listen_port: '9000', latency_ms: '200', passphrase: '', fec_enabled: true, fec_cols: '4' });
  });

  it('an edit is a merge patch: changes, removals as null, the passphrase kept', () => {
    const doc = { id: 1, type: 'srt', mode: 'listener', name: 'A', enabled: true, listen_port: 9000, latency_ms: 200, stream_id: 'x', passphrase_set: true, state: 'connected' };
    const v = { ...fromDoc('input', doc), latency_ms: '500', stream_id: '' };
    expect(toPatch('input', doc, v)).toEqual({ latency_ms: 500, stream_id: null });
    expect(toPatch('input', doc, { ...v, clear_passphrase: true })).toMatchObject({ passphrase: null });
    expect(toPatch('input', doc, { ...v, passphrase: 'new-secret-1' })).toMatchObject({ passphrase: 'new-secret-1' });
  });

  it('changing type drops what no longer applies', () => {
    const doc = { id: 1, type: 'srt', mode: 'listener', name: 'A', enabled: true, listen_port: 9000, latency_ms: 200, passphrase_set: true };
    const v = { ...fromDoc('input', doc), type: 'udp' as const };
    expect(toPatch('input', doc, v)).toEqual({ type: 'udp', mode: null, latency_ms: null, passphrase: null });
  });
});
