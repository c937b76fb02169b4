// Runs side by side: parameters and metrics in columns, rows that differ marked; score by run.
import { html } from '../html.js';
import { api, enc, useLoad } from '../api.js';
import { href } from '../router.js';
import { Card, Loaded, Page } from '../components/common.js';
import { ScoreChart } from './runs.js';
import { num, shortId } from '../format.js';

const params = (r) => ({
  algorithm: r.algorithm,
  dataset: `${r.dataset.name}@${r.dataset.version.slice(0, 12)}`,
  target: r.dataset.target,
  split: `${r.split.strategy} ${r.split.testSize}`,
  seed: r.split.seed,
  ...Object.fromEntries(Object.entries(r.hyperparameters ?? {}).map(([k, v]) => [k, JSON.stringify(v)])),
});

const metrics = (r) =>
  Object.fromEntries(Object.entries(r.metrics ?? {}).filter(([, v]) => typeof v === 'number'));

function SideBySide({ title, runs, pick, format }) {
  const values = runs.map(pick);
  const keys = [...new Set(values.flatMap((v) => Object.keys(v)))];
  return html`<${Card} title=${title} wide>
    <table class="table compare">
      <caption>${title} of ${runs.length} runs; rows marked ≠ differ</caption>
      <thead><tr><th scope="col">${title === 'Parameters' ? 'parameter' : 'metric'}</th>${runs.map((r) => html`<th scope="col"><a href=${href('runs', r.id)}>${r.algorithm} ${shortId(r.id)}</a></th>`)}<th scope="col">differs</th></tr></thead>
      <tbody>
        ${keys.map((k) => {
          const cells = values.map((v) => (v[k] === undefined ? '–' : format(v[k])));
          const differs = new Set(cells).size > 1;
          return html`<tr class=${differs ? 'differs' : ''} data-key=${k}>
            <th scope="row">${k}</th>
            ${cells.map((c) => html`<td>${c}</td>`)}
            <td>${differs ? html`<span class="diff-mark" aria-label="differs">≠</span>` : ''}</td>
          </tr>`;
        })}
      </tbody>
    </table>
  </${Card}>`;
}

export function Compare({ ids }) {
  const list = ids.split(',');
  const state = useLoad(() => Promise.all(list.map((id) => api(`/v1/runs/${enc(id)}`))), ids);
  return html`<${Page} title=${`Compare ${list.length} runs`}>
    <${Loaded} state=${state}>${(runs) => html`<div class="grid">
      <${SideBySide} title="Parameters" runs=${runs} pick=${params} format=${String} />
      <${SideBySide} title="Metrics" runs=${runs} pick=${metrics} format=${(v) => num(v)} />
      <${Card} title="Score by run" wide><${ScoreChart} runs=${runs.filter((r) => r.score !== undefined)} /></${Card}>
    </div>`}</${Loaded}>
  </${Page}>`;
}
