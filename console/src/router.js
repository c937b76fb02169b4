// Hash routes: #/runs/<id> and the like. Pages get the route's parameters as props.
import { useEffect, useState } from 'preact/hooks';

const ROUTES = [
  ['overview', /^\/?$/],
  ['overview', /^\/overview$/],
  ['runs', /^\/runs$/],
  ['compare', /^\/compare\/([^/]+)$/],
  ['run', /^\/runs\/([^/]+)$/],
  ['models', /^\/models$/],
  ['model', /^\/models\/([^/]+)$/],
  ['endpoints', /^\/endpoints$/],
  ['endpoint', /^\/endpoints\/([^/]+)$/],
  ['abtests', /^\/ab-tests$/],
  ['drift', /^\/drift$/],
  ['driftReport', /^\/drift\/([^/]+)\/([^/]+)$/],
  ['datasets', /^\/datasets$/],
  ['dataset', /^\/datasets\/([^/]+)$/],
];

export function parseRoute(hash) {
  const [path, query = ''] = hash.replace(/^#/, '').split('?');
  for (const [name, re] of ROUTES) {
    const m = re.exec(path);
    if (m) return { name, args: m.slice(1).map(decodeURIComponent), query: new URLSearchParams(query) };
  }
  return { name: 'notFound', args: [path], query: new URLSearchParams() };
}

export function useRoute() {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

export const href = (...parts) => `#/${parts.map((p) => encodeURIComponent(p)).join('/')}`;
