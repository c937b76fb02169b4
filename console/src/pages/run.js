// Run detail: the pipeline graph (live while running), sweep branches, parameters, metrics,
// confusion matrix, lineage and the failure reason.
import { html } from '../html.js';
import { api, enc, useLoad } from '../api.js';
import { href } from '../router.js';
import { Card, KeyValues, Loaded, Page, Status } from '../components/common.js';
import { PipelineGraph, StateTable } from '../components/graph.js';
import { DEFINITIONS, sweepBranches } from '../pipeline.js';
import { duration, num, when } from '../format.js';

const running = (r) => r.status === 'QUEUED' || r.status === 'RUNNING' || r.execution?.status === 'RUNNING';

export function Run({ id }) {
  const state = useLoad(() => api(`/v1/runs/${enc(id)}`), id, { pollMs: 1000, keepPolling: running });
  return html`<${Page} title=${`Run ${id}`}>
    <${Loaded} state=${state}>${(run) => html`<${RunBody} run=${run} />`}</${Loaded}>
  </${Page}>`;
}

function RunBody({ run }) {
  const history = run.execution?.history ?? [];
  const isSweep = history.some((e) => e.state === 'Variants');
  const definition = isSweep ? DEFINITIONS.sweep : DEFINITIONS.training;
  const failure =
    run.status === 'FAILED' ? (run.statusHistory.at(-1)?.reason ?? run.execution?.cause) : undefined;
  return html`
    ${failure && html`<p class="error" role="alert"><strong>Failed:</strong> ${failure}</p>`}
    <div class="grid">
      <${Card} title="Summary">
        <${KeyValues} label="run summary" items=${[
          ['status', html`<${Status} value=${run.status} />`],
          ['experiment', run.experiment],
          ['algorithm', run.algorithm],
          ['score', num(run.score)],
          ['duration', duration(run.durationMs)],
          ['started', when(run.createdAt)],
          [
            'triggered by',
            run.triggeredBy?.startsWith('s3://')
              ? html`drift report <code>${run.triggeredBy.split('/').pop()}</code>`
              : (run.triggeredBy ?? '–'),
          ],
        ]} />
      </${Card}>
      <${Card} title="Lineage">
        <${KeyValues} label="lineage" items=${[
          ['dataset', html`<a href=${href('datasets', run.dataset.name)}>${run.dataset.name}</a>`],
          ['dataset version', html`<code>${run.dataset.version?.slice(0, 16) ?? '–'}</code>`],
          ['target', run.dataset.target],
          ['split', `${run.split.strategy}, test ${run.split.testSize}, seed ${run.split.seed}`],
          ['trainer', run.trainerVersion ?? '–'],
          ['model', html`<code>${run.artifacts?.onnx ?? '–'}</code>`],
        ]} />
      </${Card}>
      <${Card} title="Pipeline" wide>
        <p class="hint">${running(run) ? 'Live: updates every second while the run is going.' : `Execution ${run.execution?.status ?? 'unknown'}.`}</p>
        <div class="pipeline">
          <${PipelineGraph} definition=${definition} history=${history} execution=${run.execution} label=${`Pipeline graph of run ${run.id}`} />
          <${StateTable} definition=${definition} history=${history} execution=${run.execution} />
        </div>
        ${isSweep && html`<${SweepBranches} history=${history} execution=${run.execution} />`}
        ${isSweep && html`<${BranchGraphs} history=${history} execution=${run.execution} />`}
      </${Card}>
      <${Card} title="Parameters">
        <${KeyValues} label="hyperparameters" items=${Object.entries(run.hyperparameters ?? {}).map(([k, v]) => [k, JSON.stringify(v)])} />
        ${Object.keys(run.hyperparameters ?? {}).length === 0 && html`<p>Defaults of ${run.algorithm}.</p>`}
      </${Card}>
      <${Card} title="Metrics">
        <${KeyValues} label="metrics" items=${Object.entries(run.metrics ?? {})
          .filter(([, v]) => typeof v === 'number')
          .map(([k, v]) => [k, num(v)])} />
      </${Card}>
      ${run.metrics?.confusionMatrix && html`<${Card} title="Confusion matrix"><${Confusion} metrics=${run.metrics} /></${Card}>`}
      <${Card} title="Status history" wide>
        <ol class="timeline">
          ${run.statusHistory.map((s) => html`<li><${Status} value=${s.status} /> <time>${when(s.at)}</time> ${s.reason}</li>`)}
        </ol>
      </${Card}>
    </div>`;
}

function SweepBranches({ history, execution }) {
  const branches = sweepBranches(history);
  return html`<table class="table compact branches">
    <caption>
      Sweep branches (one per algorithm)
    </caption>
    <thead>
      <tr>
        <th scope="col">branch</th>
        <th scope="col">algorithm</th>
        <th scope="col">outcome</th>
      </tr>
    </thead>
    <tbody>
      ${branches.map(
        (b) =>
          html`<tr>
            <td data-col="index">${b.index}</td>
            <td data-col="algorithm">${b.algorithm ?? '–'}</td>
            <td data-col="outcome">${b.status ?? (execution?.status === 'RUNNING' ? 'running' : '–')}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** Each Map iteration's own graph (the ASL's ItemProcessor), titled with the algorithm it trained. */
function BranchGraphs({ history, execution }) {
  const inner = DEFINITIONS.sweep.States.Variants.ItemProcessor ?? DEFINITIONS.sweep.States.Variants.Iterator;
  return html`<div class="branch-graphs">
    ${sweepBranches(history).map(
      (b) => html`<figure class="branch" data-branch=${b.index}>
        <figcaption>Branch ${b.index}: <strong>${b.algorithm ?? '–'}</strong></figcaption>
        <${PipelineGraph} definition=${inner} history=${history} execution=${execution} mapIndex=${b.index} label=${`Branch ${b.index} (${b.algorithm}) pipeline graph`} />
      </figure>`,
    )}
  </div>`;
}

function Confusion({ metrics }) {
  const { confusionMatrix: m, classes } = metrics;
  const max = Math.max(...m.flat());
  return html`<table class="table confusion">
    <caption>
      Rows: actual class; columns: predicted class
    </caption>
    <thead>
      <tr>
        <th scope="col">actual \\ predicted</th>
        ${classes.map((c) => html`<th scope="col">${c}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${m.map(
        (row, i) =>
          html`<tr>
            <th scope="row">${classes[i]}</th>
            ${row.map(
              (v, j) =>
                html`<td class=${i === j ? 'diag' : v ? 'off' : ''} style=${`--w:${max ? v / max : 0}`}>
                  ${v}
                </td>`,
            )}
          </tr>`,
      )}
    </tbody>
  </table>`;
}
