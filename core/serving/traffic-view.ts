import type { Endpoint, TrafficConfig, TrafficView } from '../../contracts/serving.js';
import type { CoreDeps } from '../deps.js';
import { CirrusError } from '../errors.js';
import { listEndpoints } from './endpoints.js';
import { resolveEndpoint } from './resolver.js';

/** The traffic an endpoint serves now; `traffic` is null when it has no config and no champion yet. */
export async function trafficView(deps: CoreDeps, endpoint: Endpoint): Promise<TrafficView> {
  let traffic: TrafficConfig | null = endpoint.traffic ?? null;
  if (!traffic) {
    try {
      traffic = (await resolveEndpoint(deps, endpoint.name)).traffic;
    } catch (error) {
      if (!(error instanceof CirrusError && error.status === 404)) throw error;
    }
  }
  return {
    endpoint: endpoint.name,
    model: endpoint.model,
    source: endpoint.traffic ? 'config' : 'champion',
    traffic,
    ...(endpoint.abTestId ? { abTestId: endpoint.abTestId } : {}),
  };
}

/**
 * What every endpoint of a model serves now: after a promotion, an endpoint whose explicit
 * split does not follow the champion says so instead of silently serving another version.
 */
export async function modelTrafficViews(deps: CoreDeps, model: string): Promise<TrafficView[]> {
  const endpoints = (await listEndpoints(deps)).filter((e) => e.model === model);
  return Promise.all(endpoints.map((e) => trafficView(deps, e)));
}
