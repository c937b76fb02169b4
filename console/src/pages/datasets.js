// Datasets: versions, schema, and a preview of a version's first rows.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc, useLoad } from '../api.js';
import { href } from '../router.js';
import { Card, KeyValues, Loaded, Page } from '../components/common.js';
import { Table } from '../components/table.js';
import { when } from '../format.js';

export function Datasets() {
  const state = useLoad(() => api('/v1/datasets'), 'datasets');
  return html`<${Page} title="Datasets">
    <${Loaded} state=${state}>${(d) =>
      html`<${Table}
        caption="Datasets (latest version)"
        rowKey=${(x) => x.name}
        rows=${d.datasets}
        columns=${[
          {
            key: 'name',
            label: 'dataset',
            render: (x) => html`<a href=${href('datasets', x.name)}>${x.name}</a>`,
          },
          { key: 'rowCount', label: 'rows' },
          { key: 'columns', label: 'columns', value: (x) => x.schema.columns.length },
          { key: 'version', label: 'version', render: (x) => html`<code>${x.version.slice(0, 12)}</code>` },
          { key: 'createdAt', label: 'created', render: (x) => when(x.createdAt) },
        ]}
      />`}</${Loaded}>
  </${Page}>`;
}

const PREVIEW_ROWS = 20;

export function Dataset({ name }) {
  const state = useLoad(() => api(`/v1/datasets/${enc(name)}`), name);
  const [version, setVersion] = useState('latest');
  return html`<${Page} title=${`Dataset ${name}`}>
    <${Loaded} state=${state}>${(d) => html`<div class="grid">
      <${Card} title="Latest version">
        <${KeyValues} label="dataset" items=${[
          ['description', d.description ?? '–'],
          ['rows', d.rowCount],
          ['bytes', d.bytes],
          ['sha256', html`<code>${d.version}</code>`],
          ['stored at', html`<code>${d.uri}</code>`],
        ]} />
      </${Card}>
      <${Card} title="Schema">
        <${Table}
          caption=${`${d.schema.columns.length} columns`}
          rowKey=${(c) => c.name}
          rows=${d.schema.columns}
          columns=${[
            { key: 'name', label: 'column' },
            { key: 'type', label: 'type' },
            { key: 'missing', label: 'missing' },
          ]}
        />
      </${Card}>
      <${Card} title="Versions" wide>
        <${Table}
          caption=${`${d.versions.length} versions`}
          rowKey=${(v) => v.version}
          rows=${d.versions}
          columns=${[
            { key: 'version', label: 'version', render: (v) => html`<code>${v.version.slice(0, 16)}</code>` },
            { key: 'rowCount', label: 'rows' },
            { key: 'createdAt', label: 'created', render: (v) => when(v.createdAt) },
            {
              key: 'preview',
              label: 'preview',
              sortable: false,
              render: (v) =>
                html`<button
                  type="button"
                  aria-label=${`preview version ${v.version.slice(0, 12)}`}
                  aria-pressed=${(version === 'latest' ? d.version : version) === v.version}
                  onClick=${() => setVersion(v.version)}
                >
                  Preview
                </button>`,
            },
          ]}
        />
      </${Card}>
      <${Card} title="Preview" wide><${Preview} name=${name} version=${version} /></${Card}>
    </div>`}</${Loaded}>
  </${Page}>`;
}

/** The first rows of one version, as the CSV holds them (an empty cell shows as –). */
function Preview({ name, version }) {
  const state = useLoad(
    () => api(`/v1/datasets/${enc(name)}/preview?version=${enc(version)}&limit=${PREVIEW_ROWS}`),
    `${name}@${version}`,
  );
  return html`<${Loaded} state=${state}>${(
    p,
  ) => html`<div class="scroll" tabindex="0" role="region" aria-label="rows of the dataset">
    <table class="table compact preview">
      <caption>${`First ${p.rows.length} of ${p.rowCount} rows of version ${p.version.slice(0, 12)}`}</caption>
      <thead><tr><th scope="col">#</th>${p.columns.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
      <tbody>
        ${p.rows.map(
          (row, i) =>
            html`<tr><th scope="row">${i + 1}</th>${row.map((cell) => html`<td>${cell ?? '–'}</td>`)}</tr>`,
        )}
      </tbody>
    </table>
  </div>`}</${Loaded}>`;
}
