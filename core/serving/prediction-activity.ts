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
 * Summarizes an endpoint's prediction log over [from, to): requests, rows and failed requests
 * per minute and variant, each variant's latency p50/p95 (answers only), errors and feedback
 * agreement, and the latest predictions.
 * Streams the log once; keeps per-variant latencies (one number per request) in memory.
 */
export async function predictionActivity(deps: CoreDeps, query: ActivityQuery): Promise<PredictionActivity> {
  const minutes = new Map<
    string,
    { minute: string; variant: string; requests: number; rows: number; errors: number }
  >();
  const variants = new Map<string, VariantTally>();
  const recent: PredictionLogRecord[] = [];
  const window = { endpoint: query.endpoint, from: query.from, to: query.to, includeShadows: true };
  for await (const r of queryPredictions(deps, window)) {
    const minute = `${r.at.slice(0, 16)}:00Z`;
    const mk = `${minute}|${r.variant}`;
    const m = minutes.get(mk) ?? { minute, variant: r.variant, requests: 0, rows: 0, errors: 0 };
    minutes.set(mk, m);
    const v = variants.get(r.variant) ?? newTally(r);
    variants.set(r.variant, v);
    if (r.error) {
      // A failed request: counted as an error, not as an answer (no rows, no latency sample).
      m.errors += 1;
      v.errors += 1;
      if (r.error.status >= 500) v.serverErrors += 1;
      continue;
    }
    m.requests += 1;
    m.rows += r.rowCount;
    v.rows += r.rowCount;
    v.latencies.push(r.latencyMs);
    const actual = firstOf(r.actual);
    if (actual !== undefined) {
      v.labelled += 1;
      if (String(r.outputs?.[0]?.label) === String(actual)) v.correct += 1;
    }
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
      errors: v.errors,
      serverErrors: v.serverErrors,
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

interface VariantTally {
  version: number;
  shadow: boolean;
  rows: number;
  latencies: number[];
  labelled: number;
  correct: number;
  errors: number;
  serverErrors: number;
}

function newTally(r: PredictionLogRecord): VariantTally {
  return {
    version: r.version,
    shadow: r.shadow,
    rows: 0,
    latencies: [],
    labelled: 0,
    correct: 0,
    errors: 0,
    serverErrors: 0,
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
