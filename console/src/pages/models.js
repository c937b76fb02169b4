// Models: versions, aliases, the model card, the alias history timeline; promote and roll back behind a confirmation.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc, useLoad } from '../api.js';
import { href } from '../router.js';
import { Card, KeyValues, Loaded, Page } from '../components/common.js';
import { ConfirmButton } from '../components/confirm.js';
import { Table } from '../components/table.js';
import { num, shortId, when } from '../format.js';

export function Models() {
  const state = useLoad(() => api('/v1/models'), 'models');
  return html`<${Page} title="Models">
    <${Loaded} state=${state}>${(d) =>
      html`<${Table}
        caption="Registered models"
        rowKey=${(m) => m.name}
        rows=${d.models}
        columns=${[
          {
            key: 'name',
            label: 'model',
            render: (m) => html`<a href=${href('models', m.name)}>${m.name}</a>`,
          },
          { key: 'task', label: 'task' },
          { key: 'latestVersion', label: 'latest version' },
          { key: 'createdAt', label: 'created', render: (m) => when(m.createdAt) },
        ]}
      />`}</${Loaded}>
  </${Page}>`;
}

async function loadModel(name) {
  const [model, { versions }] = await Promise.all([
    api(`/v1/models/${enc(name)}`),
    api(`/v1/models/${enc(name)}/versions`),
  ]);
  const aliases = [...new Set(['champion', ...model.aliases.map((a) => a.alias)])];
  const histories = await Promise.all(
    aliases.map((a) => api(`/v1/models/${enc(name)}/aliases/${enc(a)}/history`).then((h) => h.history)),
  );
  const history = histories.flat().sort((a, b) => (a.at < b.at ? 1 : -1));
  return { model, versions, history };
}

export function Model({ name }) {
  const state = useLoad(() => loadModel(name), name);
  const [cardVersion, setCardVersion] = useState();
  return html`<${Page} title=${`Model ${name}`}>
    <${Loaded} state=${state}>${(d) => {
      const champion = d.model.aliases.find((a) => a.alias === 'champion');
      const aliasesOf = (v) => d.model.aliases.filter((a) => a.version === v.version).map((a) => a.alias);
      return html`<div class="grid">
        <${Card} title="Versions" wide>
          <${Table}
            caption=${`${d.versions.length} versions; champion v${champion?.version ?? '–'}`}
            rowKey=${(v) => v.version}
            rows=${d.versions}
            initialSort=${{ key: 'version', dir: -1 }}
            columns=${[
              { key: 'version', label: 'version', render: (v) => `v${v.version}` },
              { key: 'algorithm', label: 'algorithm' },
              {
                key: 'score',
                label: 'score',
                value: (v) => v.metrics?.score,
                render: (v) => num(v.metrics?.score),
              },
              {
                key: 'aliases',
                label: 'aliases',
                value: (v) => aliasesOf(v).join(','),
                render: (v) => aliasesOf(v).map((a) => html`<span class="tag">${a}</span>`),
              },
              {
                key: 'runId',
                label: 'run',
                render: (v) => html`<a href=${href('runs', v.runId)}>${shortId(v.runId)}</a>`,
              },
              { key: 'createdAt', label: 'created', render: (v) => when(v.createdAt) },
              {
                key: 'actions',
                label: 'actions',
                sortable: false,
                render: (v) =>
                  html` <button type="button" onClick=${() => setCardVersion(v.version)}>Card</button>
                    <${ConfirmButton}
                      label=${`Promote v${v.version}`}
                      disabled=${champion?.version === v.version}
                      title=${`Make v${v.version} the champion of ${name}?`}
                      message=${`Every endpoint serving ${name}'s champion moves to v${v.version} (now v${champion?.version ?? '–'}). The move is recorded in the alias history.`}
                      action=${() =>
                        api(`/v1/models/${enc(name)}/aliases/champion`, {
                          method: 'PUT',
                          body: {
                            version: v.version,
                            by: 'console',
                            reason: `console: promote v${v.version}`,
                            expectedCurrent: champion?.version ?? null,
                          },
                        }).then(state.reload)}
                    />`,
              },
            ]}
          />
          <div class="actions">
            <${ConfirmButton}
              label="Roll back champion"
              disabled=${!champion}
              title=${`Roll back ${name}'s champion?`}
              message=${`The champion (v${champion?.version}) moves back to the version it replaced.`}
              action=${() => api(`/v1/models/${enc(name)}/rollback`, { method: 'POST', body: { reason: 'console: rollback' } }).then(state.reload)}
            />
          </div>
        </${Card}>
        <${Card} title="Alias history" wide>
          <ol class="timeline" aria-label="alias history, newest first">
            ${d.history.map(
              (h) =>
                html`<li><time>${when(h.at)}</time> <span class="tag">${h.alias}</span> ${`${h.from ? `v${h.from}` : '–'} → `}<strong>v${h.to ?? '–'}</strong>${` by ${h.by ?? '–'} (${h.policy ?? 'manual'}): ${h.reason}`}</li>`,
            )}
          </ol>
        </${Card}>
        ${cardVersion && html`<${ModelCard} name=${name} version=${cardVersion} />`}
      </div>`;
    }}</${Loaded}>
  </${Page}>`;
}

function ModelCard({ name, version }) {
  const state = useLoad(() => api(`/v1/models/${enc(name)}/versions/${version}/card`), `${name}/${version}`);
  return html`<${Card} title=${`Model card v${version}`} wide>
    <${Loaded} state=${state}>${(card) =>
      html` <${KeyValues}
        label="model card"
        items=${[
          ['name', card.displayName ?? card.name],
          ['algorithm', card.algorithm],
          ['target', card.target ?? '–'],
          ['features', (card.mlFeatures ?? []).map((f) => f.name).join(', ')],
          ['artifact', html`<code>${card.mlStore?.storage ?? '–'}</code>`],
          ['server', html`<code>${card.server ?? '–'}</code>`],
          ['tags', (card.tags ?? []).join(', ')],
        ]}
      />`}</${Loaded}>
  </${Card}>`;
}
