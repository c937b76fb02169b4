import * as z from 'zod';
import { ModelContractSchema } from '../../contracts/model-contract.js';
import {
  EvaluateOutputSchema,
  PipelineRequestSchema,
  type RegisterOutput,
  ValidateOutputSchema,
} from '../../contracts/pipeline.js';
import { getJson } from '../artifacts/index.js';
import type { CoreDeps } from '../deps.js';
import { registerModelVersion } from '../registry/index.js';
import { ensureEndpoint } from '../serving/endpoints.js';

const RegisterInputSchema = z
  .object({
    request: PipelineRequestSchema,
    run: z.object({ Payload: ValidateOutputSchema }),
    evaluation: z.object({ Payload: EvaluateOutputSchema }),
  })
  .loose();

/**
 * Pipeline step Register: records the evaluated model as the next version of the experiment's
 * model (version numbers are allocated atomically), with its lineage, metrics, ONNX artifact
 * and sha256, and baseline; the model's endpoint is created with its first version.
 */
export async function register(deps: CoreDeps, input: unknown): Promise<RegisterOutput> {
  const { request, run, evaluation } = RegisterInputSchema.parse(input);
  const ev = evaluation.Payload;
  // The full metrics (confusion matrix too) live in S3; the state carries only the scalars.
  const [contract, metrics] = await Promise.all([
    getJson(deps, { uri: ev.contractUri, schema: ModelContractSchema }),
    getJson(deps, { uri: ev.metricsUri, schema: z.record(z.string(), z.unknown()) }),
  ]);
  const version = await registerModelVersion(deps, {
    model: run.Payload.model,
    runId: run.Payload.runId,
    algorithm: request.algorithm,
    hyperparameters: ev.hyperparameters,
    contract,
    metrics,
    score: ev.score,
    onnxUri: ev.onnxUri,
    onnxSha256: ev.onnxSha256,
    baselineUri: ev.baselineUri,
    description: request.description,
  });
  await ensureEndpoint(deps, { model: run.Payload.model });
  return { model: version.model, version: version.version, score: ev.score };
}
