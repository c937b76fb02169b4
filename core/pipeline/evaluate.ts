import * as ort from 'onnxruntime-node';
import { z } from 'zod';
import { ModelContractSchema } from '../../contracts/model-contract.js';
import {
  type EvaluateOutput,
  PipelineRequestSchema,
  TrainingOutputSchema,
  ValidateOutputSchema,
} from '../../contracts/pipeline.js';
import { hyperparametersFor } from '../../contracts/training-request.js';
import { ModelManifestSchema } from '../../contracts/training-job.js';
import { getArtifact, putArtifact, putJson } from '../artifacts/index.js';
import { parseCsv } from '../data/index.js';
import type { CoreDeps } from '../deps.js';
import { buildBaselineProfile, numericMetrics } from '../drift/profile.js';
import { ValidationError } from '../errors.js';
import { checkPredictions } from '../imports/check.js';
import { adaptCustomModel } from './custom-model.js';
import { readModelArchive } from './model-archive.js';
import { runKeys } from './prepare.js';
import { csvRows, predictionValue, predictRows, scorePredictions } from './score-csv.js';

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
  const [testCsv, trainCsv] = await Promise.all(
    [keys.test, keys.train].map(async (key) => parseCsv(await getArtifact(deps, { key }), { field: key })),
  );
  // A custom trainer's model goes through the import's checks and serving adapter.
  const custom = request.trainer
    ? await adaptCustomModel(archive, request, run.Payload, trainCsv)
    : undefined;
  if (!custom && archive.contractJson === undefined)
    throw new ValidationError(
      `model.tar.gz: has no contract.json (found: ${archive.files.join(', ')})`,
      'model',
    );
  const contract = custom?.contract ?? ModelContractSchema.parse(JSON.parse(archive.contractJson ?? ''));
  const onnxBytes = custom?.onnx ?? archive.onnx;
  const session = await loadSession(onnxBytes);
  try {
    const testRows = csvRows(testCsv, contract);
    const testPredictions = custom
      ? await checkPredictions(session, contract, testRows, false)
      : await predictRows(session, contract, testRows);
    const metrics = scorePredictions(testCsv, contract, testPredictions);
    const trainRows = csvRows(trainCsv, contract);
    const trainPredictions = await predictRows(session, contract, trainRows);
    const profiled = contract.features.filter((f) => f.type !== 'text');
    const baseline = buildBaselineProfile({
      task: contract.task,
      seed: request.seed,
      features: profiled.map((f) => ({
        name: f.name,
        type: f.type === 'numeric' ? 'numeric' : 'categorical',
      })),
      columns: Object.fromEntries(
        profiled.map((f) => [f.name, trainRows.map((r) => r[f.name] as number | string | null)]),
      ),
      predictions: trainPredictions.map(predictionValue),
      metrics: numericMetrics(metrics),
      createdAt: deps.now(),
    });
    const [onnx, contractObj, metricsObj, baselineObj] = await Promise.all([
      putArtifact(deps, { key: keys.model('model.onnx'), body: onnxBytes }),
      putJson(deps, { key: keys.model('contract.json'), value: contract }),
      putJson(deps, { key: keys.model('metrics.json'), value: metrics }),
      putJson(deps, { key: keys.model('baseline.json'), value: baseline }),
    ]);
    return {
      metrics,
      score: metrics.score,
      onnxUri: onnx.uri,
      onnxSha256: onnx.sha256,
      contractUri: contractObj.uri,
      metricsUri: metricsObj.uri,
      baselineUri: baselineObj.uri,
      hyperparameters: hyperparametersFor(request, request.algorithm),
      ...trainerVersionOf(archive.manifestJson),
    };
  } finally {
    await session.release();
  }
}

/** The trainer version from the archive's manifest; a model without one still evaluates. */
function trainerVersionOf(manifestJson: string | undefined): { trainerVersion?: string } {
  if (!manifestJson) return {};
  const parsed = ModelManifestSchema.safeParse(JSON.parse(manifestJson));
  return parsed.success ? { trainerVersion: parsed.data.trainerVersion } : {};
}
