// The console's one way to the Cirrus API. Locally it sends the bearer token the user gave;
// behind `cirrus console` (meta cirrus-auth=proxy) the local proxy signs calls, so no token.
import { useEffect, useState, useCallback } from 'preact/hooks';

const KEY = 'cirrus.token';

export const proxied = () => document.querySelector('meta[name="cirrus-auth"]')?.content === 'proxy';

/** Takes a token carried once in the URL (`/#token=…`), keeps it for the tab, and drops it from the address bar. */
export function takeTokenFromUrl() {
  const match = /^#token=([^&]+)/.exec(location.hash);
  if (!match) return;
  sessionStorage.setItem(KEY, decodeURIComponent(match[1]));
  history.replaceState(null, '', `${location.pathname}#/`);
}

export const token = () => sessionStorage.getItem(KEY);
export const setToken = (value) => sessionStorage.setItem(KEY, value);
export const forgetToken = () => sessionStorage.removeItem(KEY);

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.error?.code;
  }
}

/** One API call; JSON in and out. A 401 forgets the token and returns to the login page. */
export async function api(path, { method = 'GET', body } = {}) {
  // A header a cross-site page cannot send without a CORS preflight: `cirrus console` relays only calls that carry it.
  const headers = { 'x-cirrus-console': '1' };
  const t = token();
  if (t && !proxied()) headers.authorization = `Bearer ${t}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (res.status === 401 && !proxied()) {
    forgetToken();
    window.dispatchEvent(new Event('cirrus:logout'));
  }
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

/**
 * Loads `load()` when `key` changes; with `pollMs`, reloads while `keepPolling(data)` holds
 * (a running pipeline, for instance). Returns { data, error, reload }.
 */
export function useLoad(load, key, { pollMs, keepPolling } = {}) {
  const [state, setState] = useState({ data: undefined, error: undefined });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  useEffect(() => {
    let live = true;
    let timer;
    const run = () =>
      load().then(
        (data) => {
          if (!live) return;
          setState({ data, error: undefined });
          if (pollMs && keepPolling?.(data)) timer = setTimeout(run, pollMs);
        },
        (error) => live && setState((s) => ({ data: s.data, error })),
      );
    run();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key, tick]);
  return { ...state, reload };
}

/** Every page of a paged list route (`?pageToken=`), up to `max` items. */
export async function all(path, field, max = 500) {
  const items = [];
  let pageToken;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await api(pageToken ? `${path}${sep}pageToken=${encodeURIComponent(pageToken)}` : path);
    items.push(...(page[field] ?? []));
    pageToken = page.nextPageToken;
  } while (pageToken && items.length < max);
  return items;
}

export const enc = encodeURIComponent;
