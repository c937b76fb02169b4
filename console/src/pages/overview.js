// Overview: each endpoint's champion and split, requests and errors per minute, open A/B tests,
// latest drift verdicts, running and recent runs.
import { html } from '../html.js';
import { api, all, enc, useLoad } from '../api.js';
import { href } from '../router.js';
import { Card, Loaded, Page, Status } from '../components/common.js';
import { Table } from '../components/table.js';
import { num, shortId, when } from '../format.js';
import { ErrorChart, VolumeChart, loadActivity } from './endpoint-activity.js';

const optional = (p) => p.catch((e) => (e.status === 404 ? null : Promise.reject(e)));

async function loadOverview() {
  const { endpoints } = await api('/v1/endpoints');
  const details = await Promise.all(
    endpoints.map(async (e) => ({
      ...(await api(`/v1/endpoints/${enc(e.name)}`)),
      abTest: await optional(api(`/v1/endpoints/${enc(e.name)}/ab-tests/current`)),
      drift: (await api(`/v1/endpoints/${enc(e.name)}/drift?limit=1`)).reports?.[0] ?? null,
      activity: await loadActivity(e.name),
    })),
  );
  const { experiments } = await api('/v1/experiments');
  const runs = (
    await Promise.all(experiments.map((x) => all(`/v1/experiments/${enc(x.name)}/runs?limit=20`, 'runs', 20)))
  ).flat();
  runs.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
  return { endpoints: details, runs };
}

const live = (d) => d.runs.some((r) => r.status === 'RUNNING' || r.status === 'QUEUED');

export function Overview() {
  const state = useLoad(loadOverview, 'overview', { pollMs: 2000, keepPolling: live });
  return html`<${Page} title="Overview">
    <${Loaded} state=${state}>${(d) => html`<div class="grid">
      <${Card} title="Endpoints" wide>
        <${Table}
          caption="Each endpoint's traffic"
          rowKey=${(e) => e.name}
          rows=${d.endpoints}
          columns=${[
            {
              key: 'name',
              label: 'endpoint',
              render: (e) => html`<a href=${href('endpoints', e.name)}>${e.name}</a>`,
            },
            {
              key: 'model',
              label: 'model',
              render: (e) => html`<a href=${href('models', e.model)}>${e.model}</a>`,
            },
            {
              key: 'traffic',
              label: 'traffic split',
              sortable: false,
              render: (e) => splitText(e.serving?.traffic),
            },
            {
              key: 'hour',
              label: 'requests, last hour',
              sortable: false,
              render: (e) =>
                e.activity.variants
                  .filter((v) => !v.shadow)
                  .map((v) => `${v.variant} ${v.requests}`)
                  .join(' · ') || '0',
            },
            {
              key: 'errors',
              label: 'errors, last hour',
              sortable: false,
              render: (e) =>
                e.activity.variants
                  .filter((v) => !v.shadow)
                  .map((v) => `${v.variant} ${v.errors}`)
                  .join(' · ') || '0',
            },
          ]}
        />
      </${Card}>
      <${Card} title="A/B tests">
        ${d.endpoints.filter((e) => e.abTest).length === 0 && html`<p>No A/B test yet.</p>`}
        <ul class="plain">
          ${d.endpoints
            .filter((e) => e.abTest)
            .map(
              (e) =>
                html`<li>
                  <a href=${href('ab-tests')}>${e.name}</a>${`: ${e.abTest.state}${e.abTest.decision ? ` — ${e.abTest.decision.replace(/_/g, ' ')}` : ''}`}
                </li>`,
            )}
        </ul>
      </${Card}>
      <${Card} title="Latest drift">
        ${d.endpoints.filter((e) => e.drift).length === 0 && html`<p>No drift report yet.</p>`}
        <ul class="plain">
          ${d.endpoints
            .filter((e) => e.drift)
            .map(
              (e) =>
                html`<li>
                  <a href=${href('drift', e.name, e.drift.reportId)}>${e.name}</a>${': '}${
                    e.drift.driftDetected
                      ? html`<strong class="bad">drift detected</strong>`
                      : html`<span class="good">no drift</span>`
                  }
${` (${e.drift.driftedFeatures}/${e.drift.features} features, ${when(e.drift.createdAt)})`}
                </li>`,
            )}
        </ul>
      </${Card}>
      ${d.endpoints.map(
        (
          e,
        ) => html`<${Card} title=${`${e.name}: requests per minute (last hour)`}><${VolumeChart} activity=${e.activity} /></${Card}>
          <${Card} title=${`${e.name}: errors per minute (last hour)`}><${ErrorChart} activity=${e.activity} /></${Card}>`,
      )}
      <${Card} title="Running and recent training runs" wide>
        <${Table}
          caption="Training runs, newest first"
          rowKey=${(r) => r.id}
          rows=${d.runs.slice(0, 10)}
          columns=${[
            {
              key: 'id',
              label: 'run',
              render: (r) => html`<a href=${href('runs', r.id)} title=${r.id}>${shortId(r.id)}</a>`,
            },
            { key: 'experiment', label: 'experiment' },
            { key: 'algorithm', label: 'algorithm' },
            { key: 'status', label: 'status', render: (r) => html`<${Status} value=${r.status} />` },
            { key: 'score', label: 'score', render: (r) => num(r.score) },
            { key: 'createdAt', label: 'started', render: (r) => when(r.createdAt) },
          ]}
        />
      </${Card}>
    </div>`}</${Loaded}>
  </${Page}>`;
}

export function splitText(traffic) {
  if (!traffic) return 'champion 100%';
  const parts = traffic.variants.map((v) => `${v.name} v${v.version} ${v.weight}%`);
  if (traffic.shadows?.length)
    parts.push(`shadows: ${traffic.shadows.map((s) => `v${s.version}`).join(', ')}`);
  return parts.join(' · ');
}
