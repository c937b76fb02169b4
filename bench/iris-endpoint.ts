/**
 * The benches' served model: gradient boosting on iris, trained by the real trainer, registered,
 * made champion and served as the endpoint `iris` (bench/serving.ts, bench/lambda.ts).
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ModelContractSchema } from '../contracts/model-contract.js';
import type { CoreDeps } from '../core/deps.js';
import { setAlias } from '../core/registry/aliases.js';
import { registerModelVersion } from '../core/registry/versions.js';
import { ensureEndpoint } from '../core/serving/endpoints.js';
import { trainBuiltin } from '../training/quickstart.js';

export interface DeployedIris {
  /** iris.csv's first row as a request's features. */
  readonly features: Record<string, number>;
  /** Every iris row (features only), for batches. */
  readonly rows: readonly Record<string, number>[];
  /** The served ONNX model's bytes. */
  readonly onnx: Uint8Array;
}

export async function deployIris(deps: CoreDeps): Promise<DeployedIris> {
  const { root } = trainBuiltin('iris', 'gradient_boosting', { keep: true });
  const onnx = readFileSync(join(root, 'model', 'model.onnx'));
  const contract = ModelContractSchema.parse(
    JSON.parse(readFileSync(join(root, 'model', 'contract.json'), 'utf8')),
  );
  rmSync(root, { recursive: true, force: true });
  const key = `models/iris/versions/1/model.onnx`;
  await deps.s3.send(new PutObjectCommand({ Bucket: deps.bucket, Key: key, Body: onnx }));
  await registerModelVersion(deps, {
    model: 'iris',
    runId: 'bench',
    algorithm: contract.algorithm,
    contract,
    score: 1,
    onnxUri: `s3://${deps.bucket}/${key}`,
    onnxSha256: createHash('sha256').update(onnx).digest('hex'),
  });
  await setAlias(deps, { model: 'iris', alias: 'champion', version: 1, reason: 'bench', policy: 'manual', by: 'bench' });
  await ensureEndpoint(deps, { model: 'iris' });
  const [header, ...lines] = readFileSync(new URL('../datasets/iris.csv', import.meta.url), 'utf8')
    .trim()
    .split('\n');
  const names = header.split(',').slice(0, -1);
  const rows = lines.map((line) => {
    const values = line.split(',').map(Number);
    return Object.fromEntries(names.map((n, i) => [n, values[i]]));
  });
  return { features: rows[0], rows, onnx };
}
