import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { extract } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  describeTrainingJob,
  runTrainingJob,
  type TrainingJobRunnerOptions,
} from '../../local/training-jobs/index.js';
import { FAKE_TRAINER } from './fixtures/trainer-command.js';
import { type S3Emulator, startS3Emulator } from './s3-emulator.js';

let emulator: S3Emulator;
let options: TrainingJobRunnerOptions;
const deps = () => ({ s3: emulator.s3, now: () => new Date() });

beforeAll(async () => {
  emulator = await startS3Emulator();
  options = { dataDir: join(emulator.scratch, 'data'), trainerCommand: FAKE_TRAINER };
  const put = (key: string, body: string) =>
    emulator.s3.send(new PutObjectCommand({ Bucket: emulator.bucket, Key: key, Body: body }));
  await put('runs/r1/split/train/data.csv', 'a,b,y\n1,2,0\n3,4,1\n5,6,0\n');
  await put('runs/r1/split/test/data.csv', 'a,b,y\n7,8,1\n');
});
afterAll(async () => emulator?.close());

function request(
  name: string,
  hyperparameters: Record<string, unknown>,
  trainPrefix = 'runs/r1/split/train',
) {
  const channel = (c: string, prefix: string) => ({
    ChannelName: c,
    ContentType: 'text/csv',
    DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://${emulator.bucket}/${prefix}` } },
  });
  return {
    TrainingJobName: name,
    AlgorithmSpecification: { TrainingImage: 'local/cirrus-trainer:latest', TrainingInputMode: 'File' },
    RoleArn: 'arn:aws:iam::000000000000:role/local-sagemaker',
    HyperParameters: hyperparameters,
    InputDataConfig: [channel('train', trainPrefix), channel('test', 'runs/r1/split/test')],
    OutputDataConfig: { S3OutputPath: `s3://${emulator.bucket}/runs/r1/jobs` },
    ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 10 },
    StoppingCondition: { MaxRuntimeInSeconds: 600 },
  };
}

async function caught(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected the job to fail');
    },
    (error: Error) => error,
  );
}

describe('runTrainingJob', () => {
  it('downloads the channels, runs the trainer and uploads model.tar.gz where SageMaker puts it', async () => {
    const job = await runTrainingJob(
      deps(),
      request('cirrus-ok-1', { fake_mode: 'ok', max_depth: '3' }),
      options,
    );

    expect(job.TrainingJobStatus).toBe('Completed');
    expect(job.ModelArtifacts?.S3ModelArtifacts).toBe(
      `s3://${emulator.bucket}/runs/r1/jobs/cirrus-ok-1/output/model.tar.gz`,
    );
    expect(job.SecondaryStatusTransitions.map((t) => t.Status)).toEqual([
      'Starting',
      'Downloading',
      'Training',
      'Uploading',
      'Completed',
    ]);
    const archive = await emulator.s3.send(
      new GetObjectCommand({ Bucket: emulator.bucket, Key: 'runs/r1/jobs/cirrus-ok-1/output/model.tar.gz' }),
    );
    const unpacked = await mkdtemp(join(tmpdir(), 'cirrus-model-'));
    const tarFile = join(unpacked, 'model.tar.gz');
    await writeFile(tarFile, await archive.Body!.transformToByteArray());
    await extract({ file: tarFile, cwd: unpacked });
    const metrics = JSON.parse(await readFile(join(unpacked, 'metrics.json'), 'utf8'));
    expect(metrics.rows).toEqual({ train: 3, test: 1 });
    expect(metrics.hyperparameters).toEqual({ fake_mode: 'ok', max_depth: '3' });
    await expect(readFile(join(unpacked, 'model.onnx'), 'utf8')).resolves.toContain('fake trainer output');
    await rm(unpacked, { recursive: true, force: true });
    const log = await readFile(join(options.dataDir, 'jobs', 'cirrus-ok-1', 'logs', 'trainer.log'), 'utf8');
    expect(log).toContain('fake trainer: done');
  });

  it('fails with States.TaskFailed carrying the failure file as FailureReason and uploads nothing', async () => {
    const error = await caught(
      runTrainingJob(
        deps(),
        request('cirrus-fail-1', { fake_mode: 'fail', fake_reason: 'bad column' }),
        options,
      ),
    );

    expect(error.name).toBe('States.TaskFailed');
    const cause = JSON.parse(error.message);
    expect(cause.TrainingJobStatus).toBe('Failed');
    expect(cause.FailureReason).toBe('AlgorithmError: ValidationError: bad column (exit code 1)');
    const listed = await emulator.s3.send(
      new ListObjectsV2Command({ Bucket: emulator.bucket, Prefix: 'runs/r1/jobs/cirrus-fail-1/' }),
    );
    expect(listed.Contents ?? []).toEqual([]);
    const described = await describeTrainingJob(options.dataDir, 'cirrus-fail-1');
    expect(described?.FailureReason).toBe(cause.FailureReason);
  });

  it('names the exit code when the trainer crashes without a failure file', async () => {
    const error = await caught(
      runTrainingJob(deps(), request('cirrus-crash-1', { fake_mode: 'silent-crash' }), options),
    );

    expect(JSON.parse(error.message).FailureReason).toBe(
      'AlgorithmError: the trainer wrote no failure file (exit code 3)',
    );
  });

  it('fails before training when a channel prefix holds no objects', async () => {
    const error = await caught(
      runTrainingJob(
        deps(),
        request('cirrus-nodata-1', { fake_mode: 'ok' }, 'runs/missing/split/train'),
        options,
      ),
    );

    const cause = JSON.parse(error.message);
    expect(cause.FailureReason).toMatch(/^ClientError: No S3 objects found under S3 URL/);
    expect(cause.SecondaryStatusTransitions.map((t: { Status: string }) => t.Status)).not.toContain(
      'Training',
    );
  });

  it('refuses a request whose hyperparameters are not strings, naming the field', async () => {
    const error = await caught(runTrainingJob(deps(), request('cirrus-bad-1', { max_depth: 3 }), options));

    expect(error.name).toBe('SageMaker.ValidationException');
    expect(error.message).toContain('HyperParameters.max_depth');
  });

  it('refuses a hyperparameter value over 2,500 characters, as CreateTrainingJob does, before any job exists', async () => {
    const fits = await runTrainingJob(
      deps(),
      request('cirrus-cap-1', { fake_mode: 'ok', note: 'n'.repeat(2500) }),
      options,
    );
    expect(fits.TrainingJobStatus).toBe('Completed');

    const long = { fake_mode: 'ok', note: 'n'.repeat(2501) };
    const error = await caught(runTrainingJob(deps(), request('cirrus-cap-2', long), options));

    expect(error.name).toBe('SageMaker.ValidationException');
    expect(error.message).toMatch(/^HyperParameters\.note: must be at most 2500 characters/);
    expect(await describeTrainingJob(options.dataDir, 'cirrus-cap-2')).toBeUndefined();
  });

  it('refuses a second job with the same name', async () => {
    await runTrainingJob(deps(), request('cirrus-dup-1', { fake_mode: 'ok' }), options);
    const error = await caught(runTrainingJob(deps(), request('cirrus-dup-1', { fake_mode: 'ok' }), options));

    expect(error.name).toBe('SageMaker.ResourceInUseException');
  });
});
