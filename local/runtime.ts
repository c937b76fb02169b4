import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { CoreDeps } from '../core/deps.js';
import type { PipelineRunner } from '../core/ports.js';
import { createApp } from '../lambdas/api/app.js';
import { withConsole } from '../console/serve.js';
import { refuseConnect } from '../lambdas/api/connect.js';
import type { ApiContext, ServingOptions } from '../lambdas/api/context.js';
import { nodeListener } from '../lambdas/api/predict-lane.js';
import { createBatchHandlers } from '../lambdas/batch/handlers.js';
import { createPipelineHandlers } from '../lambdas/pipeline/handlers.js';
import { credentialsFile, type EmulatorEndpoints, type Emulators } from './emulators/index.js';
import { startEmulatorsThread } from './emulators/thread.js';
import { createLocalEvents } from './events/index.js';
import { type LocalPipelineRunner, localPipelineRunner } from './pipeline-runner.js';
import { FileLogJournal, journalDir, replayLogJournal } from './prediction-journal.js';
import { closeInterruptedExecutions } from './recovery.js';
import { createLocalPipelines, type LocalPipelines } from './stepfunctions/index.js';
import { assertNotRunning, forgetInstance, recordInstance } from './instance-file.js';
import { makePrivate } from './private-files.js';
import { resolveToken } from './token.js';
import { createTrainingJobRunner, type TrainerCommand } from './training-jobs/index.js';

export interface LocalPlatformOptions {
  /** Everything persists here: tables, objects, executions, jobs, token. @default '.cirrus' */
  readonly dataDir?: string;
  /** HTTP API port; 0 picks a free one. @default 8787 */
  readonly port?: number;
  /** Loopback only: the local API is for this machine. @default '127.0.0.1' */
  readonly host?: string;
  /** Bearer token; @default the one kept in `<dataDir>/token`, else a new random one */
  readonly token?: string;
  /** Run the drift and retraining schedules. @default true */
  readonly scheduler?: boolean;
  /** The trainer process (tests substitute a faulty one). @default the real trainer */
  readonly trainerCommand?: TrainerCommand;
  /** How long stop() lets running training executions finish before aborting them. @default 15000 */
  readonly drainTimeoutMs?: number;
  /** Predict-path options (e.g. the prediction log's flush interval; tests set a long one). */
  readonly serving?: ServingOptions;
  /** The S3 emulator's port; 0 picks a free one. @default 0 */
  readonly s3Port?: number;
  /** The DynamoDB emulator's port; 0 picks a free one. @default 0 */
  readonly dynamoPort?: number;
}

export interface LocalPlatform {
  readonly url: string;
  readonly token: string;
  readonly dataDir: string;
  /** The S3 and DynamoDB emulators (requests must be signed with the data dir's credentials). */
  readonly endpoints: EmulatorEndpoints;
  /** The AWS shared-credentials file holding those credentials (profile `cirrus-local`). */
  readonly credentialsFile: string;
  readonly deps: CoreDeps;
  readonly runner: LocalPipelineRunner;
  readonly pipelines: LocalPipelines;
  /** Executions a previous process left RUNNING, closed at start-up. */
  readonly recovered: readonly string[];
  /** Answered predictions a previous process journaled but had not stored, stored at start-up. */
  readonly replayedPredictions: number;
  /** Stops accepting requests, lets work finish, flushes logs, then stops the emulators. */
  stop(): Promise<void>;
}

/**
 * The embedded Cirrus: emulated S3 and DynamoDB (on a worker thread), the training state
 * machines on the local interpreter with the real pipeline handlers and the local training-job
 * runner, the event rules and schedules, and the HTTP API — the same code the AWS stack deploys, on one machine.
 *
 * @example
 * const platform = await startLocalPlatform({ dataDir: '.cirrus', port: 8787 });
 * console.log(platform.url, platform.token);
 * await platform.stop();
 */
export async function startLocalPlatform(options: LocalPlatformOptions = {}): Promise<LocalPlatform> {
  const dataDir = resolve(options.dataDir ?? '.cirrus');
  await makePrivate(dataDir);
  const token = await resolveToken(dataDir, options.token);
  await assertNotRunning(dataDir);
  // On a worker thread, so their work does not share the thread that answers the API.
  const emulators = await startEmulatorsThread({
    dataDir,
    s3Port: options.s3Port,
    dynamoPort: options.dynamoPort,
  });
  try {
    return await startOnEmulators(emulators, { ...options, dataDir, token });
  } catch (error) {
    await emulators.stop();
    throw error;
  }
}

type ResolvedOptions = LocalPlatformOptions & { readonly dataDir: string; readonly token: string };

async function startOnEmulators(emulators: Emulators, options: ResolvedOptions): Promise<LocalPlatform> {
  const { deps } = emulators;
  const { dataDir, token } = options;
  const late: { runner?: LocalPipelineRunner } = {};
  // The event bus needs the runner and the handlers need the bus: tie the knot lazily.
  // Local custom trainers are commands the training-job runner starts under the /opt/ml contract.
  const trainers = { imagePrefixes: [], commands: true };
  const events = createLocalEvents({
    // Retraining replays requests through the same submission as the API, with its trainers.
    deps: { ...deps, trainers },
    dataDir,
    runner: {
      start: (pipeline, name, input) => requireRunner(late.runner).start(pipeline, name, input),
      describe: (executionId) => requireRunner(late.runner).describe(executionId),
    } satisfies PipelineRunner,
  });
  const pipelines = createLocalPipelines({
    dataDir,
    handlers: { ...createPipelineHandlers(deps, { events: events.publisher }), ...createBatchHandlers(deps) },
    s3: deps.s3,
    trainingJob: createTrainingJobRunner(deps, { dataDir, trainerCommand: options.trainerCommand }),
  });
  const runner = localPipelineRunner(pipelines);
  late.runner = runner;
  const recovered = await closeInterruptedExecutions(deps, pipelines.executions);

  const listening: { url?: string } = {}; // known once the server listens; model cards read it per request
  const context: ApiContext = {
    deps,
    pipelines: runner,
    events: events.publisher,
    deadLetters: events.deadLetters,
    trainers,
    mapRuns: { mapRunCounts: async (id) => pipelines.batch?.describeMapRuns(id).at(-1) },
    get publicUrl() {
      return listening.url;
    },
  };
  // Every answered prediction is journaled before it leaves, so a killed process loses none.
  const journal = new FileLogJournal(journalDir(dataDir));
  const serving = { ...options.serving, log: { ...options.serving?.log, journal } };
  const appOptions = { token, serving }; // one object for both, so the lane's limits are the app's
  const api = createApp(context, appOptions);
  const replayedPredictions = await replayLogJournal(journal, api.serving.log, deps);
  const server = await listen(
    withConsole(nodeListener(api, deps, appOptions)),
    options.port ?? 8787,
    options.host ?? '127.0.0.1',
  );
  const url = `http://${options.host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;
  listening.url = url;
  if (options.scheduler !== false) events.scheduler.start();
  await recordInstance(dataDir, url);

  const stop = once(async () => {
    await closeServer(server);
    await events.scheduler.stop();
    await drainOrAbort(runner, pipelines, options.drainTimeoutMs ?? 15_000);
    await api.close();
    journal.close();
    await emulators.stop();
    await forgetInstance(dataDir);
  });
  const { endpoints } = emulators;
  return {
    url,
    token,
    dataDir,
    endpoints,
    credentialsFile: credentialsFile(dataDir),
    deps,
    runner,
    pipelines,
    recovered,
    replayedPredictions,
    stop,
  };
}

function requireRunner(runner: LocalPipelineRunner | undefined): LocalPipelineRunner {
  if (!runner) throw new Error('the local runtime is still starting');
  return runner;
}

function listen(listener: RequestListener, port: number, hostname: string) {
  return new Promise<Server>((resolveServer, reject) => {
    const server = createServer(listener);
    refuseConnect(server);
    server.once('error', reject);
    server.listen(port, hostname, () => resolveServer(server));
  });
}

/** Stops accepting connections and closes idle keep-alive ones; in-flight requests finish. */
function closeServer(server: Server): Promise<void> {
  return new Promise((done) => {
    server.close(() => done());
    server.closeIdleConnections();
  });
}

/** Lets running executions finish for a while, then aborts the rest (recorded as ABORTED). */
async function drainOrAbort(runner: LocalPipelineRunner, pipelines: LocalPipelines, timeoutMs: number) {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((done) => {
    timer = setTimeout(() => done('timeout'), timeoutMs);
  });
  const outcome = await Promise.race([runner.drain().then(() => 'drained' as const), timedOut]);
  clearTimeout(timer);
  if (outcome === 'drained') return;
  for (const record of await pipelines.executions.list()) {
    if (record.status !== 'RUNNING') continue;
    if (!pipelines.training.stop(record.executionId) && !pipelines.sweep.stop(record.executionId))
      pipelines.batch?.stop(record.executionId);
  }
  await runner.drain();
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}
