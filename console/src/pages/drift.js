// Drift: every endpoint's reports; a report's per-feature tests (statistic, p-value, PSI),
// prediction and performance drift, and the retraining run it started.
import { html } from '../html.js';
import { api, all, enc, useLoad } from '../api.js';
import { href } from '../router.js';
import { Card, KeyValues, Loaded, Page, Status } from '../components/common.js';
import { Table } from '../components/table.js';
import { DistributionOverlay } from '../components/distribution.js';
import { num, shortId, when } from '../format.js';

async function loadReports() {
  const { endpoints } = await api('/v1/endpoints');
  const lists = await Promise.all(
    endpoints.map((e) => api(`/v1/endpoints/${enc(e.name)}/drift?limit=50`).then((r) => r.reports)),
  );
  return lists.flat().sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
}

export function Drift() {
  const state = useLoad(loadReports, 'drift');
  return html`<${Page} title="Drift">
    <${Loaded} state=${state}>${(reports) =>
      html`<${Table}
        caption="Drift reports, newest first"
        rowKey=${(r) => r.reportId}
        rows=${reports}
        columns=${[
          {
            key: 'reportId',
            label: 'report',
            render: (r) => html`<a href=${href('drift', r.endpoint, r.reportId)}>${r.reportId}</a>`,
          },
          { key: 'endpoint', label: 'endpoint' },
          { key: 'version', label: 'model version', render: (r) => `${r.model} v${r.version}` },
          {
            key: 'driftDetected',
            label: 'verdict',
            render: (r) =>
              r.driftDetected
                ? html`<strong class="bad">drift</strong>`
                : html`<span class="good">no drift</span>`,
          },
          {
            key: 'driftedFeatures',
            label: 'drifted features',
            render: (r) => `${r.driftedFeatures}/${r.features}`,
          },
          { key: 'rows', label: 'rows' },
          { key: 'createdAt', label: 'created', render: (r) => when(r.createdAt) },
        ]}
      />`}</${Loaded}>
  </${Page}>`;
}

async function loadReport(endpoint, id) {
  const report = await api(`/v1/endpoints/${enc(endpoint)}/drift/${enc(id)}`);
  const { experiments } = await api('/v1/experiments');
  const runs = (
    await Promise.all(experiments.map((x) => all(`/v1/experiments/${enc(x.name)}/runs`, 'runs')))
  ).flat();
  return { report, retrain: runs.filter((r) => r.triggeredBy === report.reportUri) };
}

export function DriftReport({ endpoint, id }) {
  const state = useLoad(() => loadReport(endpoint, id), `${endpoint}/${id}`);
  return html`<${Page} title=${`Drift report ${id}`}>
    <${Loaded} state=${state}>${({ report: r, retrain }) => {
      const tests = [
        ...r.features,
        ...(r.prediction ? [{ ...r.prediction, name: `${r.prediction.name} (output)` }] : []),
      ];
      const maxPsi = Math.max(0.25, ...tests.map((f) => f.psi ?? 0));
      return html`<div class="grid">
        <${Card} title="Verdict">
          <p class="decision">${r.driftDetected ? html`<strong class="bad">Drift detected</strong>` : html`<strong class="good">No drift</strong>`}</p>
          <${KeyValues} label="report" items=${[
            ['endpoint', r.endpoint],
            ['model', `${r.model} v${r.version}`],
            ['window', `${when(r.window.start)} → ${when(r.window.end)}`],
            ['rows', r.rows],
            [
              'drifted features',
              `${r.driftedFeatures} of ${r.features.length} (share ${num(r.share, 2)}, threshold ${num(r.driftShareThreshold, 2)})`,
            ],
            ['dataset drift', r.datasetDrift ? 'yes' : 'no'],
          ]} />
        </${Card}>
        <${Card} title="Performance and retraining">
          <${KeyValues} label="performance" items=${[
            [
              'performance drift',
              r.performance
                ? `${r.performance.metric} ${num(r.performance.current)} on ${r.performance.rows} labelled rows vs ${num(r.performance.baseline)} at training (tolerance ${num(r.performance.tolerance, 2)}): ${r.performance.drifted ? 'drifted' : 'no drift'}`
                : 'no feedback in the window',
            ],
            [
              'retraining run',
              retrain.length
                ? retrain.map(
                    (x) =>
                      html`<a href=${href('runs', x.id)}>${shortId(x.id)}</a>
                        <${Status} value=${x.status} /> `,
                  )
                : 'none',
            ],
          ]} />
        </${Card}>
        <${Card} title="Per feature: baseline vs current" wide>
          <table class="table">
            <caption>Each feature's test against the training baseline</caption>
            <thead><tr><th scope="col">feature</th><th scope="col">test</th><th scope="col">statistic</th><th scope="col">p-value</th><th scope="col">PSI</th><th scope="col">baseline n</th><th scope="col">current n</th><th scope="col">drifted</th></tr></thead>
            <tbody>
              ${tests.map(
                (f) =>
                  html`<tr class=${f.drifted ? 'differs' : ''} data-feature=${f.name}>
                    <th scope="row">${f.name}</th>
                    <td>${f.test}</td>
                    <td>${num(f.statistic)}</td>
                    <td>${num(f.pValue, 4)}</td>
                    <td>
                      <span class="bar" style=${`--w:${Math.min(1, (f.psi ?? 0) / maxPsi)}`}></span>${num(
                        f.psi,
                      )}
                    </td>
                    <td>${f.reference?.count ?? '–'}</td>
                    <td>${f.current?.count ?? '–'}</td>
                    <td>${f.drifted ? html`<strong class="bad">yes</strong>` : 'no'}</td>
                  </tr>`,
              )}
            </tbody>
          </table>
        </${Card}>
        ${tests.map((f) => html`<${FeatureCard} feature=${f} />`)}
      </div>`;
    }}</${Loaded}>
  </${Page}>`;
}

/** One feature: baseline and current overlaid, with its test statistic and PSI. */
function FeatureCard({ feature: f }) {
  const p = f.pValue === null || f.pValue === undefined ? '' : `, p ${num(f.pValue, 4)}`;
  return html`<${Card} title=${`Distribution: ${f.name}`}>
    <p class="feature-verdict">
      ${`${f.test} ${num(f.statistic)}${p} · PSI ${num(f.psi)} · `}${
        f.drifted ? html`<strong class="bad">drifted</strong>` : html`<span class="good">no drift</span>`
      }
    </p>
    ${
      f.distribution
        ? html`<${DistributionOverlay} name=${f.name} distribution=${f.distribution} />`
        : html`<p>${f.allMissing ? 'No value of this feature in the window.' : 'This report kept no bins (written before they were kept).'}</p>`
    }
  </${Card}>`;
}
