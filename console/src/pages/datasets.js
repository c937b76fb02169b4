// Datasets: versions and schema.
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

export function Dataset({ name }) {
  const state = useLoad(() => api(`/v1/datasets/${enc(name)}`), name);
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
          ]}
        />
      </${Card}>
    </div>`}</${Loaded}>
  </${Page}>`;
}
