import { createHash } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../core/errors.js';
import { normalizeRequest } from '../../core/serving/request-rows.js';
import { runModel } from '../../core/serving/run-model.js';
import {
  type ModelArtifactRef,
  ModelIntegrityError,
  SessionCache,
} from '../../core/serving/session-cache.js';
import { startTestEmulators, type TestEmulators } from './emulators.js';
import {
  classifierContract,
  regressorContract,
  tinyClassifierBytes,
  tinyRegressorBytes,
} from './fixtures/tiny-models.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
let emu: TestEmulators;
const classifier = tinyClassifierBytes();
const regressor = tinyRegressorBytes();

function ref(model: string, version: number, over: Partial<ModelArtifactRef> = {}): ModelArtifactRef {
  return {
    model,
    version,
    onnxUri: `models/${model}/versions/${version}/model.onnx`,
    onnxSha256: sha(classifier),
    contract: classifierContract,
    ...over,
  };
}

beforeAll(async () => {
  emu = await startTestEmulators();
  const put = (key: string, body: Uint8Array) =>
    emu.deps.s3.send(new PutObjectCommand({ Bucket: emu.deps.bucket, Key: key, Body: body }));
  for (const v of [1, 2, 3]) await put(`models/clf/versions/${v}/model.onnx`, classifier);
  await put('models/reg/versions/1/model.onnx', regressor);
});
afterAll(() => emu?.close());

describe('SessionCache', () => {
  it('loads a version once when many first requests arrive together', async () => {
    const cache = new SessionCache();
    const loaded = await Promise.all(Array.from({ length: 20 }, () => cache.get(emu.deps, ref('clf', 1))));
    expect(cache.stats.loads).toBe(1);
    expect(new Set(loaded.map((l) => l.session)).size).toBe(1);
    await cache.get(emu.deps, ref('clf', 1));
    expect(cache.stats).toMatchObject({ loads: 1, hits: 20 });
    const preds = await runModel(
      loaded[0],
      normalizeRequest({ features: { x1: 2, color: 'red', x2: 1 } }, ['x1', 'color', 'x2']),
    );
    expect(preds[0].label).toBe('yes');
  });

  it('refuses bytes whose sha256 differs from the registry, and retries on the next request', async () => {
    const cache = new SessionCache();
    const bad = ref('clf', 2, { onnxSha256: sha(regressor) });
    await expect(cache.get(emu.deps, bad)).rejects.toBeInstanceOf(ModelIntegrityError);
    await expect(cache.get(emu.deps, bad)).rejects.toThrow(/does not match the registry/);
    expect(cache.stats.loads).toBe(2);
    await expect(cache.get(emu.deps, ref('clf', 2))).resolves.toMatchObject({
      version: 2,
      sha256: sha(classifier),
    });
  });

  it('answers NotFound for a missing artifact', async () => {
    await expect(new SessionCache().get(emu.deps, ref('clf', 9))).rejects.toBeInstanceOf(NotFoundError);
  });

  it('keeps at most maxEntries versions, dropping the least recently used', async () => {
    const cache = new SessionCache({ maxEntries: 2 });
    await cache.get(emu.deps, ref('clf', 1));
    await cache.get(emu.deps, ref('clf', 2));
    await cache.get(emu.deps, ref('clf', 1)); // 1 is now most recent
    await cache.get(
      emu.deps,
      ref('reg', 1, {
        onnxSha256: sha(regressor),
        contract: regressorContract,
        onnxUri: `s3://${emu.deps.bucket}/models/reg/versions/1/model.onnx`,
      }),
    );
    expect(cache.size).toBe(2);
    expect(cache.stats.evictions).toBe(1);
    await cache.get(emu.deps, ref('clf', 1));
    expect(cache.stats.loads).toBe(3);
    await cache.get(emu.deps, ref('clf', 2));
    expect(cache.stats.loads).toBe(4);
  });
});
