import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { create as createTar } from 'tar';
import type { TrainingJobRequest } from './training-job-request.js';

/**
 * The `/opt/ml` tree of one job under `<dataDir>/jobs/<TrainingJobName>/`, plus the local extras
 * (`logs/trainer.log` as the CloudWatch stand-in, `description.json` for DescribeTrainingJob).
 */
export interface JobLayout {
  readonly root: string;
  readonly configDir: string;
  readonly dataDir: string;
  readonly modelDir: string;
  readonly outputDir: string;
  readonly failureFile: string;
  readonly logFile: string;
  readonly archiveFile: string;
  readonly descriptionFile: string;
}

export function jobLayout(jobsDir: string, name: string): JobLayout {
  const root = join(jobsDir, name);
  return {
    root,
    configDir: join(root, 'input', 'config'),
    dataDir: join(root, 'input', 'data'),
    modelDir: join(root, 'model'),
    outputDir: join(root, 'output'),
    failureFile: join(root, 'output', 'failure'),
    logFile: join(root, 'logs', 'trainer.log'),
    archiveFile: join(root, 'logs', 'model.tar.gz'),
    descriptionFile: join(root, 'description.json'),
  };
}

/** Creates the directories and writes the config files SageMaker writes before starting a container. */
export async function writeJobConfig(layout: JobLayout, request: TrainingJobRequest): Promise<void> {
  for (const dir of [
    layout.configDir,
    layout.dataDir,
    layout.modelDir,
    layout.outputDir,
    join(layout.root, 'logs'),
  ]) {
    await mkdir(dir, { recursive: true });
  }
  const config = (name: string, value: unknown) =>
    writeFile(join(layout.configDir, name), `${JSON.stringify(value, null, 2)}\n`);
  await config('hyperparameters.json', request.HyperParameters);
  await config(
    'inputdataconfig.json',
    Object.fromEntries(
      request.InputDataConfig.map((c) => [
        c.ChannelName,
        {
          ContentType: c.ContentType,
          TrainingInputMode: 'File',
          S3DistributionType: c.DataSource.S3DataSource.S3DataDistributionType ?? 'FullyReplicated',
          RecordWrapperType: 'None',
        },
      ]),
    ),
  );
  await config('resourceconfig.json', {
    current_host: 'algo-1',
    hosts: ['algo-1'],
    network_interface_name: 'lo',
  });
}

/** The one-line reason a trainer left in `/opt/ml/output/failure`, if any (SageMaker keeps 1 KiB). */
export async function readFailureReason(layout: JobLayout): Promise<string | undefined> {
  try {
    const text = (await readFile(layout.failureFile, 'utf8')).trim();
    return text === '' ? undefined : text.slice(0, 1024);
  } catch {
    return undefined;
  }
}

/** Packs the model directory's contents at the archive root, as SageMaker's model.tar.gz does. */
export async function packModel(layout: JobLayout): Promise<string> {
  const entries = await readdir(layout.modelDir);
  await createTar({ gzip: true, cwd: layout.modelDir, file: layout.archiveFile, portable: true }, entries);
  return layout.archiveFile;
}
