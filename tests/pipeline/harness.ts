import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import type { ModelVersion } from '../../contracts/registry.js';
import type { Run } from '../../contracts/tracking.js';
import type { CoreDeps } from '../../core/deps.js';
import { NotFoundError } from '../../core/errors.js';
import { type SubmittedTraining, submitTraining } from '../../core/pipeline/submit-training.js';
import type { PipelineRunner } from '../../core/ports.js';
import { findAlias, listModelVersions } from '../../core/registry/index.js';
import { getRun, listRuns } from '../../core/tracking/index.js';
import { type Emulators, startEmulators } from '../../local/emulators/index.js';
import {
  createLocalPipelines,
  type ExecutionResult,
  type LocalHandler,
  type LocalPipelines,
} from '../../local/stepfunctions/index.js';
import { createTrainingJobRunner, type TrainerCommand } from '../../local/training-jobs/index.js';
import { createPipelineHandlers } from '../../lambdas/pipeline/handlers.js';
import type { LambdaTask } from '../../statemachines/substitutions.js';

/** Runs a fixture trainer in `tests/pipeline/fixtures/` with plain node (`{root}` is the job root). */
export function fixtureTrainer(file: string): TrainerCommand {
  return {
    command: process.execPath,
    args: [fileURLToPath(new URL(`./fixtures/${file}`, import.meta.url)), '--root', '{root}'],
  };
}

export interface PipelineOptions {
  /** @default the real trainer (training/main.ts, bundled under the data directory) */
  readonly trainerCommand?: TrainerCommand;
  /** Wraps individual handlers (e.g. to act between two states). */
  readonly wrap?: Partial<Record<LambdaTask, (real: LocalHandler) => LocalHandler>>;
  /** Wraps the local training-job runner (e.g. to fail an attempt after the job was created). */
  readonly wrapTrainingJob?: (
    real: (request: unknown) => Promise<unknown>,
  ) => (request: unknown) => Promise<unknown>;
}

export interface PipelineHarness {
  readonly deps: () => CoreDeps;
  readonly dataDir: () => string;
  /** The real ASL files on the local interpreter, the real handlers, the local job runner. */
  pipelines(options?: PipelineOptions): HarnessPipelines;
}

export interface HarnessPipelines extends LocalPipelines {
  readonly jobsStarted: () => number;
  /**
   * Submits a training request as the API does (submitTraining: checked once, its runs created,
   * the state machine started) and waits for the execution to end.
   */
  submit(
    body: Record<string, unknown>,
    triggeredBy?: string,
  ): Promise<ExecutionResult & { submitted: SubmittedTraining }>;
}

/**
 * One emulator pair (dynalite + s3rver) per test file, in a scratch data directory that also
 * holds executions and training-job roots.
 */
export function usePipelineHarness(): PipelineHarness {
  let emulators: Emulators | undefined;
  let dataDir = '';
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cirrus-pipeline-'));
    emulators = await startEmulators({ dataDir });
  });
  afterAll(async () => {
    await emulators?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });
  const deps = () => {
    if (!emulators) throw new Error('emulators not started');
    return emulators.deps;
  };
  return {
    deps,
    dataDir: () => dataDir,
    pipelines(options = {}) {
      const real = createPipelineHandlers(deps(), {});
      const handlers = Object.fromEntries(
        Object.entries(real).map(([task, handler]) => {
          const wrap = options.wrap?.[task as LambdaTask];
          return [task, wrap ? wrap(handler) : handler];
        }),
      );
      const realJob = createTrainingJobRunner(deps(), { dataDir, trainerCommand: options.trainerCommand });
      const runJob = options.wrapTrainingJob ? options.wrapTrainingJob(realJob) : realJob;
      let jobs = 0;
      const pipelines = createLocalPipelines({
        dataDir,
        handlers,
        trainingJob: (request) => {
          jobs += 1;
          return runJob(request);
        },
        retryIntervalMs: 0,
      });
      const ended = new Map<string, Promise<ExecutionResult>>();
      const runner: PipelineRunner = {
        async start(pipeline, name, input) {
          const machine = pipeline === 'sweep' ? pipelines.sweep : pipelines.training;
          const started = await machine.start(input, { name });
          ended.set(started.executionId, started.done);
          return { executionId: started.executionId };
        },
        describe: () => Promise.reject(new Error('not used by the pipeline harness')),
      };
      const submit = async (body: Record<string, unknown>, triggeredBy = 'api') => {
        const submitted = await submitTraining(
          { ...deps(), pipelines: runner, trainers: LOCAL_TRAINERS },
          body,
          triggeredBy,
        );
        return { ...(await ended.get(submitted.executionId)!), submitted };
      };
      return { ...pipelines, jobsStarted: () => jobs, submit };
    },
  };
}

/** The local runtime's custom trainers: commands under the /opt/ml contract. */
export const LOCAL_TRAINERS = { imagePrefixes: [], commands: true } as const;

/** The training request body (tests override fields). */
export function trainingRequest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    experiment: 'iris',
    task: 'classification',
    algorithm: 'logistic_regression',
    dataset: { name: 'iris' },
    target: 'target',
    ...overrides,
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- execution output is the untyped state JSON
export type State = Record<string, any>;

export const outputOf = (result: ExecutionResult): State => (result.output ?? {}) as State;

/** The run an execution created, read back from the tracking table. */
export async function runOf(deps: CoreDeps, result: ExecutionResult): Promise<Run> {
  const runId = outputOf(result).run?.Payload?.runId;
  if (typeof runId !== 'string') throw new Error(`execution ${result.executionId} created no run`);
  return getRun(deps, { runId });
}

/** The only run of an experiment that is not in `before` (for executions that failed). */
export async function newRunOf(deps: CoreDeps, experiment: string, before: readonly Run[]): Promise<Run> {
  const { runs } = await listRuns(deps, { experiment });
  const fresh = runs.filter((r) => !before.some((b) => b.id === r.id));
  if (fresh.length !== 1) throw new Error(`expected one new run of ${experiment}, found ${fresh.length}`);
  return fresh[0]!;
}

export async function championOf(deps: CoreDeps, model: string): Promise<number | null> {
  return (await findAlias(deps, { model, alias: 'champion' }))?.version ?? null;
}

export async function versionsOf(deps: CoreDeps, model: string): Promise<ModelVersion[]> {
  try {
    return await listModelVersions(deps, { model });
  } catch (error) {
    if (error instanceof NotFoundError) return [];
    throw error;
  }
}
