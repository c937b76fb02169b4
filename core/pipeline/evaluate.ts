import * as ort from 'onnxruntime-node';
import * as z from 'zod';
import { type Metrics, MetricsFileSchema, type TuningResult } from '../../contracts/metrics.js';
import { type ModelContract, ModelContractSchema } from '../../contracts/model-contract.js';
import type { FeatureRow } from '../../contracts/serving.js';
import {
  type EvaluateOutput,
  PipelineRequestSchema,
  TrainingOutputSchema,
  ValidateOutputSchema,
} from '../../contracts/pipeline.js';
import { hyperparametersFor } from '../../contracts/training-request.js';
import { ModelManifestSchema } from '../../contracts/training-job.js';
import { getArtifact, putArtifact, putJson } from '../artifacts/index.js';
import { type ParsedCsv, parseCsv } from '../data/index.js';
import type { CoreDeps } from '../deps.js';
import type { BaselineProfile } from '../../contracts/drift.js';
import {
  BaselineProfileBuilder,
  type BuildBaselineProfileInput,
  buildBaselineProfile,
  numericMetrics,
  type ProfileColumn,
} from '../drift/profile.js';
import {
  descriptorProfileColumns,
  textDescriber,
  textDescriptorSpec,
  withTextDescriptors,
} from '../drift/text-descriptors.js';
import { ValidationError } from '../errors.js';
import { checkPredictions } from '../imports/check.js';
import { adaptCustomModel } from './custom-model.js';
import { readModelArchive } from './model-archive.js';
import { runKeys } from './prepare.js';
import { csvRows, predictionValue, predictRows, scorePredictions } from './score-csv.js';
import { scoreTestBytes, trainingProfileBytes } from './score-bytes.js';
import { canStreamEvaluation, scoreTestStreaming, trainingProfileStreaming } from './score-stream.js';

const EvaluateInputSchema = z
  .object({
    request: PipelineRequestSchema,
    run: z.object({ Payload: ValidateOutputSchema }),
    training: TrainingOutputSchema,
  })
  .loose();

async function loadSession(onnx: Uint8Array): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(onnx);
  } catch (e) {
    throw new ValidationError(
      `model.onnx: onnxruntime cannot load it (${(e as Error).message.split('\n')[0]})`,
      'model',
    );
  }
}

/**
 * Pipeline step Evaluate: unpacks the job's model.tar.gz, loads model.onnx with onnxruntime
 * (the runtime that will serve it), scores the test channel, profiles the training channel as
 * the drift baseline, and stores model.onnx, contract, metrics and baseline under the run.
 * A model that fails to load or to predict fails the run here, before anything is registered.
 */
export async function evaluate(deps: CoreDeps, input: unknown): Promise<EvaluateOutput> {
  const { request, run, training } = EvaluateInputSchema.parse(input);
  const runId = run.Payload.runId;
  const archive = await readModelArchive(await getArtifact(deps, { uri: training.S3ModelArtifacts }));
  const keys = runKeys(runId);
  // A custom trainer's model goes through the import's checks and serving adapter (in memory).
  const csvs = request.trainer ? await readChannels(deps, keys) : undefined;
  const custom =
    request.trainer && csvs ? await adaptCustomModel(archive, request, run.Payload, csvs.train) : undefined;
  if (!custom && archive.contractJson === undefined)
    throw new ValidationError(
      `model.tar.gz: has no contract.json (found: ${archive.files.join(', ')})`,
      'model',
    );
  const contract = custom?.contract ?? ModelContractSchema.parse(JSON.parse(archive.contractJson ?? ''));
  const onnxBytes = custom?.onnx ?? archive.onnx;
  const session = await loadSession(onnxBytes);
  try {
    const scored =
      !custom && canStreamEvaluation(contract)
        ? await scoreStreamed(deps, session, contract, keys, { seed: request.seed })
        : await scoreInMemory(session, contract, csvs ?? (await readChannels(deps, keys)), {
            custom: custom !== undefined,
            seed: request.seed,
          });
    const { metrics } = scored;
    const baseline = scored.baseline(numericMetrics(metrics), deps.now());
    const tuning = tuningOf(archive.metricsJson);
    const [onnx, contractObj, metricsObj, baselineObj, tuningObj] = await Promise.all([
      putArtifact(deps, { key: keys.model('model.onnx'), body: onnxBytes }),
      putJson(deps, { key: keys.model('contract.json'), value: contract }),
      putJson(deps, { key: keys.model('metrics.json'), value: metrics }),
      putJson(deps, { key: keys.model('baseline.json'), value: baseline }),
      tuning ? putJson(deps, { key: keys.model('tuning.json'), value: tuning }) : undefined,
    ]);
    return {
      metrics: scalarMetrics(metrics),
      score: metrics.score,
      onnxUri: onnx.uri,
      onnxSha256: onnx.sha256,
      contractUri: contractObj.uri,
      metricsUri: metricsObj.uri,
      baselineUri: baselineObj.uri,
      hyperparameters:
        usedHyperparameters(archive.manifestJson) ?? hyperparametersFor(request, request.algorithm),
      ...(tuningObj ? { tuningUri: tuningObj.uri } : {}),
      ...trainerVersionOf(archive.manifestJson),
    };
  } finally {
    await session.release();
  }
}

type Keys = ReturnType<typeof runKeys>;
/** Test-set metrics, and the drift baseline given its flat metrics (the builder's seed is the run's). */
interface Scored {
  readonly metrics: Metrics;
  readonly baseline: (metrics: Record<string, number>, createdAt?: Date) => BaselineProfile;
}

/** Both channels parsed whole (the in-memory path). */
export async function readChannels(
  deps: CoreDeps,
  keys: Keys,
): Promise<{ test: ParsedCsv; train: ParsedCsv }> {
  const [test, train] = await Promise.all(
    [keys.test, keys.train].map(async (key) => parseCsv(await getArtifact(deps, { key }), { field: key })),
  );
  return { test: test!, train: train! };
}

/**
 * Streams both channels in batches, numbers read straight from a plain file's bytes into the
 * input tensor and the baseline's column builders: the metrics and baseline of `scoreInMemory`.
 */
export async function scoreStreamed(
  deps: CoreDeps,
  session: ort.InferenceSession,
  contract: ModelContract,
  keys: Keys,
  options: { seed: number; batchRows?: number },
): Promise<Scored> {
  const metrics = await scoreTestBytes(deps, session, contract, keys.test, options.batchRows);
  const builder = streamingBuilder(contract, options.seed);
  await trainingProfileBytes(deps, session, contract, keys.train, builder, options.batchRows);
  return { metrics, baseline: (flat, createdAt) => builder.finish(flat, createdAt) };
}

/** The record path `scoreStreamed` replaced (a string per cell, an object per row): the bench's reference. */
export async function scoreStreamedRecords(
  deps: CoreDeps,
  session: ort.InferenceSession,
  contract: ModelContract,
  keys: Keys,
  options: { seed: number; batchRows?: number },
): Promise<Scored> {
  const metrics = await scoreTestStreaming(deps, session, contract, keys.test, options.batchRows);
  const builder = streamingBuilder(contract, options.seed);
  await trainingProfileStreaming(deps, session, contract, keys.train, builder, options.batchRows);
  return { metrics, baseline: (flat, createdAt) => builder.finish(flat, createdAt) };
}

/** The baseline's builder for a numeric/categorical contract (the features as they are). */
function streamingBuilder(contract: ModelContract, seed: number): BaselineProfileBuilder {
  const features: ProfileColumn[] = contract.features.map((f) => ({
    name: f.name,
    type: f.type === 'numeric' ? ('numeric' as const) : ('categorical' as const),
  }));
  return new BaselineProfileBuilder({ task: contract.task, seed, features });
}

/** Clustering, text features and custom models: every row in memory, scored at once. */
export async function scoreInMemory(
  session: ort.InferenceSession,
  contract: ModelContract,
  csvs: { test: ParsedCsv; train: ParsedCsv },
  options: { custom: boolean; seed: number },
): Promise<Scored> {
  const testRows = csvRows(csvs.test, contract);
  const trainRows = csvRows(csvs.train, contract);
  // A custom trainer's predictions go through the import's checks (a NaN is refused by name).
  const testPredictions = options.custom
    ? await checkPredictions(session, contract, testRows, false)
    : await predictRows(session, contract, testRows);
  const metrics = scorePredictions(csvs.test, contract, testPredictions, {
    rows: testRows,
    trainRows,
    seed: options.seed,
  });
  const trainPredictions = await predictRows(session, contract, trainRows);
  const reference = {
    ...profiledColumns(contract, trainRows),
    predictions: trainPredictions.map(predictionValue),
  };
  return {
    metrics,
    baseline: (flat, createdAt) =>
      buildBaselineProfile({
        task: contract.task,
        seed: options.seed,
        ...reference,
        metrics: flat,
        createdAt,
      }),
  };
}

/**
 * The columns the drift baseline profiles: numeric and categorical features as they are, and
 * each text feature through its descriptor columns (words, out-of-vocabulary rate, top term).
 */
function profiledColumns(
  contract: ModelContract,
  rows: readonly FeatureRow[],
): Pick<BuildBaselineProfileInput, 'features' | 'columns' | 'text'> {
  const text = contract.features
    .filter((f) => f.type === 'text')
    .map((f) =>
      textDescriptorSpec(
        f.name,
        rows.map((r) => r[f.name]),
      ),
    );
  const describers = text.map(textDescriber);
  const described = describers.length ? rows.map((r) => withTextDescriptors(describers, r)) : rows;
  const features: ProfileColumn[] = contract.features.flatMap((f) =>
    f.type === 'text'
      ? descriptorProfileColumns(f.name)
      : [{ name: f.name, type: f.type === 'numeric' ? ('numeric' as const) : ('categorical' as const) }],
  );
  const columns = Object.fromEntries(
    features.map((f) => [f.name, described.map((r) => r[f.name] as number | string | null)]),
  );
  return { features, columns, text };
}

type Scalar = string | number | boolean;

/**
 * The hyperparameters the trainer used (its manifest: defaults applied, a search's chosen
 * candidate), as scalars (anything else as JSON); undefined for a trainer without a manifest.
 */
function usedHyperparameters(manifestJson: string | undefined): Record<string, Scalar> | undefined {
  if (!manifestJson) return undefined;
  const parsed = ModelManifestSchema.safeParse(JSON.parse(manifestJson));
  if (!parsed.success) return undefined;
  return Object.fromEntries(
    Object.entries(parsed.data.hyperparameters).map(([k, v]): [string, Scalar] => [
      k,
      typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v),
    ]),
  );
}

/** The metrics that stay in the state: scalars (arrays such as the confusion matrix stay in S3). */
function scalarMetrics(metrics: Readonly<Record<string, unknown>>): Record<string, Scalar> {
  return Object.fromEntries(
    Object.entries(metrics).filter((e): e is [string, Scalar] =>
      ['number', 'string', 'boolean'].includes(typeof e[1]),
    ),
  );
}

/** A tuned run's candidates, from the trainer's metrics.json. */
function tuningOf(metricsJson: string | undefined): TuningResult | undefined {
  if (!metricsJson) return undefined;
  const parsed = MetricsFileSchema.safeParse(JSON.parse(metricsJson));
  return parsed.success ? parsed.data.tuning : undefined;
}

/** The trainer version from the archive's manifest; a model without one still evaluates. */
function trainerVersionOf(manifestJson: string | undefined): { trainerVersion?: string } {
  if (!manifestJson) return {};
  const parsed = ModelManifestSchema.safeParse(JSON.parse(manifestJson));
  return parsed.success ? { trainerVersion: parsed.data.trainerVersion } : {};
}
