// Produces the README's "Batch predictions" output: a local platform, iris trained, 10,000 rows
// put in the emulated S3, then the CLI as a user runs it. Run: npx tsx bench/batch-readme-demo.ts
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { rm } from 'node:fs/promises';
import { startLocalPlatform } from '../local/runtime.js';

const dataDir = process.env.DEMO_DATA_DIR ?? '/tmp/cirrus-i21';
await rm(dataDir, { recursive: true, force: true });
const platform = await startLocalPlatform({ dataDir, port: 8808, scheduler: false });
const env = { ...process.env, CIRRUS_URL: platform.url, CIRRUS_TOKEN: platform.token, NO_COLOR: '1' };
// Async: the platform answers the CLI from this very process.
const cli = async (...args: string[]) =>
  (await promisify(execFile)(process.execPath, ['bin/cirrus.js', ...args], { env, encoding: 'utf8' })).stdout;
try {
  await cli('datasets', 'load', 'iris');
  await cli(
    'train',
    '--experiment',
    'iris',
    '--task',
    'classification',
    '--dataset',
    'iris',
    '--target',
    'target',
    '--algorithm',
    'logistic_regression',
  );
  const header = '"sepal length (cm)","sepal width (cm)","petal length (cm)","petal width (cm)"';
  const rows = Array.from({ length: 10_000 }, (_, i) =>
    i === 41
      ? '5.1,abc,1.4,0.2'
      : `${(4 + (i % 40) / 10).toFixed(1)},3.0,${(1 + (i % 60) / 10).toFixed(1)},${((i % 25) / 10).toFixed(1)}`,
  );
  await platform.deps.s3.send(
    new PutObjectCommand({
      Bucket: platform.deps.bucket,
      Key: 'in/rows.csv',
      Body: `${header}\n${rows.join('\n')}\n`,
    }),
  );
  const cmd = [
    'batch-predict',
    'iris',
    '--input',
    's3://cirrus-artifacts/in/rows.csv',
    '--output',
    's3://cirrus-artifacts/out/',
    '--batch-size',
    '1000',
  ];
  console.log(`$ cirrus ${cmd.join(' ')}`);
  console.log(await cli(...cmd));
  const job = JSON.parse(await cli('batch-predict', 'list', '--json')).jobs[0];
  for (const uri of [job.predictionsUri, job.errorsUri]) {
    const { Body } = await platform.deps.s3.send(
      new GetObjectCommand({ Bucket: platform.deps.bucket, Key: String(uri).replace(/^s3:\/\/[^/]+\//, '') }),
    );
    console.log(`# ${uri} (first lines)`);
    console.log((await Body?.transformToString())?.split('\n').slice(0, 4).join('\n'));
  }
  console.log('$ cirrus batch-predict list');
  console.log(await cli('batch-predict', 'list'));
} finally {
  await platform.stop();
}
