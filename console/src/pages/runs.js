// Experiments and runs: a sortable, filterable table; tick runs to compare them; score by run.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, all, enc, useLoad } from '../api.js';
import { href } from '../router.js';
import { Card, Loaded, Page, Status } from '../components/common.js';
import { Table } from '../components/table.js';
import { Chart } from '../components/chart.js';
import { duration, num, shortId, when } from '../format.js';

async function loadRuns() {
  const { experiments } = await api('/v1/experiments');
  const runs = (
    await Promise.all(experiments.map((x) => all(`/v1/experiments/${enc(x.name)}/runs`, 'runs')))
  ).flat();
  return { experiments, runs };
}

export function Runs() {
  const state = useLoad(loadRuns, 'runs');
  const [filter, setFilter] = useState({ text: '', status: '', experiment: '' });
  const [picked, setPicked] = useState([]);
  const toggle = (id) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id]));
  return html`<${Page} title="Experiments and runs">
    <${Loaded} state=${state}>${(d) => {
      const rows = d.runs.filter(
        (r) =>
          (!filter.experiment || r.experiment === filter.experiment) &&
          (!filter.status || r.status === filter.status) &&
          (!filter.text ||
            `${r.id} ${r.algorithm} ${r.triggeredBy ?? ''}`
              .toLowerCase()
              .includes(filter.text.toLowerCase())),
      );
      const statuses = [...new Set(d.runs.map((r) => r.status))];
      const scored = [...rows]
        .filter((r) => r.score !== undefined)
        .sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
      return html` <form class="filters" role="search" onSubmit=${(e) => e.preventDefault()}>
          <label
            >Experiment
            <select
              value=${filter.experiment}
              onChange=${(e) => setFilter({ ...filter, experiment: e.currentTarget.value })}
            >
              <option value="">all</option>
              ${d.experiments.map((x) => html`<option value=${x.name}>${x.name}</option>`)}
            </select>
          </label>
          <label
            >Status
            <select
              value=${filter.status}
              onChange=${(e) => setFilter({ ...filter, status: e.currentTarget.value })}
            >
              <option value="">all</option>
              ${statuses.map((s) => html`<option value=${s}>${s}</option>`)}
            </select>
          </label>
          <label
            >Filter
            <input
              type="search"
              placeholder="run id, algorithm, trigger"
              value=${filter.text}
              onInput=${(e) => setFilter({ ...filter, text: e.currentTarget.value })}
          /></label>
          <a
            class=${picked.length >= 2 ? 'button primary' : 'button disabled'}
            aria-disabled=${picked.length < 2}
            href=${picked.length >= 2 ? href('compare', picked.join(',')) : undefined}
            >Compare ${picked.length} selected</a
          >
        </form>
        <${Table}
          caption=${`${rows.length} runs`}
          rowKey=${(r) => r.id}
          rows=${rows}
          initialSort=${{ key: 'createdAt', dir: -1 }}
          columns=${[
            {
              key: 'pick',
              label: 'compare',
              sortable: false,
              render: (r) =>
                html`<input
                  type="checkbox"
                  aria-label=${`select run ${r.id}`}
                  checked=${picked.includes(r.id)}
                  onChange=${() => toggle(r.id)}
                />`,
            },
            {
              key: 'id',
              label: 'run',
              render: (r) => html`<a href=${href('runs', r.id)} title=${r.id}>${shortId(r.id)}</a>`,
            },
            { key: 'experiment', label: 'experiment' },
            { key: 'algorithm', label: 'algorithm' },
            { key: 'status', label: 'status', render: (r) => html`<${Status} value=${r.status} />` },
            { key: 'score', label: 'score', render: (r) => num(r.score) },
            { key: 'durationMs', label: 'duration', render: (r) => duration(r.durationMs) },
            {
              key: 'triggeredBy',
              label: 'trigger',
              render: (r) => (r.triggeredBy?.startsWith('s3://') ? 'drift' : (r.triggeredBy ?? '–')),
            },
            { key: 'createdAt', label: 'started', render: (r) => when(r.createdAt) },
          ]}
        />
        ${
          scored.length > 0 &&
          html`<${Card} title="Score by run" wide>
          <${ScoreChart} runs=${scored} />
        </${Card}>`
        }`;
    }}</${Loaded}>
  </${Page}>`;
}

export function ScoreChart({ runs }) {
  const labels = runs.map((r) => `${r.algorithm} ${r.id.slice(-4)}`);
  return html`<${Chart}
    data=${[runs.map((_r, i) => i), runs.map((r) => r.score)]}
    series=${[{ label: 'score', stroke: '#2563eb' }]}
    xLabels=${labels}
    yRange=${[Math.min(0, ...runs.map((r) => r.score)), Math.max(1, ...runs.map((r) => r.score))]}
    summary=${`Score by run: ${runs.map((r, i) => `${labels[i]} ${num(r.score)}`).join('; ')}`}
  />`;
}
