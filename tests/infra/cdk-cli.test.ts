import { execFile, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setAlias } from '../../core/registry/aliases.js';
import { ensureEndpoint } from '../../core/serving/endpoints.js';
import { getPrediction } from '../../core/serving/prediction-store.js';
import { LAYER_MODULES_DIR } from '../../infra/assets/onnx-runtime-layer.js';
import { REPO_ROOT, repoPath } from '../../infra/paths.js';
import { type Emulators, LOCAL_REGION, startEmulators } from '../../local/emulators/index.js';
import { registerOnnx } from '../serving/fixtures/register.js';
import { classifierContract, tinyClassifierBytes } from '../serving/fixtures/tiny-models.js';
import { apiGatewayEvent } from './api-event.js';

const PINNED_CLI = '2.1148.1';
const LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024;

/** What the README tells a user to run, with no AWS account: region set, telemetry and notices off. */
const CLI_ENV = {
  ...process.env,
  AWS_REGION: 'us-east-1',
  CDK_DISABLE_CLI_TELEMETRY: 'true',
  // No credentials and no metadata service: nothing may reach out to AWS.
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_ACCESS_KEY_ID: '',
  AWS_SECRET_ACCESS_KEY: '',
  AWS_PROFILE: '',
};

const cdk = (args: string[]) =>
  spawnSync('npx', ['--no', '--', 'cdk', ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 400_000,
    env: CLI_ENV,
  });

function dirSize(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => {
    const path = join(dir, entry.name);
    return sum + (entry.isDirectory() ? dirSize(path) : entry.isFile() ? statSync(path).size : 0);
  }, 0);
}

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- CloudFormation JSON, read field by field
type Resource = { Type: string; Properties: Record<string, any> };

// One `npx cdk synth` (the pinned CLI, as on a fresh clone) for everything below: it bundles
// every function with esbuild and builds the onnxruntime layer, offline and without Docker.
describe('npx cdk synth (pinned CLI, offline) and the bundled assets', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'cirrus-cli-'));
  let synth: ReturnType<typeof cdk>;
  let resources: Record<string, Resource>;

  beforeAll(() => {
    synth = cdk(['synth', '--no-notices', '-q', '--output', outdir]);
    if (synth.status === 0)
      resources = JSON.parse(readFileSync(join(outdir, 'Cirrus.template.json'), 'utf8')).Resources;
  }, 420_000);
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  /** The staged directory behind a `{ S3Key: '<hash>.zip' }` code reference. */
  const assetDir = (code: { S3Key?: unknown }) => {
    const dir = join(outdir, `asset.${String(code.S3Key).replace(/\.zip$/, '')}`);
    if (!existsSync(dir)) throw new Error(`no staged asset for ${String(code.S3Key)} in ${outdir}`);
    return dir;
  };
  const functionNamed = (prefix: string): Resource => {
    const found = Object.entries(resources).filter(
      ([id, r]) => id.startsWith(prefix) && r.Type === 'AWS::Lambda::Function',
    );
    expect(found, prefix).toHaveLength(1);
    return found[0]![1];
  };
  const predict = () => functionNamed('PredictionApiPredictFunction');
  const layerDirOf = (fn: Resource) => {
    expect(fn.Properties.Layers).toHaveLength(1);
    return assetDir(resources[fn.Properties.Layers[0].Ref]!.Properties.Content);
  };

  it('runs the CLI pinned in package.json', () => {
    expect(cdk(['--version']).stdout).toContain(PINNED_CLI);
  });

  it('synthesizes the app with no AWS account, no network and no Docker daemon', () => {
    expect(synth.status, `${synth.stdout}\n${synth.stderr}`).toBe(0);
    const template = JSON.parse(readFileSync(join(outdir, 'Cirrus.template.json'), 'utf8'));
    expect(Object.keys(template.Outputs)).toEqual(
      expect.arrayContaining([
        'ApiUrl',
        'BucketName',
        'StateMachineArn',
        'SweepStateMachineArn',
        'BatchStateMachineArn',
      ]),
    );
    // The trainer image is only described for `cdk deploy` to build; synth never ran Docker.
    const manifest = JSON.parse(readFileSync(join(outdir, 'Cirrus.assets.json'), 'utf8'));
    expect(
      Object.values<{ source: { dockerFile: string } }>(manifest.dockerImages).map(
        (d) => d.source.dockerFile,
      ),
    ).toEqual(['training/Dockerfile']);
    // No environment lookups: nothing was cached for a later, online synth to differ from.
    expect(existsSync(join(REPO_ROOT, 'cdk.context.json'))).toBe(false);
  });

  it('bundles every function as one ESM file that keeps onnxruntime-node external', () => {
    const fns = Object.values(resources).filter(
      (r) => r.Type === 'AWS::Lambda::Function' && /^nodejs/.test(r.Properties.Runtime),
    );
    expect(fns).toHaveLength(15);
    for (const fn of fns) {
      const dir = assetDir(fn.Properties.Code);
      expect(existsSync(join(dir, 'index.mjs')), fn.Properties.Description).toBe(true);
      expect(existsSync(join(dir, 'node_modules')), fn.Properties.Description).toBe(false);
      expect(readFileSync(join(dir, 'index.mjs'), 'utf8')).not.toContain('onnxruntime_binding.node');
    }
  });

  it('bundles the predict function for its cold start: env credentials only, names kept, no runtime map', () => {
    const code = readFileSync(join(assetDir(predict().Properties.Code), 'index.mjs'), 'utf8');
    // The SDK's other credential providers (and the SSO/STS clients they bring) are left out.
    expect(code).toContain('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set');
    expect(code).not.toMatch(/fromSSO|fromTokenFile|fromInstanceMetadata/);
    // Identifiers are not minified, so a stack trace names the class without a source map.
    expect(code).toMatch(/new SessionCache\b/);
    expect(predict().Properties.Environment.Variables.NODE_OPTIONS).toBeUndefined();
    // The other functions keep the default chain and their runtime source maps.
    const management = functionNamed('PredictionApiManagementFunction');
    expect(management.Properties.Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps');
    expect(readFileSync(join(assetDir(management.Properties.Code), 'index.mjs'), 'utf8')).toContain('fromSSO');
  });

  it('ships the built-in datasets beside the management function, where its env points', () => {
    const fn = functionNamed('PredictionApiManagementFunction');
    const dir = assetDir(fn.Properties.Code);
    // `POST /v1/datasets {"builtin": "iris"}` reads these files at run time (not imports).
    for (const name of ['iris', 'wine', 'breast_cancer', 'diabetes', 'digits'])
      expect(readFileSync(join(dir, 'datasets', `${name}.csv`), 'utf8')).toBe(
        readFileSync(join(REPO_ROOT, 'datasets', `${name}.csv`), 'utf8'),
      );
    expect(fn.Properties.Environment.Variables.CIRRUS_BUILTIN_DATASETS_DIR).toBe('/var/task/datasets');
  });

  it('fits the predict function and its layer in Lambda’s 250 MB unzipped limit', () => {
    const fn = assetDir(predict().Properties.Code);
    const layer = layerDirOf(predict());
    const total = dirSize(fn) + dirSize(layer);
    console.log(
      `predict function ${(dirSize(fn) / 1e6).toFixed(2)} MB + onnxruntime layer ${(dirSize(layer) / 1e6).toFixed(2)} MB = ${(total / 1e6).toFixed(2)} MB unzipped (limit 262.14 MB)`,
    );
    expect(total).toBeLessThan(LAMBDA_UNZIPPED_LIMIT);
  });

  it('ships only the linux-x64 native binaries of onnxruntime-node in the layer', () => {
    const natives = listFiles(join(layerDirOf(predict()), LAYER_MODULES_DIR, 'onnxruntime-node', 'bin'));
    expect(natives.length).toBeGreaterThan(0);
    for (const file of natives) expect(file).toMatch(/^napi-v\d+\/linux\/x64\//);
    expect(natives).toEqual(expect.arrayContaining([expect.stringMatching(/onnxruntime_binding\.node$/)]));
  });

  it('resolves onnxruntime-node from the layer and runs a model with it', async () => {
    const layer = layerDirOf(predict());
    const layerRequire = createRequire(join(layer, LAYER_MODULES_DIR, 'resolver.js'));
    expect(layerRequire.resolve('onnxruntime-node').startsWith(layer)).toBe(true);
    const ort = layerRequire('onnxruntime-node');
    const session = await ort.InferenceSession.create(tinyClassifierBytes());
    const out = await session.run({
      numeric: new ort.Tensor('float32', Float32Array.from([5, 1, 1, 5]), [2, 2]),
      categorical: new ort.Tensor('string', ['red', 'red'], [2, 1]),
    });
    expect(Array.from(out.label.data)).toEqual([1n, 0n]);
  });

  it('keeps error class names in the bundle: a refused request fails as ValidationError, as locally', async () => {
    const task = assetDir(functionNamed('TrainingPipelineFunctionsValidateFunction').Properties.Code);
    const run = await promisify(execFile)(
      process.execPath,
      [
        repoPath('tests/infra/lambda-invoke.mjs'),
        task,
        'index.mjs',
        JSON.stringify({ request: { experiment: 'x' } }),
      ],
      {
        cwd: task,
        encoding: 'utf8',
        timeout: 60_000,
        // Validate refuses the request before any AWS call: the names need not exist.
        env: {
          PATH: process.env.PATH ?? '',
          AWS_REGION: 'us-east-1',
          CIRRUS_BUCKET: 'b',
          CIRRUS_TRACKING_TABLE: 't',
          CIRRUS_REGISTRY_TABLE: 'r',
          CIRRUS_PREDICTIONS_TABLE: 'p',
        },
      },
    );
    const marker = run.stdout.lastIndexOf('@@ERROR@@');
    expect(marker, run.stdout).toBeGreaterThanOrEqual(0);
    const error = JSON.parse(run.stdout.slice(marker + '@@ERROR@@'.length));
    expect(error).toMatchObject({
      errorType: 'ValidationError',
      errorMessage: expect.any(String),
    });
  });

  describe('the bundled predict handler, invoked as Lambda invokes it', () => {
    let emu: Emulators;
    let dataDir: string;
    let task: string;
    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'cirrus-invoke-'));
      emu = await startEmulators({ dataDir });
      await registerOnnx(emu.deps, 'clf', tinyClassifierBytes(), classifierContract);
      await setAlias(emu.deps, {
        model: 'clf',
        alias: 'champion',
        version: 1,
        reason: 'test',
        policy: 'manual',
        by: 'test',
      });
      await ensureEndpoint(emu.deps, { model: 'clf' });
      // Lambda unpacks the code in /var/task and the layer under /opt, whose nodejs/node_modules
      // its Node.js 18+ runtimes resolve ES module imports from (AWS: "Lambda supports JavaScript
      // ES module dependencies for Node.js 18"); a node_modules link to the layer reproduces that.
      task = mkdtempSync(join(tmpdir(), 'cirrus-task-'));
      cpSync(assetDir(predict().Properties.Code), task, { recursive: true });
      symlinkSync(join(layerDirOf(predict()), LAYER_MODULES_DIR), join(task, 'node_modules'), 'dir');
    });
    afterAll(async () => {
      await emu?.stop();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(task, { recursive: true, force: true });
    });

    /** A function's template environment, with the stack's references set to the emulators'. */
    const lambdaEnv = (fn: Resource, taskRoot: string): Record<string, string> => {
      const local: Record<string, string> = {
        CIRRUS_BUCKET: emu.deps.bucket,
        CIRRUS_TRACKING_TABLE: emu.deps.tables.tracking,
        CIRRUS_REGISTRY_TABLE: emu.deps.tables.registry,
        CIRRUS_PREDICTIONS_TABLE: emu.deps.tables.predictions,
        CIRRUS_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:cirrus-training',
        CIRRUS_SWEEP_STATE_MACHINE_ARN:
          'arn:aws:states:us-east-1:123456789012:stateMachine:cirrus-training-sweep',
        CIRRUS_BATCH_STATE_MACHINE_ARN:
          'arn:aws:states:us-east-1:123456789012:stateMachine:cirrus-batch-predict',
      };
      const vars: Record<string, unknown> = fn.Properties.Environment.Variables;
      const env = Object.fromEntries(
        Object.entries(vars).map(([name, value]) => {
          if (typeof value === 'string') return [name, value];
          const replaced = local[name];
          if (!replaced) throw new Error(`no local value for the stack reference in ${name}`);
          return [name, replaced];
        }),
      );
      return {
        PATH: process.env.PATH ?? '',
        LAMBDA_TASK_ROOT: taskRoot,
        AWS_REGION: LOCAL_REGION,
        AWS_ACCESS_KEY_ID: emu.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: emu.credentials.secretAccessKey,
        AWS_ENDPOINT_URL_S3: emu.endpoints.s3,
        AWS_ENDPOINT_URL_DYNAMODB: emu.endpoints.dynamodb,
        ...env,
      };
    };

    // Asynchronous: the emulators serve from this process, so it must not block while waiting.
    const invokeIn = async (fn: Resource, taskRoot: string, event: unknown) => {
      const run = await promisify(execFile)(
        process.execPath,
        [repoPath('tests/infra/lambda-invoke.mjs'), taskRoot, 'index.mjs', JSON.stringify(event)],
        { cwd: taskRoot, env: lambdaEnv(fn, taskRoot), encoding: 'utf8', timeout: 60_000 },
      );
      const marker = run.stdout.lastIndexOf('@@RESULT@@');
      if (marker < 0) throw new Error(`invocation returned nothing:\n${run.stdout}\n${run.stderr}`);
      const text = run.stdout.slice(marker + '@@RESULT@@'.length).trim();
      // A handler that returns nothing (log ingest) prints `undefined`.
      const result = (text === 'undefined' ? null : JSON.parse(text)) as {
        statusCode: number;
        body: string;
      } | null;
      return { result, stdout: run.stdout.slice(0, marker) };
    };
    const invoke = async (event: unknown) => (await invokeIn(predict(), task, event)).result!;

    it('answers POST /v1/endpoints/{name}/predict, logs it as a line, and the log-ingest function stores it', async () => {
      const { result, stdout } = await invokeIn(
        predict(),
        task,
        apiGatewayEvent('POST', '/v1/endpoints/clf/predict', { features: { x1: 5, color: 'red', x2: 1 } }),
      );
      expect(result!.statusCode, result!.body).toBe(200);
      const body = JSON.parse(result!.body);
      expect(body).toMatchObject({ model: 'clf', version: 1, predictions: [{ label: 'yes' }] });
      // The predict function wrote nothing to DynamoDB: its record is a line on stdout.
      await expect(getPrediction(emu.deps, body.requestId)).rejects.toThrow(/not found/i);
      const lines = stdout.split('\n').filter((l) => l.startsWith('{"cirrusPrediction"'));
      expect(lines).toHaveLength(1);
      // CloudWatch Logs' subscription (AWS's control plane) hands the line to log ingest.
      const ingest = functionNamed('PredictionApiLogIngestFunction');
      const payload = {
        messageType: 'DATA_MESSAGE',
        owner: '123456789012',
        logGroup: '/aws/lambda/predict',
        logStream: '2026/12/07/[$LATEST]abc',
        subscriptionFilters: ['PredictionLogLines'],
        logEvents: lines.map((message, i) => ({ id: `e${i}`, timestamp: Date.now(), message })),
      };
      const event = { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(payload))).toString('base64') } };
      const ingested = await invokeIn(ingest, assetDir(ingest.Properties.Code), event);
      expect(ingested.stdout).toContain('"ingested":1');
      const logged = await getPrediction(emu.deps, body.requestId);
      expect(logged).toMatchObject({ requestId: body.requestId, endpoint: 'clf', version: 1 });
    });

    it('answers a bad request with a 400 naming the field', async () => {
      const result = await invoke(
        apiGatewayEvent('POST', '/v1/endpoints/clf/predict', { features: { x1: 'five' } }),
      );
      expect(result.statusCode).toBe(400);
      expect(JSON.parse(result.body).error).toMatchObject({ field: expect.any(String) });
    });
  });
});
