/**
 * Test doubles for the pipeline's Lambda handlers (Validate, Prepare, Evaluate, ... are built by
 * other engineers in lambdas/pipeline + core/pipeline). They do just enough real work to prove
 * the wiring: Prepare writes the split channels to the real s3rver, Evaluate checks the model
 * archive the training job uploaded. Every call is logged so tests can assert what ran.
 */
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { hyperparametersFor, TrainingRequestSchema } from '../../contracts/training-request.js';
import { fromZodError, ValidationError } from '../../core/errors.js';
import type { LocalHandler } from '../../local/stepfunctions/index.js';
import { LAMBDA_TASKS, type LambdaTask } from '../../statemachines/substitutions.js';
import type { S3Emulator } from './s3-emulator.js';

/**
 * The state-machine JSON the doubles and tests read. Loose on purpose: the doubles stand in for
 * handlers whose contracts (contracts/) other engineers own; the assertions pin the values.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped Step Functions payloads in test doubles
export type Payload = Record<string, any>;

export interface Call {
  readonly task: LambdaTask;
  readonly payload: Payload;
}

export interface PipelineDoubles {
  readonly handlers: Partial<Record<LambdaTask, LocalHandler>>;
  readonly calls: Call[];
  callsOf(task: LambdaTask): Call[];
}

export const asPayload = (p: unknown): Payload => (typeof p === 'object' && p !== null ? { ...p } : {});

/** Stringifies hyperparameters the way Prepare must for SageMaker (all values strings). */
const asStrings = (hp: Record<string, unknown> = {}) =>
  Object.fromEntries(Object.entries(hp).map(([k, v]) => [k, String(v)]));

let runCounter = 0;

export function createPipelineDoubles(
  emulator: S3Emulator,
  overrides: Partial<Record<LambdaTask, LocalHandler>> = {},
): PipelineDoubles {
  const calls: Call[] = [];
  const bucket = emulator.bucket;
  const base: Record<LambdaTask, (p: Payload) => Promise<unknown>> = {
    async Validate(p) {
      // Like the real Validate: the request must satisfy the contract (sweep variants included).
      const parsed = TrainingRequestSchema.safeParse(p.request);
      if (!parsed.success) throw fromZodError(parsed.error, 'request');
      if (Array.isArray(parsed.data.algorithm))
        throw new ValidationError('one algorithm per run', 'request.algorithm');
      runCounter += 1;
      return { runId: p.runId ?? `run${runCounter}x${process.pid}`, experiment: p.request.experiment };
    },
    async Prepare(p) {
      const runId = p.run.Payload.runId;
      for (const [key, body] of [
        ['split/train/data.csv', 'x,y\n1,0\n2,1\n3,0\n'],
        ['split/test/data.csv', 'x,y\n4,1\n'],
        ['job/job.json', '{}'],
      ]) {
        await emulator.s3.send(
          new PutObjectCommand({ Bucket: bucket, Key: `runs/${runId}/${key}`, Body: body }),
        );
      }
      return {
        channels: {
          train: `s3://${bucket}/runs/${runId}/split/train`,
          test: `s3://${bucket}/runs/${runId}/split/test`,
          cirrus: `s3://${bucket}/runs/${runId}/job/`,
        },
        outputPath: `s3://${bucket}/runs/${runId}/jobs`,
        hyperparameters: asStrings(hyperparametersFor(p.request, p.request.algorithm)),
      };
    },
    async Evaluate(p) {
      const uri: string = p.training.S3ModelArtifacts;
      const key = uri.replace(`s3://${bucket}/`, '');
      const head = await emulator.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      const score = hyperparametersFor(p.request, p.request.algorithm).score ?? 0.9;
      return {
        metrics: { accuracy: Number(score) },
        archiveBytes: head.ContentLength,
      };
    },
    async Register(p) {
      return { model: p.request.experiment, version: calls.filter((c) => c.task === 'Register').length };
    },
    async ApplyPolicy(p) {
      return { policy: p.request.policy ?? 'best_score', promoted: true };
    },
    async StartAbTest() {
      return { policy: 'ab_test', abTestId: 'ab-1' };
    },
    async MarkSucceeded(p) {
      return { runId: p.run.Payload.runId, status: 'SUCCEEDED' };
    },
    async MarkFailed(p) {
      return { runId: p.run?.Payload.runId ?? null, status: 'FAILED' };
    },
    async PickBest(p) {
      const ok = (p.variants as Payload[]).filter((v) => v.status === 'SUCCEEDED');
      if (ok.length === 0) throw new ValidationError('no variant succeeded', 'request.algorithms');
      const best = ok.reduce((a, b) =>
        b.evaluation.metrics.accuracy > a.evaluation.metrics.accuracy ? b : a,
      );
      return { policy: p.request.policy, best: best.registration, runId: best.run.runId };
    },
  };
  const wrap =
    (task: LambdaTask): LocalHandler =>
    async (payload) => {
      calls.push({ task, payload: asPayload(payload) });
      const override = overrides[task];
      return override ? override(payload) : base[task](asPayload(payload));
    };
  const handlers: Partial<Record<LambdaTask, LocalHandler>> = Object.fromEntries(
    LAMBDA_TASKS.map((t) => [t, wrap(t)]),
  );
  return { handlers, calls, callsOf: (task: LambdaTask) => calls.filter((c) => c.task === task) };
}
