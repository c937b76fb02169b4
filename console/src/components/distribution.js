// One feature's baseline and current distributions overlaid: per bin, the share of each side's
// values as two bars (SVG, so it needs no canvas), with the shares in a table for screen readers.
import { html } from '../html.js';

const pct = (x) => `${(x * 100).toFixed(1)}%`;
const short = (v) => String(Math.abs(v) >= 1000 || Number.isInteger(v) ? v : Number(v.toPrecision(3)));

/** Bin labels: `≤ e0`, `(e0, e1]`, …, `> eLast` for a histogram; the values themselves otherwise. */
export function binLabels(d) {
  if (d.kind === 'values') return d.labels;
  const e = d.edges;
  return d.reference.map((_c, i) =>
    i === 0
      ? `≤ ${short(e[0])}`
      : i === e.length
        ? `> ${short(e[i - 1])}`
        : `(${short(e[i - 1])}, ${short(e[i])}]`,
  );
}

/** Each side's counts as shares of its own total (0 when a side is empty). */
export function shares(counts) {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((c) => (total ? c / total : 0));
}

export function DistributionOverlay({ name, distribution: d }) {
  const labels = binLabels(d);
  const ref = shares(d.reference);
  const cur = shares(d.current);
  const top = Math.max(0.01, ...ref, ...cur);
  const W = 560;
  const H = 160;
  const slot = (W - 40) / labels.length;
  const bar = Math.max(2, slot / 2 - 3);
  const y = (v) => H - 22 - (v / top) * (H - 36);
  return html`<figure class="overlay" data-feature=${name}>
    <svg viewBox=${`0 0 ${W} ${H}`} role="img" aria-label=${`${name}: baseline and current share per bin`}>
      <line x1="30" x2=${W - 6} y1=${H - 22} y2=${H - 22} class="axis" />
      ${labels.map((label, i) => {
        const x = 34 + i * slot;
        return html`<g>
          <rect class="ref" x=${x} y=${y(ref[i])} width=${bar} height=${H - 22 - y(ref[i])}><title>${`${label}: baseline ${pct(ref[i])}`}</title></rect>
          <rect class="cur" x=${x + bar + 2} y=${y(cur[i])} width=${bar} height=${H - 22 - y(cur[i])}><title>${`${label}: current ${pct(cur[i])}`}</title></rect>
          ${d.kind === 'values' && labels.length <= 12 && html`<text x=${x + bar} y=${H - 4} text-anchor="middle">${label}</text>`}
        </g>`;
      })}
      ${
        d.kind === 'histogram' &&
        d.edges.map(
          (edge, i) =>
            (d.edges.length <= 6 || i % 2 === 0) &&
            html`<text x=${30 + (i + 1) * slot} y=${H - 4} text-anchor="middle">${short(edge)}</text>`,
        )
      }
      <text x="2" y="14">${pct(top)}</text>
    </svg>
    <figcaption><span class="key ref"></span> baseline <span class="key cur"></span> current</figcaption>
    <table class="sr-only">
      <caption>${`${name}: share of values per bin`}</caption>
      <thead><tr><th scope="col">bin</th><th scope="col">baseline</th><th scope="col">current</th></tr></thead>
      <tbody>
        ${labels.map((label, i) => html`<tr><th scope="row">${label}</th><td>${pct(ref[i])}</td><td>${pct(cur[i])}</td></tr>`)}
      </tbody>
    </table>
  </figure>`;
}
