// A/B tests: each endpoint's current (or last) test: plan, arms, each arm's metric and the
// always-valid interval on the difference over samples (the evaluator's looks), the decision.
import { html } from '../html.js';
import { api, enc, useLoad } from '../api.js';
import { Card, KeyValues, Loaded, Page } from '../components/common.js';
import { Chart } from '../components/chart.js';
import { Table } from '../components/table.js';
import { num, when } from '../format.js';

async function loadTests() {
  const { endpoints } = await api('/v1/endpoints');
  const tests = await Promise.all(
    endpoints.map(async (e) => {
      const path = `/v1/endpoints/${enc(e.name)}/ab-tests/current`;
      const test = await api(path).catch((err) => (err.status === 404 ? null : Promise.reject(err)));
      return test && { ...test, looks: (await api(`${path}/looks`)).looks };
    }),
  );
  return tests.filter(Boolean);
}

export function AbTests() {
  const state = useLoad(loadTests, 'ab', {
    pollMs: 3000,
    keepPolling: (t) => t.some((x) => x.state === 'running'),
  });
  return html`<${Page} title="A/B tests">
    <${Loaded} state=${state}>${(tests) => (tests.length === 0 ? html`<p>No A/B test yet.</p>` : tests.map((t) => html`<${AbTest} test=${t} />`))}</${Loaded}>
  </${Page}>`;
}

function AbTest({ test: t }) {
  const arms = [t.champion, t.challenger].map((a, i) => ({
    ...a,
    role: i === 0 ? 'champion' : 'challenger',
  }));
  return html`<div class="grid" aria-label=${`A/B test ${t.testId}`}>
    <${Card} title=${`${t.endpoint}: test ${t.testId}`}>
      <${KeyValues} label="plan" items=${[
        ['state', t.state],
        ['metric', t.metric],
        ['challenger share', `${t.split}%`],
        ['samples', `min ${t.minSamples}, max ${t.maxSamples} per arm`],
        ['alpha', t.alpha],
        ['started', when(t.startedAt)],
        ['decided', when(t.decidedAt)],
      ]} />
    </${Card}>
    <${Card} title="Decision">
      <p class="decision"><strong>${t.decision ? t.decision.replace(/_/g, ' ') : 'no decision yet'}</strong></p>
      <p>${t.reason ?? ''}</p>
      <${KeyValues} label="evidence" items=${[
        ['difference (challenger − champion)', num(t.difference)],
        [
          'always-valid 95% interval',
          t.confidenceInterval ? `[${num(t.confidenceInterval[0])}, ${num(t.confidenceInterval[1])}]` : '–',
        ],
        ['always-valid p', num(t.pValue)],
        ['fixed-horizon p', num(t.fixedHorizonPValue)],
      ]} />
    </${Card}>
    <${Card} title="Arms" wide>
      <${Table}
        caption=${`${t.metric} per arm`}
        rowKey=${(a) => a.role}
        rows=${arms}
        columns=${[
          { key: 'role', label: 'arm' },
          { key: 'version', label: 'version', render: (a) => `v${a.version}` },
          { key: 'n', label: 'samples' },
          { key: 'metric', label: t.metric, render: (a) => num(a.metric) },
        ]}
      />
      ${t.confidenceInterval && html`<${Interval} test=${t} />`}
    </${Card}>
    <${Card} title="Evidence over samples" wide><${Looks} test=${t} /></${Card}>
  </div>`;
}

/** The difference and its always-valid band against zero (no difference). */
function Interval({ test: t }) {
  const [lo, hi] = t.confidenceInterval;
  const span = Math.max(Math.abs(lo), Math.abs(hi), Math.abs(t.difference), 0.05) * 1.2;
  const x = (v) => 300 + (v / span) * 280;
  return html`<svg
    class="interval"
    viewBox="0 0 600 70"
    role="img"
    aria-label=${`difference ${num(t.difference)}, band from ${num(lo)} to ${num(hi)}`}
  >
    <line x1="20" x2="580" y1="35" y2="35" class="axis" />
    <line x1=${x(0)} x2=${x(0)} y1="10" y2="60" class="zero" />
    <rect x=${x(lo)} y="25" width=${Math.max(2, x(hi) - x(lo))} height="20" class="band" />
    <circle cx=${x(t.difference)} cy="35" r="6" class="point" />
    <text x=${x(0)} y="9" text-anchor="middle">0</text>
    <text x=${x(lo)} y="66" text-anchor="middle">${num(lo, 3)}</text>
    <text x=${x(hi)} y="66" text-anchor="middle">${num(hi, 3)}</text>
  </svg>`;
}

const CHAMPION = '#1d4ed8';
const CHALLENGER = '#b45309';

/**
 * The evaluator's looks (one per evaluation with new samples): each arm's metric, and the
 * difference inside its always-valid band, by labelled samples (both arms together).
 */
function Looks({ test: t }) {
  const looks = t.looks;
  if (looks.length === 0) return html`<p>No look yet: each arm needs two labelled samples.</p>`;
  const xs = looks.map((l) => l.championN + l.challengerN);
  const last = looks.at(-1);
  const level = `${Math.round((1 - t.alpha) * 100)}%`;
  const band = `[${num(last.interval[0])}, ${num(last.interval[1])}]`;
  return html`
    <${Chart}
      data=${[xs, looks.map((l) => l.championMetric), looks.map((l) => l.challengerMetric)]}
      series=${[
        { label: `champion v${t.champion.version}`, stroke: CHAMPION },
        { label: `challenger v${t.challenger.version}`, stroke: CHALLENGER },
      ]}
      summary=${`${t.metric} by labelled samples over ${looks.length} looks; at ${xs.at(-1)} samples: champion ${num(last.championMetric)}, challenger ${num(last.challengerMetric)}`}
    />
    <${Chart}
      data=${[xs, looks.map((l) => l.interval[1]), looks.map((l) => l.difference), looks.map((l) => l.interval[0]), xs.map(() => 0)]}
      series=${[
        { label: `${level} band, upper`, stroke: '#64748b', dash: [4, 4], points: { show: false } },
        { label: 'difference (challenger − champion)', stroke: CHALLENGER },
        { label: `${level} band, lower`, stroke: '#64748b', dash: [4, 4], points: { show: false } },
        { label: 'no difference', stroke: '#0f172a', width: 1, points: { show: false } },
      ]}
      bands=${[{ series: [1, 3], fill: 'rgba(100, 116, 139, 0.18)' }]}
      summary=${`difference by labelled samples with its always-valid ${level} band; at ${xs.at(-1)} samples: difference ${num(last.difference)}, band ${band}, always-valid p ${num(last.pValue)}`}
    />
    <details>
      <summary>${`The ${looks.length} looks`}</summary>
      <table class="table compact looks">
        <caption>Each look of the evaluator, oldest first</caption>
        <thead><tr><th scope="col">samples</th><th scope="col">champion</th><th scope="col">challenger</th><th scope="col">difference</th><th scope="col">${`always-valid ${level} band`}</th><th scope="col">p</th></tr></thead>
        <tbody>
          ${looks.map(
            (l, i) => html`<tr>
              <th scope="row">${xs[i]}</th>
              <td>${num(l.championMetric)}</td>
              <td>${num(l.challengerMetric)}</td>
              <td>${num(l.difference)}</td>
              <td>${`[${num(l.interval[0])}, ${num(l.interval[1])}]`}</td>
              <td>${num(l.pValue)}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    </details>`;
}
