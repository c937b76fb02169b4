import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalPlatform, startLocalPlatform } from '../../local/runtime.js';
import { runCli, tableRow } from '../cli/run-cli.js';

/*
 * Bring your own model and your own trainer, as a user runs them: `cirrus` against a local
 * platform (real emulators, the real training state machine, the local training-job runner).
 * The custom trainer is examples/custom-trainer/train.py: it needs /usr/bin/python3 with numpy
 * and onnx (Debian's python3-numpy, python3-onnx; .ci/run installs them).
 */
let platform: LocalPlatform;
let dir: string;
let env: Record<string, string>;
const cli = (...args: string[]) => runCli(args, env);
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const IRIS = fileURLToPath(new URL('../../datasets/iris.csv', import.meta.url));
const TRAINER = fileURLToPath(new URL('../../examples/custom-trainer/train.py', import.meta.url));
const ROW = JSON.stringify({
  'sepal length (cm)': 6.7,
  'sepal width (cm)': 3.0,
  'petal length (cm)': 5.2,
  'petal width (cm)': 2.3,
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cirrus-byom-'));
  platform = await startLocalPlatform({ dataDir: join(dir, 'data'), port: 0, scheduler: false });
  env = { CIRRUS_URL: platform.url, CIRRUS_TOKEN: platform.token };
});
afterAll(async () => {
  await platform?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('bring your own model (CLI, local runtime)', () => {
  it('imports a torch network with a reference set; it becomes champion and predicts', async () => {
    const res = await cli(
      'models',
      'import',
      'iris-torch',
      '--file',
      fixture('torch-mlp-logits.onnx'),
      '--scores',
      'logits',
      '--classes',
      '0,1,2',
      '--reference',
      IRIS,
      '--target',
      'target',
    );
    expect(res.code, res.stderr).toBe(0);
    expect(tableRow(res.stdout, 'producer')?.[1]).toMatch(/^pytorch /);
    expect(res.stdout).toContain('policy best_score: promoted (first champion: v1)');
    const predicted = await cli('predict', 'iris-torch', '--json', ROW, '--output-json');
    expect(predicted.code, predicted.stderr).toBe(0);
    expect(JSON.parse(predicted.stdout).predictions[0].label).toBe('2');
  });

  it('uploads through presigned URLs with --upload', async () => {
    const res = await cli(
      '--json',
      'models',
      'import',
      'iris-upload',
      '--file',
      fixture('skl-logreg-zipmap.onnx'),
      '--reference',
      IRIS,
      '--target',
      'target',
      '--upload',
    );
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout).version.source.fileName).toBe('skl-logreg-zipmap.onnx');
  });

  it('refuses a file that is not ONNX, naming the reason', async () => {
    const res = await cli('models', 'import', 'broken', '--file', IRIS, '--features', 'a,b');
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/not an ONNX model/);
  });

  it('trains with a custom trainer command through the state machine: a champion that predicts', async () => {
    expect((await cli('datasets', 'load', 'iris')).code).toBe(0);
    const res = await cli(
      'train',
      '--experiment',
      'iris-numpy',
      '--task',
      'classification',
      '--algorithm',
      'numpy-softmax',
      '--dataset',
      'iris',
      '--target',
      'target',
      '--trainer-command',
      `/usr/bin/python3 ${TRAINER}`,
    );
    expect(res.code, `${res.stdout}\n${res.stderr}`).toBe(0);
    const entered = [...res.stdout.matchAll(/→ (\w+)/g)].map((m) => m[1]);
    expect(entered).toEqual(
      expect.arrayContaining(['ChooseTrainer', 'UseCustomTrainer', 'Train', 'Evaluate']),
    );
    expect(res.stdout).toContain('deployed: iris-numpy v1 is now champion');
    expect(Number(tableRow(res.stdout, 'accuracy')?.[1])).toBeGreaterThan(0.85);
    const predicted = await cli('predict', 'iris-numpy', '--json', ROW, '--output-json');
    expect(predicted.code, predicted.stderr).toBe(0);
    expect(JSON.parse(predicted.stdout).predictions[0]).toMatchObject({ label: '2' });
  });

  it('fails the run with the trainer reason when the custom trainer fails', async () => {
    const res = await cli(
      'train',
      '--experiment',
      'iris-numpy-bad',
      '--task',
      'clustering',
      '--algorithm',
      'numpy-softmax',
      '--dataset',
      'iris',
      '--trainer-command',
      `/usr/bin/python3 ${TRAINER}`,
    );
    expect(res.code).not.toBe(0);
    expect(`${res.stdout}${res.stderr}`).toMatch(/this trainer fits classifiers and regressors/);
  });
});
