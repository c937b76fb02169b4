import type { CoreDeps } from '../../core/deps.js';
import { listEndpoints } from '../../core/serving/endpoints.js';
import type { PredictContext } from '../../core/serving/predict.js';
import { PredictionLogWriter } from '../../core/serving/prediction-log.js';
import { EndpointResolver } from '../../core/serving/resolver.js';
import { SessionCache } from '../../core/serving/session-cache.js';
import type { ServingOptions } from './context.js';

/** The predict path's state with its DynamoDB log writer (the app's, the local server's). */
export type ServingState = PredictContext & { readonly log: PredictionLogWriter };

/**
 * The per-process state of the predict path: ONNX sessions, resolved endpoints and the
 * buffered prediction log. One per app (`createApp` builds it), so a warm container reuses all three.
 */
export function createServingState(deps: CoreDeps, options: ServingOptions = {}): ServingState {
  return {
    cache: new SessionCache(),
    resolver: new EndpointResolver({ ttlMs: options.endpointTtlMs }),
    log: new PredictionLogWriter(deps, {
      ...options.log,
      onError:
        options.log?.onError ??
        ((error, pending) => console.error(`prediction log: ${pending} records re-queued`, error)),
    }),
    random: options.random,
    maxRows: options.maxRows,
    onShadowError: (shadow, error) =>
      console.error(`shadow variant ${shadow.name} (v${shadow.version}) failed`, error),
  };
}

/**
 * Forgets the resolved traffic of every endpoint serving `model` (after this process moved one
 * of its aliases), so the next prediction reads the new champion instead of waiting for the TTL.
 */
export async function invalidateModelEndpoints(
  deps: CoreDeps,
  serving: PredictContext,
  model: string,
): Promise<void> {
  for (const endpoint of await listEndpoints(deps)) {
    if (endpoint.model === model) serving.resolver.invalidate(endpoint.name);
  }
}
