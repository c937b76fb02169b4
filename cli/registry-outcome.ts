import { ApiError, type CirrusClient, seg } from './client.js';
import type { Alias, ApiRun, ModelVersion } from './types.js';

export interface RegistryOutcome {
  /** The version the run registered. */
  readonly version: number;
  /** Whether that version is champion now. */
  readonly promoted: boolean;
  readonly champion?: number;
}

/**
 * What became of a finished run, read from the registry (versions name their run): for runs
 * whose execution history is not available to read the deploy step's decision from.
 */
export async function registryOutcome(
  client: CirrusClient,
  run: Pick<ApiRun, 'id' | 'experiment'>,
): Promise<RegistryOutcome | undefined> {
  try {
    const model = seg(run.experiment);
    const [{ versions }, { aliases }] = await Promise.all([
      client.get<{ versions: ModelVersion[] }>(`/v1/models/${model}/versions`),
      client.get<{ aliases: Alias[] }>(`/v1/models/${model}/aliases`),
    ]);
    const registered = versions.find((v) => v.runId === run.id);
    if (!registered) return undefined;
    const champion = aliases.find((a) => a.alias === 'champion')?.version;
    return { version: registered.version, promoted: champion === registered.version, champion };
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}
