// The console's entry: login (token) or the shell with its navigation and the routed page.
import './style.css';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { html } from './html.js';
import { forgetToken, proxied, setToken, takeTokenFromUrl, token } from './api.js';
import { useRoute } from './router.js';
import { Overview } from './pages/overview.js';
import { Runs } from './pages/runs.js';
import { Compare } from './pages/compare.js';
import { Run } from './pages/run.js';
import { Model, Models } from './pages/models.js';
import { Endpoint, Endpoints } from './pages/endpoints.js';
import { AbTests } from './pages/ab-tests.js';
import { Drift, DriftReport } from './pages/drift.js';
import { Dataset, Datasets } from './pages/datasets.js';

const NAV = [
  ['#/', 'Overview', ['overview']],
  ['#/runs', 'Experiments & runs', ['runs', 'run', 'compare']],
  ['#/models', 'Models', ['models', 'model']],
  ['#/endpoints', 'Endpoints', ['endpoints', 'endpoint']],
  ['#/ab-tests', 'A/B tests', ['abtests']],
  ['#/drift', 'Drift', ['drift', 'driftReport']],
  ['#/datasets', 'Datasets', ['datasets', 'dataset']],
];

const PAGES = {
  overview: () => html`<${Overview} />`,
  runs: () => html`<${Runs} />`,
  compare: ([ids]) => html`<${Compare} ids=${ids} />`,
  run: ([id]) => html`<${Run} id=${id} />`,
  models: () => html`<${Models} />`,
  model: ([name]) => html`<${Model} name=${name} />`,
  endpoints: () => html`<${Endpoints} />`,
  endpoint: ([name]) => html`<${Endpoint} name=${name} />`,
  abtests: () => html`<${AbTests} />`,
  drift: () => html`<${Drift} />`,
  driftReport: ([endpoint, id]) => html`<${DriftReport} endpoint=${endpoint} id=${id} />`,
  datasets: () => html`<${Datasets} />`,
  dataset: ([name]) => html`<${Dataset} name=${name} />`,
  notFound: ([path]) =>
    html`<section class="page">
      <h1>Not found</h1>
      <p>No page at ${path}.</p>
    </section>`,
};

function Login({ onToken, refused }) {
  const [value, setValue] = useState('');
  return html`<main class="login">
    <form
      onSubmit=${(e) => {
        e.preventDefault();
        if (value.trim()) onToken(value.trim());
      }}
    >
      <h1>Cirrus console</h1>
      <p>
        Paste the API token that <code>cirrus local up</code> printed (it is also in
        <code>&lt;data-dir&gt;/token</code>).
      </p>
      ${refused && html`<p class="error" role="alert">The API refused that token.</p>`}
      <label for="token">API token</label>
      <input
        id="token"
        type="password"
        autocomplete="off"
        value=${value}
        onInput=${(e) => setValue(e.currentTarget.value)}
      />
      <button type="submit" class="primary">Open the console</button>
    </form>
  </main>`;
}

function Shell({ onLogout }) {
  const route = useRoute();
  useEffect(() => window.scrollTo(0, 0), [route.name, route.args.join('/')]);
  return html`<div class="shell">
    <a
      class="skip"
      href="#main"
      onClick=${(e) => {
        e.preventDefault();
        document.getElementById('main')?.focus();
      }}
      >Skip to content</a
    >
    <header class="top">
      <span class="brand">☁ Cirrus</span>
      <nav aria-label="Console pages">
        <ul>
          ${NAV.map(
            ([to, label, names]) =>
              html`<li>
                <a href=${to} aria-current=${names.includes(route.name) ? 'page' : undefined}>${label}</a>
              </li>`,
          )}
        </ul>
      </nav>
      ${!proxied() && html`<button type="button" class="logout" onClick=${onLogout}>Log out</button>`}
    </header>
    <main id="main" tabindex="-1">${PAGES[route.name](route.args, route.query)}</main>
  </div>`;
}

function App() {
  const [authed, setAuthed] = useState(() => proxied() || Boolean(token()));
  const [refused, setRefused] = useState(false);
  useEffect(() => {
    const out = () => {
      setAuthed(false);
      setRefused(true);
    };
    window.addEventListener('cirrus:logout', out);
    return () => window.removeEventListener('cirrus:logout', out);
  }, []);
  if (!authed)
    return html`<${Login}
      refused=${refused}
      onToken=${(t) => {
        setToken(t);
        setAuthed(true);
      }}
    />`;
  return html`<${Shell}
    onLogout=${() => {
      forgetToken();
      setAuthed(false);
    }}
  />`;
}

takeTokenFromUrl();
const root = document.getElementById('app');
root.textContent = '';
render(html`<${App} />`, root);
performance.mark('cirrus:first-render');
