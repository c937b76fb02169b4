// An endpoint's traffic from the prediction log: requests and errors per minute per variant,
// latency and feedback per variant, and the latest predictions beside their ground truth.
import { html } from '../html.js';
import { api, enc, useLoad } from '../api.js';
import { Card, Loaded } from '../components/common.js';
import { Chart } from '../components/chart.js';
import { Table } from '../components/table.js';
import { num, when } from '../format.js';

const COLOURS = ['#1d4ed8', '#b45309', '#15803d', '#7c3aed', '#be123c'];

export const loadActivity = (name, minutes = 60) =>
  api(`/v1/endpoints/${enc(name)}/predictions?minutes=${minutes}&recent=20`);

/** Requests per minute, one line per variant, over the minutes that saw traffic. */
export const VolumeChart = ({ activity }) =>
  html`<${PerMinuteChart} activity=${activity} field="requests" what="Requests" />`;

/** Failed requests per minute, one line per variant (the prediction log's error records). */
export function ErrorChart({ activity }) {
  const answered = activity.perMinute.reduce((a, m) => a + m.requests, 0);
  if (!activity.perMinute.some((m) => m.errors > 0))
    return html`<p class="no-errors">${`No failed request in the last hour (${answered} answered).`}</p>`;
  return html`<${PerMinuteChart} activity=${activity} field="errors" what="Errors" />`;
}

function PerMinuteChart({ activity, field, what }) {
  const minutes = [...new Set(activity.perMinute.map((m) => m.minute))];
  const variants = [...new Set(activity.perMinute.map((m) => m.variant))];
  if (minutes.length === 0) return html`<p>No prediction in the last hour.</p>`;
  const count = (minute, variant) =>
    activity.perMinute.find((m) => m.minute === minute && m.variant === variant)?.[field] ?? 0;
  const series = variants.map((v) => minutes.map((m) => count(m, v)));
  return html`<${Chart}
    data=${[minutes.map((_m, i) => i), ...series]}
    series=${variants.map((v, i) => ({ label: v, stroke: COLOURS[i % COLOURS.length] }))}
    xLabels=${minutes.map((m) => m.slice(11, 16))}
    summary=${`${what} per minute: ${variants.map((v, i) => `${v} ${series[i].reduce((a, b) => a + b, 0)} in total`).join('; ')}`}
  />`;
}

const shown = (p) => p?.label ?? p?.value ?? p?.cluster ?? '–';

export function EndpointActivity({ name }) {
  const state = useLoad(() => loadActivity(name), `activity/${name}`);
  return html`<${Loaded} state=${state}>${(a) => html`
    <${Card} title="Requests per minute (last hour)" wide><${VolumeChart} activity=${a} /></${Card}>
    <${Card} title="Errors per minute (last hour)" wide><${ErrorChart} activity=${a} /></${Card}>
    <${Card} title="Latency and volume per variant" wide>
      <${Table}
        caption="Per variant, last hour (shadows included)"
        rowKey=${(v) => v.variant}
        rows=${a.variants}
        columns=${[
          { key: 'variant', label: 'variant', render: (v) => `${v.variant}${v.shadow ? ' (shadow)' : ''}` },
          { key: 'version', label: 'version', render: (v) => `v${v.version}` },
          { key: 'requests', label: 'requests' },
          { key: 'rows', label: 'rows' },
          {
            key: 'errors',
            label: 'errors (5xx)',
            render: (v) => `${v.errors} (${v.serverErrors})`,
          },
          { key: 'p50LatencyMs', label: 'p50 ms', render: (v) => num(v.p50LatencyMs, 1) },
          { key: 'p95LatencyMs', label: 'p95 ms', render: (v) => num(v.p95LatencyMs, 1) },
          {
            key: 'agreement',
            label: 'matches ground truth',
            value: (v) => (v.labelled ? v.correct / v.labelled : undefined),
            render: (v) => (v.labelled ? `${v.correct}/${v.labelled}` : '–'),
          },
        ]}
      />
    </${Card}>
    <${Card} title="Recent predictions" wide>
      <${Table}
        caption="Latest predictions (first row) and their ground truth"
        rowKey=${(p) => p.requestId}
        rows=${a.recent}
        columns=${[
          { key: 'at', label: 'at', render: (p) => when(p.at) },
          { key: 'requestId', label: 'request', render: (p) => html`<code>${p.requestId}</code>` },
          { key: 'variant', label: 'variant', render: (p) => `${p.variant} v${p.version}` },
          { key: 'rowCount', label: 'rows' },
          {
            key: 'prediction',
            label: 'prediction',
            value: (p) => shown(p.prediction),
            render: (p) => String(shown(p.prediction)),
          },
          {
            key: 'actual',
            label: 'ground truth',
            render: (p) => (p.actual === undefined ? '–' : String(p.actual)),
          },
          { key: 'latencyMs', label: 'ms', render: (p) => num(p.latencyMs, 1) },
        ]}
      />
    </${Card}>`}</${Loaded}>`;
}
