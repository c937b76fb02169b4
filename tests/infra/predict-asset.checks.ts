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
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attr, OnnxGraph } from '../../core/ml/onnx/index.js';
import { LAYER_MODULES_DIR } from '../../infra/assets/onnx-runtime-layer.js';
import { repoPath } from '../../infra/paths.js';
import { type Synthesized, synthCirrus } from './synth.js';

const LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024;

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

/** The staged asset directory behind an `{ S3Bucket, S3Key: '<hash>.zip' }` code reference. */
function assetDir(outdir: string, code: { S3Key?: unknown }): string {
  const key = String(code.S3Key);
  const dir = join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
  if (!existsSync(dir)) throw new Error(`no staged asset for ${key} in ${outdir}`);
  return dir;
}

/** A two-class softmax classifier following the ONNX conventions (numeric in, label/probabilities out). */
function tinyClassifier(): Uint8Array {
  const g = new OnnxGraph('tiny');
  const x = g.input('numeric', { type: 'FLOAT', dims: ['N', 2] });
  const w = g.constant('W', { type: 'FLOAT', data: [1, 0, 0, 1], dims: [2, 2] });
  const [logits] = g.node('MatMul', [x, w]);
  const [p] = g.node('Softmax', [logits], { axis: attr.int(1) });
  const [label] = g.node('ArgMax', [p], { axis: attr.int(1), keepdims: attr.int(0) });
  g.output(p, 'probabilities', { type: 'FLOAT', dims: ['N', 2] });
  g.output(label, 'label', { type: 'INT64', dims: ['N'] });
  return g.toBytes();
}

// Invocation needs the real handler; until lambdas/ lands it is infra's temporary placeholder.
const HANDLER_WRITTEN =
  existsSync(repoPath('lambdas/api/handler.ts')) &&
  !readFileSync(repoPath('lambdas/api/handler.ts'), 'utf8').includes('TEMPORARY placeholder');

describe('predict function asset (bundled at synth)', () => {
  let synth: Synthesized;
  let functionDir: string;
  let layerDir: string;

  beforeAll(() => {
    synth = synthCirrus({ bundle: true });
    const resources = synth.template.toJSON().Resources;
    const fnId = synth.stack.resolve(synth.stack.api.predictFunction.functionArn)['Fn::GetAtt'][0];
    const fn = resources[fnId].Properties;
    functionDir = assetDir(synth.outdir, fn.Code);
    expect(fn.Layers).toHaveLength(1);
    const layerId = fn.Layers[0].Ref;
    layerDir = assetDir(synth.outdir, resources[layerId].Properties.Content);
  });
  afterAll(() => synth?.dispose());

  it('fits Lambda’s 250 MB unzipped limit, function plus layer', () => {
    const total = dirSize(functionDir) + dirSize(layerDir);
    console.log(
      `predict function ${(dirSize(functionDir) / 1e6).toFixed(2)} MB + onnxruntime layer ${(dirSize(layerDir) / 1e6).toFixed(2)} MB = ${(total / 1e6).toFixed(2)} MB unzipped`,
    );
    expect(total).toBeLessThan(LAMBDA_UNZIPPED_LIMIT);
  });

  it('ships only the linux-x64 native binaries of onnxruntime-node', () => {
    const natives = listFiles(join(layerDir, LAYER_MODULES_DIR, 'onnxruntime-node', 'bin'));
    expect(natives.length).toBeGreaterThan(0);
    for (const file of natives) expect(file).toMatch(/^napi-v\d+\/linux\/x64\//);
    expect(natives).toEqual(expect.arrayContaining([expect.stringMatching(/onnxruntime_binding\.node$/)]));
  });

  it('keeps onnxruntime-node out of the function bundle (it resolves from the layer)', () => {
    expect(existsSync(join(functionDir, 'node_modules', 'onnxruntime-node'))).toBe(false);
    const bundle = readFileSync(join(functionDir, 'index.mjs'), 'utf8');
    expect(bundle).not.toContain('onnxruntime_binding.node');
  });

  it('loads onnxruntime-node from the layer directory and runs a model', async () => {
    const layerRequire = createRequire(join(layerDir, LAYER_MODULES_DIR, 'resolver.js'));
    expect(layerRequire.resolve('onnxruntime-node').startsWith(layerDir)).toBe(true);
    const ort = layerRequire('onnxruntime-node');
    const session = await ort.InferenceSession.create(tinyClassifier());
    const out = await session.run({
      numeric: new ort.Tensor('float32', Float32Array.from([3, 1, 0, 2]), [2, 2]),
    });
    expect(Array.from(out.label.data)).toEqual([0n, 1n]);
    expect(out.probabilities.data[0]).toBeCloseTo(Math.exp(3) / (Math.exp(3) + Math.exp(1)), 5);
  });

  it.skipIf(!HANDLER_WRITTEN)(
    'loads the bundled handler with the layer, as Lambda does, and answers an API Gateway v2 event',
    async () => {
      // Lambda puts the code in /var/task and the layer in /opt/nodejs/node_modules, which its
      // ESM resolution reaches; a task dir with node_modules linked to the layer reproduces that.
      const task = mkdtempSync(join(tmpdir(), 'cirrus-task-'));
      try {
        cpSync(functionDir, task, { recursive: true });
        symlinkSync(join(layerDir, LAYER_MODULES_DIR), join(task, 'node_modules'), 'dir');
        const mod: {
          handler: (event: unknown, context: unknown) => Promise<{ statusCode: number; body?: string }>;
        } = await import(pathToFileURL(join(task, 'index.mjs')).href);
        const event = {
          version: '2.0',
          routeKey: 'GET /health',
          rawPath: '/health',
          rawQueryString: '',
          headers: { host: 'api.example.com' },
          requestContext: {
            http: {
              method: 'GET',
              path: '/health',
              protocol: 'HTTP/1.1',
              sourceIp: '127.0.0.1',
              userAgent: 'test',
            },
            requestId: 'req-1',
            routeKey: 'GET /health',
            stage: '$default',
            accountId: '123456789012',
            apiId: 'api',
            domainName: 'api.example.com',
            domainPrefix: 'api',
            time: '01/Jan/2026:00:00:00 +0000',
            timeEpoch: 0,
          },
          isBase64Encoded: false,
        };
        const result = await mod.handler(event, {
          awsRequestId: 'req-1',
          functionName: 'predict',
          getRemainingTimeInMillis: () => 30_000,
        });
        expect(result.statusCode).toBe(200);
      } finally {
        rmSync(task, { recursive: true, force: true });
      }
    },
  );
});
