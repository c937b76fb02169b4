import * as z from 'zod';
import {
  EvaluateOutputSchema,
  PrepareOutputSchema,
  RegisterOutputSchema,
  TaskErrorSchema,
  TrainingOutputSchema,
  ValidateOutputSchema,
} from '../../contracts/pipeline.js';
import { TuningResultSchema } from '../../contracts/metrics.js';
import type { Run, RunStatus } from '../../contracts/tracking.js';
import { getJson } from '../artifacts/index.js';
import type { CoreDeps } from '../deps.js';
import { variantRunId } from '../tracking/run-id.js';
import { fromZodError, NotFoundError } from '../errors.js';
import { setModelVersionStatus } from '../registry/index.js';
import { getRun, transitionRun } from '../tracking/index.js';
import { describeTaskError } from './task-error.js';

const payload = <T extends z.ZodType>(schema: T) => z.object({ Payload: schema });

const SucceededStateSchema = z
  .object({
    run: payload(ValidateOutputSchema),
    prepared: payload(PrepareOutputSchema.partial()).optional(),
    training: TrainingOutputSchema.partial().optional(),
    evaluation: payload(EvaluateOutputSchema),
    registration: payload(RegisterOutputSchema),
    /** Absent in a sweep variant: PickBest deploys after every variant ended. */
    deployment: payload(z.object({ promoted: z.boolean(), reason: z.string() }).loose()).optional(),
  })
  .loose();

/** What MarkSucceeded / MarkFailed return (at `$.completion`; MarkFailed's result is dropped). */
export interface MarkRunOutput {
  readonly runId: string | null;
  readonly status: RunStatus | null;
  readonly reason: string;
}

/**
 * Pipeline step MarkSucceeded: records the run's metrics, score, artifacts (job output, ONNX
 * model, contract, metrics, baseline, split channels) and duration, and moves it to SUCCEEDED
 * with what was registered and deployed as the reason.
 */
export async function markSucceeded(deps: CoreDeps, input: unknown): Promise<MarkRunOutput> {
  const parsed = SucceededStateSchema.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error, 'state');
  const { run, prepared, training, evaluation, registration, deployment } = parsed.data;
  const ev = evaluation.Payload;
  const { model, version } = registration.Payload;
  const reason = `registered ${model} v${version} (score ${ev.score}); ${deploymentText(deployment?.Payload)}`;
  // The full metrics and a search's candidates live in S3 (the state carries scalars and URIs).
  const [current, metrics, tuning] = await Promise.all([
    getRun(deps, { runId: run.Payload.runId }),
    getJson(deps, { uri: ev.metricsUri, schema: z.record(z.string(), z.unknown()) }),
    ev.tuningUri ? getJson(deps, { uri: ev.tuningUri, schema: TuningResultSchema }) : undefined,
  ]);
  const artifacts: Record<string, string | undefined> = {
    model: training?.S3ModelArtifacts,
    onnx: ev.onnxUri,
    contract: ev.contractUri,
    metrics: ev.metricsUri,
    baseline: ev.baselineUri,
    tuning: ev.tuningUri,
    train: prepared?.Payload.channels?.train,
    test: prepared?.Payload.channels?.test,
  };
  const updated = await transitionRun(deps, {
    runId: current.id,
    status: 'SUCCEEDED',
    reason,
    results: {
      metrics,
      score: ev.score,
      hyperparameters: ev.hyperparameters,
      ...(tuning ? { tuning } : {}),
      artifacts: Object.fromEntries(Object.entries(artifacts).filter((e): e is [string, string] => !!e[1])),
      durationMs: durationOf(deps, current),
      ...(ev.trainerVersion ? { trainerVersion: ev.trainerVersion } : {}),
    },
  });
  return { runId: updated.id, status: updated.status, reason };
}

function deploymentText(deployment: { promoted: boolean; reason: string } | undefined): string {
  if (!deployment) return 'deployment decided after the sweep';
  return `${deployment.promoted ? 'deployed' : 'not deployed'}: ${deployment.reason}`;
}

const FailedStateSchema = z
  .object({
    error: TaskErrorSchema.optional(),
    /** Absent when Validate failed: the run is then the submission's, still QUEUED. */
    run: payload(z.object({ runId: z.string() }).loose()).optional(),
    /** An execution input's run id (executions from before the submission put it in the request). */
    runId: z.string().optional(),
    request: z.object({ runId: z.string().optional() }).loose().optional(),
    /** A sweep variant's index: its run is `<runId>-v<index>`. */
    variantIndex: z.number().int().min(0).optional(),
    registration: payload(RegisterOutputSchema).optional(),
    deployment: z.unknown().optional(),
  })
  .loose();

/**
 * Pipeline step MarkFailed: records the caught error as a one-line reason (`describeTaskError`:
 * the function's message, or the training job's FailureReason) and moves the run to FAILED. A
 * version registered before a deploy step failed is archived: a failed run
 * leaves nothing to serve. An execution not started by a submission may have no run to mark.
 */
export async function markFailed(deps: CoreDeps, input: unknown): Promise<MarkRunOutput> {
  const parsed = FailedStateSchema.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error, 'state');
  const state = parsed.data;
  const { error, reason } = describeTaskError(state.error);
  const text = `${error}: ${reason}`;
  const runId = state.run?.Payload.runId ?? submittedRunId(state);
  const run = runId === undefined ? undefined : await findRun(deps, runId);
  let status: RunStatus | null = run?.status ?? null;
  if (run && (run.status === 'QUEUED' || run.status === 'RUNNING')) {
    const failed = await transitionRun(deps, {
      runId: run.id,
      status: 'FAILED',
      reason: text,
      results: { error: text, durationMs: durationOf(deps, run) },
    });
    status = failed.status;
  }
  // Registered but never deployed (a deploy step failed): archive it. After a deployment the
  // version may already serve, and archiving it would break the endpoint.
  const registered = state.deployment === undefined ? state.registration?.Payload : undefined;
  if (registered) {
    await setModelVersionStatus(deps, {
      model: registered.model,
      version: registered.version,
      status: 'ARCHIVED',
    });
  }
  return { runId: run?.id ?? null, status, reason: text };
}

async function findRun(deps: CoreDeps, runId: string): Promise<Run | undefined> {
  try {
    return await getRun(deps, { runId });
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

function durationOf(deps: CoreDeps, run: Run): number {
  return Math.max(0, deps.now().getTime() - Date.parse(run.createdAt));
}

/** The run the submission created for this execution (or for this sweep variant). */
function submittedRunId(state: z.infer<typeof FailedStateSchema>): string | undefined {
  const runId = state.runId ?? state.request?.runId;
  if (runId === undefined || state.variantIndex === undefined) return runId;
  return variantRunId(runId, state.variantIndex);
}
