import { describe, expect, it } from 'vitest';
import { formatBitrate, formatBytes, formatCount, formatDuration, formatMs, formatPercent, formatTsHealth, formatTypeMode, NONE } from './format';

describe('formatters', () => {
  it('bitrates in decimal units', () => {
    expect(formatBitrate(0)).toBe('0 b/s');
    expect(formatBitrate(999)).toBe('999 b/s');
    expect(formatBitrate(282752)).toBe('283 kb/s');
    expect(formatBitrate(4520000)).toBe('4.52 Mb/s');
    expect(formatBitrate(15_300_000)).toBe('15.3 Mb/s');
    expect(formatBitrate(2.5e9)).toBe('2.50 Gb/s');
    expect(formatBitrate(undefined)).toBe(NONE);
    expect(formatBitrate(NaN)).toBe(NONE);
  });

  it('milliseconds, bytes, counts, percentages', () => {
    expect(formatMs(0.046)).toBe('0.05 ms');
    expect(formatMs(12.34)).toBe('12.3 ms');
    expect(formatMs(250.4)).toBe('250 ms');
    expect(formatMs(null)).toBe(NONE);
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(14815232)).toBe('14.1 MiB');
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatPercent(3.14159)).toBe('3.1 %');
    expect(formatPercent(42)).toBe('42 %');
  });

  it('durations', () => {
    expect(formatDuration(4200)).toBe('4s');
    expect(formatDuration(65000)).toBe('1m 5s');
    expect(formatDuration(3723000)).toBe('1h 2m');
    expect(formatDuration(93784000)).toBe('1d 2h');
    expect(formatDuration(-1)).toBe(NONE);
  });

  it('type and mode, TS health', () => {
    expect(formatTypeMode('srt', 'caller')).toBe('SRT caller');
    expect(formatTypeMode('srt')).toBe('SRT listener');
    expect(formatTypeMode('udp')).toBe('UDP');
    expect(formatTsHealth({ available: false })).toEqual({ text: NONE, level: 'none' });
    expect(formatTsHealth({ available: true, is_ts: true, worst_active_priority: 2 }).level).toBe('p2');
    expect(formatTsHealth({ available: true, is_ts: true, worst_active_priority: 1 }).text).toBe('P1 errors');
    expect(formatTsHealth({ available: true, is_ts: true, worst_active_priority: null }).text).toBe('OK');
    expect(formatTsHealth({ available: true, is_ts: false }).text).toBe('not TS');
  });
});
