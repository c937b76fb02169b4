// Small shared pieces: page frame, loading and error states, status badge, key-value list.
import { html } from '../html.js';
import { statusClass } from '../format.js';

export function Page({ title, children, actions }) {
  return html`<section class="page">
    <header class="page-head">
      <h1>${title}</h1>
      ${actions}
    </header>
    ${children}
  </section>`;
}

export function Loaded({ state, children }) {
  if (state.error && state.data === undefined)
    return html`<p class="error" role="alert">${state.error.message}</p>`;
  if (state.data === undefined) return html`<p class="loading" aria-busy="true">Loading…</p>`;
  return children(state.data);
}

export const Status = ({ value }) => html`<span class=${statusClass(value)}>${value ?? '–'}</span>`;

export function KeyValues({ items, label }) {
  return html`<dl class="kv" aria-label=${label}>
    ${items.map(
      ([k, v]) =>
        html`<div>
          <dt>${k}</dt>
          <dd>${v}</dd>
        </div>`,
    )}
  </dl>`;
}

export function Card({ title, children, wide }) {
  return html`<section class=${wide ? 'card wide' : 'card'} aria-label=${title}>
    <h2>${title}</h2>
    ${children}
  </section>`;
}
