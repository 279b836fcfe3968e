import { describe, expect, it } from 'vitest';
import { mapFieldErrors, parseProblem } from './problem';

const body = JSON.stringify({
  type: 'about:blank', title: 'Invalid request', status: 400, detail: '3 fields are invalid',
  errors: [
    { field: 'latency_ms', message: 'latency_ms must be between 0 and 60000, got -5' },
    { field: 'colour', message: 'unknown field' },
    { field: 'fec.cols', message: 'must be an integer' },
    { field: 'latency_ms', message: 'second complaint' },
  ],
});

describe('problem+json', () => {
  it('parses srtgw problems', () => {
    const p = parseProblem(400, body);
    expect(p.title).toBe('Invalid request');
    expect(p.detail).toBe('3 fields are invalid');
    expect(p.errors).toHaveLength(4);
  });

  it('maps errors to the fields shown, the rest to the summary', () => {
    const { byField, other } = mapFieldErrors(parseProblem(400, body), new Set(['latency_ms', 'fec.cols']));
    expect(byField.latency_ms).toBe('latency_ms must be between 0 and 60000, got -5; second complaint');
    expect(byField['fec.cols']).toBe('must be an integer');
    expect(other).toEqual(['colour: unknown field']);
  });

  it('a problem without field errors keeps its detail', () => {
    const p = parseProblem(409, JSON.stringify({ title: 'Conflict', status: 409, detail: 'port 9000 is used by input 1' }));
    expect(mapFieldErrors(p, new Set()).other).toEqual(['port 9000 is used by input 1']);
  });

  it('survives a body that is not JSON', () => {
    const p = parseProblem(502, '<html>bad gateway</html>');
    expect(p.title).toBe('HTTP 502');
    expect(p.detail).toContain('bad gateway');
    expect(p.errors).toEqual([]);
  });
});
