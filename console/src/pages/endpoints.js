// Endpoints: the traffic split (view, edit behind a confirmation) and shadows.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc, useLoad } from '../api.js';
import { href } from '../router.js';
import { Card, KeyValues, Loaded, Page } from '../components/common.js';
import { ConfirmButton } from '../components/confirm.js';
import { Table } from '../components/table.js';
import { splitText } from './overview.js';
import { EndpointActivity } from './endpoint-activity.js';
import { when } from '../format.js';

export function Endpoints() {
  const state = useLoad(async () => {
    const { endpoints } = await api('/v1/endpoints');
    return Promise.all(endpoints.map((e) => api(`/v1/endpoints/${enc(e.name)}`)));
  }, 'endpoints');
  return html`<${Page} title="Endpoints">
    <${Loaded} state=${state}>${(rows) =>
      html`<${Table}
        caption="Prediction endpoints"
        rowKey=${(e) => e.name}
        rows=${rows}
        columns=${[
          {
            key: 'name',
            label: 'endpoint',
            render: (e) => html`<a href=${href('endpoints', e.name)}>${e.name}</a>`,
          },
          { key: 'model', label: 'model' },
          { key: 'traffic', label: 'traffic', sortable: false, render: (e) => splitText(e.serving?.traffic) },
          { key: 'updatedAt', label: 'updated', render: (e) => when(e.updatedAt) },
        ]}
      />`}</${Loaded}>
  </${Page}>`;
}

export function Endpoint({ name }) {
  const state = useLoad(async () => {
    const [endpoint, { versions }] = await Promise.all([
      api(`/v1/endpoints/${enc(name)}`),
      api(`/v1/endpoints/${enc(name)}`).then((e) => api(`/v1/models/${enc(e.model)}/versions`)),
    ]);
    return { endpoint, versions };
  }, name);
  return html`<${Page} title=${`Endpoint ${name}`}>
    <${Loaded} state=${state}>${(d) => html`<div class="grid">
      <${Card} title="Serving">
        <${KeyValues} label="serving" items=${[
          ['model', html`<a href=${href('models', d.endpoint.model)}>${d.endpoint.model}</a>`],
          ['source', d.endpoint.serving?.source ?? '–'],
          ['split', splitText(d.endpoint.serving?.traffic)],
          [
            'sticky key',
            d.endpoint.serving?.traffic?.stickyKey
              ? JSON.stringify(d.endpoint.serving.traffic.stickyKey)
              : 'none',
          ],
          ['updated', when(d.endpoint.updatedAt)],
        ]} />
      </${Card}>
      <${Card} title="Shadows">
        ${
          (d.endpoint.serving?.traffic?.shadows ?? []).length === 0
            ? html`<p>No shadow variant.</p>`
            : html`<ul class="plain">
                ${d.endpoint.serving.traffic.shadows.map((s) => html`<li>${s.name}: v${s.version}</li>`)}
              </ul>`
        }
      </${Card}>
      <${Card} title="Traffic split" wide>
        <${TrafficEditor} name=${name} traffic=${d.endpoint.serving?.traffic} versions=${d.versions} onSaved=${state.reload} />
      </${Card}>
          <${EndpointActivity} name=${name} />
    </div>`}</${Loaded}>
  </${Page}>`;
}

/** One weight per registered version; saving asks for confirmation, then PUTs the split. */
function TrafficEditor({ name, traffic, versions, onSaved }) {
  const initial = Object.fromEntries(
    versions.map((v) => [v.version, traffic?.variants.find((x) => x.version === v.version)?.weight ?? 0]),
  );
  const [weights, setWeights] = useState(initial);
  const sum = Object.values(weights).reduce((a, b) => a + Number(b || 0), 0);
  const variants = Object.entries(weights)
    .filter(([, w]) => Number(w) > 0)
    .map(([version, weight]) => ({
      version: Number(version),
      weight: Number(weight),
      name: traffic?.variants.find((x) => x.version === Number(version))?.name ?? `v${version}`,
    }));
  const changed = JSON.stringify(weights) !== JSON.stringify(initial);
  return html`<form class="traffic" onSubmit=${(e) => e.preventDefault()}>
    <table class="table compact">
      <caption>
        Weight (%) of each version
      </caption>
      <thead>
        <tr>
          <th scope="col">version</th>
          <th scope="col">algorithm</th>
          <th scope="col">weight %</th>
        </tr>
      </thead>
      <tbody>
        ${versions.map(
          (v) =>
            html`<tr>
              <td>v${v.version}</td>
              <td>${v.algorithm}</td>
              <td>
                <input
                  type="number"
                  min="0"
                  max="100"
                  step="1"
                  aria-label=${`weight of v${v.version}`}
                  value=${weights[v.version]}
                  onInput=${(e) => setWeights({ ...weights, [v.version]: Number(e.currentTarget.value) })}
                />
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
    <p class=${sum === 100 ? 'hint' : 'error'} role="status">
      Total ${sum}%${sum === 100 ? '' : ' (must be 100%)'}
    </p>
    <${ConfirmButton}
      label="Save split"
      disabled=${sum !== 100 || !changed}
      title=${`Change ${name}'s traffic?`}
      message=${`New split: ${variants.map((v) => `v${v.version} ${v.weight}%`).join(', ')}. Requests are routed this way from now on.`}
      action=${() =>
        api(`/v1/endpoints/${enc(name)}/traffic`, {
          method: 'PUT',
          body: {
            variants,
            shadows: traffic?.shadows ?? [],
            ...(traffic?.stickyKey ? { stickyKey: traffic.stickyKey } : {}),
          },
        }).then(onSaved)}
    />
  </form>`;
}
