// The REST client: same origin, cookie session when authentication is on, the CSRF token
// (kept in memory only) on every write, problem+json turned into ApiError, and a 401 from
// anywhere sends the user to the login page.

import { signal } from '@preact/signals';
import { parseProblem, type Problem } from './problem';

export type Role = 'admin' | 'operator' | 'viewer';
export interface User {
  username: string;
  role: Role;
}

/** unknown: not asked yet; off: the server has no authentication; required: log in. */
export type AuthMode = 'unknown' | 'off' | 'required' | 'ok';
export const auth = signal<{ mode: AuthMode; user: User | null }>({ mode: 'unknown', user: null });

let csrfToken: string | null = null;

export class ApiError extends Error {
  constructor(public readonly problem: Problem) {
    super(problem.errors.length > 0
      ? problem.errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; ')
      : problem.detail || problem.title);
  }
  get status(): number {
    return this.problem.status;
  }
}

export interface RequestOptions {
  body?: unknown;
  contentType?: string;
  /** Do not treat 401 as "log in" (the login call itself). */
  no401?: boolean;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['Content-Type'] = opts.contentType ?? 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body, credentials: 'same-origin', cache: 'no-store' });
  } catch (e) {
    throw new ApiError({ status: 0, title: 'Network error', detail: `srtgw did not answer (${String(e)})`, errors: [] });
  }
  const text = await res.text();
  if (!res.ok) {
    const problem = parseProblem(res.status, text);
    if (res.status === 401 && !opts.no401) {
      csrfToken = null;
      auth.value = { mode: 'required', user: null };
    }
    throw new ApiError(problem);
  }
  if (text === '') return undefined as T;
  return JSON.parse(text) as T;
}

export const get = <T>(path: string) => request<T>('GET', path);
export const post = <T>(path: string, body?: unknown) => request<T>('POST', path, { body });
export const patch = <T>(path: string, body: unknown) =>
  request<T>('PATCH', path, { body, contentType: 'application/merge-patch+json' });
export const del = (path: string) => request<void>('DELETE', path);

/** On start: who am I? 404 means the server has no authentication (yet): go on without. */
export async function checkAuth(): Promise<void> {
  try {
    const me = await request<{ user: User; csrf_token?: string }>('GET', '/api/v1/auth/me', { no401: true });
    csrfToken = me.csrf_token ?? null;
    auth.value = { mode: 'ok', user: me.user };
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      auth.value = { mode: 'required', user: null };
    } else {
      auth.value = { mode: 'off', user: null };
    }
  }
}

export async function login(username: string, password: string): Promise<void> {
  const r = await request<{ token?: string; csrf_token: string; user: User }>(
    'POST', '/api/v1/auth/login', { body: { username, password }, no401: true });
  // The bearer token is not kept: the HttpOnly cookie is the session in a browser.
  csrfToken = r.csrf_token ?? null;
  auth.value = { mode: 'ok', user: r.user };
}

export async function logout(): Promise<void> {
  try {
    await request<void>('POST', '/api/v1/auth/logout', { no401: true });
  } finally {
    csrfToken = null;
    auth.value = { mode: 'required', user: null };
  }
}

/** Viewers read only: write controls are hidden for them. */
export function canWrite(): boolean {
  const u = auth.value.user;
  return !u || u.role !== 'viewer';
}
