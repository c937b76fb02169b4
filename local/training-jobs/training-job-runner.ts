import { access, appendFile, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CoreDeps } from '../../core/deps.js';
import { localCommandOf } from '../../core/pipeline/custom-trainer.js';
import { type JobLayout, jobLayout, packModel, readFailureReason, writeJobConfig } from './job-layout.js';
import { downloadPrefix, joinS3Uri, uploadFile } from './s3-transfer.js';
import { bundledTrainerCommand, trainerBundle } from './trainer-bundle.js';
import {
  DEFAULT_TRAINER_COMMAND,
  runTrainer,
  type TrainerCommand,
  type TrainerExit,
} from './trainer-process.js';
import {
  type SecondaryStatusTransition,
  type TrainingJobDescription,
  TrainingJobDescriptionSchema,
  type TrainingJobRequest,
  TrainingJobRequestSchema,
} from './training-job-request.js';
import { StatesError } from '../stepfunctions/states-error.js';

export interface TrainingJobRunnerOptions {
  /** Job roots live under `<dataDir>/jobs/<TrainingJobName>/`. */
  readonly dataDir: string;
  /** @default the bundled trainer (see trainer-bundle.ts); DEFAULT_TRAINER_COMMAND runs it through tsx */
  readonly trainerCommand?: TrainerCommand;
  /** Used in the job ARN. @default 'us-east-1' */
  readonly region?: string;
  /** Used in the job ARN. @default '000000000000' */
  readonly accountId?: string;
}

export type TrainingJobDeps = Pick<CoreDeps, 's3' | 'now'>;

/**
 * Runs one SageMaker training job locally, honouring the container contract, and resolves with
 * the job's description as `createTrainingJob.sync` returns it. A job that does not complete
 * rejects with `States.TaskFailed` whose cause is the description as JSON (FailureReason inside),
 * which is what Step Functions reports for a failed `.sync` job.
 */
export async function runTrainingJob(
  deps: TrainingJobDeps,
  input: unknown,
  options: TrainingJobRunnerOptions,
): Promise<TrainingJobDescription> {
  const request = parseRequest(input);
  const layout = jobLayout(join(options.dataDir, 'jobs'), request.TrainingJobName);
  if (await exists(layout.root)) {
    // Local stand-in for SageMaker refusing a duplicate name (ResourceInUse).
    throw new StatesError(
      'SageMaker.ResourceInUseException',
      `Training job names must be unique: ${request.TrainingJobName}`,
    );
  }
  const clock = transitions(deps.now);
  const created = deps.now().getTime();
  clock.enter('Starting', 'Preparing the instances for training');
  await writeJobConfig(layout, request);
  clock.enter('Downloading', 'Downloading input data');
  const downloadError = await downloadChannels(deps, request, layout);
  let failure = downloadError;
  let artifacts: string | undefined;
  if (!failure) {
    clock.enter('Training', 'Training image download completed. Training in progress.');
    const exit = await runTrainer(await trainerCommandOf(request, options, layout), {
      root: layout.root,
      logFile: layout.logFile,
      env: { TRAINING_JOB_NAME: request.TrainingJobName, TRAINING_JOB_ARN: jobArn(request, options) },
      maxRuntimeSeconds: request.StoppingCondition?.MaxRuntimeInSeconds,
    });
    failure = await exitFailure(exit, layout);
    if (!failure) {
      clock.enter('Uploading', 'Uploading generated training model');
      artifacts = joinS3Uri(
        request.OutputDataConfig.S3OutputPath,
        request.TrainingJobName,
        'output',
        'model.tar.gz',
      );
      await uploadFile(deps.s3, await packModel(layout), artifacts, 'application/gzip');
    }
  }
  clock.enter(failure ? 'Failed' : 'Completed', failure ?? 'Training job completed');
  const description = describe(request, options, {
    created,
    clock,
    failure,
    artifacts,
    ended: deps.now().getTime(),
  });
  await writeFile(layout.descriptionFile, `${JSON.stringify(description, null, 2)}\n`);
  // The channels are copies of S3 data; SageMaker's instance is gone after the job too.
  await rm(layout.dataDir, { recursive: true, force: true });
  if (failure) throw new StatesError('States.TaskFailed', JSON.stringify(description));
  return description;
}

/**
 * A runner bound to its deps and options: the Train task's local handler. Without a trainer
 * command it starts checking (or building) the trainer bundle now, so a runtime's first job
 * finds it ready; a failure here is retried, and reported, by that job.
 */
export function createTrainingJobRunner(
  deps: TrainingJobDeps,
  options: TrainingJobRunnerOptions,
): (input: unknown) => Promise<TrainingJobDescription> {
  if (!options.trainerCommand) trainerBundle(bundleDir(options)).catch(() => undefined);
  return (input) => runTrainingJob(deps, input, options);
}

/** Where the runner keeps the trainer bundle: `<dataDir>/trainer/`. */
function bundleDir(options: TrainingJobRunnerOptions): string {
  return join(options.dataDir, 'trainer');
}

/** DescribeTrainingJob for a job this runner ran, or undefined when there is none. */
export async function describeTrainingJob(
  dataDir: string,
  name: string,
): Promise<TrainingJobDescription | undefined> {
  try {
    const text = await readFile(jobLayout(join(dataDir, 'jobs'), name).descriptionFile, 'utf8');
    return TrainingJobDescriptionSchema.parse(JSON.parse(text));
  } catch {
    return undefined;
  }
}

function parseRequest(input: unknown): TrainingJobRequest {
  const parsed = TrainingJobRequestSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  // What SageMaker answers for a malformed CreateTrainingJob.
  throw new StatesError('SageMaker.ValidationException', `${issue?.path.join('.')}: ${issue?.message}`);
}

/**
 * Downloads every channel at once (the emulator serves them on its own thread); the failure
 * reported is the first channel's in request order, as a one-by-one download would report it.
 */
async function downloadChannels(
  deps: TrainingJobDeps,
  request: TrainingJobRequest,
  layout: JobLayout,
): Promise<string | undefined> {
  const failures = await Promise.all(
    request.InputDataConfig.map(async (channel) => {
      const uri = channel.DataSource.S3DataSource.S3Uri;
      try {
        const count = await downloadPrefix(deps.s3, uri, join(layout.dataDir, channel.ChannelName));
        if (count === 0)
          return `ClientError: No S3 objects found under S3 URL "${uri}" given in input data source.`;
      } catch (error) {
        return `ClientError: Could not download channel ${channel.ChannelName} from ${uri}: ${String(error)}`;
      }
      return undefined;
    }),
  );
  return failures.find((f) => f !== undefined);
}

async function exitFailure(exit: TrainerExit, layout: JobLayout): Promise<string | undefined> {
  if (exit.spawnError) return `InternalServerError: could not start the trainer: ${exit.spawnError}`;
  if (exit.timedOut) return 'MaxRuntimeExceeded: Training job runtime exceeded MaxRuntimeInSeconds';
  if (exit.code === 0) return undefined;
  const reason = await readFailureReason(layout);
  const how = exit.code === null ? `signal ${exit.signal}` : `exit code ${exit.code}`;
  return `AlgorithmError: ${reason ?? 'the trainer wrote no failure file'} (${how})`;
}

function jobArn(request: TrainingJobRequest, options: TrainingJobRunnerOptions): string {
  const region = options.region ?? 'us-east-1';
  const account = options.accountId ?? '000000000000';
  return `arn:aws:sagemaker:${region}:${account}:training-job/${request.TrainingJobName.toLowerCase()}`;
}

function transitions(now: () => Date) {
  const list: SecondaryStatusTransition[] = [];
  return {
    list,
    enter(status: string, message: string) {
      const at = now().getTime();
      const last = list.at(-1);
      if (last) list[list.length - 1] = { ...last, EndTime: at };
      list.push({ Status: status, StartTime: at, StatusMessage: message });
    },
  };
}

interface Outcome {
  readonly created: number;
  readonly ended: number;
  readonly clock: ReturnType<typeof transitions>;
  readonly failure?: string;
  readonly artifacts?: string;
}

function describe(
  request: TrainingJobRequest,
  options: TrainingJobRunnerOptions,
  outcome: Outcome,
): TrainingJobDescription {
  return {
    TrainingJobName: request.TrainingJobName,
    TrainingJobArn: jobArn(request, options),
    TrainingJobStatus: outcome.failure ? 'Failed' : 'Completed',
    SecondaryStatus: outcome.failure ? 'Failed' : 'Completed',
    ...(outcome.failure ? { FailureReason: outcome.failure } : {}),
    ...(outcome.artifacts ? { ModelArtifacts: { S3ModelArtifacts: outcome.artifacts } } : {}),
    HyperParameters: request.HyperParameters,
    AlgorithmSpecification: request.AlgorithmSpecification,
    RoleArn: request.RoleArn,
    InputDataConfig: request.InputDataConfig,
    OutputDataConfig: request.OutputDataConfig,
    ResourceConfig: request.ResourceConfig,
    StoppingCondition: request.StoppingCondition,
    CreationTime: outcome.created,
    TrainingStartTime: outcome.clock.list[0]?.StartTime ?? outcome.created,
    TrainingEndTime: outcome.ended,
    LastModifiedTime: outcome.ended,
    SecondaryStatusTransitions: outcome.clock.list,
  };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/**
 * The process a job runs: a custom trainer's command (encoded in its TrainingImage, run from the
 * runtime's working directory, with `{root}` and $CIRRUS_ML_ROOT standing for /opt/ml), else the
 * runner's command, else Cirrus's trainer bundled as the image runs it (built under
 * `<dataDir>/trainer/`, kept while its sources are unchanged): plain node starts it much faster
 * than tsx compiles training/main.ts. If the bundle cannot be built, the job runs through tsx and
 * its log says why.
 */
async function trainerCommandOf(
  request: TrainingJobRequest,
  options: TrainingJobRunnerOptions,
  layout: JobLayout,
): Promise<TrainerCommand> {
  const argv = localCommandOf(request.AlgorithmSpecification.TrainingImage);
  if (argv) return { command: argv[0], args: argv.slice(1), cwd: process.cwd() };
  if (options.trainerCommand) return options.trainerCommand;
  try {
    return await bundledTrainerCommand(bundleDir(options));
  } catch (error) {
    await appendFile(
      layout.logFile,
      `could not bundle the trainer (${String(error)}): running it through tsx\n`,
    );
    return DEFAULT_TRAINER_COMMAND;
  }
}
