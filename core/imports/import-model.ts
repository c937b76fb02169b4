import { randomUUID } from 'node:crypto';
import type { Metrics } from '../../contracts/metrics.js';
import type { ModelContract } from '../../contracts/model-contract.js';
import { type ImportOptions, type ModelSource } from '../../contracts/model-import.js';
import { type ModelVersion, ModelNameSchema } from '../../contracts/registry.js';
import type { FeatureRow, Prediction } from '../../contracts/serving.js';
import { putArtifact, putJson, sha256Hex } from '../artifacts/index.js';
import { findColumn, type ParsedCsv, parseCsv } from '../data/index.js';
import type { CoreDeps } from '../deps.js';
import { buildBaselineProfile, numericMetrics } from '../drift/profile.js';
import { fromZodError, ValidationError } from '../errors.js';
import { decodeModel, encodeModel, type ModelInfo } from '../ml/onnx/model-codec.js';
import { type AbTestStarter, type DeployOutput, deployVersion } from '../pipeline/deploy.js';
import { csvRows, predictionValue, scorePredictions } from '../pipeline/score-csv.js';
import { registerModelVersion } from '../registry/index.js';
import { ensureEndpoint } from '../serving/endpoints.js';
import { adaptModel } from './adapt.js';
import { checkPredictions, loadForImport } from './check.js';
import { type ImportPlan, planImport } from './plan.js';
import { readSignature } from './signature.js';

export interface ImportModelInput {
  readonly model: string;
  readonly onnx: Uint8Array;
  /** A CSV with the features (and the target): scores the model and gives the drift baseline. */
  readonly reference?: Uint8Array | string;
  readonly options: ImportOptions;
}

export interface ImportModelResult {
  readonly version: ModelVersion;
  readonly deployment: DeployOutput;
}

/** Decodes a file to import; throws a ValidationError (field `file`) when it is not ONNX. */
export function decodeImport(onnx: Uint8Array): ModelInfo {
  let model: ModelInfo;
  try {
    model = decodeModel(onnx);
  } catch (e) {
    throw new ValidationError(`file: not an ONNX model (${(e as Error).message})`, 'file');
  }
  if (!model.graph || model.graph.node.length === 0 || model.opset_import.length === 0)
    throw new ValidationError('file: not an ONNX model (no graph, nodes or opset imports)', 'file');
  return model;
}

function contractOf(plan: ImportPlan, options: ImportOptions, lineage: { dataset: string; version: string }) {
  const contract: ModelContract = {
    kind: 'cirrus.model-contract',
    schemaVersion: 1,
    task: plan.task,
    algorithm: 'onnx',
    features: plan.features.map((name) => ({
      name,
      type: 'numeric',
      source: { ...lineage, columns: [name] },
    })),
    target: options.target,
    classes: plan.classes ? [...plan.classes] : undefined,
  };
  return contract;
}

/** Refuses a reference whose target values are not the model's classes (scores would lie). */
function checkTargets(csv: ParsedCsv, contract: ModelContract): void {
  if (!contract.target || contract.task !== 'classification') return;
  const classes = new Set(contract.classes);
  const column = findColumn(csv, contract.target, 'target');
  const stray = column.values.find((v) => v !== null && !classes.has(v));
  if (stray !== undefined) {
    throw new ValidationError(
      `classes: the reference target '${contract.target}' has the value '${stray}', not one of the model's classes (${contract.classes?.join(', ')}): pass --classes`,
      'classes',
    );
  }
}

interface Scored {
  readonly predictions: Prediction[];
  readonly rows: FeatureRow[];
  readonly metrics?: Metrics;
}

async function runChecks(
  onnx: Uint8Array,
  contract: ModelContract,
  csv: ParsedCsv | undefined,
): Promise<Scored> {
  const session = await loadForImport(onnx, 'the adapted model');
  try {
    if (csv) checkTargets(csv, contract);
    const generated = !csv;
    const rows = csv
      ? csvRows(csv, contract)
      : [Object.fromEntries(contract.features.map((f) => [f.name, 0]))];
    const predictions = await checkPredictions(session, contract, rows, generated);
    const metrics = csv && contract.target ? scorePredictions(csv, contract, predictions) : undefined;
    return { predictions, rows, metrics };
  } finally {
    await session.release();
  }
}

function opsetsOf(model: ModelInfo): Record<string, number> {
  return Object.fromEntries(model.opset_import.map((o) => [o.domain || 'ai.onnx', Number(o.version ?? 0)]));
}

function resolvePolicy(options: ImportOptions, scored: boolean): string {
  const policy = options.policy ?? (scored ? 'best_score' : 'most_recent');
  if (policy === 'best_score' && !scored) {
    throw new ValidationError(
      'policy: best_score needs a score: give a reference CSV with its target column (--reference, --target)',
      'policy',
    );
  }
  return policy;
}

/**
 * Imports an ONNX model Cirrus did not train as the next version of `model`: infers the contract
 * from the graph (asking only for what it cannot know), adds the serving adapter, loads it in
 * onnxruntime-node and runs the reference rows (or one generated row), scores it with the same
 * metrics as Evaluate, profiles the reference set as its drift baseline, registers it with its
 * lineage and runs the deploy policy. Every refusal is a ValidationError naming its reason, and
 * comes before anything is stored or registered.
 */
export async function importModel(
  deps: CoreDeps,
  input: ImportModelInput,
  startAbTest?: AbTestStarter,
): Promise<ImportModelResult> {
  const name = ModelNameSchema.safeParse(input.model);
  if (!name.success) throw fromZodError(name.error, 'model');
  const { options } = input;
  const decoded = decodeImport(input.onnx);
  await (await loadForImport(input.onnx, 'the file')).release();
  const csv = input.reference !== undefined ? parseCsv(input.reference, { field: 'reference' }) : undefined;
  if (options.target && !csv)
    throw new ValidationError('target: needs a reference CSV (--reference)', 'target');
  const plan = planImport(
    readSignature(decoded),
    options,
    csv?.columns.map((c) => c.name),
  );
  const original = sha256Hex(input.onnx);
  const lineage = csv
    ? { dataset: `${input.model}-reference`, version: csv.schema.sha256 }
    : { dataset: `${input.model}-import`, version: original };
  const contract = contractOf(plan, options, lineage);
  const adapter = adaptModel(decoded, plan);
  const adapted = encodeModel(decoded);
  const scored = await runChecks(adapted, contract, csv);
  const policy = resolvePolicy(options, scored.metrics !== undefined);
  const source = await storeImport(deps, { ...input, adapted, contract, scored, csv });
  const version = await registerModelVersion(deps, {
    model: input.model,
    runId: source.id,
    algorithm: `onnx:${decoded.producer_name || 'unknown'}`,
    contract,
    metrics: scored.metrics ?? {},
    score: scored.metrics?.score,
    onnxUri: source.onnx.uri,
    onnxSha256: source.onnx.sha256,
    baselineUri: source.baselineUri,
    description: options.description,
    source: {
      kind: 'import',
      fileName: options.fileName,
      originalUri: source.originalUri,
      originalSha256: original,
      producerName: decoded.producer_name || undefined,
      producerVersion: decoded.producer_version || undefined,
      irVersion: decoded.ir_version,
      opsets: opsetsOf(decodeModel(input.onnx)),
      adapter,
      referenceUri: source.referenceUri,
      referenceRows: csv?.schema.rowCount,
    } satisfies ModelSource,
  });
  await ensureEndpoint(deps, { model: input.model });
  const deployment = await deployVersion(
    deps,
    { model: input.model, version: version.version, policy, by: 'import' },
    startAbTest,
  );
  return { version, deployment };
}

interface StoreInput extends ImportModelInput {
  readonly adapted: Uint8Array;
  readonly contract: ModelContract;
  readonly scored: Scored;
  readonly csv?: ParsedCsv;
}

/** Writes the import's files under `imports/{model}/{id}/` (never moved: the version points there). */
async function storeImport(deps: CoreDeps, input: StoreInput) {
  const id = `import-${deps.now().toISOString().replace(/[-:.]/g, '')}-${randomUUID().slice(0, 8)}`;
  const key = (file: string) => `imports/${input.model}/${id}/${file}`;
  const { contract, scored, csv } = input;
  const baseline = csv
    ? buildBaselineProfile({
        task: contract.task,
        // The training request's default seed: a re-import of the same file profiles identically.
        seed: 42,
        features: contract.features.map((f) => ({ name: f.name, type: 'numeric' as const })),
        columns: Object.fromEntries(
          contract.features.map((f) => [f.name, scored.rows.map((r) => r[f.name] as number | null)]),
        ),
        predictions: scored.predictions.map(predictionValue),
        metrics: numericMetrics(scored.metrics ?? {}),
        createdAt: deps.now(),
      })
    : undefined;
  const [original, onnx, , reference, baselineObj] = await Promise.all([
    putArtifact(deps, { key: key('original.onnx'), body: input.onnx }),
    putArtifact(deps, { key: key('model.onnx'), body: input.adapted }),
    putJson(deps, { key: key('contract.json'), value: contract }),
    input.reference !== undefined
      ? putArtifact(deps, { key: key('reference.csv'), body: input.reference })
      : undefined,
    baseline ? putJson(deps, { key: key('baseline.json'), value: baseline }) : undefined,
    scored.metrics ? putJson(deps, { key: key('metrics.json'), value: scored.metrics }) : undefined,
  ]);
  return {
    id,
    onnx,
    originalUri: original.uri,
    referenceUri: reference?.uri,
    baselineUri: baselineObj?.uri,
  };
}
