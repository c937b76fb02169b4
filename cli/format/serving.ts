import { kv, num, table, when } from '../output.js';
import type { AbTestStatus, Endpoint, PredictResponse, TrafficConfig } from '../types.js';

/** The most likely classes first, as `setosa 0.97, versicolor 0.02`. */
export function topProbabilities(p: Record<string, number> | undefined, k = 3): string {
  if (!p) return '';
  return Object.entries(p)
    .sort((a, b) => b[1] - a[1])
    .slice(0, k)
    .map(([c, v]) => `${c} ${v.toFixed(3)}`)
    .join(', ');
}

/** One row per prediction: label/value/cluster and the top probabilities. */
export function predictionsTable(res: PredictResponse): string {
  const hasLabel = res.predictions.some((p) => p.label !== undefined);
  const hasValue = res.predictions.some((p) => p.value !== undefined);
  const hasCluster = res.predictions.some((p) => p.cluster !== undefined);
  const head = [
    '#',
    ...(hasLabel ? ['label', 'probabilities'] : []),
    ...(hasValue ? ['value'] : []),
    ...(hasCluster ? ['cluster'] : []),
  ];
  const rows = res.predictions.map((p, i) => [
    i,
    ...(hasLabel ? [p.label, topProbabilities(p.probabilities)] : []),
    ...(hasValue ? [p.value] : []),
    ...(hasCluster ? [p.cluster] : []),
  ]);
  return table(head, rows);
}

export function answeredBy(res: PredictResponse): string {
  return `request ${res.requestId}: ${res.model} v${res.version} (variant ${res.variant})`;
}

export function trafficTable(traffic: TrafficConfig): string {
  const rows: unknown[][] = traffic.variants.map((v) => [v.name, v.version, v.weight, 'live']);
  for (const s of traffic.shadows ?? []) rows.push([s.name, s.version, 0, 'shadow (logged, never answers)']);
  const t = table(['variant', 'version', 'weight %', 'role'], rows);
  return traffic.stickyKey ? `${t}\nsticky key: ${traffic.stickyKey.from} '${traffic.stickyKey.name}'` : t;
}

export function endpointsTable(endpoints: readonly Endpoint[]): string {
  return table(
    ['endpoint', 'model', 'traffic', 'A/B test', 'updated'],
    endpoints.map((e) => [
      e.name,
      e.model,
      e.traffic ? e.traffic.variants.map((v) => `v${v.version}:${v.weight}%`).join(' ') : 'champion',
      e.abTestId ?? '',
      when(e.updatedAt),
    ]),
  );
}

const ci = (c: [number, number] | null) => (c ? `[${num(c[0])}, ${num(c[1])}]` : '');

/** Per-arm counts and metric, then the test's difference, CI, p-value and decision. */
export function abStatusTable(s: AbTestStatus): string {
  const arms = table(
    ['arm', 'version', 'labelled', s.metric],
    [s.champion, s.challenger].map((a) => [a.variant, `v${a.version}`, a.n, a.metric ?? '']),
  );
  const summary = kv({
    test: s.testId,
    state: s.state,
    decision: s.decision,
    [`difference (challenger - champion)`]: s.difference ?? '',
    [`${Math.round((1 - s.alpha) * 100)}% CI (always valid)`]: ci(s.confidenceInterval),
    'p-value (always valid)': s.pValue ?? '',
    'p-value (fixed horizon, display only)': s.fixedHorizonPValue ?? '',
    plan: `split ${s.split}% to challenger, min ${s.minSamples}, max ${s.maxSamples} per arm, alpha ${s.alpha}`,
    reason: s.reason,
  });
  return `${arms}\n${summary}`;
}
