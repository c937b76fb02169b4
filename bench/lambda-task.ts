/**
 * The deployed predict function as bench/lambda.ts and bench/lambda-instructions.ts run it: the
 * entry bundled exactly as CDK bundles it (ENTRY=<file> bundles another entry as the other
 * functions are), the onnxruntime layer as the stack builds it, the function's environment, and
 * the iris model (gradient boosting, under 1 MB) in emulated S3/DynamoDB run by a child process.
 */
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { LAYER_MODULES_DIR, prepareOnnxRuntimeLayer } from '../infra/assets/onnx-runtime-layer.js';
import {
  type BundleVariant,
  functionEnvironment,
  lambdaBuildOptions,
} from '../infra/constructs/cirrus-function.js';
import { PREDICT_BUNDLE } from '../infra/constructs/predict-bundle.js';
import { LAMBDA_ENTRIES } from '../infra/entries.js';
import { createDeps, type EmulatorEndpoints, type LocalCredentials } from '../local/emulators/index.js';
import { LOCAL_REGION } from '../local/emulators/index.js';
import { apiGatewayEvent } from '../tests/infra/api-event.js';
import { deployIris } from './iris-endpoint.js';

/** The bundle variant measured: the predict function's, or none for another ENTRY. */
export const variant = (): BundleVariant => (process.env.ENTRY ? {} : PREDICT_BUNDLE);

export interface Emulators {
  readonly endpoints: EmulatorEndpoints;
  readonly credentials: LocalCredentials;
  stop(): Promise<void>;
}

/** The emulators in a process of their own, so this process's CPU is not theirs. */
export async function startEmulatorProcess(dataDir: string): Promise<Emulators> {
  const child = fork(fileURLToPath(new URL('./emulators-process.ts', import.meta.url)), [dataDir], {
    execArgv: ['--import', 'tsx'],
  });
  const started = await new Promise<{ endpoints: EmulatorEndpoints; credentials: LocalCredentials }>(
    (resolve, reject) => {
      child.once('message', (m) =>
        resolve(m as { endpoints: EmulatorEndpoints; credentials: LocalCredentials }),
      );
      child.once('exit', (code) => reject(new Error(`emulator process exited with ${code}`)));
    },
  );
  return {
    ...started,
    stop: async () => {
      child.removeAllListeners('exit');
      const exited = new Promise((r) => child.once('exit', r));
      child.send('stop');
      await exited;
    },
  };
}

/** The function's code and layer as Lambda unpacks them: /var/task with the layer's modules. */
export async function prepareTask(root: string): Promise<{ task: string; bundleBytes: number }> {
  const task = join(root, 'task');
  const layer = join(root, 'layer');
  mkdirSync(task, { recursive: true });
  // ENTRY (another function's entry) is bundled as the other functions are.
  const entry = process.env.ENTRY;
  await build(lambdaBuildOptions(entry ?? LAMBDA_ENTRIES.predict, join(task, 'index.mjs'), variant()));
  prepareOnnxRuntimeLayer(layer);
  // Lambda resolves a layer's nodejs/node_modules for ES module imports; a link reproduces that.
  symlinkSync(join(layer, LAYER_MODULES_DIR), join(task, 'node_modules'), 'dir');
  return { task, bundleBytes: statSync(join(task, 'index.mjs')).size };
}

/** The function's environment as the stack sets it, pointed at the emulators. */
export function functionEnv(
  task: string,
  emulators: Emulators,
  deps: ReturnType<typeof createDeps>,
): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    LAMBDA_TASK_ROOT: task,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: emulators.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: emulators.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_S3: emulators.endpoints.s3,
    AWS_ENDPOINT_URL_DYNAMODB: emulators.endpoints.dynamodb,
    CIRRUS_BUCKET: deps.bucket,
    CIRRUS_TRACKING_TABLE: deps.tables.tracking,
    CIRRUS_REGISTRY_TABLE: deps.tables.registry,
    CIRRUS_PREDICTIONS_TABLE: deps.tables.predictions,
    ...functionEnvironment('cirrus-predict', variant()),
  };
}

/** A prepared function, its emulators running: `close` stops them and removes every file. */
export interface LambdaTask {
  readonly task: string;
  readonly bundleBytes: number;
  readonly env: NodeJS.ProcessEnv;
  /** The served model's ONNX file. */
  readonly modelPath: string;
  readonly modelBytes: number;
  /** The first iris row, and the first 100 rows (features only). */
  readonly rows: readonly Record<string, number>[];
  /** API Gateway v2 events: one row, and the 100 rows as a batch. */
  readonly single: unknown;
  readonly batch: unknown;
  close(): Promise<void>;
}

export async function prepareLambdaTask(): Promise<LambdaTask> {
  const root = mkdtempSync(join(tmpdir(), 'cirrus-bench-lambda-'));
  const emulators = await startEmulatorProcess(join(root, 'data'));
  const close = async () => {
    await emulators.stop();
    rmSync(root, { recursive: true, force: true });
  };
  try {
    const deps = createDeps({ endpoints: emulators.endpoints, credentials: emulators.credentials });
    const iris = await deployIris(deps);
    const modelPath = join(root, 'model.onnx');
    writeFileSync(modelPath, iris.onnx);
    const { task, bundleBytes } = await prepareTask(root);
    const path = '/v1/endpoints/iris/predict';
    const rows = iris.rows.slice(0, 100);
    return {
      task,
      bundleBytes,
      env: functionEnv(task, emulators, deps),
      modelPath,
      modelBytes: iris.onnx.byteLength,
      rows,
      single: apiGatewayEvent('POST', path, { features: iris.features }),
      batch: apiGatewayEvent('POST', path, { instances: rows }),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
