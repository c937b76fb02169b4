import type { PredictionActivity } from '../../contracts/prediction-activity.js';
import type { PredictionLogRecord } from '../../contracts/serving.js';
import type { CoreDeps } from '../deps.js';
import { queryPredictions } from './prediction-store.js';

export interface ActivityQuery {
  readonly endpoint: string;
  readonly from: Date;
  readonly to: Date;
  /** How many of the latest predictions to return. */
  readonly recent: number;
}

/**
 * Summarizes an endpoint's prediction log over [from, to): requests and rows per minute and
 * variant, each variant's latency p50/p95 and feedback agreement, and the latest predictions.
 * Streams the log once; keeps per-variant latencies (one number per request) in memory.
 */
export async function predictionActivity(deps: CoreDeps, query: ActivityQuery): Promise<PredictionActivity> {
  const minutes = new Map<string, { minute: string; variant: string; requests: number; rows: number }>();
  const variants = new Map<
    string,
    { version: number; shadow: boolean; rows: number; latencies: number[]; labelled: number; correct: number }
  >();
  const recent: PredictionLogRecord[] = [];
  const window = { endpoint: query.endpoint, from: query.from, to: query.to, includeShadows: true };
  for await (const r of queryPredictions(deps, window)) {
    const minute = `${r.at.slice(0, 16)}:00Z`;
    const mk = `${minute}|${r.variant}`;
    const m = minutes.get(mk) ?? { minute, variant: r.variant, requests: 0, rows: 0 };
    m.requests += 1;
    m.rows += r.rowCount;
    minutes.set(mk, m);
    const v = variants.get(r.variant) ?? {
      version: r.version,
      shadow: r.shadow,
      rows: 0,
      latencies: [],
      labelled: 0,
      correct: 0,
    };
    v.rows += r.rowCount;
    v.latencies.push(r.latencyMs);
    const actual = firstOf(r.actual);
    if (actual !== undefined) {
      v.labelled += 1;
      if (String(r.outputs?.[0]?.label) === String(actual)) v.correct += 1;
    }
    variants.set(r.variant, v);
    if (!r.shadow) {
      recent.push(r);
      if (recent.length > query.recent * 4) recent.splice(0, recent.length - query.recent);
    }
  }
  return {
    endpoint: query.endpoint,
    from: query.from.toISOString(),
    to: query.to.toISOString(),
    perMinute: [...minutes.values()].sort(
      (a, b) => a.minute.localeCompare(b.minute) || a.variant.localeCompare(b.variant),
    ),
    variants: [...variants.entries()].map(([variant, v]) => ({
      variant,
      version: v.version,
      shadow: v.shadow,
      requests: v.latencies.length,
      rows: v.rows,
      p50LatencyMs: percentile(v.latencies, 0.5),
      p95LatencyMs: percentile(v.latencies, 0.95),
      labelled: v.labelled,
      correct: v.correct,
    })),
    recent: recent
      .sort((a, b) => b.at.localeCompare(a.at))
      .slice(0, query.recent)
      .map((r) => ({
        requestId: r.requestId,
        at: r.at,
        variant: r.variant,
        version: r.version,
        rowCount: r.rowCount,
        latencyMs: r.latencyMs,
        ...(r.outputs?.[0] ? { prediction: r.outputs[0] } : {}),
        ...(firstOf(r.actual) !== undefined ? { actual: firstOf(r.actual) } : {}),
      })),
  };
}

function firstOf<T>(value: T | T[] | undefined): T | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Nearest-rank percentile of unsorted values (0 when empty). */
function percentile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}
