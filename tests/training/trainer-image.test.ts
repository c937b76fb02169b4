import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAMBDA_RUNTIME } from '../../infra/constructs/cirrus-function.js';
import { repoPath } from '../../infra/paths.js';
import { bundleTrainer, TRAINER_BUNDLE_FILE } from '../../training/bundle.js';
import { layoutBuiltinJob } from '../../training/quickstart.js';

// No Docker engine here: the image's file tree is built the way training/Dockerfile builds it
// (its build stage runs training/bundle.ts; its runtime stage copies only the bundle), and the
// trainer runs from that tree as an unprivileged user with /opt/ml (a job root) its only
// writable place, as SageMaker mounts it.
const NOBODY = 65534;
const dockerfile = readFileSync(repoPath('training/Dockerfile'), 'utf8');

function chownTree(path: string, uid: number): void {
  chownSync(path, uid, uid);
  if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) chownTree(join(path, entry), uid);
}

describe('the trainer image', () => {
  let image: string;
  let program: string;
  let mlRoot: string;

  beforeAll(async () => {
    image = mkdtempSync(join(tmpdir(), 'cirrus-image-'));
    program = join(image, 'opt', 'program');
    mkdirSync(program, { recursive: true });
    await bundleTrainer(program);
    // Read-only for everyone: the trainer may not write beside itself.
    chmodSync(join(program, TRAINER_BUNDLE_FILE), 0o444);
    for (const dir of [program, join(image, 'opt'), image]) chmodSync(dir, 0o555);
    mlRoot = layoutBuiltinJob('iris', 'logistic_regression');
    chownTree(mlRoot, NOBODY);
  });
  afterAll(() => {
    for (const dir of [image, join(image, 'opt'), program]) if (existsSync(dir)) chmodSync(dir, 0o755);
    rmSync(image, { recursive: true, force: true });
    rmSync(mlRoot, { recursive: true, force: true });
  });

  it('copies only the bundle into the runtime stage, on the Lambda runtime’s Node.js major', () => {
    const stages = [...dockerfile.matchAll(/^FROM\s+\S+\/node:(\d+)-slim/gm)].map((m) => Number(m[1]));
    expect(stages).toHaveLength(2);
    const lambdaMajor = Number(/nodejs(\d+)\.x/.exec(LAMBDA_RUNTIME.name)?.[1]);
    expect(stages).toEqual([lambdaMajor, lambdaMajor]);
    const runtimeStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect([...runtimeStage.matchAll(/^COPY .*$/gm)].map((m) => m[0])).toEqual([
      `COPY --from=build /out/${TRAINER_BUNDLE_FILE} ./${TRAINER_BUNDLE_FILE}`,
    ]);
    // SageMaker mounts /opt/ml over the image and runs the container as root.
    expect(dockerfile).not.toMatch(/^USER /m);
  });

  it('weighs the image’s own layer at the bundle’s size, not node_modules', () => {
    const size = statSync(join(program, TRAINER_BUNDLE_FILE)).size;
    console.log(`trainer bundle: ${(size / 1e6).toFixed(2)} MB (the image adds it to node:24-slim)`);
    expect(size).toBeLessThan(5e6);
  });

  it('fits gradient boosting on two threads from the bundle (its histogram worker starts and answers)', () => {
    // digits: 1,347 training rows x 64 features, so the root histograms cross the per-node
    // threshold and go to the worker; a worker that cannot start fails the fit.
    const root = layoutBuiltinJob('digits', 'gradient_boosting', {
      hyperparameters: { threads: 2, max_iter: 10 },
    });
    try {
      const run = spawnSync(process.execPath, [join(program, TRAINER_BUNDLE_FILE), 'train', '--root', root], {
        cwd: '/',
        encoding: 'utf8',
      });
      const failure = join(root, 'output', 'failure');
      expect(run.status, `${run.stderr}\n${existsSync(failure) ? readFileSync(failure, 'utf8') : ''}`).toBe(
        0,
      );
      const metrics = JSON.parse(readFileSync(join(root, 'model', 'metrics.json'), 'utf8'));
      expect(metrics.evaluatedOn).toBe('test');
      expect(metrics.score).toBeGreaterThan(0.85);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('trains from the bundle as an unprivileged user writing only under /opt/ml', () => {
    const run = spawnSync(
      'setpriv',
      [
        `--reuid=${NOBODY}`,
        `--regid=${NOBODY}`,
        '--clear-groups',
        '--',
        process.execPath,
        join(program, TRAINER_BUNDLE_FILE),
        'train',
        '--root',
        mlRoot,
      ],
      // No HOME, no writable temp dir: a write anywhere but the job root fails the job.
      {
        cwd: '/',
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent', TMPDIR: '/nonexistent' },
      },
    );
    const failure = join(mlRoot, 'output', 'failure');
    expect(run.status, `${run.stderr}\n${existsSync(failure) ? readFileSync(failure, 'utf8') : ''}`).toBe(0);
    expect(statSync(join(mlRoot, 'model', 'model.onnx')).size).toBeGreaterThan(100);
    const manifest = JSON.parse(readFileSync(join(mlRoot, 'model', 'manifest.json'), 'utf8'));
    const version = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')).version;
    expect(manifest).toMatchObject({ trainerVersion: version });
  });
});
