// A uPlot chart in a Preact component. uPlot draws on canvas, so a caption/summary carries the values for screen readers.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useEffect, useRef } from 'preact/hooks';
import { html } from '../html.js';

/**
 * data: uPlot's column data ([xs, ys1, ys2…]); series: [{ label, stroke }]; xLabels: tick
 * labels for an index x axis. `bands`: uPlot bands (series index pairs, 1-based, to fill
 * between). `summary` is the text alternative.
 */
export function Chart({ data, series, xLabels, summary, height = 220, yRange, bands }) {
  const ref = useRef();
  useEffect(() => {
    const el = ref.current;
    const opts = {
      width: Math.max(320, el.clientWidth || 600),
      height,
      series: [{}, ...series.map((s) => ({ points: { show: true, size: 7 }, width: 2, ...s }))],
      axes: [
        xLabels
          ? {
              values: (_u, ticks) => ticks.map((t) => xLabels[t] ?? ''),
              splits: () => xLabels.map((_l, i) => i),
            }
          : {},
        {},
      ],
      scales: { x: { time: false }, ...(yRange ? { y: { range: yRange } } : {}) },
      legend: { show: true },
      ...(bands ? { bands } : {}),
    };
    const plot = new uPlot(opts, data, el);
    return () => plot.destroy();
  }, [JSON.stringify(data), JSON.stringify(series)]);
  return html`<figure class="chart">
    <div ref=${ref} role="img" aria-label=${summary}></div>
    <figcaption class="sr-only">${summary}</figcaption>
  </figure>`;
}
