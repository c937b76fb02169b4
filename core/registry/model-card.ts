import { type ModelCard, ModelCardSchema } from '../../contracts/model-card.js';
import type { Feature, ModelVersion } from '../../contracts/registry.js';
import type { CoreDeps } from '../deps.js';
import { fromZodError } from '../errors.js';
import { listAliases } from './aliases.js';
import { getModelVersion } from './versions.js';

export interface ModelCardOptions {
  /** The prediction URL serving this model (OpenMetadata `server`). */
  readonly serverUrl?: string;
  /** A link to the run or model page (OpenMetadata `dashboard`). */
  readonly dashboardUrl?: string;
  /** Where the serving/training image lives (OpenMetadata `mlStore.imageRepository`). */
  readonly imageRepository?: string;
  /** Aliases pointing at this version, exported as `alias:<name>` tags. */
  readonly aliases?: readonly string[];
}

function mlFeature(feature: Feature): ModelCard['mlFeatures'][number] {
  return {
    name: feature.name,
    // OpenMetadata knows numerical and categorical features; text is categorical plus an algorithm.
    dataType: feature.type === 'numeric' ? 'numerical' : 'categorical',
    featureSources: feature.source.columns.map((column) => ({
      name: column,
      dataType: feature.type === 'numeric' ? 'number' : 'string',
      dataSource: `${feature.source.dataset}@${feature.source.version}`,
    })),
    featureAlgorithm: feature.type === 'text' ? (feature.source.template ?? 'text vectorizer') : undefined,
  };
}

/** Where the version came from: its run, or the imported file's producer and opsets. */
function lineageTags(version: ModelVersion): string[] {
  const source = version.source;
  if (!source) return [`run:${version.runId}`];
  const producer = [source.producerName, source.producerVersion].filter(Boolean).join(' ');
  return [
    `${source.kind === 'import' ? 'import' : 'run'}:${version.runId}`,
    ...(producer ? [`producer:${producer}`] : []),
    ...Object.entries(source.opsets).map(([domain, v]) => `opset:${domain}=${v}`),
    ...(source.trainer ? [`trainer:${source.trainer}`] : []),
  ];
}

/** A version as an OpenMetadata MlModel entity (pure: no I/O). */
export function toModelCard(version: ModelVersion, options: ModelCardOptions = {}): ModelCard {
  const card = ModelCardSchema.safeParse({
    name: version.model,
    displayName: `${version.model} v${version.version}`,
    description: version.description,
    algorithm: version.algorithm,
    mlFeatures: version.contract.features.map(mlFeature),
    mlHyperParameters: Object.entries(version.hyperparameters).map(([name, value]) => ({
      name,
      value: String(value),
    })),
    target: version.contract.target,
    mlStore: { storage: version.onnxUri, imageRepository: options.imageRepository },
    server: options.serverUrl,
    dashboard: options.dashboardUrl,
    version: version.versionLabel,
    tags: [
      `task:${version.contract.task}`,
      `version:${version.version}`,
      ...lineageTags(version),
      ...(options.aliases ?? []).map((alias) => `alias:${alias}`),
    ],
  });
  if (!card.success) throw fromZodError(card.error, 'modelCard');
  return card.data;
}

/**
 * Exports a registered version as an OpenMetadata MlModel card, with its aliases as tags.
 * @throws NotFoundError for an unknown model or version.
 */
export async function exportModelCard(
  deps: CoreDeps,
  input: { model: string; version: number } & Omit<ModelCardOptions, 'aliases'>,
): Promise<ModelCard> {
  const version = await getModelVersion(deps, input);
  const aliases = await listAliases(deps, { model: input.model });
  return toModelCard(version, {
    ...input,
    aliases: aliases.filter((a) => a.version === input.version).map((a) => a.alias),
  });
}
