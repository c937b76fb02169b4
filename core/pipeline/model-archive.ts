import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { x as extract } from 'tar';
import { ValidationError } from '../errors.js';

/** The files Cirrus's trainer writes into /opt/ml/model, as SageMaker tars them. */
export interface ModelArchive {
  readonly onnx: Uint8Array;
  /** Absent only from a custom trainer's archive (Evaluate infers the contract from the graph). */
  readonly contractJson?: string;
  /** The trainer's manifest.json (trainer version, seed, rows, duration), when the archive has one. */
  readonly manifestJson?: string;
  /** The trainer's metrics.json (its own scores and, for a tuned run, every candidate), when present. */
  readonly metricsJson?: string;
  readonly files: readonly string[];
}

/** Unpacks SageMaker's model.tar.gz (in a temp dir: Lambda's /tmp) and reads the model files. */
export async function readModelArchive(tarGz: Uint8Array): Promise<ModelArchive> {
  const dir = await mkdtemp(join(tmpdir(), 'cirrus-model-'));
  try {
    const archive = join(dir, 'model.tar.gz');
    await writeFile(archive, tarGz);
    const files: string[] = [];
    try {
      await extract({ file: archive, cwd: dir, strict: true, onReadEntry: (e) => void files.push(e.path) });
    } catch (e) {
      throw new ValidationError(`model.tar.gz: not a readable archive (${(e as Error).message})`, 'model');
    }
    const read = async (name: string) => {
      try {
        return await readFile(join(dir, name));
      } catch {
        throw new ValidationError(
          `model.tar.gz: has no ${name} (found: ${files.join(', ') || 'nothing'})`,
          'model',
        );
      }
    };
    const [onnx, contract] = await Promise.all([
      read('model.onnx'),
      files.includes('contract.json') ? read('contract.json') : undefined,
    ]);
    const optional = async (name: string) =>
      files.includes(name) ? (await read(name)).toString('utf8') : undefined;
    const [manifest, metrics] = await Promise.all([optional('manifest.json'), optional('metrics.json')]);
    return {
      onnx: new Uint8Array(onnx),
      contractJson: contract?.toString('utf8'),
      manifestJson: manifest,
      metricsJson: metrics,
      files,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
