import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { list } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CIRRUS_JOB_KEY } from '../../contracts/training-job.js';
import { createTrainingJobRunner, runTrainingJob } from '../../local/training-jobs/index.js';
import { PROJECT_ROOT } from '../../local/training-jobs/trainer-process.js';
import { type S3Emulator, startS3Emulator } from './s3-emulator.js';

// The real trainer (training/main.ts, by default bundled as the image runs it, under
// <dataDir>/trainer/) run by the local training-job runner against a real s3rver: the
// container contract end to end.
let emulator: S3Emulator;

beforeAll(async () => {
  emulator = await startS3Emulator();
  const iris = await readFile(join(PROJECT_ROOT, 'datasets', 'iris.csv'));
  for (const channel of ['train', 'test']) {
    await emulator.s3.send(
      new PutObjectCommand({
        Bucket: emulator.bucket,
        Key: `runs/real1/split/${channel}/data.csv`,
        Body: iris,
      }),
    );
  }
});
afterAll(async () => emulator?.close());

function request(name: string, job: Record<string, unknown>) {
  const channel = (c: string) => ({
    ChannelName: c,
    ContentType: 'text/csv',
    DataSource: {
      S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://${emulator.bucket}/runs/real1/split/${c}` },
    },
  });
  return {
    TrainingJobName: name,
    AlgorithmSpecification: { TrainingImage: 'cirrus-trainer:local', TrainingInputMode: 'File' },
    RoleArn: 'arn:aws:iam::000000000000:role/cirrus-local-sagemaker',
    HyperParameters: { [CIRRUS_JOB_KEY]: JSON.stringify(job) },
    InputDataConfig: [channel('train'), channel('test')],
    OutputDataConfig: { S3OutputPath: `s3://${emulator.bucket}/runs/real1/jobs` },
    ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 10 },
  };
}

const job = {
  task: 'classification',
  algorithm: 'logistic_regression',
  target: 'target',
  dataset: { name: 'iris', version: 'local' },
  runId: 'real1',
  experiment: 'iris',
};

describe('runTrainingJob with the real trainer', () => {
  it('trains iris and uploads model.tar.gz', async () => {
    const deps = { s3: emulator.s3, now: () => new Date() };
    const dataDir = join(emulator.scratch, 'data');

    const described = await runTrainingJob(deps, request('cirrus-real1', job), { dataDir });

    expect(described.TrainingJobStatus).toBe('Completed');
    const key = 'runs/real1/jobs/cirrus-real1/output/model.tar.gz';
    const archive = await emulator.s3.send(new GetObjectCommand({ Bucket: emulator.bucket, Key: key }));
    const file = join(emulator.scratch, 'real1-model.tar.gz');
    await writeFile(file, await archive.Body!.transformToByteArray());
    const entries: string[] = [];
    await list({ file, onReadEntry: (entry) => entries.push(entry.path) });
    expect(entries).toEqual(
      expect.arrayContaining(['model.onnx', 'metrics.json', 'contract.json', 'manifest.json']),
    );
    // The job ran the bundle built from training/main.ts, not tsx.
    const bundle = JSON.parse(await readFile(join(dataDir, 'trainer', 'manifest.json'), 'utf8'));
    expect(bundle.inputs).toContain(join(PROJECT_ROOT, 'training', 'main.ts'));
    const log = await readFile(join(dataDir, 'jobs', 'cirrus-real1', 'logs', 'trainer.log'), 'utf8');
    expect(log).toMatch(/phases \(ms wall\/cpu\)/);
  });

  it('reports the trainer failure file as FailureReason for an unknown target', async () => {
    const deps = { s3: emulator.s3, now: () => new Date() };
    const dataDir = join(emulator.scratch, 'data');

    const error: Error = await runTrainingJob(deps, request('cirrus-real2', { ...job, target: 'nope' }), {
      dataDir,
    }).then(
      () => new Error('expected a failure'),
      (e: Error) => e,
    );

    expect(error.name).toBe('States.TaskFailed');
    expect(JSON.parse(error.message).FailureReason).toMatch(/^AlgorithmError: .*nope.* \(exit code \d+\)$/);
  });
});

describe('runTrainingJob when the trainer cannot be bundled', () => {
  it('runs training/main.ts through tsx and says why in the job log', async () => {
    const deps = { s3: emulator.s3, now: () => new Date() };
    const dataDir = join(emulator.scratch, 'data-no-bundle');
    await mkdir(dataDir, { recursive: true });
    // A file where the bundle directory should be: the build cannot write there.
    await writeFile(join(dataDir, 'trainer'), 'not a directory');

    const described = await runTrainingJob(deps, request('cirrus-real3', job), { dataDir });

    expect(described.TrainingJobStatus).toBe('Completed');
    const log = await readFile(join(dataDir, 'jobs', 'cirrus-real3', 'logs', 'trainer.log'), 'utf8');
    expect(log).toMatch(/^could not bundle the trainer \(.+\): running it through tsx$/m);
    expect(log).toMatch(/phases \(ms wall\/cpu\)/);
  });
});

describe('createTrainingJobRunner', () => {
  it('builds the trainer bundle before its first job', async () => {
    const dataDir = join(emulator.scratch, 'data-warm');
    createTrainingJobRunner({ s3: emulator.s3, now: () => new Date() }, { dataDir });
    const manifest = join(dataDir, 'trainer', 'manifest.json');
    const deadline = Date.now() + 60_000;
    while (!existsSync(manifest) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const { hash } = JSON.parse(await readFile(manifest, 'utf8'));
    expect(existsSync(join(dataDir, 'trainer', hash, 'trainer.mjs'))).toBe(true);
  }, 70_000);
});
