// The pipeline as a graph of its ASL states, coloured by status, with durations (as the Step
// Functions console draws it). Each node is also listed in the table beside it for screen readers.
import { useMemo } from 'preact/hooks';
import { html } from '../html.js';
import { duration } from '../format.js';
import { layout, stateRuns } from '../pipeline.js';

const W = 168;
const H = 46;
const GAP_X = 24;
const GAP_Y = 30;
let graphs = 0; // each graph's arrow marker needs its own id on the page

export function PipelineGraph({ definition, history, execution, mapIndex, label }) {
  const arrow = useMemo(() => `arrow-${++graphs}`, []);
  const { nodes, links, levels } = layout(definition);
  const runs = stateRuns(history, execution, mapIndex);
  const widest = Math.max(...nodes.map((n) => n.width));
  const width = widest * (W + GAP_X) + GAP_X;
  const pos = {};
  for (const n of nodes) {
    const rowWidth = n.width * (W + GAP_X) - GAP_X;
    pos[n.name] = { x: (width - rowWidth) / 2 + n.x * (W + GAP_X), y: GAP_Y / 2 + n.y * (H + GAP_Y) };
  }
  const height = levels * (H + GAP_Y);
  return html`<div class="graph-wrap">
    <svg
      class="graph"
      viewBox="0 0 ${width} ${height}"
      width=${width}
      height=${height}
      role="img"
      aria-label=${label}
    >
      <defs>
        <marker
          id=${arrow}
          viewBox="0 0 10 10"
          refX="9"
          refY="5"
          markerWidth="7"
          markerHeight="7"
          orient="auto-start-reverse"
        >
          <path d="M 0 0 L 10 5 L 0 10 z" fill="#667" />
        </marker>
      </defs>
      ${links.map(({ from, to, caught }) => {
        const a = pos[from];
        const b = pos[to];
        if (!a || !b) return null;
        return html`<path
          class=${caught ? 'link caught' : 'link'}
          marker-end=${`url(#${arrow})`}
          d="M ${a.x + W / 2} ${a.y + H} C ${a.x + W / 2} ${a.y + H + GAP_Y / 2}, ${b.x + W / 2} ${
            b.y - GAP_Y / 2
          }, ${b.x + W / 2} ${b.y}"
        />`;
      })}
      ${nodes.map((n) => {
        const r = runs[n.name] ?? { status: 'not run' };
        const p = pos[n.name];
        return html`<g
          class=${`node node-${r.status.replace(' ', '-')}`}
          data-state=${n.name}
          data-status=${r.status}
        >
          <title>${n.name} (${n.type}): ${r.status}${r.ms !== undefined ? `, ${duration(r.ms)}` : ''}</title>
          <rect x=${p.x} y=${p.y} width=${W} height=${H} rx="6" />
          <text x=${p.x + W / 2} y=${p.y + 19} text-anchor="middle" class="node-name">${n.name}</text>
          <text x=${p.x + W / 2} y=${p.y + 36} text-anchor="middle" class="node-meta">
            ${r.status}${r.ms !== undefined ? ` · ${duration(r.ms)}` : ''}
          </text>
        </g>`;
      })}
    </svg>
  </div>`;
}

/** The same states as a table: name, type, status, duration, error. */
export function StateTable({ definition, history, execution, mapIndex }) {
  const runs = stateRuns(history, execution, mapIndex);
  const { nodes } = layout(definition);
  const seen = nodes.filter((n) => runs[n.name]);
  return html`<table class="table compact">
    <caption>
      States run
    </caption>
    <thead>
      <tr>
        <th scope="col">state</th>
        <th scope="col">status</th>
        <th scope="col">duration</th>
        <th scope="col">error</th>
      </tr>
    </thead>
    <tbody>
      ${seen.map((n) => {
        const r = runs[n.name];
        return html`<tr data-state=${n.name}>
          <td>${n.name}</td>
          <td class=${`status status-${r.status.replace(' ', '-')}`}>${r.status}</td>
          <td>${duration(r.ms)}</td>
          <td>${r.error ?? ''}</td>
        </tr>`;
      })}
    </tbody>
  </table>`;
}
