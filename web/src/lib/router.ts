// A small history router: the server answers index.html for every console path, so
// /inputs/3 survives a reload and can be bookmarked.

import { signal } from '@preact/signals';

export const path = signal(typeof location !== 'undefined' ? location.pathname + location.search : '/');

export function navigate(to: string, replace = false): void {
  if (to === path.value) return;
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  path.value = to;
  window.scrollTo(0, 0);
}

if (typeof window !== 'undefined') {
  window.addEventListener('popstate', () => {
    path.value = location.pathname + location.search;
  });
}

/** "/inputs/3/edit" against "/inputs/:id/edit" -> {id: "3"}; null when it does not match. */
export function match(pattern: string, full: string): Record<string, string> | null {
  const p = full.split('?')[0].replace(/\/+$/, '') || '/';
  const a = pattern.split('/');
  const b = p.split('/');
  if (a.length !== b.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < a.length; i++) {
    if (a[i].startsWith(':')) {
      if (b[i] === '') return null;
      params[a[i].slice(1)] = decodeURIComponent(b[i]);
    } else if (a[i] !== b[i]) {
      return null;
    }
  }
  return params;
}

export function queryParam(name: string): string | null {
  const q = path.value.split('?')[1] ?? '';
  return new URLSearchParams(q).get(name);
}
