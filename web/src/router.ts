/**
 * Hash routes, so the gateway serves one document at `/` and every view has a shareable address:
 * `#/` (runs, with `?status=…&label=k=v&after=…`), `#/runs/<jobId>`, `#/runs/<jobId>/evaluate`, `#/new`.
 */
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { view: 'runs'; query: URLSearchParams }
  | { view: 'run'; id: string }
  | { view: 'evaluate'; id: string; query: URLSearchParams }
  | { view: 'submit' }
  | { view: 'missing'; path: string };

export function parseRoute(hash: string): Route {
  const [rawPath = '', rawQuery = ''] = hash.replace(/^#/, '').split('?', 2);
  const path = rawPath.replace(/\/+$/, '') || '/';
  const query = new URLSearchParams(rawQuery);
  if (path === '/') return { view: 'runs', query };
  if (path === '/new') return { view: 'submit' };
  const run = /^\/runs\/([^/]+)(\/evaluate)?$/.exec(path);
  if (run?.[1]) {
    const id = decodeURIComponent(run[1]);
    return run[2] ? { view: 'evaluate', id, query } : { view: 'run', id };
  }
  return { view: 'missing', path };
}

export function href(path: string, query?: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) if (value) params.set(key, value);
  const search = params.toString();
  return `#${path}${search ? `?${search}` : ''}`;
}

export function runHref(jobId: string): string {
  return `#/runs/${encodeURIComponent(jobId)}`;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
