import type { Endpoint, TrafficConfig } from '../../contracts/serving.js';
import type { CoreDeps } from '../deps.js';
import { findAlias, getAlias } from '../registry/aliases.js';
import { getModelVersion } from '../registry/versions.js';
import { getEndpoint } from './endpoints.js';
import type { ModelArtifactRef } from './session-cache.js';

/** An endpoint with the traffic it serves now (the champion alias when it has no config). */
export interface ResolvedEndpoint {
  readonly endpoint: Endpoint;
  readonly traffic: TrafficConfig;
}

export interface EndpointResolverOptions {
  /** How long a resolved endpoint (traffic, champion) is reused. @default 2000 */
  readonly ttlMs?: number;
}

/**
 * The traffic an endpoint serves: its config, or 100 % to the model's `champion` alias. An
 * endpoint is named after its model unless told otherwise (ensureEndpoint), so that model's
 * champion is read beside the endpoint rather than after it: one round trip less on a cold or
 * expired lookup, and a read wasted when the guess is wrong or the endpoint has a traffic config.
 */
export async function resolveEndpoint(deps: CoreDeps, name: string): Promise<ResolvedEndpoint> {
  const guess = findAlias(deps, { model: name, alias: 'champion' });
  guess.catch(() => undefined); // its failure matters only when it is used
  const endpoint = await getEndpoint(deps, name);
  if (endpoint.traffic) return { endpoint, traffic: endpoint.traffic };
  const guessed = endpoint.model === name ? await guess : null;
  // No alias (or another model): getAlias reads it and throws the NotFoundError it names.
  const champion = guessed ?? (await getAlias(deps, { model: endpoint.model, alias: 'champion' }));
  return {
    endpoint,
    traffic: { variants: [{ name: 'champion', version: champion.version, weight: 100 }], shadows: [] },
  };
}

/**
 * Per-container cache of endpoint resolution and version artifacts, so a warm prediction does
 * not read DynamoDB: endpoints are reused for `ttlMs` (a traffic change or promotion is seen
 * within that time), versions forever (a registered version never changes). Concurrent misses
 * share one read.
 */
export class EndpointResolver {
  private readonly endpoints = new Map<string, { at: number; value: Promise<ResolvedEndpoint> }>();
  private readonly versions = new Map<string, Promise<ModelArtifactRef>>();
  private readonly ttlMs: number;

  constructor(options: EndpointResolverOptions = {}) {
    this.ttlMs = options.ttlMs ?? 2000;
  }

  resolve(deps: CoreDeps, name: string): Promise<ResolvedEndpoint> {
    const now = deps.now().getTime();
    const hit = this.endpoints.get(name);
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    const value = resolveEndpoint(deps, name);
    const entry = { at: now, value };
    this.endpoints.set(name, entry);
    value.catch(() => {
      if (this.endpoints.get(name) === entry) this.endpoints.delete(name);
    });
    return value;
  }

  artifact(deps: CoreDeps, model: string, version: number): Promise<ModelArtifactRef> {
    const key = `${model}\u0000${version}`;
    let value = this.versions.get(key);
    if (!value) {
      value = getModelVersion(deps, { model, version }).then((v) => ({
        model,
        version,
        onnxUri: v.onnxUri,
        onnxSha256: v.onnxSha256,
        contract: v.contract,
      }));
      this.versions.set(key, value);
      value.catch(() => this.versions.delete(key));
    }
    return value;
  }

  /** Forgets a resolved endpoint (after this process changed its traffic). */
  invalidate(name: string): void {
    this.endpoints.delete(name);
  }
}
