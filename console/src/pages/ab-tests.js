// A/B tests: each endpoint's current (or last) test: plan, arms, the always-valid interval on
// the difference, the decision and its reason.
import { html } from '../html.js';
import { api, enc, useLoad } from '../api.js';
import { Card, KeyValues, Loaded, Page } from '../components/common.js';
import { Table } from '../components/table.js';
import { num, when } from '../format.js';

async function loadTests() {
  const { endpoints } = await api('/v1/endpoints');
  const tests = await Promise.all(
    endpoints.map((e) =>
      api(`/v1/endpoints/${enc(e.name)}/ab-tests/current`).catch((err) =>
        err.status === 404 ? null : Promise.reject(err),
      ),
    ),
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
