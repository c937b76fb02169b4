import type { ModelContract } from '../../contracts/model-contract.js';
import { ModelContractSchema } from '../../contracts/model-contract.js';
import type { PipelineRequest, ValidateOutput } from '../../contracts/pipeline.js';
import { findColumn, type ParsedCsv } from '../data/index.js';
import { ValidationError } from '../errors.js';
import { adaptModel } from '../imports/adapt.js';
import { loadForImport } from '../imports/check.js';
import { decodeImport } from '../imports/import-model.js';
import { planImport } from '../imports/plan.js';
import { readSignature } from '../imports/signature.js';
import { encodeModel } from '../ml/onnx/model-codec.js';
import type { ModelArchive } from './model-archive.js';

export interface AdaptedModel {
  readonly onnx: Uint8Array;
  readonly contract: ModelContract;
  /** What the serving adapter did (lineage). */
  readonly adapter: readonly string[];
}

/** The train channel's target values sorted (numerically when all are numbers): a custom trainer's class order. */
function sortedClasses(train: ParsedCsv, target: string): string[] {
  const values = findColumn(train, target, 'target').values.filter((v): v is string => v !== null);
  const distinct = [...new Set(values)];
  const numeric = distinct.every((v) => v.trim() !== '' && Number.isFinite(Number(v)));
  return numeric ? distinct.sort((a, b) => Number(a) - Number(b)) : distinct.sort();
}

/**
 * A custom trainer's model.onnx through the import's checks and serving adapter: contract.json
 * when the trainer wrote one, else inferred from the graph and the request (features: the
 * request's, else the train channel's columns but the target; classes: the graph's labels, else
 * the sorted target values). Throws a ValidationError naming the reason, failing the run.
 */
export async function adaptCustomModel(
  archive: ModelArchive,
  request: PipelineRequest,
  run: ValidateOutput,
  train: ParsedCsv,
): Promise<AdaptedModel> {
  if (request.task === 'clustering')
    throw new ValidationError('trainer: custom trainers train classifiers or regressors', 'trainer');
  const given = archive.contractJson
    ? ModelContractSchema.parse(JSON.parse(archive.contractJson))
    : undefined;
  const decoded = decodeImport(archive.onnx);
  await (await loadForImport(archive.onnx, 'model.onnx')).release();
  const signature = readSignature(decoded);
  const header = train.columns.map((c) => c.name);
  const target = request.target;
  const features =
    given?.features.map((f) => f.name) ?? request.features ?? header.filter((c) => c !== target);
  const classes =
    given?.classes ??
    (request.task === 'classification' && !signature.classes && target
      ? sortedClasses(train, target)
      : undefined);
  const plan = planImport(signature, { task: request.task, features, classes, target });
  const adapter = adaptModel(decoded, plan);
  const contract: ModelContract = {
    kind: 'cirrus.model-contract',
    schemaVersion: 1,
    task: plan.task,
    algorithm: request.algorithm,
    features: plan.features.map((name) => ({
      name,
      type: 'numeric',
      source: { dataset: run.dataset.name, version: run.dataset.version, columns: [name] },
    })),
    target,
    classes: plan.classes ? [...plan.classes] : undefined,
  };
  return { onnx: encodeModel(decoded), contract, adapter };
}
