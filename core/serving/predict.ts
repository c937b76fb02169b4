import { performance } from 'node:perf_hooks';
import type {
  FeatureRow,
  Prediction,
  PredictionLogRecord,
  PredictResponse,
  ShadowVariant,
} from '../../contracts/serving.js';
import type { CoreDeps } from '../deps.js';
import { CirrusError } from '../errors.js';
import { featureNames } from '../ml/onnx-io.js';
import type { PredictionLog } from './prediction-log.js';
import { normalizeRequest } from './request-rows.js';
import type { EndpointResolver } from './resolver.js';
import { chooseVariant, type RequestHeaders, stickyKeyOf } from './router.js';
import { runModel } from './run-model.js';
import type { LoadedModel, SessionCache } from './session-cache.js';

/** Per-container state the predict path reuses across requests. */
export interface PredictContext {
  readonly cache: SessionCache;
  readonly resolver: EndpointResolver;
  readonly log: PredictionLog;
  /** Random draw for unsticky routing. @default Math.random */
  readonly random?: () => number;
  /** @default the log writer's segmented ids (`log.newRequestId()`, see log-layout.ts) */
  readonly newRequestId?: () => string;
  /** Largest batch accepted. @default 10_000 */
  readonly maxRows?: number;
  /** A shadow variant failed (it never fails the request). @default ignore */
  readonly onShadowError?: (shadow: ShadowVariant, error: unknown) => void;
}

export interface PredictInput {
  readonly endpoint: string;
  /** The parsed JSON body (any accepted format). */
  readonly body: unknown;
  /** The request's headers, as the server received them (node:http's, a Lambda event's). */
  readonly headers?: RequestHeaders;
}

interface Scored {
  readonly loaded: LoadedModel;
  /** Fresh per request and never mutated after scoring: logged as is, without a copy. */
  readonly rows: FeatureRow[];
  readonly predictions: Prediction[];
}

async function score(
  deps: CoreDeps,
  ctx: PredictContext,
  model: string,
  version: number,
  body: unknown,
  extraKeys: string[],
): Promise<Scored> {
  const ref = await ctx.resolver.artifact(deps, model, version);
  const loaded = await ctx.cache.get(deps, ref);
  const source = normalizeRequest(body, featureNames(ref.contract), { maxRows: ctx.maxRows, extraKeys });
  return { loaded, rows: source.rows as FeatureRow[], predictions: await runModel(loaded, source) };
}

type RecordBase = Pick<PredictionLogRecord, 'requestId' | 'endpoint' | 'model' | 'at' | 'abTestId'>;

/**
 * One log record, written out field by field: V8 builds a `{ ...base, ... }` spread far more
 * slowly than this literal, on every answer (bench/serving.ts, CPU per answer).
 */
function logRecord(
  base: RecordBase,
  variant: { readonly name: string; readonly version: number },
  shadow: boolean,
  scored: Scored,
  latencyMs: number,
): PredictionLogRecord {
  return {
    requestId: base.requestId,
    endpoint: base.endpoint,
    model: base.model,
    at: base.at,
    abTestId: base.abTestId,
    version: variant.version,
    variant: variant.name,
    shadow,
    inputs: scored.rows,
    outputs: scored.predictions,
    rowCount: scored.rows.length,
    latencyMs,
  };
}

/** The log record of a request that failed on its variant: the error's status and code, no rows. */
function failureRecord(
  base: RecordBase,
  variant: { readonly name: string; readonly version: number },
  error: unknown,
  latencyMs: number,
): PredictionLogRecord {
  const known = error instanceof CirrusError;
  return {
    ...base,
    version: variant.version,
    variant: variant.name,
    shadow: false,
    rowCount: 0,
    latencyMs,
    error: { status: known ? error.status : 500, code: known ? error.code : 'InternalError' },
  };
}

/** Scores shadow variants after the answer; a failing shadow is reported and skipped. */
async function scoreShadows(
  deps: CoreDeps,
  ctx: PredictContext,
  input: PredictInput,
  model: string,
  shadows: readonly ShadowVariant[],
  extraKeys: string[],
  base: RecordBase,
): Promise<PredictionLogRecord[]> {
  const results = await Promise.all(
    shadows.map(async (shadow) => {
      const started = performance.now();
      try {
        const scored = await score(deps, ctx, model, shadow.version, input.body, extraKeys);
        return [logRecord(base, shadow, true, scored, performance.now() - started)];
      } catch (error) {
        ctx.onShadowError?.(shadow, error);
        return [];
      }
    }),
  );
  return results.flat();
}

/**
 * Answers one predict request: resolves the endpoint's traffic (cached), routes it (sticky key
 * or random), validates and scores the rows on the chosen version, and queues its log record.
 * Shadows are scored after the answer (`log.logLater`; `log.flush()` waits for them) and their
 * failures never fail the request.
 *
 * @throws NotFoundError (unknown endpoint, no champion), ValidationError (bad body, naming the
 * field), PayloadTooLargeError (too many rows).
 */
export async function predict(
  deps: CoreDeps,
  ctx: PredictContext,
  input: PredictInput,
): Promise<PredictResponse> {
  const started = performance.now();
  const { endpoint, traffic } = await ctx.resolver.resolve(deps, input.endpoint);
  const sticky = traffic.stickyKey;
  const extraKeys = sticky?.from === 'field' ? [sticky.name] : [];
  const choice = chooseVariant(traffic, stickyKeyOf(sticky, input), ctx.random, endpoint.name);
  const baseOf = (): RecordBase => ({
    requestId: ctx.newRequestId ? ctx.newRequestId() : ctx.log.newRequestId(),
    endpoint: endpoint.name,
    model: endpoint.model,
    at: deps.now().toISOString(),
    abTestId: endpoint.abTestId,
  });
  let served: Scored;
  try {
    served = await score(deps, ctx, endpoint.model, choice.variant.version, input.body, extraKeys);
  } catch (error) {
    ctx.log.log(failureRecord(baseOf(), choice.variant, error, performance.now() - started));
    throw error;
  }
  const latencyMs = performance.now() - started;
  const base = baseOf();
  const { requestId } = base;
  ctx.log.log(logRecord(base, choice.variant, false, served, latencyMs));
  if (ctx.log.overloaded) await ctx.log.waitForCapacity();
  if (choice.shadows.length > 0)
    ctx.log.logLater(scoreShadows(deps, ctx, input, endpoint.model, choice.shadows, extraKeys, base));
  return {
    requestId,
    endpoint: endpoint.name,
    model: endpoint.model,
    version: choice.variant.version,
    variant: choice.variant.name,
    predictions: served.predictions,
  };
}
