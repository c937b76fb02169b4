import { createHash } from 'node:crypto';
import {
  type CreateMlModel,
  CreateMlModelSchema,
  type ModelCard,
  ModelCardSchema,
  type TagLabel,
} from '../../contracts/model-card.js';
import type { Feature, ModelVersion } from '../../contracts/registry.js';
import type { CoreDeps } from '../deps.js';
import { fromZodError } from '../errors.js';
import { listAliases } from './aliases.js';
import { getModelVersion } from './versions.js';

/** The OpenMetadata MlModel service Cirrus models are exported under. */
export const CARD_SERVICE = 'cirrus';

export interface ModelCardOptions {
  /** The prediction URL serving this model (OpenMetadata `server`). */
  readonly serverUrl?: string;
  /** A link to the run or model page (`extension.cirrus.dashboardUrl`). */
  readonly dashboardUrl?: string;
  /** Where the serving/training image lives (OpenMetadata `mlStore.imageRepository`). */
  readonly imageRepository?: string;
  /** Aliases pointing at this version, exported as `CirrusAlias.<name>` tags. */
  readonly aliases?: readonly string[];
}

/** A name-based (version 5 layout) UUID: the same name always gives the same id. */
export function nameUuid(name: string): string {
  const hex = createHash('sha1').update(`cirrus:${name}`).digest('hex').slice(0, 32).split('');
  hex[12] = '5';
  hex[16] = ((Number.parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** OpenMetadata quotes a name part that holds a dot. */
const fqnPart = (name: string) => (name.includes('.') ? `"${name}"` : name);

const tag = (classification: string, name: string): TagLabel => ({
  tagFQN: `${classification}.${fqnPart(name)}`,
  source: 'Classification',
  labelType: 'Automated',
  state: 'Confirmed',
});

function mlFeature(feature: Feature): ModelCard['mlFeatures'][number] {
  const { dataset, version, columns, template } = feature.source;
  return {
    name: feature.name,
    // OpenMetadata knows numerical and categorical features; text is categorical plus an algorithm.
    dataType: feature.type === 'numeric' ? 'numerical' : 'categorical',
    featureSources: columns.map((column) => ({
      name: column,
      dataType: feature.type === 'numeric' ? 'number' : 'string',
      description: `column '${column}' of dataset '${dataset}' version ${version}`,
      fullyQualifiedName: [dataset, version, column].map(fqnPart).join('.'),
    })),
    featureAlgorithm: feature.type === 'text' ? (template ?? 'text vectorizer') : undefined,
  };
}

/** Where the version came from: its run, or the imported file's producer and opsets. */
/** Where the version came from: its run or import, and an imported graph's producer and opsets. */
function lineageTags(version: ModelVersion): TagLabel[] {
  const source = version.source;
  if (!source) return [tag('CirrusRun', version.runId)];
  const producer = [source.producerName, source.producerVersion].filter(Boolean).join(' ');
  return [
    tag(source.kind === 'import' ? 'CirrusImport' : 'CirrusRun', version.runId),
    ...(producer ? [tag('CirrusProducer', producer)] : []),
    ...Object.entries(source.opsets).map(([domain, v]) => tag('CirrusOpset', `${domain}=${v}`)),
    ...(source.trainer ? [tag('CirrusTrainer', source.trainer)] : []),
  ];
}

/** A version as an OpenMetadata MlModel entity (pure: no I/O). */
export function toModelCard(version: ModelVersion, options: ModelCardOptions = {}): ModelCard {
  const card = ModelCardSchema.safeParse({
    id: nameUuid(`mlmodel:${version.model}:${version.version}`),
    name: version.model,
    fullyQualifiedName: `${CARD_SERVICE}.${fqnPart(version.model)}`,
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
    tags: [
      tag('CirrusTask', version.contract.task),
      ...lineageTags(version),
      ...(options.aliases ?? []).map((alias) => tag('CirrusAlias', alias)),
    ],
    service: {
      id: nameUuid(`mlmodelService:${CARD_SERVICE}`),
      type: 'mlmodelService',
      name: CARD_SERVICE,
      fullyQualifiedName: CARD_SERVICE,
    },
    serviceType: 'CustomMlModel',
    extension: {
      cirrus: {
        version: version.version,
        versionLabel: version.versionLabel,
        task: version.contract.task,
        runId: version.runId,
        metrics: version.metrics,
        dashboardUrl: options.dashboardUrl,
      },
    },
  });
  if (!card.success) throw fromZodError(card.error, 'modelCard');
  return card.data;
}

/** The `createMlModel` request that creates the card's entity in OpenMetadata. */
export function toCreateMlModel(card: ModelCard): CreateMlModel {
  const { id: _id, fullyQualifiedName: _fqn, serviceType: _type, service, ...rest } = card;
  return CreateMlModelSchema.parse({ ...rest, service: service.fullyQualifiedName ?? CARD_SERVICE });
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
