import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, auth, canWrite, checkAuth, login, logout, post } from './api';

type Call = { url: string; init: RequestInit };
let calls: Call[] = [];
let answers: Response[] = [];

function answer(status: number, body: unknown = '') {
  answers.push(new Response(body === '' ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' },
  }));
}

beforeEach(() => {
  calls = [];
  answers = [];
  auth.value = { mode: 'unknown', user: null };
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const a = answers.shift();
    if (!a) throw new Error(`unexpected request ${url}`);
    return a;
  });
});
afterEach(() => vi.unstubAllGlobals());

const headers = (c: Call) => c.init.headers as Record<string, string>;

describe('authentication contract (#7)', () => {
  it('404 on /auth/me: no authentication, go on', async () => {
    answer(404, { title: 'Not Found', status: 404 });
    await checkAuth();
    expect(calls[0].url).toBe('/api/v1/auth/me');
    expect(auth.value.mode).toBe('off');
    expect(canWrite()).toBe(true);
  });

  it('401 on /auth/me: log in', async () => {
    answer(401, { title: 'Unauthorized', status: 401 });
    await checkAuth();
    expect(auth.value.mode).toBe('required');
  });

  it('login keeps the CSRF token in memory and sends it on every write', async () => {
    answer(200, { token: 't', csrf_token: 'csrf-123', user: { username: 'admin', role: 'admin' }, expires_at: 0 });
    await login('admin', 'pw');
    expect(JSON.parse(calls[0].init.body as string)).toEqual({ username: 'admin', password: 'pw' });
    expect(auth.value).toEqual({ mode: 'ok', user: { username: 'admin', role: 'admin' } });
    answer(201, { id: 1 });
    await post('/api/v1/inputs', { type: 'srt' });
    expect(headers(calls[1])['X-CSRF-Token']).toBe('csrf-123');
    expect(calls[1].init.credentials).toBe('same-origin');
  });

  it('a wrong password is an error on the login page, not a redirect loop', async () => {
    answer(401, { title: 'Unauthorized', status: 401, detail: 'bad credentials' });
    await expect(login('admin', 'nope')).rejects.toBeInstanceOf(ApiError);
    expect(auth.value.mode).toBe('unknown');
  });

  it('a 401 from any call shows the login page and forgets the token', async () => {
    answer(200, { csrf_token: 'c1', user: { username: 'op', role: 'operator' } });
    await checkAuth();
    answer(401, { title: 'Unauthorized', status: 401 });
    await expect(post('/api/v1/inputs/1/stop')).rejects.toBeInstanceOf(ApiError);
    expect(auth.value.mode).toBe('required');
    answer(404, { title: 'Not Found', status: 404 });
    await expect(post('/api/v1/inputs/1/stop')).rejects.toBeInstanceOf(ApiError);
    expect(headers(calls[2])['X-CSRF-Token']).toBeUndefined();
  });

  it('viewers cannot write; logout ends the session', async () => {
    answer(200, { csrf_token: 'c2', user: { username: 'v', role: 'viewer' } });
    await checkAuth();
    expect(canWrite()).toBe(false);
    answer(204);
    await logout();
    expect(calls[1].url).toBe('/api/v1/auth/logout');
    expect(calls[1].init.method).toBe('POST');
    expect(headers(calls[1])['X-CSRF-Token']).toBe('c2');
    expect(auth.value.mode).toBe('required');
  });

  it('field errors come back as an ApiError with the problem', async () => {
    answer(400, { title: 'Invalid request', status: 400, errors: [{ field: 'latency_ms', message: 'must be between 0 and 60000' }] });
    const err = (await post('/api/v1/inputs', {}).catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(400);
    expect(err.problem.errors[0].field).toBe('latency_ms');
  });
});
